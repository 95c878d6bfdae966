//! `jixiao extract`: files → a dataset (records, errors, findings, CSV/Parquet/XLSX tables,
//! manifest), written atomically; `--incremental` reuses unchanged files' results.

use super::output::{self, FileEntry, FileStatus, Manifest, READER_VERSION};
use super::previous::Copy;
use super::previous::{mtime_ns, Previous};
use super::{Outcome, Shell};
use crate::args::{ExtractArgs, WorkerArgs};
use anyhow::{bail, Context, Result};
use indicatif::{ProgressBar, ProgressStyle};
use jixiao_pipeline::{ErrorEntry, ExtractError, FileSummary, ReadStats, RunSummary};
use jixiao_record::revision::Revision;
use jixiao_record::{DuplicateKey, Duplicates, Record};
use std::collections::HashMap;
use std::io::IsTerminal;
use std::path::{Path, PathBuf};
use std::time::Instant;

/// Extensions read when walking a directory: the formats that have a reader.
/// The reader version recorded in the manifest: the OCR mode changes what a file gives,
/// so a dataset written under another mode is not reused.
fn version(opts: &jixiao_pipeline::Options) -> String {
    format!("{READER_VERSION}+ocr-{:?}", opts.ocr).to_lowercase()
}

/// The options that shape what reading and copying give: scoring, the tables, the
/// limits a file is read under and the password.
fn reading_options(args: &ExtractArgs) -> String {
    format!(
        "score={} dataset={} max_file_mb={} file_timeout={} password={}",
        !args.no_score,
        !args.no_dataset,
        args.max_file_mb,
        args.file_timeout,
        args.password
            .as_deref()
            .map(|p| jixiao_pipeline::sha256_hex(p.as_bytes()))
            .unwrap_or_default(),
    )
}

/// The first 16 hex digits of the SHA-256 of `text`.
fn digest(text: &str) -> String {
    jixiao_pipeline::sha256_hex(text.as_bytes())[..16].to_string()
}

/// A digest of what shapes a run's outputs besides its inputs' content and the reader
/// version: the options, and where the auditors' links to each input point (they
/// depend on the working directory and OUTDIR; the OUTDIR's name alone does not).
fn settings(
    args: &ExtractArgs,
    links: &jixiao_report::Links,
    inputs: &[(&Path, String)],
) -> String {
    let mut text = format!(
        "{} report={} xlsx_max_rows={}",
        reading_options(args),
        !args.no_report,
        args.xlsx_max_rows,
    );
    for (_, n) in inputs {
        text.push('\n');
        text.push_str(&links.target(n).uri());
    }
    digest(&text)
}

/// Rows a chunk of input files (a Parquet row group per table) holds on average:
/// [`jixiao_dataset::CHUNK_ROWS`], or `JIXIAO_CHUNK_ROWS` (tests make small chunks to
/// have many).
fn chunk_rows() -> u64 {
    std::env::var("JIXIAO_CHUNK_ROWS")
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(jixiao_dataset::CHUNK_ROWS)
}

/// A digest of the options that shape what an incremental run copies from the previous
/// dataset as bytes: findings (scoring), the tables (a dataset), and how files are read
/// (limits, password). Not the links (they are in no copied line) nor the inputs.
fn copy_settings(args: &ExtractArgs) -> String {
    digest(&reading_options(args))
}

/// The bundled samples: `./samples` of the working directory (the README runs from the
/// project's root); never a path compiled into the binary.
fn default_samples() -> Result<PathBuf> {
    let here = PathBuf::from("samples");
    if here.is_dir() {
        return Ok(here);
    }
    bail!(
        "no PATH given and no samples/ directory in {}; pass files or directories to read",
        std::env::current_dir()
            .map(|d| d.display().to_string())
            .unwrap_or_else(|_| ".".into())
    )
}

pub use jixiao_dataset::index::{ERRORS, FINDINGS, RECORDS};

