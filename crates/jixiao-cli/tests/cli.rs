//! End-to-end tests of the `jixiao` binary: exit codes, outputs and error entries.

use std::path::{Path, PathBuf};
use std::process::{Command, Output};

fn jixiao(args: &[&str], cwd: &Path) -> Output {
    Command::new(env!("CARGO_BIN_EXE_jixiao"))
        .args(args)
        .current_dir(cwd)
        .output()
        .expect("run jixiao")
}

fn root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../..")
}

fn lines(p: &Path) -> Vec<serde_json::Value> {
    std::fs::read_to_string(p)
        .expect("output file")
        .lines()
        .map(|l| serde_json::from_str(l).expect("json line"))
        .collect()
}

#[test]
fn extracts_the_bundled_samples_with_no_path() {
    let out = tempfile::tempdir().expect("tmp");
    let o = jixiao(
        &["extract", "-o", out.path().to_str().expect("utf8")],
        &root(),
    );
    assert_eq!(
        o.status.code(),
        Some(0),
        "stderr: {}",
        String::from_utf8_lossy(&o.stderr)
    );
    let recs = lines(&out.path().join("records.jsonl"));
    assert_eq!(recs.len(), 100);
    assert!(lines(&out.path().join("errors.jsonl")).is_empty());
    let stderr = String::from_utf8_lossy(&o.stderr);
    assert!(stderr.contains("100 forms"), "{stderr}");
}

#[test]
fn bad_files_become_error_entries_and_exit_1() {
    let dir = tempfile::tempdir().expect("tmp");
    std::fs::copy(
        root().join("samples/text/001_7f02990d5c4f7ac6.txt"),
        dir.path().join("good.txt"),
    )
    .expect("copy");
    std::fs::write(dir.path().join("empty.txt"), b"").expect("write");
    std::fs::write(dir.path().join("binary.txt"), b"\x00\x01\x02garbage").expect("write");
    std::fs::write(dir.path().join("prose.txt"), "这不是一张表。\n".as_bytes()).expect("write");
    let out = dir.path().join("out");
    let o = jixiao(&["extract", ".", "-o", "out"], dir.path());
    assert_eq!(
        o.status.code(),
        Some(1),
        "stderr: {}",
        String::from_utf8_lossy(&o.stderr)
    );
    assert_eq!(lines(&out.join("records.jsonl")).len(), 9);
    let errs = lines(&out.join("errors.jsonl"));
    assert_eq!(errs.len(), 3, "{errs:?}");
    let files: Vec<&str> = errs.iter().filter_map(|e| e["file"].as_str()).collect();
    assert!(files.iter().any(|f| f.ends_with("empty.txt")), "{files:?}");
    assert!(files.iter().any(|f| f.ends_with("binary.txt")), "{files:?}");
    assert!(files.iter().any(|f| f.ends_with("prose.txt")), "{files:?}");
    let binary = errs
        .iter()
        .find(|e| {
            e["file"]
                .as_str()
                .is_some_and(|f| f.ends_with("binary.txt"))
        })
        .expect("binary entry");
    assert_eq!(binary["place"], "byte 0");
}

#[test]
fn usage_errors_exit_2() {
    let o = jixiao(&["extract", "--no-such-flag"], &root());
    assert_eq!(o.status.code(), Some(2));
    let o = jixiao(
        &["extract", "does/not/exist.txt", "-o", "/tmp/jixiao-never"],
        &root(),
    );
    assert_eq!(o.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&o.stderr).contains("does/not/exist.txt"));
}

#[test]
fn help_explains_the_options() {
    let o = jixiao(&["extract", "--help"], &root());
    assert_eq!(o.status.code(), Some(0));
    let help = String::from_utf8_lossy(&o.stdout);
    for word in [
        "--output",
        "--threads",
        "records.jsonl",
        "errors.jsonl",
        "Exit status",
    ] {
        assert!(help.contains(word), "help lacks {word}:\n{help}");
    }
}

#[test]
fn output_does_not_depend_on_thread_count() {
    let a = tempfile::tempdir().expect("tmp");
    let b = tempfile::tempdir().expect("tmp");
    for (dir, j) in [(&a, "1"), (&b, "4")] {
        let o = jixiao(
            &[
                "extract",
                "samples/text",
                "-j",
                j,
                "-o",
                dir.path().to_str().expect("utf8"),
            ],
            &root(),
        );
        assert_eq!(o.status.code(), Some(0));
    }
    let ra = std::fs::read(a.path().join("records.jsonl")).expect("a");
    let rb = std::fs::read(b.path().join("records.jsonl")).expect("b");
    assert_eq!(ra, rb);
}
