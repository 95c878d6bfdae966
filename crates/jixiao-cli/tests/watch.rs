//! `jixiao watch` against an HTTP server on 127.0.0.1 started by the test: new files are
//! picked up, unchanged ones skipped (304), a revised one kept beside its earlier version
//! with exactly its changed values listed, one no longer listed marked withdrawn; and
//! the crawl is polite: robots.txt obeyed, a 503 retried, `下一页` pages and articles
//! followed, other sites left alone, URLs differing in their query stored apart.

mod common;
use common::{jixiao, root};

use std::collections::HashMap;
use std::io::{BufRead, BufReader, Write};
use std::net::TcpListener;
use std::path::Path;
use std::sync::{Arc, Mutex};

/// Path (with query) → the responses it gives in turn (the last one repeats):
/// status and body.
type Site = Arc<Mutex<HashMap<String, Vec<(u16, Vec<u8>)>>>>;
/// Requests met: path, status, User-Agent.
type Hits = Arc<Mutex<Vec<(String, u16, String)>>>;

fn etag(body: &[u8]) -> String {
    let h = body.iter().fold(0xcbf2_9ce4_8422_2325u64, |h, b| {
        (h ^ u64::from(*b)).wrapping_mul(0x100_0000_01b3)
    });
    format!("\"{h:016x}\"")
}

fn put(site: &Site, path: &str, body: &[u8]) {
    site.lock()
        .expect("lock")
        .insert(path.into(), vec![(200, body.to_vec())]);
}

/// Serves `site`; `/site/slow.txt` answers after 4 s; everything else is a 404. ETags
/// are content hashes; a matching If-None-Match gets a 304.
fn serve(site: Site, hits: Hits) -> String {
    let listener = TcpListener::bind("127.0.0.1:0").expect("bind");
    let addr = listener.local_addr().expect("addr");
    std::thread::spawn(move || {
        for stream in listener.incoming() {
            let Ok(mut stream) = stream else { continue };
            let site = site.clone();
            let hits = hits.clone();
            std::thread::spawn(move || {
                let mut reader = BufReader::new(stream.try_clone().expect("clone"));
                let mut line = String::new();
                if reader.read_line(&mut line).is_err() {
                    return;
                }
                let path = line.split_whitespace().nth(1).unwrap_or("/").to_string();
                let (mut inm, mut agent) = (None, String::new());
                loop {
                    let mut h = String::new();
                    if reader.read_line(&mut h).is_err() || h.trim().is_empty() {
                        break;
                    }
                    if let Some((k, v)) = h.split_once(':') {
                        if k.eq_ignore_ascii_case("if-none-match") {
                            inm = Some(v.trim().to_string());
                        } else if k.eq_ignore_ascii_case("user-agent") {
                            agent = v.trim().to_string();
                        }
                    }
                }
                if path == "/site/slow.txt" {
                    std::thread::sleep(std::time::Duration::from_secs(4));
                }
                let next = {
                    let mut s = site.lock().expect("lock");
                    s.get_mut(&path).map(|list| {
                        if list.len() > 1 {
                            list.remove(0)
                        } else {
                            list[0].clone()
                        }
                    })
                };
                let (status, body, tag) = match next {
                    Some((200, b)) => {
                        let tag = etag(&b);
                        if inm.as_deref() == Some(tag.as_str()) {
                            (304, Vec::new(), Some(tag))
                        } else {
                            (200, b, Some(tag))
                        }
                    }
                    Some((s, b)) => (s, b, None),
                    None => (404, b"not found".to_vec(), None),
                };
                hits.lock()
                    .expect("lock")
                    .push((path.clone(), status, agent));
                let ctype = if path.contains(".html") {
                    "text/html; charset=utf-8"
                } else {
                    "application/octet-stream"
                };
                let mut head = format!(
                    "HTTP/1.1 {status} X\r\nContent-Length: {}\r\nContent-Type: {ctype}\r\nConnection: close\r\n",
                    body.len()
                );
                if let Some(t) = tag {
                    head.push_str(&format!("ETag: {t}\r\n"));
                }
                head.push_str("\r\n");
                let _ = stream.write_all(head.as_bytes());
                let _ = stream.write_all(&body);
            });
        }
    });
    format!("http://{addr}")
}