/// What one input gave: its manifest entry and its records or error.
pub struct Done {
    /// The file's manifest entry.
    pub entry: FileEntry,
    /// Its forms.
    pub records: Vec<Record>,
    /// The file's error, or (bundles) one per member that failed.
    pub errors: Vec<ErrorEntry>,
    /// Taken from the previous dataset (`--incremental`), not read.
    pub reused: bool,
    /// What was read (empty for reused files and files that could not be read).
    pub stats: ReadStats,
    /// Seconds spent on the file (reading, parsing, scoring).
    pub seconds: f64,
    /// The records' findings (empty with --no-score).
    pub findings: Vec<jixiao_score::Finding>,
    /// Each record's duplicate key ([`jixiao_record::Duplicates::key`]), computed where
    /// the file is read (or kept in the previous dataset's index).
    pub keys: Vec<Option<DuplicateKey>>,
    /// For a file unchanged since the previous dataset: its lines there, to copy.
    pub copy: Option<Copy>,
    /// The dataset's table rows of `records` and `findings` as they are here, made where
    /// the file is read (in parallel); `None` when the run writes no dataset, or when the
    /// records changed since (then the rows are made again).
    pub tables: Option<Vec<jixiao_dataset::Table>>,
}

/// The input file a record or error entry names: a bundle member's
/// (`bundle.zip!/member.pdf`) is the bundle.
pub fn input_of(file: &str) -> &str {
    file.split("!/").next().unwrap_or(file)
}

/// The name a file goes by in records, errors and the manifest.
pub fn name_of(p: &Path) -> String {
    p.to_string_lossy().replace('\\', "/")
}

/// The file's bytes, refused past [`jixiao_pipeline::MAX_FILE_BYTES`].
fn bytes_of(p: &Path, name: &str) -> Result<Vec<u8>, ExtractError> {
    match std::fs::metadata(p) {
        Ok(m) if m.len() > jixiao_pipeline::MAX_FILE_BYTES => Err(ExtractError::TooLarge {
            file: name.to_string(),
            size: m.len(),
            limit: jixiao_pipeline::MAX_FILE_BYTES,
        }),
        _ => std::fs::read(p).map_err(|source| ExtractError::Io {
            file: name.to_string(),
            source,
        }),
    }
}

/// A file that gave nothing but `error` (its manifest entry is an error entry).
fn failed(name: String, sha256: String, size: u64, error: &ExtractError) -> Done {
    Done {
        entry: FileEntry {
            path: name,
            sha256,
            size,
            status: FileStatus::Error,
            records: 0,
            findings: 0,
            mtime_ns: None,
        },
        records: Vec::new(),
        errors: vec![ErrorEntry::from(error)],
        reused: false,
        stats: ReadStats::default(),
        seconds: 0.0,
        findings: Vec::new(),
        keys: Vec::new(),
        copy: None,
        tables: None,
    }
}

/// Reads one file (or takes its results from the previous dataset when `previous` holds
/// them for the same content and reader version), in this process.
fn one(
    p: &Path,
    previous: Option<&Previous>,
    score: bool,
    opts: &jixiao_pipeline::Options,
) -> Done {
    let name = name_of(p);
    if let Some(done) = previous.and_then(|prev| prev.unchanged(p, &name, score)) {
        return done;
    }
    let bytes = match bytes_of(p, &name) {
        Ok(b) => b,
        Err(e) => return failed(name, String::new(), 0, &e),
    };
    let sha256 = jixiao_pipeline::sha256_hex(&bytes);
    if let Some(prev) = previous {
        if let Some(done) = prev.reuse(&name, &sha256, bytes.len() as u64, score) {
            return done;
        }
    }
    read_bytes(p, name, &bytes, sha256, opts)
}

/// Reads a file whose bytes are in hand.
fn read_bytes(
    p: &Path,
    name: String,
    bytes: &[u8],
    sha256: String,
    opts: &jixiao_pipeline::Options,
) -> Done {
    let size = bytes.len() as u64;
    let report = jixiao_pipeline::extract_report(bytes, &sha256, p, &name, opts);
    let records = report.records;
    let errors: Vec<ErrorEntry> = report.errors.iter().map(ErrorEntry::from).collect();
    Done {
        entry: FileEntry {
            path: name,
            sha256,
            size,
            status: FileStatus::of(records.len(), errors.len()),
            records: records.len(),
            findings: 0,
            mtime_ns: None,
        },
        records,
        errors,
        reused: false,
        stats: report.stats,
        seconds: 0.0,
        findings: Vec::new(),
        keys: Vec::new(),
        copy: None,
        tables: None,
    }
}

/// What a worker process sends back for one file.
#[derive(serde::Serialize, serde::Deserialize)]
struct Reply {
    entry: FileEntry,
    records: Vec<Record>,
    errors: Vec<ErrorEntry>,
    stats: ReadStats,
    findings: Vec<jixiao_score::Finding>,
}

