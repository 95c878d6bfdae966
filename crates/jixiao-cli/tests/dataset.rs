//! Datasets: CSV/Parquet/XLSX tables, atomic output directories and incremental runs.

mod common;
use common::{jixiao, root};

use std::collections::BTreeMap;
use std::path::Path;
use std::process::{Command, Output};

/// A working directory with copies of some samples under `in/`.
fn workdir(files: &[&str]) -> tempfile::TempDir {
    let dir = tempfile::tempdir().expect("tmp");
    std::fs::create_dir_all(dir.path().join("in")).expect("mkdir");
    for f in files {
        let name = Path::new(f).file_name().expect("name");
        std::fs::copy(root().join(f), dir.path().join("in").join(name)).expect("copy");
    }
    dir
}

/// A full run of `dir/in` into `dir/full` writes exactly what `dir/out` holds.
fn assert_same_as_a_full_run(dir: &Path) {
    let o = jixiao(&["extract", "in", "-o", "full"], dir);
    assert_eq!(o.status.code(), Some(0));
    assert_eq!(snapshot(&dir.join("out")), snapshot(&dir.join("full")));
}

/// Every file of a directory, by name, with its bytes.
fn snapshot(dir: &Path) -> BTreeMap<String, Vec<u8>> {
    std::fs::read_dir(dir)
        .expect("dir")
        .map(|e| e.expect("entry").path())
        .map(|p| {
            let name = p.file_name().expect("name").to_string_lossy().into_owned();
            (name, std::fs::read(&p).expect("read"))
        })
        .collect()
}

fn stderr(o: &Output) -> String {
    String::from_utf8_lossy(&o.stderr).into_owned()
}

const SAMPLES: [&str; 3] = [
    "samples/text/001_7f02990d5c4f7ac6.txt",
    "samples/text/004_791103693362f411.txt",
    "samples/xlsx/monitoring_002.xlsx",
];

#[test]
fn writes_csv_parquet_and_xlsx_tables() {
    let w = workdir(&SAMPLES);
    let o = jixiao(&["extract", "in", "-o", "out"], w.path());
    assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
    let out = w.path().join("out");
    let files = snapshot(&out);
    for name in [
        "records.jsonl",
        "errors.jsonl",
        "findings.jsonl",
        "manifest.json",
        "dataset.xlsx",
        "forms.csv",
        "funds.csv",
        "indicators.csv",
        "findings.csv",
        "forms.parquet",
        "funds.parquet",
        "indicators.parquet",
        "findings.parquet",
    ] {
        assert!(
            files.contains_key(name),
            "{name} missing: {:?}",
            files.keys()
        );
    }
    // CSV: UTF-8 with BOM, a header, one row per form; every row links to its source.
    let forms = String::from_utf8(files["forms.csv"].clone()).expect("utf8");
    assert!(
        forms.starts_with("\u{feff}record_id,project_key,form_key,duplicate_of,form,"),
        "{}",
        &forms[..60]
    );
    let n_records = String::from_utf8_lossy(&files["records.jsonl"])
        .lines()
        .count();
    let mut rdr = csv::Reader::from_reader(forms.trim_start_matches('\u{feff}').as_bytes());
    let rows: Vec<csv::StringRecord> = rdr.records().map(|r| r.expect("row")).collect();
    assert_eq!(rows.len(), n_records);
    let headers = rdr.headers().expect("headers").clone();
    let link = headers
        .iter()
        .position(|h| h == "link")
        .expect("link column");
    assert!(rows.iter().all(|r| r[link].contains('#')));
    let ind = String::from_utf8(files["indicators.csv"].clone()).expect("utf8");
    assert!(ind.contains("产出指标"));
    // Parquet: typed columns, read back with arrow.
    let f = std::fs::File::open(out.join("funds.parquet")).expect("parquet");
    let reader = parquet::arrow::arrow_reader::ParquetRecordBatchReaderBuilder::try_new(f)
        .expect("parquet reader")
        .build()
        .expect("build");
    let mut total = 0;
    for batch in reader {
        let batch = batch.expect("batch");
        let schema = batch.schema();
        let budget = schema.field_with_name("budget").expect("budget");
        assert!(
            matches!(
                budget.data_type(),
                arrow_schema::DataType::Decimal128(38, 6)
            ),
            "{:?}",
            budget.data_type()
        );
        let ordinal = schema.field_with_name("ordinal").expect("ordinal");
        assert_eq!(ordinal.data_type(), &arrow_schema::DataType::Int64);
        let col = batch
            .column(schema.index_of("budget").expect("index"))
            .as_any()
            .downcast_ref::<arrow_array::Decimal128Array>()
            .expect("decimal");
        // Some budget is a real amount with its cents (at the fixed scale of 6).
        assert!(col
            .iter()
            .flatten()
            .any(|v| v > 0 && v % 1_000_000 != 0 || v > 1_000_000));
        total += batch.num_rows();
    }
    assert!(
        total >= 4 * n_records - 4,
        "{total} funds rows for {n_records} forms"
    );
    // XLSX: a ZIP workbook with the four sheets.
    assert!(files["dataset.xlsx"].starts_with(b"PK\x03\x04"));
    let m: serde_json::Value = serde_json::from_slice(&files["manifest.json"]).expect("manifest");
    assert_eq!(m["files"].as_array().expect("files").len(), 3);
    assert!(m["files"][0]["sha256"]
        .as_str()
        .is_some_and(|s| s.len() == 64));
}