/// Runs `jixiao watch URL --store store -o out EXTRA…` in `d`: the outcome and stderr.
fn watch(url: &str, extra: &[&str], d: &Path) -> (std::process::Output, String) {
    let mut args = vec!["watch", url, "--store", "store", "-o", "out"];
    args.extend_from_slice(extra);
    let o = jixiao(&args, d);
    let err = String::from_utf8_lossy(&o.stderr).into_owned();
    (o, err)
}

fn read(dir: &Path, file: &str) -> String {
    std::fs::read_to_string(dir.join(file)).unwrap_or_else(|e| panic!("{file}: {e}"))
}

fn jsonl(dir: &Path, file: &str) -> Vec<serde_json::Value> {
    read(dir, file)
        .lines()
        .map(|l| serde_json::from_str(l).expect("json line"))
        .collect()
}

/// `(source_url, withdrawn)` of every row of a dataset CSV file (`withdrawn` empty when
/// the cell is).
fn withdrawn_by_url(csv_path: &Path) -> Vec<(String, String)> {
    let mut r = csv::Reader::from_path(csv_path).expect("csv");
    let header = r.headers().expect("header").clone();
    let col = |name: &str| {
        header
            .iter()
            .position(|h| h == name)
            .unwrap_or_else(|| panic!("no {name} in {header:?}"))
    };
    let (url, withdrawn) = (col("source_url"), col("withdrawn"));
    r.records()
        .map(|row| {
            let row = row.expect("row");
            (row[url].to_string(), row[withdrawn].to_string())
        })
        .collect()
}

fn sample(name: &str) -> Vec<u8> {
    std::fs::read(root().join("samples").join(name)).expect("sample")
}