/// A job for a worker process: a file to read, or a page of the report to picture
/// (PDFium runs in workers too, under the same limits).
#[derive(serde::Serialize, serde::Deserialize)]
#[serde(untagged)]
enum Job {
    /// Read this file (a JSON string).
    File(PathBuf),
    /// Render this page and crop its rows (`{"pictures": …}`).
    Pictures {
        /// The page and its rows.
        pictures: jixiao_report::PageJob,
    },
}

/// Pictures of one report page made by a worker of `pool`; a worker that dies or
/// overruns costs that page's pictures.
pub fn pictures_in(
    pool: &jixiao_isolate::Pool,
    job: &jixiao_report::PageJob,
) -> Result<Vec<jixiao_report::Picture>, String> {
    let line = serde_json::to_string(&Job::Pictures {
        pictures: job.clone(),
    })
    .map_err(|e| e.to_string())?;
    let reply = pool.run(&line).map_err(|f| f.to_string())?;
    serde_json::from_str(&reply).map_err(|e| format!("worker: unreadable reply: {e}"))
}

/// The `__worker` command: reads each file named on stdin (a JSON string per line) and
/// replies with its [`Reply`] — or, for a report page, its pictures — until stdin
/// closes.
pub fn worker(args: &WorkerArgs) -> Result<Outcome> {
    let opts = jixiao_pipeline::Options {
        ocr: args.ocr.mode(),
        password: args.password.clone(),
    };
    jixiao_isolate::serve(|job| {
        let path: PathBuf = match serde_json::from_str(job) {
            Ok(Job::File(p)) => p,
            Ok(Job::Pictures { pictures }) => {
                let pics = jixiao_report::page_pictures(&pictures);
                return serde_json::to_string(&pics)
                    .unwrap_or_else(|e| format!("{{\"reply\": {:?}}}", e.to_string()));
            }
            Err(e) => return format!("{{\"job\": {:?}}}", e.to_string()),
        };
        let mut d = one(&path, None, false, &opts);
        if !args.no_score {
            d.findings = d.records.iter().flat_map(jixiao_score::rescore).collect();
        }
        let reply = Reply {
            entry: d.entry,
            records: d.records,
            errors: d.errors,
            stats: d.stats,
            findings: d.findings,
        };
        serde_json::to_string(&reply)
            .unwrap_or_else(|e| format!("{{\"reply\": {:?}}}", e.to_string()))
    })
    .context("worker")?;
    Ok(Outcome::Complete)
}

/// Reads one file in a worker process of `pool` (unchanged files of an incremental run
/// are taken from `previous` here); a worker that dies or overruns makes the file an
/// error entry.
fn isolated(
    p: &Path,
    previous: Option<&Previous>,
    score: bool,
    pool: &jixiao_isolate::Pool,
) -> Done {
    let name = name_of(p);
    if let Some(done) = previous.and_then(|prev| prev.unchanged(p, &name, score)) {
        return done;
    }
    let hashed = |name: &str| -> Result<(String, u64), ExtractError> {
        let bytes = bytes_of(p, name)?;
        Ok((jixiao_pipeline::sha256_hex(&bytes), bytes.len() as u64))
    };
    if let Some(prev) = previous {
        match hashed(&name) {
            Ok((sha, size)) => {
                if let Some(done) = prev.reuse(&name, &sha, size, score) {
                    return done;
                }
            }
            Err(e) => return failed(name, String::new(), 0, &e),
        }
    }
    let job = serde_json::to_string(p).unwrap_or_default();
    let reason = match pool.run(&job) {
        Ok(line) => match serde_json::from_str::<Reply>(&line) {
            Ok(r) => {
                return Done {
                    entry: r.entry,
                    records: r.records,
                    errors: r.errors,
                    reused: false,
                    stats: r.stats,
                    seconds: 0.0,
                    findings: r.findings,
                    keys: Vec::new(),
                    copy: None,
                    tables: None,
                }
            }
            Err(e) => format!("worker: unreadable reply: {e}"),
        },
        Err(failure) => failure.to_string(),
    };
    let (sha, size) = hashed(&name).unwrap_or_default();
    let error = ExtractError::Isolated {
        file: name.clone(),
        reason,
    };
    failed(name, sha, size, &error)
}

