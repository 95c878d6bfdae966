//! `jixiao extract`: files → records.jsonl + errors.jsonl.

use super::Outcome;
use crate::args::ExtractArgs;
use anyhow::{bail, Context, Result};
use jixiao_pipeline::{extract_file, ErrorEntry};
use jixiao_record::Record;
use rayon::prelude::*;
use std::io::Write;
use std::path::{Path, PathBuf};
use std::time::Instant;

const EXTENSIONS: [&str; 7] = ["txt", "tsv", "pdf", "xlsx", "xls", "ods", "xlsm"];

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

/// Expands directories into their supported files, sorted for a deterministic order.
fn collect(paths: &[PathBuf]) -> Result<Vec<PathBuf>> {
    let mut out = Vec::new();
    for p in paths {
        if p.is_dir() {
            let mut found: Vec<PathBuf> = walkdir::WalkDir::new(p)
                .follow_links(false)
                .into_iter()
                .filter_map(|e| e.ok())
                .filter(|e| e.file_type().is_file())
                .filter(|e| !e.file_name().to_string_lossy().starts_with('.'))
                .filter(|e| {
                    e.path()
                        .extension()
                        .and_then(|x| x.to_str())
                        .is_some_and(|x| EXTENSIONS.contains(&x.to_ascii_lowercase().as_str()))
                })
                .map(|e| e.into_path())
                .collect();
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

fn write_atomic(path: &Path, lines: impl Iterator<Item = String>) -> Result<()> {
    let tmp = path.with_extension("jsonl.tmp");
    {
        let f = std::fs::File::create(&tmp).with_context(|| format!("{}", tmp.display()))?;
        let mut w = std::io::BufWriter::new(f);
        for l in lines {
            w.write_all(l.as_bytes())?;
            w.write_all(b"\n")?;
        }
        w.flush()?;
    }
    std::fs::rename(&tmp, path).with_context(|| format!("{}", path.display()))?;
    Ok(())
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
    let pool = rayon::ThreadPoolBuilder::new()
        .num_threads(args.threads.unwrap_or(0))
        .build()
        .context("thread pool")?;
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
    let rec_lines: Vec<String> = records
        .iter()
        .map(serde_json::to_string)
        .collect::<Result<_, _>>()?;
    let err_lines: Vec<String> = errors
        .iter()
        .map(serde_json::to_string)
        .collect::<Result<_, _>>()?;
    write_atomic(&args.output.join("records.jsonl"), rec_lines.into_iter())?;
    write_atomic(&args.output.join("errors.jsonl"), err_lines.into_iter())?;
    for e in &errors {
        eprintln!("jixiao: {}", e.message);
    }
    eprintln!(
        "jixiao: {} files, {} forms, {} errors, {:.2} s → {}",
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
