//! `jixiao watch` against an HTTP server on 127.0.0.1 started by the test: new files are
//! picked up, unchanged ones skipped (304), changed ones read again, and a 404 and a
//! timeout reported; links outside the index page's directory are never requested.

mod common;
use common::{jixiao, root};

use std::collections::HashMap;
use std::io::{BufRead, BufReader, Write};
use std::net::TcpListener;
use std::path::Path;

use std::sync::{Arc, Mutex};

type Files = Arc<Mutex<HashMap<String, Vec<u8>>>>;
type Hits = Arc<Mutex<Vec<(String, u16)>>>;

fn etag(body: &[u8]) -> String {
    let h = body.iter().fold(0xcbf2_9ce4_8422_2325u64, |h, b| {
        (h ^ u64::from(*b)).wrapping_mul(0x100_0000_01b3)
    });
    format!("\"{h:016x}\"")
}

/// Serves `files` (path → body); `/site/slow.txt` answers after 4 s; everything else is
/// a 404. ETags are content hashes; a matching If-None-Match gets a 304.
fn serve(files: Files, hits: Hits) -> String {
    let listener = TcpListener::bind("127.0.0.1:0").expect("bind");
    let addr = listener.local_addr().expect("addr");
    std::thread::spawn(move || {
        for stream in listener.incoming() {
            let Ok(mut stream) = stream else { continue };
            let files = files.clone();
            let hits = hits.clone();
            std::thread::spawn(move || {
                let mut reader = BufReader::new(stream.try_clone().expect("clone"));
                let mut line = String::new();
                if reader.read_line(&mut line).is_err() {
                    return;
                }
                let path = line.split_whitespace().nth(1).unwrap_or("/").to_string();
                let mut inm = None;
                loop {
                    let mut h = String::new();
                    if reader.read_line(&mut h).is_err() || h.trim().is_empty() {
                        break;
                    }
                    if let Some((k, v)) = h.split_once(':') {
                        if k.eq_ignore_ascii_case("if-none-match") {
                            inm = Some(v.trim().to_string());
                        }
                    }
                }
                if path == "/site/slow.txt" {
                    std::thread::sleep(std::time::Duration::from_secs(4));
                }
                let body = files.lock().expect("lock").get(&path).cloned();
                let (status, body, tag) = match body {
                    Some(b) => {
                        let tag = etag(&b);
                        if inm.as_deref() == Some(tag.as_str()) {
                            (304, Vec::new(), Some(tag))
                        } else {
                            (200, b, Some(tag))
                        }
                    }
                    None => (404, b"not found".to_vec(), None),
                };
                hits.lock().expect("lock").push((path.clone(), status));
                let ctype = if path.ends_with(".html") {
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

fn records(dir: &Path) -> usize {
    std::fs::read_to_string(dir.join("out/records.jsonl"))
        .expect("records")
        .lines()
        .count()
}

#[test]
fn watch_fetches_new_skips_unchanged_redoes_changed_and_reports_failures() {
    let text = std::fs::read(root().join("samples/text/001_7f02990d5c4f7ac6.txt")).expect("txt");
    let xlsx = std::fs::read(root().join("samples/xlsx/monitoring_002.xlsx")).expect("xlsx");
    let files: Files = Arc::new(Mutex::new(HashMap::new()));
    {
        let mut f = files.lock().expect("lock");
        f.insert(
            "/site/index.html".into(),
            r#"<html><body>
            <a href="a.txt">自评表</a> <a href='docs/b.xlsx'>跟踪表</a>
            <a href="missing.pdf">gone</a> <a href="slow.txt">slow</a>
            <a href="../outside.txt">not ours</a> <a href="page.html">a page</a>
            </body></html>"#
                .as_bytes()
                .to_vec(),
        );
        f.insert("/site/a.txt".into(), text.clone());
        f.insert("/site/docs/b.xlsx".into(), xlsx);
        f.insert("/outside.txt".into(), text.clone());
    }
    let hits: Hits = Arc::new(Mutex::new(Vec::new()));
    let base = serve(files.clone(), hits.clone());
    let index = format!("{base}/site/index.html");
    let dir = tempfile::tempdir().expect("tmp");
    let args = [
        "watch",
        &index,
        "--store",
        "store",
        "-o",
        "out",
        "--timeout",
        "1",
    ];

    // First pass: two new documents, a 404 and a timeout.
    let o = jixiao(&args, dir.path());
    let err = String::from_utf8_lossy(&o.stderr).into_owned();
    assert_eq!(o.status.code(), Some(1), "{err}");
    assert!(
        err.contains(&format!("new       {base}/site/a.txt")),
        "{err}"
    );
    assert!(
        err.contains(&format!("new       {base}/site/docs/b.xlsx")),
        "{err}"
    );
    assert!(
        err.contains(&format!("failed    {base}/site/missing.pdf: HTTP 404")),
        "{err}"
    );
    assert!(
        err.contains(&format!("failed    {base}/site/slow.txt: timed out")),
        "{err}"
    );
    assert!(
        err.contains("2 new, 0 changed, 0 unchanged, 2 failed"),
        "{err}"
    );
    let first = records(dir.path());
    assert!(first >= 9 + 30, "{first} records");
    // Only the index page and links under its directory were requested.
    assert!(hits
        .lock()
        .expect("lock")
        .iter()
        .all(|(p, _)| p.starts_with("/site/")));

    // Second pass: nothing changed; the server answers 304 and nothing is re-read.
    hits.lock().expect("lock").clear();
    let o = jixiao(&args, dir.path());
    let err = String::from_utf8_lossy(&o.stderr).into_owned();
    assert!(
        err.contains("0 new, 0 changed, 2 unchanged, 2 failed"),
        "{err}"
    );
    assert!(err.contains("(2 unchanged, 0 read)"), "{err}");
    assert!(hits
        .lock()
        .expect("lock")
        .iter()
        .any(|(p, s)| p == "/site/a.txt" && *s == 304));
    assert_eq!(records(dir.path()), first);

    // Third pass: a.txt changed on the site; only it is fetched and read again.
    let changed = String::from_utf8_lossy(&text)
        .replacen("2024", "2023", 1)
        .into_bytes();
    files
        .lock()
        .expect("lock")
        .insert("/site/a.txt".into(), changed.clone());
    let o = jixiao(&args, dir.path());
    let err = String::from_utf8_lossy(&o.stderr).into_owned();
    assert!(
        err.contains(&format!("changed   {base}/site/a.txt")),
        "{err}"
    );
    assert!(
        err.contains("0 new, 1 changed, 1 unchanged, 2 failed"),
        "{err}"
    );
    assert!(err.contains("(1 unchanged, 1 read)"), "{err}");
    let stored = std::fs::read_dir(dir.path().join("store"))
        .expect("store")
        .count();
    assert!(stored >= 2, "{stored}");
    assert_eq!(records(dir.path()), first);
}
