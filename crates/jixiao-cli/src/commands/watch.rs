//! `jixiao watch`: fetch new or changed documents into a store, then extract
//! incrementally, with each record's URL and fetch time, and a revisions list.

use super::{Outcome, Shell};
use crate::args::{ExtractArgs, WatchArgs};
use anyhow::{bail, Context, Result};
use jixiao_fetch::{Change, Options};
use std::time::Duration;

fn seconds(s: f64) -> Duration {
    Duration::from_secs_f64(if s.is_finite() {
        s.clamp(0.0, 3600.0)
    } else {
        0.0
    })
}

/// The URLs of the command line and of --url-file.
fn seeds(args: &WatchArgs) -> Result<Vec<String>> {
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
    Ok(urls)
}

/// Says what happened to each URL: changes always, unchanged documents and links to
/// other sites with -v.
fn tell(report: &jixiao_fetch::Report, shell: Shell) {
    for item in &report.items {
        let file = item.file.as_deref().unwrap_or("-");
        let line = match &item.change {
            Change::New => format!("new       {} → {file}", item.url),
            Change::Changed => format!("changed   {} → {file}", item.url),
            Change::Withdrawn => format!("withdrawn {} (no longer listed; kept: {file})", item.url),
            Change::Skipped(why) => format!("skipped   {}: {why}", item.url),
            Change::Failed(why) => format!("failed    {}: {why}", item.url),
            Change::Unchanged if shell.verbose > 0 => format!("unchanged {}", item.url),
            Change::Unchanged => continue,
        };
        if !shell.quiet || matches!(item.change, Change::Failed(_)) {
            eprintln!("jixiao: {line}");
        }
    }
    if shell.verbose > 0 {
        for url in &report.elsewhere {
            eprintln!("jixiao: elsewhere {url} (another site: not fetched)");
        }
    }
    if !shell.quiet {
        eprintln!(
            "jixiao: fetched {} documents: {} new, {} changed, {} unchanged, {} withdrawn, {} skipped, {} failed ({} pages read)",
            report.items.len(),
            report.count(|c| *c == Change::New),
            report.count(|c| *c == Change::Changed),
            report.count(|c| *c == Change::Unchanged),
            report.count(|c| *c == Change::Withdrawn),
            report.count(|c| matches!(c, Change::Skipped(_))),
            report.count(|c| matches!(c, Change::Failed(_))),
            report.pages,
        );
    }
}

/// Runs one watch pass.
pub fn run(args: &WatchArgs, shell: Shell) -> Result<Outcome> {
    let urls = seeds(args)?;
    let opts = Options {
        timeout: Duration::from_secs(args.timeout.max(1)),
        max_bytes: args.max_mb.saturating_mul(1024 * 1024),
        depth: args.depth,
        interval: seconds(args.interval),
        retries: args.retries,
        backoff: seconds(args.backoff),
        user_agent: args
            .user_agent
            .clone()
            .unwrap_or_else(|| jixiao_fetch::USER_AGENT.to_string()),
        ..Options::default()
    };
    let report = jixiao_fetch::sync(&urls, &args.store, &opts)?;
    tell(&report, shell);
    let failed = report.count(|c| matches!(c, Change::Failed(_)));
    let web = jixiao_fetch::web_run(&args.store, &report);
    if web.files.is_empty() {
        if !shell.quiet {
            eprintln!(
                "jixiao: no document in {} yet: nothing to read",
                args.store.display()
            );
        }
        return Ok(if failed > 0 {
            Outcome::Partial
        } else {
            Outcome::Complete
        });
    }
    let (outcome, revisions) = super::extract::run_web(
        &ExtractArgs {
            paths: web.files.clone(),
            output: args.output.clone(),
            threads: args.threads,
            no_score: false,
            no_dataset: false,
            xlsx_max_rows: jixiao_dataset::DEFAULT_XLSX_MAX_ROWS,
            no_report: false,
            incremental: true,
            verify: false,
            ocr: crate::args::OcrArg::Auto,
            password: std::env::var("JIXIAO_PDF_PASSWORD").ok(),
            summary_json: None,
            in_process: false,
            max_file_mb: jixiao_isolate::DEFAULT_MEMORY_MB,
            file_timeout: jixiao_isolate::DEFAULT_TIMEOUT.as_secs(),
            web: Some(std::sync::Arc::new(web)),
        },
        shell,
    )?;
    jixiao_fetch::record_revisions(&args.store, &revisions)?;
    if !shell.quiet {
        for rv in &revisions {
            let values: usize = rv.records.iter().map(|r| r.changes.len()).sum();
            eprintln!(
                "jixiao: revised   {}: {} forms differ, {values} values (→ {})",
                rv.url,
                rv.records.len(),
                args.output.join(jixiao_fetch::HISTORY).display()
            );
        }
    }
    Ok(if failed > 0 {
        Outcome::Partial
    } else {
        outcome
    })
}