#[test]
fn incremental_runs_reread_only_changed_files_and_match_a_full_run() {
    let w = workdir(&SAMPLES);
    let o = jixiao(&["extract", "in", "-o", "out"], w.path());
    assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
    // Nothing changed: everything reused, outputs unchanged.
    let before = snapshot(&w.path().join("out"));
    let o = jixiao(&["extract", "in", "-o", "out", "--incremental"], w.path());
    assert!(
        stderr(&o).contains("(3 unchanged, 0 read)"),
        "{}",
        stderr(&o)
    );
    assert_eq!(snapshot(&w.path().join("out")), before);
    // One file changed: only it is read again; the result equals a full run.
    let changed = w.path().join("in/004_791103693362f411.txt");
    let mut text = std::fs::read_to_string(&changed).expect("read");
    text = text.replacen("2025", "2026", 1);
    std::fs::write(&changed, text).expect("write");
    let o = jixiao(&["extract", "in", "-o", "out", "--incremental"], w.path());
    assert!(
        stderr(&o).contains("(2 unchanged, 1 read)"),
        "{}",
        stderr(&o)
    );
    assert_same_as_a_full_run(w.path());
    // One file deleted: its records are gone, and again equal to a full run.
    std::fs::remove_file(w.path().join("in/001_7f02990d5c4f7ac6.txt")).expect("rm");
    let o = jixiao(&["extract", "in", "-o", "out", "--incremental"], w.path());
    assert!(
        stderr(&o).contains("(2 unchanged, 0 read)"),
        "{}",
        stderr(&o)
    );
    let records = std::fs::read_to_string(w.path().join("out/records.jsonl")).expect("records");
    assert!(!records.contains("001_7f02990d5c4f7ac6"));
    assert_same_as_a_full_run(w.path());
}

#[test]
fn unchanged_size_and_time_skip_reading_and_verify_hashes_anyway() {
    let w = workdir(&SAMPLES);
    let o = jixiao(&["extract", "in", "-o", "out"], w.path());
    assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
    let m: serde_json::Value =
        serde_json::from_slice(&std::fs::read(w.path().join("out/manifest.json")).expect("m"))
            .expect("manifest");
    assert!(m["files"][0]["mtime_ns"].as_i64().is_some_and(|t| t > 0));
    // Change a file's content but not its size, and give it back its old time (a copy
    // that keeps times): the time vouches for it, so the old records stay…
    let path = w.path().join("in/004_791103693362f411.txt");
    let old = std::fs::metadata(&path)
        .expect("meta")
        .modified()
        .expect("mtime");
    let text = std::fs::read_to_string(&path).expect("read");
    std::fs::write(&path, text.replacen("2025", "2026", 1)).expect("write");
    let f = std::fs::File::options()
        .write(true)
        .open(&path)
        .expect("open");
    f.set_modified(old).expect("set mtime");
    drop(f);
    // (the manifest must be older than the file by the settling margin)
    let late = std::time::SystemTime::now() + std::time::Duration::from_secs(10);
    let mf = std::fs::File::options()
        .write(true)
        .open(w.path().join("out/manifest.json"))
        .expect("open manifest");
    mf.set_modified(late).expect("set manifest mtime");
    drop(mf);
    let o = jixiao(&["extract", "in", "-o", "out", "--incremental"], w.path());
    assert!(
        stderr(&o).contains("(3 unchanged, 0 read)"),
        "{}",
        stderr(&o)
    );
    // …and --verify hashes every file, finds the change and reads it.
    let o = jixiao(
        &["extract", "in", "-o", "out", "--incremental", "--verify"],
        w.path(),
    );
    assert!(
        stderr(&o).contains("(2 unchanged, 1 read)"),
        "{}",
        stderr(&o)
    );
    assert_same_as_a_full_run(w.path());
}

