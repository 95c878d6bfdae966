//! `jixiao watch`: fetch new or changed documents into a store, then extract
//! incrementally.

use super::{Outcome, Shell};
use crate::args::{ExtractArgs, WatchArgs};
use anyhow::{bail, Context, Result};
use jixiao_fetch::{Change, Options};
use std::time::Duration;

/// Runs one watch pass.
pub fn run(args: &WatchArgs, shell: Shell) -> Result<Outcome> {
    let mut urls = args.urls.clone();
    if let Some(f) = &args.url_file {
        let text =
            std::fs::read_to_string(f).with_context(|| format!("cannot read {}", f.display()))?;
        urls.extend(
            text.lines()
                .map(|l| l.split('#').next().unwrap_or("").trim())
                .filter(|l| !l.is_empty())
                .map(str::to_string),
        );
    }
    if urls.is_empty() {
        bail!("no URL given: pass URLs or --url-file FILE");
    }
    let opts = Options {
        timeout: Duration::from_secs(args.timeout.max(1)),
        max_bytes: args.max_mb.saturating_mul(1024 * 1024),
        ..Options::default()
    };
    let report = jixiao_fetch::sync(&urls, &args.store, &opts)?;
    for item in &report.items {
        let file = item.file.as_deref().unwrap_or("-");
        match &item.change {
            Change::New if !shell.quiet => eprintln!("jixiao: new       {} → {file}", item.url),
            Change::Changed if !shell.quiet => {
                eprintln!("jixiao: changed   {} → {file}", item.url)
            }
            Change::New | Change::Changed => {}
            Change::Unchanged => tracing::info!(url = item.url, "unchanged"),
            Change::Failed(why) => eprintln!("jixiao: failed    {}: {why}", item.url),
        }
    }
    let failed = report.count(|c| matches!(c, Change::Failed(_)));
    if !shell.quiet {
        eprintln!(
            "jixiao: fetched {} documents: {} new, {} changed, {} unchanged, {failed} failed",
            report.items.len(),
            report.count(|c| *c == Change::New),
            report.count(|c| *c == Change::Changed),
            report.count(|c| *c == Change::Unchanged),
        );
    }
    let outcome = super::extract::run(
        &ExtractArgs {
            paths: vec![args.store.clone()],
            output: args.output.clone(),
            threads: args.threads,
            no_score: false,
            no_dataset: false,
            no_report: false,
            incremental: true,
            verify: false,
            ocr: crate::args::OcrArg::Auto,
            password: std::env::var("JIXIAO_PDF_PASSWORD").ok(),
            summary_json: None,
            in_process: false,
            max_file_mb: jixiao_isolate::DEFAULT_MEMORY_MB,
            file_timeout: jixiao_isolate::DEFAULT_TIMEOUT.as_secs(),
        },
        shell,
    )?;
    Ok(if failed > 0 {
        Outcome::Partial
    } else {
        outcome
    })
}
