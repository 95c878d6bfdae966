//! Composes the reader version that incremental runs compare: a hash of the source of
//! every crate that turns bytes into records (this one and the readers, parser and
//! record model) and records into what an incremental run copies from the previous
//! dataset (findings, table rows), so changing any of them can never leave stale
//! results reused. Where
//! that source is not beside this crate (a packaged build), the package version alone.

use sha2::{Digest, Sha256};
use std::path::{Path, PathBuf};

/// The crates whose code decides what a file gives.
const READERS: [&str; 12] = [
    "jixiao-pipeline",
    "jixiao-grid",
    "jixiao-text",
    "jixiao-xlsx",
    "jixiao-pdf",
    "jixiao-ocr",
    "jixiao-markup",
    "jixiao-raster",
    "jixiao-record",
    "jixiao-forms",
    "jixiao-score",
    "jixiao-dataset",
];

fn files(dir: &Path, out: &mut Vec<PathBuf>) {
    let Ok(entries) = std::fs::read_dir(dir) else {
        return;
    };
    for e in entries.flatten() {
        let p = e.path();
        if p.is_dir() {
            files(&p, out);
        } else {
            out.push(p);
        }
    }
}

fn main() {
    let here = PathBuf::from(std::env::var("CARGO_MANIFEST_DIR").unwrap_or_default());
    let crates = here.parent().map(Path::to_path_buf).unwrap_or_default();
    let mut hasher = Sha256::new();
    let mut found = 0;
    for name in READERS {
        let dir = crates.join(name);
        for sub in ["src", "Cargo.toml", "data"] {
            let p = dir.join(sub);
            if p.exists() {
                println!("cargo:rerun-if-changed={}", p.display());
            }
        }
        let mut list = Vec::new();
        files(&dir.join("src"), &mut list);
        files(&dir.join("data"), &mut list);
        list.push(dir.join("Cargo.toml"));
        list.sort();
        for p in list {
            if let Ok(bytes) = std::fs::read(&p) {
                found += 1;
                let rel = p.strip_prefix(&crates).unwrap_or(&p);
                hasher.update(rel.to_string_lossy().replace('\\', "/").as_bytes());
                hasher.update([0]);
                hasher.update(&bytes);
            }
        }
    }
    let version = std::env::var("CARGO_PKG_VERSION").unwrap_or_default();
    let composed = if found == 0 {
        version
    } else {
        let h = hasher.finalize();
        let hex: String = h[..6].iter().map(|b| format!("{b:02x}")).collect();
        format!("{version}+src.{hex}")
    };
    println!("cargo:rustc-env=JIXIAO_READER_VERSION={composed}");
}