#[test]
fn watch_keeps_versions_lists_revised_values_and_marks_withdrawn() {
    let text = sample("text/001_7f02990d5c4f7ac6.txt");
    let xlsx = sample("xlsx/monitoring_002.xlsx");
    let site: Site = Arc::new(Mutex::new(HashMap::new()));
    let index = |with_b: bool| {
        format!(
            r#"<html><body>
            <a href="a.txt">自评表</a> {}
            <a href="missing.pdf">gone</a> <a href="slow.txt">slow</a>
            <a href="../outside.txt">附件（站内另一目录）</a>
            </body></html>"#,
            if with_b {
                r#"<a href='docs/b.xlsx'>跟踪表</a>"#
            } else {
                ""
            }
        )
    };
    put(&site, "/site/index.html", index(true).as_bytes());
    put(&site, "/site/a.txt", &text);
    put(&site, "/site/docs/b.xlsx", &xlsx);
    let outside = String::from_utf8_lossy(&text).replacen("736.00", "735.00", 1);
    put(&site, "/outside.txt", outside.as_bytes());
    let hits: Hits = Arc::new(Mutex::new(Vec::new()));
    let base = serve(site.clone(), hits.clone());
    let url = format!("{base}/site/index.html");
    let dir = tempfile::tempdir().expect("tmp");
    let d = dir.path();
    let extra = ["--timeout", "1", "--interval", "0", "--retries", "0"];

    // First pass: three new documents (one outside the index's folder, same site), a
    // 404 and a timeout.
    let (o, err) = watch(&url, &extra, d);
    assert_eq!(o.status.code(), Some(1), "{err}");
    for doc in ["site/a.txt", "site/docs/b.xlsx", "outside.txt"] {
        assert!(err.contains(&format!("new       {base}/{doc}")), "{err}");
    }
    assert!(
        err.contains(&format!("failed    {base}/site/missing.pdf: HTTP 404")),
        "{err}"
    );
    assert!(
        err.contains(&format!("failed    {base}/site/slow.txt: timed out")),
        "{err}"
    );
    assert!(
        err.contains("3 new, 0 changed, 0 unchanged, 0 withdrawn, 0 skipped, 2 failed"),
        "{err}"
    );
    // Records and tables say where each form was downloaded from, and when.
    let records = jsonl(d, "out/records.jsonl");
    let first = records.len();
    let a_url = format!("{base}/site/a.txt");
    let count = |records: &[serde_json::Value], u: &str| {
        records.iter().filter(|r| r["source"]["url"] == u).count()
    };
    assert_eq!(count(&records, &a_url), 9);
    assert_eq!(count(&records, &format!("{base}/outside.txt")), 9);
    assert!(count(&records, &format!("{base}/site/docs/b.xlsx")) >= 20);
    let of_a: Vec<&serde_json::Value> = records
        .iter()
        .filter(|r| r["source"]["url"] == a_url.as_str())
        .collect();
    assert!(!of_a.is_empty());
    let fetched = of_a[0]["source"]["fetched_at"]
        .as_str()
        .expect("fetched_at");
    assert!(fetched.len() == 20 && fetched.ends_with('Z'), "{fetched}");
    assert!(records.iter().all(|r| r["source"]["url"].is_string()));
    let forms = read(d, "out/forms.csv");
    let header = forms.lines().next().expect("header");
    assert!(
        header.contains("source_url,fetched_at,withdrawn"),
        "{header}"
    );
    assert!(forms.contains(&format!("{a_url},{fetched},")), "{forms}");

    // Second pass: nothing changed; the server answers 304 and nothing is re-read.
    hits.lock().expect("lock").clear();
    let (o, err) = watch(&url, &extra, d);
    assert_eq!(o.status.code(), Some(1), "{err}");
    assert!(err.contains("0 new, 0 changed, 3 unchanged"), "{err}");
    assert!(err.contains("(3 unchanged, 0 read)"), "{err}");
    assert!(hits
        .lock()
        .expect("lock")
        .iter()
        .any(|(p, s, _)| p == "/site/a.txt" && *s == 304));
    assert_eq!(jsonl(d, "out/records.jsonl").len(), first);

    // Third pass: the agency revised one value of a.txt. The earlier version is kept,
    // and the revision lists exactly that value, old → new, with both versions.
    let revised = String::from_utf8_lossy(&text)
        .replacen("736.00(人)", "740.00(人)", 1)
        .into_bytes();
    put(&site, "/site/a.txt", &revised);
    let (o, err) = watch(&url, &extra, d);
    assert_eq!(o.status.code(), Some(1), "{err}");
    assert!(err.contains(&format!("changed   {a_url}")), "{err}");
    assert!(err.contains("0 new, 1 changed, 2 unchanged"), "{err}");
    assert!(err.contains("(2 unchanged, 1 read)"), "{err}");
    assert!(
        err.contains(&format!("revised   {a_url}: 1 forms differ, 2 values")),
        "{err}"
    );
    let revisions = jsonl(d, "out/revisions.jsonl");
    assert_eq!(revisions.len(), 1, "{revisions:?}");
    let rv = &revisions[0];
    assert_eq!(rv["url"], a_url.as_str());
    let (old_file, new_file) = (
        rv["old"]["file"].as_str().expect("old"),
        rv["new"]["file"].as_str().expect("new"),
    );
    assert_ne!(old_file, new_file);
    assert_eq!(
        std::fs::read(d.join(old_file)).expect("old version kept"),
        text
    );
    assert_eq!(
        std::fs::read(d.join(new_file)).expect("new version"),
        revised
    );
    let forms = rv["records"].as_array().expect("records");
    assert_eq!(forms.len(), 1, "{forms:?}");
    assert_eq!(forms[0]["change"], "changed");
    assert_eq!(forms[0]["project_name"], "对口扶贫支援类");
    assert!(forms[0]["old_link"]
        .as_str()
        .expect("link")
        .starts_with(old_file));
    assert!(forms[0]["new_link"]
        .as_str()
        .expect("link")
        .starts_with(new_file));
    let changes: Vec<(String, String, String)> = forms[0]["changes"]
        .as_array()
        .expect("changes")
        .iter()
        .map(|c| {
            (
                c["field"].as_str().unwrap_or("").to_string(),
                c["old"].to_string(),
                c["new"].to_string(),
            )
        })
        .collect();
    let row = "indicators[产出指标/数量指标/转移脱贫劳动力]";
    assert_eq!(
        changes,
        vec![
            (
                format!("{row}.actual.text"),
                "\"736.00(人)\"".into(),
                "\"740.00(人)\"".into()
            ),
            (
                format!("{row}.actual.value"),
                "\"736.00\"".into(),
                "\"740.00\"".into()
            ),
        ]
    );
    // The auditors' outputs show it too; the store keeps the history.
    assert!(read(d, "out/report.html").contains("发布后修订的文件"));
    assert_eq!(jsonl(d, "store/revisions.jsonl").len(), 1);
    assert_eq!(jsonl(d, "out/records.jsonl").len(), first);

    // Fourth pass: the index stops listing b.xlsx: it is marked withdrawn with the
    // date, its file and records kept; the revision history stays.
    put(&site, "/site/index.html", index(false).as_bytes());
    let (o, err) = watch(&url, &extra, d);
    assert_eq!(o.status.code(), Some(1), "{err}");
    let b_url = format!("{base}/site/docs/b.xlsx");
    assert!(err.contains(&format!("withdrawn {b_url}")), "{err}");
    assert!(
        err.contains("0 new, 0 changed, 2 unchanged, 1 withdrawn"),
        "{err}"
    );
    let records = jsonl(d, "out/records.jsonl");
    assert_eq!(records.len(), first);
    // The date of this run, as the store recorded it.
    let state: serde_json::Value =
        serde_json::from_str(&read(d, "store/store.json")).expect("state");
    let checked = state["documents"][a_url.as_str()]["checked_at"]
        .as_str()
        .expect("checked_at");
    let today = &checked[..10];
    let of_b: Vec<&serde_json::Value> = records
        .iter()
        .filter(|r| r["source"]["url"] == b_url.as_str())
        .collect();
    assert!(!of_b.is_empty());
    assert!(of_b.iter().all(|r| r["source"]["withdrawn"] == today));
    assert!(records
        .iter()
        .filter(|r| r["source"]["url"] != b_url.as_str())
        .all(|r| r["source"].get("withdrawn").is_none()));
    // The tables say so too: their rows are not the ones made before the web source
    // changed (the file itself did not).
    let withdrawn_in_forms = withdrawn_by_url(&d.join("out/forms.csv"));
    assert_eq!(withdrawn_in_forms.len(), records.len());
    for r in &records {
        let url = r["source"]["url"].as_str().expect("url");
        let want = r["source"]["withdrawn"].as_str().unwrap_or("");
        assert!(
            withdrawn_in_forms.contains(&(url.to_string(), want.to_string())),
            "{url} {want:?}: {withdrawn_in_forms:?}"
        );
    }
    assert_eq!(
        withdrawn_in_forms
            .iter()
            .filter(|(u, w)| *u == b_url && w == today)
            .count(),
        of_b.len()
    );
    assert_eq!(jsonl(d, "out/revisions.jsonl").len(), 1);
    // Not withdrawn twice.
    let (o, err) = watch(&url, &extra, d);
    assert_eq!(o.status.code(), Some(1), "{err}");
    assert!(err.contains("0 withdrawn"), "{err}");
}