/// Sets OUTDIR's manifest 10 s in the future: the inputs are then older than it by the
/// settling margin, as they are for a nightly run.
fn settle(dir: &Path) {
    let late = std::time::SystemTime::now() + std::time::Duration::from_secs(10);
    let mf = std::fs::File::options()
        .write(true)
        .open(dir.join("out/manifest.json"))
        .expect("open manifest");
    mf.set_modified(late).expect("set manifest mtime");
}

/// Every file of a directory, by name, with its modification time.
fn times(dir: &Path) -> BTreeMap<String, std::time::SystemTime> {
    std::fs::read_dir(dir)
        .expect("dir")
        .map(|e| e.expect("entry"))
        .map(|e| {
            let t = e.metadata().expect("meta").modified().expect("mtime");
            (e.file_name().to_string_lossy().into_owned(), t)
        })
        .collect()
}

#[test]
fn nothing_changed_keeps_outdir_as_it_is_and_any_change_writes_anew() {
    let w = workdir(&SAMPLES);
    // A file that cannot be read: the run is partial, and so is the run that keeps it.
    std::fs::write(w.path().join("in/broken.pdf"), b"%PDF-1.4 not really").expect("write");
    let first = jixiao(&["extract", "in", "-o", "out"], w.path());
    let code = first.status.code();
    assert_ne!(code, Some(0), "a broken file makes the run partial");
    settle(w.path());
    let before = times(&w.path().join("out"));
    let o = jixiao(&["extract", "in", "-o", "out", "--incremental"], w.path());
    let err = stderr(&o);
    assert_eq!(o.status.code(), code, "{err}");
    assert!(err.contains("nothing changed"), "{err}");
    assert!(err.contains("(4 unchanged, 0 read)"), "{err}");
    assert!(
        err.contains("broken.pdf"),
        "the error is reported again: {err}"
    );
    assert_eq!(times(&w.path().join("out")), before, "no file rewritten");
    // --summary-json still lists every file, from the manifest.
    let o = jixiao(
        &[
            "extract",
            "in",
            "-o",
            "out",
            "--incremental",
            "--summary-json",
            "-",
        ],
        w.path(),
    );
    let summary: serde_json::Value = serde_json::from_slice(&o.stdout).expect("summary");
    assert_eq!(
        summary["files"].as_array().map(Vec::len),
        Some(4),
        "{summary}"
    );
    // Another option writes anew (without report.html)…
    let o = jixiao(
        &["extract", "in", "-o", "out", "--incremental", "--no-report"],
        w.path(),
    );
    assert!(!stderr(&o).contains("nothing changed"), "{}", stderr(&o));
    assert!(!w.path().join("out/report.html").exists());
    // …and so does a missing output, or a new input.
    let o = jixiao(&["extract", "in", "-o", "out"], w.path());
    assert_eq!(o.status.code(), code);
    settle(w.path());
    std::fs::remove_file(w.path().join("out/indicators.csv")).expect("rm");
    let o = jixiao(&["extract", "in", "-o", "out", "--incremental"], w.path());
    assert!(!stderr(&o).contains("nothing changed"), "{}", stderr(&o));
    assert!(w.path().join("out/indicators.csv").exists());
    settle(w.path());
    std::fs::copy(
        root().join("samples/text/002_e6e4448b1a475d47.txt"),
        w.path().join("in/new.txt"),
    )
    .expect("copy");
    std::fs::remove_file(w.path().join("in/broken.pdf")).expect("rm");
    let o = jixiao(&["extract", "in", "-o", "out", "--incremental"], w.path());
    let err = stderr(&o);
    assert!(err.contains("(3 unchanged, 1 read)"), "{err}");
    assert_same_as_a_full_run(w.path());
}

