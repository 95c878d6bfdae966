//! `jixiao score`: records.jsonl → findings.jsonl.

use super::{Outcome, Shell};
use crate::args::ScoreArgs;
use anyhow::{Context, Result};
use jixiao_record::Record;
use std::time::Instant;

/// Runs the re-scoring of existing records.
pub fn run(args: &ScoreArgs, shell: Shell) -> Result<Outcome> {
    let started = Instant::now();
    let text = std::fs::read_to_string(&args.records)
        .with_context(|| format!("cannot read {}", args.records.display()))?;
    let records: Vec<Record> = text
        .lines()
        .enumerate()
        .filter(|(_, l)| !l.trim().is_empty())
        .map(|(i, l)| {
            serde_json::from_str(l)
                .with_context(|| format!("{}:{}: not a record", args.records.display(), i + 1))
        })
        .collect::<Result<_>>()?;
    let pool = super::pool(args.threads)?;
    let findings = pool.install(|| jixiao_score::rescore_all(&records));
    std::fs::create_dir_all(&args.output)
        .with_context(|| format!("cannot create {}", args.output.display()))?;
    super::write_jsonl(&args.output.join("findings.jsonl"), &findings)?;
    if !shell.quiet {
        eprintln!(
            "jixiao: {} records, {} findings, {:.2} s → {}",
            records.len(),
            findings.len(),
            started.elapsed().as_secs_f64(),
            args.output.display()
        );
    }
    Ok(Outcome::Complete)
}