#[test]
fn watch_crawls_politely() {
    let text = sample("text/001_7f02990d5c4f7ac6.txt");
    let variant = |from: &str, to: &str| {
        String::from_utf8_lossy(&text)
            .replacen(from, to, 1)
            .into_bytes()
    };
    let site: Site = Arc::new(Mutex::new(HashMap::new()));
    put(
        &site,
        "/robots.txt",
        b"User-agent: *\nDisallow: /site/private/\n\nUser-agent: otherbot\nDisallow: /\n",
    );
    put(
        &site,
        "/site/index.html",
        r#"<html><body><ul>
        <li><a href="private/p.txt">内部</a></li>
        <li><a href="get.txt?id=1">附件1</a></li> <li><a href="get.txt?id=2">附件2</a></li>
        <li><a href="flaky.txt">附件3</a></li>
        <li><a href="art/2024.html">2024年绩效自评结果</a></li>
        </ul><div class="page"><a href="index.html">首页</a> <a href="index_2.html">下一页</a></div>
        <a href="/about.html">关于我们</a>
        <a href="http://127.0.0.2:9/site/x.pdf">外站附件</a></body></html>"#
            .as_bytes(),
    );
    put(
        &site,
        "/site/index_2.html",
        br#"<html><body><a href="c.txt">c</a></body></html>"#,
    );
    put(
        &site,
        "/site/art/2024.html",
        r#"<html><body><p>附件：<a href="/upload/2024/d.txt">d</a></p></body></html>"#.as_bytes(),
    );
    put(&site, "/site/get.txt?id=1", &variant("736.00", "737.00"));
    put(&site, "/site/get.txt?id=2", &variant("736.00", "738.00"));
    put(&site, "/site/private/p.txt", &text);
    put(&site, "/site/c.txt", &variant("736.00", "739.00"));
    put(&site, "/upload/2024/d.txt", &variant("736.00", "741.00"));
    site.lock().expect("lock").insert(
        "/site/flaky.txt".into(),
        vec![(503, b"busy".to_vec()), (200, variant("736.00", "742.00"))],
    );
    let hits: Hits = Arc::new(Mutex::new(Vec::new()));
    let base = serve(site.clone(), hits.clone());
    let url = format!("{base}/site/index.html");
    let dir = tempfile::tempdir().expect("tmp");
    let d = dir.path();
    let (o, err) = watch(
        &url,
        &[
            "--interval",
            "0.05",
            "--backoff",
            "0.2",
            "--retries",
            "2",
            "-v",
        ],
        d,
    );
    assert_eq!(o.status.code(), Some(0), "{err}");
    let hits = hits.lock().expect("lock").clone();
    let paths: Vec<&str> = hits.iter().map(|(p, _, _)| p.as_str()).collect();
    // robots.txt asked once, first; its disallow honoured; the document reported.
    assert_eq!(paths[0], "/robots.txt");
    assert_eq!(paths.iter().filter(|p| **p == "/robots.txt").count(), 1);
    assert!(!paths.contains(&"/site/private/p.txt"), "{paths:?}");
    assert!(
        err.contains(&format!(
            "skipped   {base}/site/private/p.txt: disallowed by robots.txt"
        )),
        "{err}"
    );
    // The 503 was retried; the second answer taken.
    let flaky: Vec<u16> = hits
        .iter()
        .filter(|(p, _, _)| p == "/site/flaky.txt")
        .map(|(_, s, _)| *s)
        .collect();
    assert_eq!(flaky, vec![503, 200]);
    // The next page and the article under the index's folder were read; the site's
    // other pages and other sites were not.
    for p in [
        "/site/index_2.html",
        "/site/art/2024.html",
        "/upload/2024/d.txt",
        "/site/c.txt",
    ] {
        assert!(paths.contains(&p), "{p} not requested: {paths:?}");
    }
    assert!(!paths.contains(&"/about.html"), "{paths:?}");
    assert!(
        err.contains("elsewhere http://127.0.0.2:9/site/x.pdf (another site: not fetched)"),
        "{err}"
    );
    assert!(
        err.contains(
            "5 new, 0 changed, 0 unchanged, 0 withdrawn, 1 skipped, 0 failed (3 pages read)"
        ),
        "{err}"
    );
    // Every request said who we are.
    assert!(
        hits.iter().all(|(_, _, ua)| ua.starts_with("jixiao/")),
        "{hits:?}"
    );
    // Two URLs differing only in their query are two documents, stored apart.
    let state: serde_json::Value =
        serde_json::from_str(&read(d, "store/store.json")).expect("state");
    let file = |u: &str| {
        state["documents"][format!("{base}/site/{u}")]["file"]
            .as_str()
            .unwrap_or_else(|| panic!("{u} not in the store"))
            .to_string()
    };
    let (one, two) = (file("get.txt?id=1"), file("get.txt?id=2"));
    assert_ne!(one, two);
    assert!(std::fs::read_to_string(d.join("store").join(&one))
        .expect("one")
        .contains("737.00"));
    assert!(std::fs::read_to_string(d.join("store").join(&two))
        .expect("two")
        .contains("738.00"));
    let records = jsonl(d, "out/records.jsonl");
    for q in ["get.txt?id=1", "get.txt?id=2"] {
        let u = format!("{base}/site/{q}");
        assert!(
            records.iter().any(|r| r["source"]["url"] == u.as_str()),
            "{q}"
        );
    }
}