/// The worker processes of a run: this program as `__worker`, with the run's flags.
fn workers(args: &ExtractArgs, shell: Shell) -> Result<jixiao_isolate::Pool> {
    let mut argv: Vec<std::ffi::OsString> = Vec::new();
    if shell.quiet {
        argv.push("-q".into());
    }
    for _ in 0..shell.verbose {
        argv.push("-v".into());
    }
    argv.push("__worker".into());
    argv.push("--ocr".into());
    let ocr = clap::ValueEnum::to_possible_value(&args.ocr)
        .map(|v| v.get_name().to_string())
        .unwrap_or_else(|| "auto".into());
    argv.push(ocr.into());
    if args.no_score {
        argv.push("--no-score".into());
    }
    let limits = jixiao_isolate::Limits {
        memory_mb: args.max_file_mb,
        timeout: std::time::Duration::from_secs(args.file_timeout),
    };
    // The address-space limit is set by the worker once it runs; mimalloc (the global
    // allocator) would by then have reserved 1 GiB that the file could use past it.
    // Workers reserve nothing up front: each block is mapped when needed, and checked.
    let mut pool =
        jixiao_isolate::Pool::of_current_exe(argv, limits)?.with_env("MIMALLOC_ARENA_RESERVE", "0");
    if let Some(pw) = &args.password {
        pool = pool.with_env("JIXIAO_PDF_PASSWORD", pw);
    }
    // A worker reads one file at a time, its pages in parallel: with `-j N` it uses N
    // threads at most, so `-j1` is one thread in all (without `-j`, one per core).
    if let Some(j) = args.threads {
        pool = pool.with_env("RAYON_NUM_THREADS", j.max(1).to_string());
    }
    Ok(pool)
}

fn progress(n: usize, shell: Shell) -> ProgressBar {
    if n < 2 || shell.quiet || !std::io::stderr().is_terminal() {
        return ProgressBar::hidden();
    }
    let bar = ProgressBar::new(n as u64);
    bar.set_style(
        ProgressStyle::with_template("{spinner} {pos}/{len} files [{bar:30}] {elapsed} {msg}")
            .unwrap_or_else(|_| ProgressStyle::default_bar())
            .progress_chars("=> "),
    );
    bar
}

/// The per-file summary of `-v` and `--summary-json`.
pub fn summary_of(d: &Done) -> FileSummary {
    FileSummary {
        path: d.entry.path.clone(),
        status: d.entry.status.as_str().into(),
        reused: d.reused,
        stats: d.stats.clone(),
        forms: match &d.copy {
            Some(c) => c.rows.forms.len(),
            None => d.records.len(),
        },
        findings: d.findings.len(),
        errors: d.errors.iter().map(|e| e.message.clone()).collect(),
        seconds: d.seconds,
    }
}

/// The revisions of the documents `web` says were revised: each new version's records
/// (`new`, read in this run) against the old version's (from the previous dataset, else
/// read again from the store, which keeps every version).
fn revisions_of(
    web: &jixiao_fetch::WebRun,
    new: &mut HashMap<String, Vec<Record>>,
    previous: Option<&Previous>,
    opts: &jixiao_pipeline::Options,
) -> Vec<Revision> {
    let detected_at = jixiao_fetch::now();
    web.revised
        .iter()
        .map(|rv| {
            let old = previous
                .and_then(|p| p.records_of(&rv.old.file))
                .unwrap_or_else(|| one(Path::new(&rv.old.file), None, false, opts).records);
            let new = new.get(&rv.new.file).cloned().unwrap_or_default();
            Revision {
                url: rv.url.clone(),
                detected_at: detected_at.clone(),
                old: rv.old.clone(),
                new: rv.new.clone(),
                records: jixiao_record::revision::diff_records(&old, &new),
            }
        })
        .collect()
}

/// Runs the extraction.
pub fn run(args: &ExtractArgs, shell: Shell) -> Result<Outcome> {
    run_web(args, shell).map(|(outcome, _)| outcome)
}

/// Reads one file, by a worker process or here, scores it, and stamps its time.
fn read_one(
    p: &Path,
    args: &ExtractArgs,
    previous: Option<&Previous>,
    isolate: Option<&jixiao_isolate::Pool>,
    opts: &jixiao_pipeline::Options,
) -> Done {
    let t = Instant::now();
    // The time is taken before the file is read: a file written meanwhile then has a
    // newer time than the manifest says, and is read next time.
    let mtime = std::fs::metadata(p).ok().as_ref().and_then(mtime_ns);
    let score = !args.no_score;
    let mut d = match isolate {
        Some(workers) => isolated(p, previous, score, workers),
        None => one(p, previous, score, opts),
    };
    // Workers score what they read, and reused files bring their findings; files read
    // here are scored here.
    let scored = isolate.is_some() || d.reused;
    if score && !scored {
        d.findings = d.records.iter().flat_map(jixiao_score::rescore).collect();
    }
    if d.copy.is_none() {
        d.keys = d.records.iter().map(Duplicates::key).collect();
    }
    d.entry.mtime_ns = mtime;
    d.entry.findings = d.findings.len();
    // Rows are made here when records are in hand (a copied file's come with its lines).
    if !args.no_dataset && (d.copy.is_none() || !d.records.is_empty()) {
        d.tables = Some(jixiao_dataset::tables(&d.records, &d.findings));
    }
    d.seconds = t.elapsed().as_secs_f64();
    d
}

