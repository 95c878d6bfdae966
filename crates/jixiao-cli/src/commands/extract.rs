//! `jixiao extract`: files → records.jsonl + errors.jsonl.

use super::Outcome;
use crate::args::ExtractArgs;
use anyhow::{bail, Context, Result};
use jixiao_pipeline::{extract_file, ErrorEntry};
use jixiao_record::Record;
use rayon::prelude::*;
use std::path::{Path, PathBuf};
use std::time::Instant;

/// Extensions read when walking a directory: the formats that have a reader.
const READ: [&str; 9] = [
    "txt", "tsv", "csv", "xlsx", "xlsm", "xlsb", "xls", "ods", "pdf",
];

/// The bundled samples: `./samples` if present, else the workspace's own.
fn default_samples() -> Result<PathBuf> {
    let here = PathBuf::from("samples");
    if here.is_dir() {
        return Ok(here);
    }
    let built = Path::new(env!("CARGO_MANIFEST_DIR")).join("../../samples");
    if built.is_dir() {
        return Ok(built);
    }
    bail!("no PATH given and no samples/ directory here; pass files or directories to read")
}

/// Expands directories into their readable files, sorted for a deterministic order.
fn collect(paths: &[PathBuf]) -> Result<Vec<PathBuf>> {
    let mut out = Vec::new();
    for p in paths {
        if p.is_dir() {
            let mut found: Vec<PathBuf> = Vec::new();
            for e in walkdir::WalkDir::new(p)
                .follow_links(false)
                .into_iter()
                .filter_map(|e| e.ok())
            {
                if !e.file_type().is_file() || e.file_name().to_string_lossy().starts_with('.') {
                    continue;
                }
                let ext = e
                    .path()
                    .extension()
                    .and_then(|x| x.to_str())
                    .map(str::to_ascii_lowercase)
                    .unwrap_or_default();
                if READ.contains(&ext.as_str()) {
                    found.push(e.into_path());
                }
            }
            found.sort();
            out.extend(found);
        } else if p.exists() {
            out.push(p.clone());
        } else {
            bail!("{}: no such file or directory", p.display());
        }
    }
    Ok(out)
}

/// Runs the extraction.
pub fn run(args: &ExtractArgs) -> Result<Outcome> {
    let started = Instant::now();
    let roots = if args.paths.is_empty() {
        vec![default_samples()?]
    } else {
        args.paths.clone()
    };
    let files = collect(&roots)?;
    let pool = super::pool(args.threads)?;
    let results: Vec<(String, Result<Vec<Record>, jixiao_pipeline::ExtractError>)> =
        pool.install(|| {
            files
                .par_iter()
                .map(|p| {
                    let name = p.to_string_lossy().replace('\\', "/");
                    let r = extract_file(p, &name);
                    (name, r)
                })
                .collect()
        });
    std::fs::create_dir_all(&args.output)
        .with_context(|| format!("cannot create {}", args.output.display()))?;
    let mut records = Vec::new();
    let mut errors = Vec::new();
    for (_, r) in results {
        match r {
            Ok(rs) => records.extend(rs),
            Err(e) => errors.push(ErrorEntry::from(&e)),
        }
    }
    super::write_jsonl(&args.output.join("records.jsonl"), &records)?;
    super::write_jsonl(&args.output.join("errors.jsonl"), &errors)?;
    let findings = if args.no_score {
        None
    } else {
        let f = pool.install(|| jixiao_score::rescore_all(&records));
        super::write_jsonl(&args.output.join("findings.jsonl"), &f)?;
        Some(f.len())
    };
    for e in &errors {
        eprintln!("jixiao: {}", e.message);
    }
    let findings = findings.map_or(String::new(), |n| format!("{n} findings, "));
    eprintln!(
        "jixiao: {} files, {} forms, {findings}{} errors, {:.2} s → {}",
        files.len(),
        records.len(),
        errors.len(),
        started.elapsed().as_secs_f64(),
        args.output.display()
    );
    Ok(if errors.is_empty() {
        Outcome::Complete
    } else {
        Outcome::Partial
    })
}
