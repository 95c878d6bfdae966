//! `jixiao extract`: files → a dataset (records, errors, findings, CSV/Parquet/XLSX tables,
//! manifest), written atomically; `--incremental` reuses unchanged files' results.

use super::output::{self, FileEntry, Manifest, READER_VERSION};
use super::{Outcome, Shell};
use crate::args::{ExtractArgs, WorkerArgs};
use anyhow::{bail, Context, Result};
use indicatif::{ProgressBar, ProgressStyle};
use jixiao_pipeline::{ErrorEntry, ExtractError, FileSummary, ReadStats, RunSummary};
use jixiao_record::revision::Revision;
use jixiao_record::Record;
use rayon::prelude::*;
use std::collections::HashMap;
use std::io::IsTerminal;
use std::path::{Path, PathBuf};
use std::time::{Instant, UNIX_EPOCH};

/// Extensions read when walking a directory: the formats that have a reader.
/// The reader version recorded in the manifest: the OCR mode changes what a file gives,
/// so a dataset written under another mode is not reused.
fn version(opts: &jixiao_pipeline::Options) -> String {
    format!("{READER_VERSION}+ocr-{:?}", opts.ocr).to_lowercase()
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

/// What one input gave: its manifest entry and its records or error.
struct Done {
    entry: FileEntry,
    records: Vec<Record>,
    /// The file's error, or (bundles) one per member that failed.
    errors: Vec<ErrorEntry>,
    reused: bool,
    /// What was read (empty for reused files and files that could not be read).
    stats: ReadStats,
    /// Seconds spent on the file (reading, parsing, scoring).
    seconds: f64,
    /// The records' findings (empty with --no-score).
    findings: Vec<jixiao_score::Finding>,
}

/// The input file a record or error entry names: a bundle member's
/// (`bundle.zip!/member.pdf`) is the bundle.
fn input_of(file: &str) -> &str {
    file.split("!/").next().unwrap_or(file)
}

/// The name a file goes by in records, errors and the manifest.
fn name_of(p: &Path) -> String {
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
            status: "error".into(),
            records: 0,
            mtime_ns: None,
        },
        records: Vec::new(),
        errors: vec![ErrorEntry::from(error)],
        reused: false,
        stats: ReadStats::default(),
        seconds: 0.0,
        findings: Vec::new(),
    }
}

