//! `jixiao score`: records.jsonl → a complete findings set (JSONL, CSV, Parquet, the
//! auditors' workbook and report) in its own OUTDIR.

use super::output::Manifest;
use super::{Outcome, Shell};
use crate::args::ScoreArgs;
use anyhow::{Context, Result};
use jixiao_pipeline::ErrorEntry;
use jixiao_record::Record;
use std::path::Path;
use std::time::Instant;

/// The files of a run, for the workbook's file sheet.
pub fn file_rows(m: &Manifest) -> Vec<jixiao_report::FileRow> {
    m.files
        .iter()
        .map(|f| jixiao_report::FileRow {
            path: f.path.clone(),
            status: f.status.as_str().into(),
            forms: f.records,
        })
        .collect()
}

fn read_lines<T: serde::de::DeserializeOwned>(path: &Path, what: &'static str) -> Result<Vec<T>> {
    Ok(jixiao_record::jsonl::read_all(path, what)?)
}

/// Records re-scored together: read, scored in parallel and written before the next
/// ones are read, so memory does not grow with RECORDS.
const BATCH: usize = 256;

/// Runs the re-scoring of existing records.
pub fn run(args: &ScoreArgs, shell: Shell) -> Result<Outcome> {
    let started = Instant::now();
    let mut records = jixiao_record::jsonl::items::<Record>(&args.records, "a record")?;
    let pool = super::pool(args.threads)?;
    // The run's errors and files, when the records come from an extract OUTDIR.
    let dir = args.records.parent().unwrap_or(Path::new("."));
    let errors: Vec<ErrorEntry> = match dir.join("errors.jsonl") {
        p if p.is_file() => read_lines(&p, "an error entry")?,
        _ => Vec::new(),
    };
    let revisions: Vec<jixiao_record::revision::Revision> = match dir.join(jixiao_fetch::HISTORY) {
        p if p.is_file() => read_lines(&p, "a revision")?,
        _ => Vec::new(),
    };
    let files = Manifest::load(dir)
        .map(|m| file_rows(&m))
        .unwrap_or_default();
    std::fs::create_dir_all(&args.output)
        .with_context(|| format!("cannot create {}", args.output.display()))?;
    // Written here and moved into OUTDIR when complete: a RECORDS line that is not a
    // record, found half-way, leaves OUTDIR's earlier files as they were.
    let staging = tempfile::Builder::new()
        .prefix(".jixiao-score-")
        .tempdir_in(&args.output)
        .with_context(|| format!("cannot write in {}", args.output.display()))?;
    let stage = staging.path();
    let mut findings_out =
        jixiao_record::jsonl::JsonlWriter::create(&stage.join("findings.jsonl"))?;
    let mut table = jixiao_dataset::DatasetWriter::tables_only(stage, &["findings"])?;
    let mut spill = jixiao_report::FindingSpill::in_dir(stage)?;
    let (mut forms, mut found) = (0usize, 0usize);
    let size = std::fs::metadata(&args.records).map_or(0, |m| m.len());
    let bar = progress(size, shell);
    loop {
        let batch = records
            .by_ref()
            .take(BATCH)
            .collect::<Result<Vec<Record>, _>>()?;
        if batch.is_empty() {
            break;
        }
        let findings = pool.install(|| jixiao_score::rescore_all(&batch));
        findings_out.extend(&findings)?;
        table.add(&batch, &findings)?;
        spill.add(&batch, &findings)?;
        forms += batch.len();
        found += findings.len();
        bar.set_position(records.bytes_read());
        bar.set_message(format!("{forms} records, {found} findings"));
    }
    bar.set_message("writing findings.xlsx and report.html");
    findings_out.finish()?;
    table.finish()?;
    let store = spill.finish()?;
    let cwd = std::env::current_dir().context("current directory")?;
    let links = jixiao_report::Links::new(&cwd, &args.output);
    let audit = jixiao_report::Audit {
        forms,
        findings: &store,
        errors: &errors,
        files: &files,
        revisions: &revisions,
    };
    // PDFium renders the report's pages in worker processes, like extract's readers.
    let workers = jixiao_isolate::Pool::of_current_exe(
        vec!["__worker".into()],
        jixiao_isolate::Limits {
            memory_mb: jixiao_isolate::DEFAULT_MEMORY_MB,
            timeout: jixiao_isolate::DEFAULT_TIMEOUT,
        },
    )?;
    let run = |job: &jixiao_report::PageJob| super::extract::pictures_in(&workers, job);
    pool.install(|| {
        jixiao_report::write_audit(stage, &audit, &links, !args.no_report, Some(&run))
    })?;
    for e in std::fs::read_dir(stage).with_context(|| format!("{}", stage.display()))? {
        let from = e.with_context(|| format!("{}", stage.display()))?.path();
        if let Some(name) = from.file_name() {
            let to = args.output.join(name);
            std::fs::rename(&from, &to)
                .with_context(|| format!("cannot move {} to {}", from.display(), to.display()))?;
        }
    }
    bar.finish_and_clear();
    if !shell.quiet {
        eprintln!(
            "jixiao: {} records, {} findings, {:.2} s → {} (findings.jsonl/.csv/.parquet/.xlsx{})",
            forms,
            found,
            started.elapsed().as_secs_f64(),
            args.output.display(),
            if args.no_report { "" } else { ", report.html" }
        );
    }
    Ok(Outcome::Complete)
}

/// Progress through RECORDS by bytes, on a terminal and unless `-q`.
fn progress(size: u64, shell: Shell) -> indicatif::ProgressBar {
    use std::io::IsTerminal;
    if shell.quiet || !std::io::stderr().is_terminal() {
        return indicatif::ProgressBar::hidden();
    }
    let bar = indicatif::ProgressBar::new(size);
    bar.set_style(
        indicatif::ProgressStyle::with_template(
            "{spinner} {bytes}/{total_bytes} [{bar:30}] {elapsed} {msg}",
        )
        .unwrap_or_else(|_| indicatif::ProgressStyle::default_bar())
        .progress_chars("=> "),
    );
    bar
}
