//! The Python package: built from the Rust crates with maturin (an abi3 wheel), installed
//! into a fresh venv, and giving exactly the records the CLI writes.
//!
//! Needs `python3` with `venv` and pip access to PyPI (the versions and hashes are pinned
//! in `crates/jixiao-py/requirements-test.txt`). The wheel is built in
//! `target/python-wheel` (its own target directory: the one `cargo test` holds is
//! locked while tests run).

mod common;

use common::{jixiao, root};
use std::path::Path;
use std::process::Command;

fn run(cmd: &mut Command) -> String {
    let o = cmd.output().unwrap_or_else(|e| panic!("{cmd:?}: {e}"));
    assert!(
        o.status.success(),
        "{cmd:?}: {}\n{}",
        String::from_utf8_lossy(&o.stdout),
        String::from_utf8_lossy(&o.stderr)
    );
    String::from_utf8_lossy(&o.stdout).into_owned()
}

const FILES: [(&str, &str); 3] = [
    ("samples/text/001_7f02990d5c4f7ac6.txt", "in/a.txt"),
    ("samples/xlsx/monitoring_002.xlsx", "in/b.xlsx"),
    ("samples/pdf-lo/declaration_004.pdf", "in/c.pdf"),
];

const SCRIPT: &str = r#"
import json, sys
import jixiao
files = sys.argv[1:]
records = []
for f in files:
    records.extend(jixiao.extract(f, ocr="never"))
with open(files[0], "rb") as fh:
    from_bytes = jixiao.extract(fh.read(), name=files[0], ocr="never")
try:
    jixiao.extract(b"\xff\xfe not a form", name="junk.txt")
    error = None
except jixiao.ExtractError as e:
    error = {"file": e.file, "message": e.message, "errors": e.errors}
t = jixiao.tables(files, ocr="never")
print(json.dumps({
    "records": records,
    "from_bytes": from_bytes,
    "error": error,
    "rows": {k: t[k].num_rows for k in ("forms", "funds", "indicators", "findings")},
    "schema": {k: str(t[k].schema.field("budget").type) for k in ("funds",)},
    "version": jixiao.__version__,
}, ensure_ascii=False))
"#;