#[test]
fn refuses_to_replace_a_directory_that_is_not_a_dataset() {
    let w = workdir(&SAMPLES[..1]);
    std::fs::create_dir_all(w.path().join("docs")).expect("mkdir");
    std::fs::write(w.path().join("docs/notes.txt"), "mine").expect("write");
    let o = jixiao(&["extract", "in", "-o", "docs"], w.path());
    assert_eq!(o.status.code(), Some(2));
    assert!(
        stderr(&o).contains("not a jixiao output directory"),
        "{}",
        stderr(&o)
    );
    assert_eq!(
        std::fs::read_to_string(w.path().join("docs/notes.txt")).expect("kept"),
        "mine"
    );
}

#[cfg(unix)]
#[test]
fn a_run_killed_at_any_moment_leaves_the_previous_dataset_and_a_rerun_matches() {
    // Enough input that a run takes a while: the PDFs and the workbooks.
    let w = workdir(&[
        "samples/pdf-lo/monitoring_002.pdf",
        "samples/pdf-chromium/selfeval_000_declaration_004.pdf",
        "samples/xlsx/selfeval_000_onesheet.xlsx",
        "samples/text/000_e808c967bf7c4d08.txt",
    ]);
    let o = jixiao(&["extract", "in", "-o", "out", "-j", "1"], w.path());
    assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
    let first = snapshot(&w.path().join("out"));
    // Change the input, then kill runs at increasing delays.
    std::fs::remove_file(w.path().join("in/000_e808c967bf7c4d08.txt")).expect("rm");
    for delay_ms in [5u64, 20, 60, 120, 250, 400] {
        let mut child = Command::new(env!("CARGO_BIN_EXE_jixiao"))
            .args(["extract", "in", "-o", "out", "-j", "1"])
            .current_dir(w.path())
            .stderr(std::process::Stdio::null())
            .spawn()
            .expect("spawn");
        std::thread::sleep(std::time::Duration::from_millis(delay_ms));
        let _ = child.kill(); // SIGKILL
        let _ = child.wait();
        // Whatever the moment, OUTDIR is a whole dataset (the old or the new one), or
        // missing only between the two renames, which the next run repairs.
        let out = w.path().join("out");
        if out.exists() {
            let m: serde_json::Value = serde_json::from_slice(
                &std::fs::read(out.join("manifest.json")).expect("manifest"),
            )
            .expect("manifest json");
            let n = m["files"].as_array().expect("files").len();
            assert!(n == 4 || n == 3, "{n}");
            if n == 4 {
                assert_eq!(snapshot(&out), first);
            }
        }
    }
    let o = jixiao(&["extract", "in", "-o", "out", "-j", "1"], w.path());
    assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
    let o = jixiao(&["extract", "in", "-o", "full", "-j", "1"], w.path());
    assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
    assert_eq!(
        snapshot(&w.path().join("out")),
        snapshot(&w.path().join("full"))
    );
    // No staging or old directories are left behind.
    let stray: Vec<String> = std::fs::read_dir(w.path())
        .expect("dir")
        .map(|e| e.expect("entry").file_name().to_string_lossy().into_owned())
        .filter(|n| n.starts_with('.'))
        .collect();
    assert!(stray.is_empty(), "{stray:?}");
}

/// Runs `jixiao -v extract in -o out [--incremental]` in `dir` with chunks of
/// `chunk_rows` rows on average.
fn chunked(dir: &Path, chunk_rows: &str, incremental: bool) -> Output {
    chunked_with(dir, chunk_rows, incremental, &[])
}

/// [`chunked`] with more options.
fn chunked_with(dir: &Path, chunk_rows: &str, incremental: bool, more: &[&str]) -> Output {
    // (a workbook would need every file's rows: it is given up past one row)
    let mut args = vec!["-v", "extract", "in", "-o", "out", "--xlsx-max-rows", "1"];
    if incremental {
        args.push("--incremental");
    }
    args.extend_from_slice(more);
    let o = Command::new(env!("CARGO_BIN_EXE_jixiao"))
        .args(&args)
        .env("JIXIAO_CHUNK_ROWS", chunk_rows)
        .current_dir(dir)
        .output()
        .expect("run jixiao");
    assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
    o
}