/// Runs the extraction; also returns the revisions found (files `args.web` says were
/// revised).
pub fn run_web(args: &ExtractArgs, shell: Shell) -> Result<(Outcome, Vec<Revision>)> {
    let started = Instant::now();
    let roots = if args.paths.is_empty() {
        vec![default_samples()?]
    } else {
        args.paths.clone()
    };
    let inputs = jixiao_pipeline::inputs::collect(&roots, &args.output)?;
    let files = &inputs.files;
    let _lock = output::lock(&args.output)?;
    let opts = jixiao_pipeline::Options {
        ocr: args.ocr.mode(),
        password: args.password.clone(),
    };
    let cwd = std::env::current_dir().context("current directory")?;
    let links = jixiao_report::Links::new(&cwd, &args.output);
    let named: Vec<(&Path, String)> = files.iter().map(|p| (p.as_path(), name_of(p))).collect();
    let settings = settings(args, &links, &named);
    if args.incremental && args.web.is_none() {
        if let Some(m) = super::previous::kept(
            &args.output,
            &version(&opts),
            &settings,
            &named,
            args.verify,
        ) {
            return super::ending::kept_run(args, shell, &inputs, &m, started)
                .map(|o| (o, Vec::new()));
        }
    }
    drop(named);
    let staging = output::begin(&args.output)?;
    let previous = match args.incremental {
        true => Previous::load(
            &args.output,
            &version(&opts),
            &copy_settings(args),
            args.verify,
        )
        .map(|mut p| {
            p.plan(files);
            p
        }),
        false => None,
    };
    let pool = super::pool(args.threads)?;
    let isolate = if args.in_process {
        None
    } else {
        Some(workers(args, shell)?)
    };
    let xlsx = staging.join("dataset.xlsx");
    let xlsx_limit = match args.xlsx_max_rows {
        0 => None,
        n => Some(n),
    };
    // The unchanged files alone pass the workbook's limit: it is given up at once, and
    // their rows need not be read for it.
    let past_limit = xlsx_limit.filter(|&n| {
        previous
            .as_ref()
            .is_some_and(|p| p.rows_at_least(files) > n as u64)
    });
    let bar = progress(files.len(), shell);
    let streamed = || -> Result<super::sink::Sink> {
        let mut sink = super::sink::Sink {
            records: jixiao_record::jsonl::JsonlWriter::create(&staging.join(RECORDS))?,
            errors: jixiao_record::jsonl::JsonlWriter::create(&staging.join(ERRORS))?,
            index: jixiao_record::jsonl::JsonlWriter::create(
                &staging.join(jixiao_dataset::index::INDEX),
            )?,
            findings: match args.no_score {
                true => None,
                false => Some(jixiao_record::jsonl::JsonlWriter::create(
                    &staging.join(FINDINGS),
                )?),
            },
            dataset: match args.no_dataset {
                true => None,
                false => Some(
                    jixiao_dataset::DatasetWriter::create(
                        &staging,
                        match past_limit {
                            Some(_) => None,
                            None => Some((&xlsx, {
                                let links = links.clone();
                                Box::new(move |l: &str| links.xlsx_url(l))
                            })),
                        },
                    )?
                    .with_xlsx_limit(xlsx_limit)
                    .with_chunk_rows(chunk_rows())
                    .with_previous_if(previous.is_some(), &args.output)
                    .without_xlsx_if(past_limit, &xlsx),
                ),
            },
            duplicates: Default::default(),
            web: args.web.as_deref(),
            revised: args
                .web
                .iter()
                .flat_map(|w| &w.revised)
                .map(|rv| (rv.new.file.clone(), Vec::new()))
                .collect(),
            manifest: Manifest {
                reader_version: version(&opts),
                schema_version: jixiao_dataset::SCHEMA_VERSION,
                settings: settings.clone(),
                copy_settings: copy_settings(args),
                outputs: Vec::new(),
                files: Vec::with_capacity(files.len()),
            },
            summaries: Vec::with_capacity(files.len()),
            error_entries: Vec::new(),
            spill: match args.no_score {
                true => None,
                false => Some(jixiao_report::FindingSpill::in_dir(&staging)?),
            },
            forms: 0,
            reused: 0,
        };
        let window = pool.current_num_threads() * jixiao_pipeline::ordered::WINDOW_PER_THREAD;
        jixiao_pipeline::ordered::map_ordered(
            &pool,
            files,
            window,
            |p| {
                let d = read_one(p, args, previous.as_ref(), isolate.as_ref(), &opts);
                if shell.verbose > 0 {
                    bar.suspend(|| eprintln!("jixiao: {}", summary_of(&d).line()));
                }
                bar.inc(1);
                d
            },
            |d| sink.take(d),
        )?;
        Ok(sink)
    };
    let sink = match streamed() {
        Ok(sink) => sink,
        Err(e) => {
            let _ = std::fs::remove_dir_all(&staging);
            return Err(e);
        }
    };
    bar.finish_and_clear();
    let super::sink::Sink {
        records,
        index,
        errors: errors_out,
        findings: findings_out,
        dataset,
        mut revised,
        mut manifest,
        summaries,
        error_entries: errors,
        spill,
        forms,
        reused,
        duplicates,
        ..
    } = sink;
    // Per distinct form the run has seen (~100 bytes each): not needed past here, and the
    // auditors' files are written next.
    drop(duplicates);
    let mut summary = RunSummary::of(summaries);
    summary.totals.skipped = inputs.skipped.clone();
    if let Some(prev) = &previous {
        let by_time = prev.by_time();
        tracing::info!(
            "{reused} files unchanged: {by_time} by size and modification time (not read), {} by SHA-256",
            reused - by_time
        );
    }
    let mut revisions = Vec::new();
    let mut all_revisions = Vec::new();
    if let Some(web) = &args.web {
        revisions = revisions_of(web, &mut revised, previous.as_ref(), &opts);
        all_revisions = web.history.clone();
        all_revisions.extend(revisions.iter().cloned());
    }
    let write = || -> Result<()> {
        records.finish()?;
        errors_out.finish()?;
        index.finish()?;
        if let Some(w) = findings_out {
            w.finish()?;
        }
        if let Some(t) = dataset {
            if let Some(skipped) = t.finish()? {
                // The path is the staging directory's; name the one the user will open.
                let name = skipped
                    .path
                    .file_name()
                    .map(PathBuf::from)
                    .unwrap_or_default();
                let skipped = jixiao_dataset::XlsxSkipped {
                    path: args.output.join(name),
                    ..skipped
                };
                eprintln!("jixiao: {skipped}");
            }
        }
        if args.web.is_some() {
            jixiao_record::jsonl::write_all(&staging.join(jixiao_fetch::HISTORY), &all_revisions)?;
        }
        if let Some(spill) = spill {
            let store = spill.finish()?;
            let files = super::score::file_rows(&manifest);
            let audit = jixiao_report::Audit {
                forms,
                findings: &store,
                errors: &errors,
                files: &files,
                revisions: &all_revisions,
            };
            let t = Instant::now();
            let run = |job: &jixiao_report::PageJob| match &isolate {
                Some(workers) => pictures_in(workers, job),
                None => Ok(jixiao_report::page_pictures(job)),
            };
            let stats = pool.install(|| {
                jixiao_report::write_audit(&staging, &audit, &links, !args.no_report, Some(&run))
            })?;
            if let Some(st) = stats {
                tracing::info!(
                    "report.html: {} findings, {} pictures ({} with the value outlined), {} as cells, {} without, {:.2} s",
                    st.findings, st.pictures, st.values_outlined, st.cells, st.without,
                    t.elapsed().as_secs_f64()
                );
            }
        }
        manifest.outputs = output::outputs_of(&staging)?;
        let json = serde_json::to_string_pretty(&manifest)? + "\n";
        std::fs::write(staging.join(output::MANIFEST), json)
            .with_context(|| format!("{}", staging.display()))?;
        Ok(())
    };
    if let Err(e) = write() {
        let _ = std::fs::remove_dir_all(&staging);
        return Err(e);
    }
    output::commit(&staging, &args.output)?;
    let outcome = super::ending::finish(
        args,
        shell,
        &inputs,
        super::ending::Ending {
            summary,
            errors,
            reused,
            forms,
            findings: manifest.files.iter().map(|f| f.findings).sum(),
        },
        started,
    )?;
    Ok((outcome, revisions))
}
