//! Files are read by worker processes: a file that aborts its worker, runs it out of its
//! address space or past its deadline is that file's error entry, and the other files of
//! the run are written as if it were not there.

mod common;

use common::{jixiao, root};
use std::path::Path;

/// The hostile reproducers (at sizes a test build reads quickly) and two sample forms.
fn mixed(dir: &Path) -> Vec<String> {
    let bombs: Vec<(&str, Vec<u8>)> = vec![
        ("loop.xls", jixiao_mess::bombs::xls_fat_loop()),
        ("corners.xlsx", jixiao_mess::bombs::xlsx_sparse_corners()),
        ("cmap.pdf", jixiao_mess::bombs::pdf_cmap_ranges(2048)),
        ("grid.pdf", jixiao_mess::bombs::pdf_grid(20_000)),
        (
            "fanout.pdf",
            jixiao_mess::bombs::pdf_xobject_fanout(8, 8, 1 << 20),
        ),
    ];
    let mut names = Vec::new();
    for (name, bytes) in bombs {
        std::fs::write(dir.join(name), bytes).expect("write bomb");
        names.push(name.to_string());
    }
    for sample in samples() {
        let from = root().join(&sample);
        let name = from
            .file_name()
            .expect("name")
            .to_string_lossy()
            .to_string();
        std::fs::copy(&from, dir.join(&name)).expect("copy sample");
    }
    names
}

fn samples() -> Vec<String> {
    let text = root().join("samples/text");
    let mut t: Vec<String> = std::fs::read_dir(&text)
        .expect("samples/text")
        .filter_map(|e| e.ok())
        .map(|e| format!("samples/text/{}", e.file_name().to_string_lossy()))
        .collect();
    t.sort();
    t.truncate(2);
    t
}

fn lines(p: &Path) -> Vec<String> {
    std::fs::read_to_string(p)
        .unwrap_or_default()
        .lines()
        .map(String::from)
        .collect()
}

/// Records with their file name only and no link (the runs read from different
/// directories).
fn records(out: &Path) -> Vec<serde_json::Value> {
    lines(&out.join("records.jsonl"))
        .iter()
        .map(|l| {
            let mut v: serde_json::Value = serde_json::from_str(l).expect("record");
            let file = v["source"]["file"].as_str().unwrap_or("").to_string();
            let base = file.rsplit('/').next().unwrap_or("").to_string();
            v["source"]["file"] = base.into();
            v["source"]["link"] = serde_json::Value::Null;
            v
        })
        .collect()
}

#[test]
fn bombs_beside_samples_give_the_samples_records_and_one_error_each() {
    let tmp = tempfile::tempdir().expect("tmp");
    let mixed_dir = tmp.path().join("in");
    let alone_dir = tmp.path().join("alone");
    std::fs::create_dir_all(&mixed_dir).expect("mkdir");
    std::fs::create_dir_all(&alone_dir).expect("mkdir");
    let bombs = mixed(&mixed_dir);
    for s in samples() {
        let from = root().join(&s);
        std::fs::copy(&from, alone_dir.join(from.file_name().expect("name"))).expect("copy");
    }
    let out = jixiao(&["extract", "-q", "in", "-o", "out"], tmp.path());
    assert_eq!(
        out.status.code(),
        Some(1),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let alone = jixiao(&["extract", "-q", "alone", "-o", "out-alone"], tmp.path());
    assert_eq!(alone.status.code(), Some(0));
    let got = records(&tmp.path().join("out"));
    assert!(!got.is_empty());
    assert!(
        got == records(&tmp.path().join("out-alone")),
        "records differ"
    );
    let errors = lines(&tmp.path().join("out/errors.jsonl"));
    for b in &bombs {
        let n = errors
            .iter()
            .filter(|e| e.contains(&format!("in/{b}")))
            .count();
        assert_eq!(n, 1, "{b}: {errors:?}");
    }
    assert_eq!(errors.len(), bombs.len());
}

#[test]
fn a_file_past_the_memory_limit_or_the_deadline_is_its_error_entry() {
    let tmp = tempfile::tempdir().expect("tmp");
    let dir = tmp.path().join("in");
    std::fs::create_dir_all(&dir).expect("mkdir");
    // 500,000 cells (within the workbook cell limit) of one 300-character shared
    // string: over 450 MB of text to read, and seconds in a test build.
    std::fs::write(
        dir.join("big.xlsx"),
        jixiao_mess::bombs::xlsx_shared_text(500, 1000, 300),
    )
    .expect("write");
    let sample = &samples()[0];
    std::fs::copy(root().join(sample), dir.join("form.txt")).expect("copy");
    for (flags, reason) in [
        (["--max-file-mb", "250"], "resource limit: memory (250 MiB)"),
        (["--file-timeout", "1"], "resource limit: timeout (1 s)"),
    ] {
        let mut args = vec!["extract", "-q", "in", "-o", "out"];
        args.extend(flags);
        let out = jixiao(&args, tmp.path());
        assert_eq!(out.status.code(), Some(1), "{flags:?}");
        let errors = lines(&tmp.path().join("out/errors.jsonl"));
        assert_eq!(errors.len(), 1, "{errors:?}");
        assert!(
            errors[0].contains("big.xlsx") && errors[0].contains(reason),
            "{errors:?}"
        );
        assert!(!lines(&tmp.path().join("out/records.jsonl")).is_empty());
        // The memory failure is said once, not as the runtime's abort and backtrace.
        let stderr = String::from_utf8_lossy(&out.stderr);
        assert!(!stderr.contains("memory allocation of"), "{stderr}");
    }
}