/// Row groups the run copied and encoded, from its log line.
fn row_groups(o: &Output) -> (usize, usize) {
    let err = stderr(o);
    let line = err
        .lines()
        .find_map(|l| l.split_once("Parquet: ").map(|(_, tail)| tail))
        .unwrap_or_else(|| panic!("no Parquet line in {err}"));
    let numbers: Vec<usize> = line
        .split(|c: char| !c.is_ascii_digit())
        .filter_map(|n| n.parse().ok())
        .collect();
    (numbers[0], numbers[1])
}

#[test]
fn unchanged_files_are_copied_as_bytes_and_row_groups_and_still_match_a_full_run() {
    // The five text samples and, last in path order, a copy of the first: its records
    // are duplicates of the first file's until that one changes.
    let files: Vec<String> = (0..5)
        .map(|i| {
            std::fs::read_dir(root().join("samples/text"))
                .expect("samples")
                .map(|e| e.expect("entry").path())
                .filter(|p| p.extension().is_some_and(|e| e == "txt"))
                .collect::<std::collections::BTreeSet<_>>()
                .into_iter()
                .nth(i)
                .expect("sample")
                .strip_prefix(root())
                .expect("under root")
                .to_string_lossy()
                .into_owned()
        })
        .collect();
    let refs: Vec<&str> = files.iter().map(String::as_str).collect();
    let w = workdir(&refs);
    let first = w
        .path()
        .join("in")
        .join(Path::new(&files[0]).file_name().expect("name"));
    std::fs::copy(&first, w.path().join("in/zz_copy.txt")).expect("copy");
    // Chunks of one or two files (a file gives some hundreds of rows).
    let rows = "600";
    chunked(w.path(), rows, false);
    let records = std::fs::read_to_string(w.path().join("out/records.jsonl")).expect("records");
    assert!(
        records.contains("\"duplicate_of\":\""),
        "the copy's records are duplicates"
    );
    // The first file's first project is renamed: its chunk is encoded again, the copy's
    // first record is now the first of its form (written anew, not copied), the rest
    // is copied.
    let text = std::fs::read_to_string(&first).expect("read");
    let renamed = text.replacen("工作经费", "工作经费甲", 1);
    assert_ne!(renamed, text);
    std::fs::write(&first, renamed).expect("write");
    let o = chunked(w.path(), rows, true);
    let (copied, encoded) = row_groups(&o);
    assert!(
        copied > 0 && encoded > 0,
        "copied {copied}, encoded {encoded}"
    );
    let a = snapshot(&w.path().join("out"));
    chunked(w.path(), rows, false);
    assert_same_files(&a, &snapshot(&w.path().join("out")));
    // A file in the middle goes away: the chunk it was in is no previous chunk whole.
    std::fs::remove_file(
        w.path()
            .join("in")
            .join(Path::new(&files[3]).file_name().expect("n")),
    )
    .expect("rm");
    chunked(w.path(), rows, true);
    let b = snapshot(&w.path().join("out"));
    chunked(w.path(), rows, false);
    assert_same_files(&b, &snapshot(&w.path().join("out")));
    // Other options (no scoring): nothing of a scored dataset is copied into it.
    chunked_with(w.path(), rows, true, &["--no-score"]);
    let c = snapshot(&w.path().join("out"));
    chunked_with(w.path(), rows, false, &["--no-score"]);
    assert_same_files(&c, &snapshot(&w.path().join("out")));
}

/// Two snapshots hold the same files with the same bytes (naming those that differ).
fn assert_same_files(incremental: &BTreeMap<String, Vec<u8>>, full: &BTreeMap<String, Vec<u8>>) {
    let names = |m: &BTreeMap<String, Vec<u8>>| m.keys().cloned().collect::<Vec<_>>();
    assert_eq!(names(incremental), names(full));
    let differ: Vec<&String> = incremental
        .iter()
        .filter(|(name, bytes)| full.get(*name) != Some(bytes))
        .map(|(name, _)| name)
        .collect();
    assert!(differ.is_empty(), "incremental ≠ full run in {differ:?}");
}