/// Reads one file (or takes its results from the previous dataset when `previous` holds
/// them for the same content and reader version), in this process.
fn one(p: &Path, previous: Option<&Previous>, opts: &jixiao_pipeline::Options) -> Done {
    let name = name_of(p);
    if let Some(done) = previous.and_then(|prev| prev.unchanged(p, &name)) {
        return done;
    }
    let bytes = match bytes_of(p, &name) {
        Ok(b) => b,
        Err(e) => return failed(name, String::new(), 0, &e),
    };
    let sha256 = jixiao_pipeline::sha256_hex(&bytes);
    if let Some(prev) = previous {
        if let Some(done) = prev.reuse(&name, &sha256, bytes.len() as u64) {
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
            status: if records.is_empty() && !errors.is_empty() {
                "error"
            } else {
                "ok"
            }
            .into(),
            records: records.len(),
            mtime_ns: None,
        },
        records,
        errors,
        reused: false,
        stats: report.stats,
        seconds: 0.0,
        findings: Vec::new(),
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
        let mut d = one(&path, None, &opts);
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
fn isolated(p: &Path, previous: Option<&Previous>, pool: &jixiao_isolate::Pool) -> Done {
    let name = name_of(p);
    if let Some(done) = previous.and_then(|prev| prev.unchanged(p, &name)) {
        return done;
    }
    let hashed = |name: &str| -> Result<(String, u64), ExtractError> {
        let bytes = bytes_of(p, name)?;
        Ok((jixiao_pipeline::sha256_hex(&bytes), bytes.len() as u64))
    };
    if let Some(prev) = previous {
        match hashed(&name) {
            Ok((sha, size)) => {
                if let Some(done) = prev.reuse(&name, &sha, size) {
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
    let mut pool = jixiao_isolate::Pool::of_current_exe(argv, limits)?;
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

/// Nanoseconds since the Unix epoch of a file's modification time.
fn mtime_ns(m: &std::fs::Metadata) -> Option<i64> {
    let d = m.modified().ok()?.duration_since(UNIX_EPOCH).ok()?;
    i64::try_from(d.as_nanos()).ok()
}

/// How much older than the previous manifest a file's modification time must be for
/// the time to vouch for its content: file systems keep times as coarse as 2 s (FAT),
/// so a file written in the same tick as it was read could have changed unseen.
const SETTLED_NS: i64 = 2_000_000_000;

/// The previous dataset of OUTDIR, for incremental runs.
struct Previous {
    files: HashMap<String, FileEntry>,
    records: HashMap<String, Vec<Record>>,
    errors: HashMap<String, Vec<ErrorEntry>>,
    /// Files modified before this (ns since the epoch) are unchanged when their size
    /// and time match; `None` (--verify, or no time for the manifest): hash them all.
    settled_before: Option<i64>,
    /// Files taken as unchanged by size and time, without reading them.
    by_time: std::sync::atomic::AtomicUsize,
}

impl Previous {
    fn load(out: &Path, version: &str, verify: bool) -> Option<Previous> {
        let settled_before = std::fs::metadata(out.join(output::MANIFEST))
            .ok()
            .as_ref()
            .and_then(mtime_ns)
            .map(|t| t - SETTLED_NS)
            .filter(|_| !verify);
        let m = Manifest::load(out)?;
        if m.reader_version != version {
            tracing::info!(
                "previous dataset was written by reader {}; reading everything again",
                m.reader_version
            );
            return None;
        }
        let mut records: HashMap<String, Vec<Record>> = HashMap::new();
        for line in std::fs::read_to_string(out.join("records.jsonl"))
            .ok()?
            .lines()
        {
            let r: Record = serde_json::from_str(line).ok()?;
            records
                .entry(input_of(&r.source.file).to_string())
                .or_default()
                .push(r);
        }
        let mut errors: HashMap<String, Vec<ErrorEntry>> = HashMap::new();
        for line in std::fs::read_to_string(out.join("errors.jsonl"))
            .ok()?
            .lines()
        {
            let e: ErrorEntry = serde_json::from_str(line).ok()?;
            errors
                .entry(input_of(&e.file).to_string())
                .or_default()
                .push(e);
        }
        Some(Previous {
            files: m.files.into_iter().map(|f| (f.path.clone(), f)).collect(),
            records,
            errors,
            settled_before,
            by_time: std::sync::atomic::AtomicUsize::new(0),
        })
    }

    /// The previous results of `p` when its size and modification time say it has not
    /// changed since it was read (see [`SETTLED_NS`]), without reading it.
    fn unchanged(&self, p: &Path, name: &str) -> Option<Done> {
        let settled = self.settled_before?;
        let f = self.files.get(name)?;
        let meta = std::fs::metadata(p).ok()?;
        let t = mtime_ns(&meta)?;
        if f.mtime_ns != Some(t) || t >= settled || f.size != meta.len() || f.sha256.is_empty() {
            return None;
        }
        let done = self.reuse(name, &f.sha256, f.size)?;
        self.by_time
            .fetch_add(1, std::sync::atomic::Ordering::Relaxed);
        Some(done)
    }

    fn reuse(&self, path: &str, sha256: &str, size: u64) -> Option<Done> {
        let f = self.files.get(path)?;
        if f.sha256 != sha256 || f.size != size {
            return None;
        }
        let records = self.records.get(path).cloned().unwrap_or_default();
        let errors = self.errors.get(path).cloned().unwrap_or_default();
        // The dataset must hold what the manifest says, else read the file again.
        if records.len() != f.records
            || (f.status == "error") != (records.is_empty() && !errors.is_empty())
        {
            return None;
        }
        Some(Done {
            entry: f.clone(),
            records,
            errors,
            reused: true,
            stats: ReadStats::default(),
            seconds: 0.0,
            findings: Vec::new(),
        })
    }
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
fn summary_of(d: &Done) -> FileSummary {
    FileSummary {
        path: d.entry.path.clone(),
        status: d.entry.status.clone(),
        reused: d.reused,
        stats: d.stats.clone(),
        forms: d.records.len(),
        findings: d.findings.len(),
        errors: d.errors.iter().map(|e| e.message.clone()).collect(),
        seconds: d.seconds,
    }
}

/// The revisions of the documents `web` says were revised: each new version's records
/// (read in this run) against the old version's (from the previous dataset, else read
/// again from the store, which keeps every version).
fn revisions_of(
    web: &jixiao_fetch::WebRun,
    records: &[Record],
    previous: Option<&Previous>,
    opts: &jixiao_pipeline::Options,
) -> Vec<Revision> {
    let detected_at = jixiao_fetch::now();
    web.revised
        .iter()
        .map(|rv| {
            let old = previous
                .and_then(|p| p.records.get(&rv.old.file).cloned())
                .unwrap_or_else(|| one(Path::new(&rv.old.file), None, opts).records);
            let new: Vec<Record> = records
                .iter()
                .filter(|r| input_of(&r.source.file) == rv.new.file)
                .cloned()
                .collect();
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

/// Records per chunk of the dataset's tables: the rows built at once.
const TABLE_CHUNK: usize = 1024;

/// Runs the extraction.
pub fn run(args: &ExtractArgs, shell: Shell) -> Result<Outcome> {
    run_web(args, shell).map(|(outcome, _)| outcome)
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
    let staging = output::begin(&args.output)?;
    let opts = jixiao_pipeline::Options {
        ocr: args.ocr.mode(),
        password: args.password.clone(),
    };
    let previous = if args.incremental {
        Previous::load(&args.output, &version(&opts), args.verify)
    } else {
        None
    };
    let pool = super::pool(args.threads)?;
    let isolate = if args.in_process {
        None
    } else {
        Some(workers(args, shell)?)
    };
    let bar = progress(files.len(), shell);
    let done: Vec<Done> = pool.install(|| {
        files
            .par_iter()
            .map(|p| {
                let t = Instant::now();
                // The time is taken before the file is read: a file written meanwhile
                // then has a newer time than the manifest says, and is read next time.
                let mtime = std::fs::metadata(p).ok().as_ref().and_then(mtime_ns);
                let mut d = match &isolate {
                    Some(workers) => isolated(p, previous.as_ref(), workers),
                    None => one(p, previous.as_ref(), &opts),
                };
                // Workers score what they read; files read here or reused are scored here.
                let scored = isolate.is_some() && !d.reused;
                if !args.no_score && !scored {
                    d.findings = d.records.iter().flat_map(jixiao_score::rescore).collect();
                }
                d.entry.mtime_ns = mtime;
                d.seconds = t.elapsed().as_secs_f64();
                if shell.verbose > 0 {
                    bar.suspend(|| eprintln!("jixiao: {}", summary_of(&d).line()));
                }
                bar.inc(1);
                d
            })
            .collect()
    });
    bar.finish_and_clear();
    let mut summary = RunSummary::of(done.iter().map(summary_of).collect());
    summary.totals.skipped = inputs.skipped.clone();
    let mut records = Vec::new();
    let mut errors = Vec::new();
    let mut manifest = Manifest {
        reader_version: version(&opts),
        schema_version: jixiao_dataset::SCHEMA_VERSION,
        files: Vec::with_capacity(done.len()),
    };
    let reused = done.iter().filter(|d| d.reused).count();
    if let Some(prev) = &previous {
        let by_time = prev.by_time.load(std::sync::atomic::Ordering::Relaxed);
        tracing::info!(
            "{reused} files unchanged: {by_time} by size and modification time (not read), {} by SHA-256",
            reused - by_time
        );
    }
    let mut findings = Vec::new();
    for d in done {
        records.extend(d.records);
        errors.extend(d.errors);
        findings.extend(d.findings);
        manifest.files.push(d.entry);
    }
    let mut revisions = Vec::new();
    let mut all_revisions = Vec::new();
    if let Some(web) = &args.web {
        for r in &mut records {
            if let Some(w) = web.sources.get(input_of(&r.source.file)) {
                r.source.web = w.clone();
            }
        }
        revisions = revisions_of(web, &records, previous.as_ref(), &opts);
        all_revisions = web.history.clone();
        all_revisions.extend(revisions.iter().cloned());
    }
    // Another publication of a form read earlier in the run (another format, another
    // file) points at it.
    jixiao_record::mark_duplicates(&mut records);
    let write = || -> Result<()> {
        super::write_jsonl(&staging.join("records.jsonl"), &records)?;
        super::write_jsonl(&staging.join("errors.jsonl"), &errors)?;
        if args.web.is_some() {
            super::write_jsonl(&staging.join(jixiao_fetch::HISTORY), &all_revisions)?;
        }
        if !args.no_score {
            super::write_jsonl(&staging.join("findings.jsonl"), &findings)?;
        }
        let cwd = std::env::current_dir().context("current directory")?;
        let links = jixiao_report::Links::new(&cwd, &args.output);
        if !args.no_dataset {
            let xlsx = staging.join("dataset.xlsx");
            let url_of = |l: &str| links.xlsx_url(l);
            jixiao_dataset::write_streamed(
                &staging,
                Some((&xlsx, &url_of)),
                &records,
                &findings,
                TABLE_CHUNK,
            )?;
        }
        if !args.no_score {
            let files = super::score::file_rows(&manifest);
            let audit = jixiao_report::Audit {
                records: &records,
                findings: &findings,
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
    if let Some(path) = &args.summary_json {
        let json = serde_json::to_string_pretty(&summary)? + "\n";
        if path.as_os_str() == "-" {
            print!("{json}");
        } else {
            std::fs::write(path, json).with_context(|| format!("{}", path.display()))?;
        }
    }
    for e in &errors {
        eprintln!("jixiao: {}", e.message);
    }
    if shell.quiet {
        let outcome = if errors.is_empty() {
            Outcome::Complete
        } else {
            Outcome::Partial
        };
        return Ok((outcome, revisions));
    }
    let findings = if args.no_score {
        String::new()
    } else {
        format!("{} findings, ", findings.len())
    };
    let reused = if args.incremental {
        format!(" ({reused} unchanged, {} read)", files.len() - reused)
    } else {
        String::new()
    };
    if let Some(line) = inputs.skipped_line() {
        eprintln!(
            "jixiao: skipped {line} (not an extension jixiao reads; name such a file to read it anyway)"
        );
    }
    eprintln!(
        "jixiao: {} files{reused}, {} forms, {findings}{} errors, {:.2} s → {}",
        files.len(),
        records.len(),
        errors.len(),
        started.elapsed().as_secs_f64(),
        args.output.display()
    );
    let outcome = if errors.is_empty() {
        Outcome::Complete
    } else {
        Outcome::Partial
    };
    Ok((outcome, revisions))
}
