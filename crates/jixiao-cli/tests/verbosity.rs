//! What the binary says on stderr (`-v` one line per file, `-q` errors only),
//! `--summary-json`, and `jixiao explain` (text, JSON, HTML, selections, exit codes).

mod common;
use common::{jixiao, root};

fn stderr(o: &std::process::Output) -> String {
    String::from_utf8_lossy(&o.stderr).into_owned()
}

/// A work directory with two text samples and one file without forms.
fn workdir() -> tempfile::TempDir {
    let dir = tempfile::tempdir().expect("tmp");
    for f in ["001_7f02990d5c4f7ac6.txt", "003_8db70a21b77abcfc.txt"] {
        std::fs::copy(root().join("samples/text").join(f), dir.path().join(f)).expect("copy");
    }
    std::fs::write(dir.path().join("prose.txt"), "这不是一张表。\n".as_bytes()).expect("write");
    dir
}

#[test]
fn verbose_prints_one_line_per_file_and_the_summary_json_adds_up() {
    let dir = workdir();
    let o = jixiao(
        &[
            "extract",
            ".",
            "-o",
            "out",
            "-v",
            "--summary-json",
            "run.json",
        ],
        dir.path(),
    );
    assert_eq!(o.status.code(), Some(1), "{}", stderr(&o));
    let err = stderr(&o);
    let per_file: Vec<&str> = err
        .lines()
        .filter(|l| l.starts_with("jixiao: ./") && l.contains(" s"))
        .collect();
    assert_eq!(per_file.len(), 3, "{err}");
    let good = per_file
        .iter()
        .find(|l| l.contains("001_7f02990d5c4f7ac6.txt"))
        .expect("line of 001");
    assert!(
        good.contains(": text, ") && good.contains(" lines, "),
        "{good}"
    );
    assert!(good.contains("9 forms"), "{good}");
    let json: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(dir.path().join("run.json")).expect("json"))
            .expect("summary json");
    let records = std::fs::read_to_string(dir.path().join("out/records.jsonl")).expect("records");
    let findings =
        std::fs::read_to_string(dir.path().join("out/findings.jsonl")).expect("findings");
    let t = &json["totals"];
    assert_eq!(t["files"], 3);
    assert_eq!(t["failed"], 1);
    assert_eq!(t["forms"].as_u64(), Some(records.lines().count() as u64));
    assert_eq!(
        t["findings"].as_u64(),
        Some(findings.lines().count() as u64)
    );
    let files = json["files"].as_array().expect("files");
    let sum: u64 = files.iter().map(|f| f["forms"].as_u64().unwrap_or(0)).sum();
    assert_eq!(sum, t["forms"].as_u64().unwrap_or(0));
    let prose = files
        .iter()
        .find(|f| f["path"].as_str().is_some_and(|p| p.ends_with("prose.txt")))
        .expect("prose entry");
    assert_eq!(prose["status"], "error");
    assert!(prose["errors"][0]
        .as_str()
        .is_some_and(|m| m.contains("no budget-performance form")));
}

#[test]
fn quiet_prints_errors_only() {
    let dir = workdir();
    let o = jixiao(&["extract", ".", "-o", "out", "-q"], dir.path());
    assert_eq!(o.status.code(), Some(1));
    let err = stderr(&o);
    assert_eq!(err.lines().count(), 1, "{err}");
    assert!(err.contains("prose.txt"), "{err}");
    std::fs::remove_file(dir.path().join("prose.txt")).expect("rm");
    let o = jixiao(&["extract", ".", "-o", "out", "-q"], dir.path());
    assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
    assert_eq!(stderr(&o), "");
}

#[test]
fn explain_prints_the_grid_and_the_parsers_view() {
    let sample = root().join("samples/text/001_7f02990d5c4f7ac6.txt");
    let file = sample.to_str().expect("utf8");
    let o = jixiao(&["explain", file, "--lines", "1-30"], &root());
    assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
    let out = String::from_utf8_lossy(&o.stdout);
    for want in [
        "== cells",
        "项目名称",
        "form 1 · self_evaluation",
        "anchor",
        "project_name",
        "→ indicator 1",
        "table ends",
    ] {
        assert!(out.contains(want), "explain lacks {want}:\n{out}");
    }
    // Only the rows asked for.
    assert!(!out.contains("line 31 "), "{out}");

    let html = tempfile::tempdir().expect("tmp");
    let page = html.path().join("x.html");
    let o = jixiao(
        &[
            "explain",
            file,
            "--json",
            "--html",
            page.to_str().expect("utf8"),
        ],
        &root(),
    );
    assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
    let json: serde_json::Value = serde_json::from_slice(&o.stdout).expect("explain json");
    assert_eq!(json["forms"].as_array().map(Vec::len), Some(9));
    let html = std::fs::read_to_string(&page).expect("html");
    assert!(html.contains("<table>") && html.contains("对口扶贫支援类"));

    // A selection outside the file, a file without forms.
    let o = jixiao(&["explain", file, "--page", "3"], &root());
    assert_eq!(o.status.code(), Some(2));
    assert!(stderr(&o).contains("lines 1–"), "{}", stderr(&o));
    let dir = workdir();
    let o = jixiao(&["explain", "prose.txt"], dir.path());
    assert_eq!(o.status.code(), Some(1));
}
