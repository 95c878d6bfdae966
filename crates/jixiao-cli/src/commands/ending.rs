//! The end of an extract run: `--summary-json`, the errors, the skipped files and the
//! last line; and the whole of a run that finds nothing changed since the previous one.

use super::extract::input_of;
use super::output::{self, Manifest};
use super::{Outcome, Shell};
use crate::args::ExtractArgs;
use anyhow::{Context, Result};
use jixiao_pipeline::{ErrorEntry, FileSummary, ReadStats, RunSummary};
use std::collections::HashMap;
use std::time::Instant;

/// What a run ends with: its summary, errors, and counts for the last line.
pub struct Ending {
    /// Per-file summaries and totals.
    pub summary: RunSummary,
    /// Error entries, printed at the end.
    pub errors: Vec<ErrorEntry>,
    /// Files taken from the previous dataset.
    pub reused: usize,
    /// Forms in the dataset.
    pub forms: usize,
    /// Findings on them.
    pub findings: usize,
}

/// The end of a run: `--summary-json`, the errors, the skipped files and the last line;
/// the outcome (partial when a file failed).
pub fn finish(
    args: &ExtractArgs,
    shell: Shell,
    inputs: &jixiao_pipeline::inputs::Inputs,
    e: Ending,
    started: Instant,
) -> Result<Outcome> {
    if let Some(path) = &args.summary_json {
        let json = serde_json::to_string_pretty(&e.summary)? + "\n";
        if path.as_os_str() == "-" {
            print!("{json}");
        } else {
            std::fs::write(path, json).with_context(|| format!("{}", path.display()))?;
        }
    }
    for err in &e.errors {
        eprintln!("jixiao: {}", err.message);
    }
    let outcome = if e.errors.is_empty() {
        Outcome::Complete
    } else {
        Outcome::Partial
    };
    if shell.quiet {
        return Ok(outcome);
    }
    let findings = if args.no_score {
        String::new()
    } else {
        format!("{} findings, ", e.findings)
    };
    let files = inputs.files.len();
    let reused = if args.incremental {
        format!(" ({} unchanged, {} read)", e.reused, files - e.reused)
    } else {
        String::new()
    };
    if let Some(line) = inputs.skipped_line() {
        eprintln!(
            "jixiao: skipped {line} (not an extension jixiao reads; name such a file to read it anyway)"
        );
    }
    eprintln!(
        "jixiao: {files} files{reused}, {} forms, {findings}{} errors, {:.2} s → {}",
        e.forms,
        e.errors.len(),
        started.elapsed().as_secs_f64(),
        args.output.display()
    );
    Ok(outcome)
}

/// A run that found nothing changed ([`super::previous::kept`]): OUTDIR is kept as it
/// is (its files are what this run would write, byte for byte); the summary and errors
/// come from its manifest and errors.jsonl.
pub fn kept_run(
    args: &ExtractArgs,
    shell: Shell,
    inputs: &jixiao_pipeline::inputs::Inputs,
    m: &Manifest,
    started: Instant,
) -> Result<Outcome> {
    let errors: Vec<ErrorEntry> = match args.output.join("errors.jsonl") {
        p if p.is_file() => jixiao_record::jsonl::read_all(&p, "an error entry")?,
        _ => Vec::new(),
    };
    let mut by_file: HashMap<&str, Vec<String>> = HashMap::new();
    for e in &errors {
        by_file
            .entry(input_of(&e.file))
            .or_default()
            .push(e.message.clone());
    }
    let summaries = m
        .files
        .iter()
        .map(|f| FileSummary {
            path: f.path.clone(),
            status: f.status.as_str().into(),
            reused: true,
            stats: ReadStats::default(),
            forms: f.records,
            findings: f.findings,
            errors: by_file.remove(f.path.as_str()).unwrap_or_default(),
            seconds: 0.0,
        })
        .collect();
    let mut summary = RunSummary::of(summaries);
    summary.totals.skipped = inputs.skipped.clone();
    if !shell.quiet {
        eprintln!(
            "jixiao: nothing changed since {} was written: kept as it is",
            args.output.join(output::MANIFEST).display()
        );
    }
    let ending = Ending {
        summary,
        reused: m.files.len(),
        forms: m.files.iter().map(|f| f.records).sum(),
        findings: m.files.iter().map(|f| f.findings).sum(),
        errors,
    };
    finish(args, shell, inputs, ending, started)
}