#[test]
fn the_wheel_installs_in_a_fresh_venv_and_gives_the_clis_records() {
    let tmp = tempfile::tempdir().expect("tmp");
    let dir = tmp.path();
    std::fs::create_dir_all(dir.join("in")).expect("mkdir");
    for (from, to) in FILES {
        std::fs::copy(root().join(from), dir.join(to)).expect("copy");
    }
    // The CLI's records.
    let o = jixiao(&["extract", "-q", "--ocr", "never", "in", "-o", "out"], dir);
    assert_eq!(
        o.status.code(),
        Some(0),
        "{}",
        String::from_utf8_lossy(&o.stderr)
    );
    let cli: Vec<serde_json::Value> = std::fs::read_to_string(dir.join("out/records.jsonl"))
        .expect("records")
        .lines()
        .map(|l| serde_json::from_str(l).expect("json"))
        .collect();
    // A fresh venv, the pinned build tools, the wheel.
    let venv = dir.join("venv");
    run(Command::new("python3").args(["-m", "venv"]).arg(&venv));
    let bin = venv.join("bin");
    let req = root().join("crates/jixiao-py/requirements-test.txt");
    run(Command::new(bin.join("pip"))
        .args(["install", "-q", "--no-deps", "--require-hashes", "-r"])
        .arg(&req));
    let wheels = dir.join("wheels");
    run(Command::new(bin.join("maturin"))
        .args(["build", "--profile", "dev", "--quiet", "-m"])
        .arg(root().join("crates/jixiao-py/Cargo.toml"))
        .arg("-o")
        .arg(&wheels)
        .env("CARGO_TARGET_DIR", root().join("target/python-wheel"))
        // A one-off build: no debug info and no incremental state to write.
        .env("CARGO_PROFILE_DEV_DEBUG", "0")
        .env("CARGO_INCREMENTAL", "0")
        .env("PATH", path_with(&bin)));
    let wheel = std::fs::read_dir(&wheels)
        .expect("wheels")
        .filter_map(|e| e.ok().map(|e| e.path()))
        .find(|p| p.extension().is_some_and(|x| x == "whl"))
        .expect("a wheel");
    let wheel_name = wheel
        .file_name()
        .unwrap_or_default()
        .to_string_lossy()
        .to_string();
    assert!(wheel_name.contains("abi3"), "{wheel_name}");
    run(Command::new(bin.join("pip"))
        .args(["install", "-q", "--no-deps"])
        .arg(&wheel));
    // Python's records, from the venv's interpreter, in the CLI's working directory.
    let out = run(Command::new(bin.join("python"))
        .arg("-c")
        .arg(SCRIPT)
        .args(FILES.iter().map(|(_, to)| *to))
        .current_dir(dir));
    let v: serde_json::Value = serde_json::from_str(&out).expect("python output");
    let py = v["records"].as_array().expect("records");
    assert_eq!(py.len(), cli.len());
    for (p, c) in py.iter().zip(&cli) {
        assert!(p == c, "{} differs from the CLI's", c["record_id"]);
    }
    // From bytes with the same name: the same records.
    let n = cli
        .iter()
        .filter(|r| r["source"]["file"] == "in/a.txt")
        .count();
    assert_eq!(v["from_bytes"].as_array().map(Vec::len), Some(n));
    assert!(v["from_bytes"][0] == cli[0]);
    // Errors carry the file and the message.
    assert_eq!(v["error"]["file"], "junk.txt");
    assert!(v["error"]["message"]
        .as_str()
        .is_some_and(|m| m.contains("junk.txt")));
    // Tables: the Parquet schemas and the CLI's row counts.
    assert_eq!(v["schema"]["funds"], "decimal128(38, 6)");
    assert_eq!(v["rows"]["forms"], cli.len());
    let funds = std::fs::read_to_string(dir.join("out/funds.csv")).expect("funds.csv");
    assert_eq!(v["rows"]["funds"], funds.lines().count() - 1);

    // Beyond one machine: a local Dask cluster of two worker processes writes the same
    // dataset, partitioned (rows compared, order aside).
    let req = root().join("crates/jixiao-py/requirements-cluster.txt");
    run(Command::new(bin.join("pip"))
        .args(["install", "-q", "--no-deps", "--require-hashes", "-r"])
        .arg(&req));
    run(Command::new(bin.join("python"))
        .args([
            "-m",
            "jixiao.cluster",
            "in",
            "-o",
            "cluster",
            "--workers",
            "2",
            "--ocr",
            "never",
        ])
        .current_dir(dir));
    let out = run(Command::new(bin.join("python"))
        .arg("-c")
        .arg(COMPARE)
        .current_dir(dir));
    let c: serde_json::Value = serde_json::from_str(&out).expect("compare output");
    for t in ["forms", "funds", "indicators", "findings"] {
        let (n, m, same, schema) = (&c[t][0], &c[t][1], &c[t][2], &c[t][3]);
        assert_eq!(n, m, "{t}: rows");
        assert_eq!(same, true, "{t}: rows differ");
        assert_eq!(schema, true, "{t}: schema differs");
    }
    assert!(c["forms"][0].as_u64().is_some_and(|n| n > 0));
}

const COMPARE: &str = r#"
import json
import pyarrow.dataset as ds
import pyarrow.parquet as pq
out = {}
key = lambda r: json.dumps(r, sort_keys=True, default=str, ensure_ascii=False)
for t in ("forms", "funds", "indicators", "findings"):
    a = pq.read_table(f"out/{t}.parquet")
    b = ds.dataset(f"cluster/{t}", format="parquet").to_table()
    ra, rb = sorted(map(key, a.to_pylist())), sorted(map(key, b.to_pylist()))
    out[t] = [len(ra), len(rb), ra == rb, a.schema.equals(b.schema, check_metadata=False)]
print(json.dumps(out))
"#;

fn path_with(bin: &Path) -> std::ffi::OsString {
    let mut paths = vec![bin.to_path_buf()];
    if let Some(p) = std::env::var_os("PATH") {
        paths.extend(std::env::split_paths(&p));
    }
    std::env::join_paths(paths).unwrap_or_default()
}
