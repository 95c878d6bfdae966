//! Command-line arguments, all in one place.

use clap::{Args, Parser, Subcommand, ValueEnum};
use std::path::PathBuf;

/// Turns published budget-performance tables (财政项目支出绩效 自评表 / 跟踪表 /
/// 目标申报表) into normalized records that link back to where each form was printed.
#[derive(Debug, Parser)]
#[command(name = "jixiao", version, about, long_about = None)]
pub struct Cli {
    /// More on stderr: -v one line per file (reader, pages/sheets/lines, forms, findings,
    /// time, share read by OCR or recovered from glyph outlines; `watch`: every URL) and
    /// what the readers log; -vv debug logs; -vvv also the libraries' (HTTP, PDF, zip).
    /// JIXIAO_LOG (e.g. `jixiao_pdf=debug`) sets the log filter. No colour unless stderr
    /// is a terminal.
    #[arg(short, long, action = clap::ArgAction::Count, global = true)]
    pub verbose: u8,
    /// Only errors on stderr: no progress bar, no per-file lines, no summary line.
    #[arg(short, long, global = true, conflicts_with = "verbose")]
    pub quiet: bool,
    /// What to do.
    #[command(subcommand)]
    pub command: Command,
}

/// Subcommands.
#[derive(Debug, Subcommand)]
pub enum Command {
    /// Find every form in the given files and write a dataset to OUTDIR:
    /// records.jsonl, errors.jsonl, findings.jsonl, the four tables (forms, funds,
    /// indicators, findings) as .csv (UTF-8 with BOM) and .parquet, dataset.xlsx and
    /// manifest.json.
    /// OUTDIR is replaced as a whole at the end, so an interrupted run leaves the
    /// previous dataset intact.
    ///
    /// Exit status: 0 when every file was read, 1 when some files failed or a form was
    /// seen but not read (a 项目名称 row or indicator table without its funds block; the
    /// errors are in errors.jsonl, with their place), 2 on a usage error or when the
    /// outputs cannot be written. `jixiao explain FILE` shows why a file gave what it gave.
    Extract(ExtractArgs),
    /// For the nightly job: download new or changed documents from the given URLs
    /// (conditional requests; index pages are followed one level, within their
    /// directory) into a local store, then run an incremental extract over the store.
    ///
    /// Prints one line per new, changed or failed document and a summary. Exit status:
    /// 0 when everything was fetched and read, 1 when some URL failed (404, timeout,
    /// size cap) or some file could not be read, 2 on a usage error.
    Watch(WatchArgs),
    /// Show how one file was read: the cell grid the reader made (rows, cells with their
    /// column, spans and provenance), then the parser's view — where each form begins
    /// and ends and why, the row and cell of every header and funds field, how each
    /// indicator row was aligned to the table header (which cell went to which field,
    /// at what cost) and every row or cell dropped, with the reason; last, forms seen but
    /// not read (a 项目名称 row or an indicator table without a funds block).
    ///
    /// Exit status: 0 when the file gave forms, 1 when it was read but gave none, 2 when
    /// it cannot be read.
    Explain(ExplainArgs),
    /// Re-score existing records: read RECORDS (a records.jsonl) and write every
    /// findings output into OUTDIR — findings.jsonl, .csv, .parquet, the auditors'
    /// workbook findings.xlsx and report.html.
    ///
    /// Exit status: 0 on success (findings are not failures), 2 when RECORDS cannot be
    /// read or a line is not a record.
    Score(ScoreArgs),
    /// Internal: a worker process of `extract` (reads the files named on stdin, one JSON
    /// reply per line on stdout).
    #[command(name = "__worker", hide = true)]
    Worker(WorkerArgs),
}

/// Arguments of the internal `__worker` command (what `extract` passes on).
#[derive(Debug, Args)]
pub struct WorkerArgs {
    /// OCR mode.
    #[arg(long, value_enum, default_value_t = OcrArg::Auto)]
    pub ocr: OcrArg,
    /// Password for encrypted PDFs (passed through the environment).
    #[arg(long, env = "JIXIAO_PDF_PASSWORD", hide_env_values = true)]
    pub password: Option<String>,
    /// Do not re-score records.
    #[arg(long)]
    pub no_score: bool,
}

/// Arguments of `jixiao extract`.
#[derive(Debug, Args)]
pub struct ExtractArgs {
    /// Files or directories. Directories are searched recursively for .txt, .tsv, .csv,
    /// .xlsx, .xlsm, .xlsb, .xls, .ods, .pdf and page images (.png, .jpg, .jpeg, .tif,
    /// .tiff); formats are told apart by content, not by name. Scanned pages are read by
    /// OCR (see --ocr). Without any PATH, the bundled samples/ directory is used.
    pub paths: Vec<PathBuf>,
    /// Output directory (created if missing; must be empty or hold a previous dataset).
    /// It is replaced as a whole when the run ends, so an interrupted run leaves the
    /// previous dataset intact.
    #[arg(short, long, default_value = "out")]
    pub output: PathBuf,
    /// Threads: files are read by this many worker processes at once, and each worker
    /// reads a file's pages on this many threads at most (default: one per core), so
    /// `-j1` is one thread in all.
    #[arg(short = 'j', long)]
    pub threads: Option<usize>,
    /// Do not re-score: skip OUTDIR/findings.jsonl (by default every record is re-scored
    /// against the national rules and what does not add up is listed there).
    #[arg(long)]
    pub no_score: bool,
    /// Do not write the dataset tables (forms/funds/indicators/findings as .csv and
    /// .parquet, and dataset.xlsx); only the .jsonl files and manifest.json.
    #[arg(long)]
    pub no_dataset: bool,
    /// Rows (the four tables together) past which dataset.xlsx is not written, with a
    /// message naming the CSV and Parquet files to use instead: Excel takes 1,048,576
    /// rows a sheet (a longer table continues on a sheet of its own, `indicators (2)`)
    /// and needs gigabytes to open millions. 0: always write it.
    #[arg(long, value_name = "ROWS", default_value_t = jixiao_dataset::DEFAULT_XLSX_MAX_ROWS)]
    pub xlsx_max_rows: usize,
    /// Do not write report.html (the auditors' report with a picture of every printed
    /// row a finding names; each picture renders a page). findings.xlsx, the auditors'
    /// workbook, is written whenever records are scored.
    #[arg(long)]
    pub no_report: bool,
    /// Reuse the results of OUTDIR's previous run for files that are unchanged (per
    /// OUTDIR/manifest.json: path, size and modification time, else path, size and
    /// SHA-256); read new and changed files; drop files that are gone. The outputs are
    /// byte-identical to a full run.
    #[arg(long)]
    pub incremental: bool,
    /// With --incremental: hash every input to tell whether it changed. Without it, a
    /// file whose path, size and modification time match the manifest (and whose time is
    /// older than the previous run's manifest by 2 s or more) is taken as unchanged
    /// without being read; use --verify when files may change without their time
    /// changing (a copy that keeps times, a clock set back).
    #[arg(long, requires = "incremental")]
    pub verify: bool,
    /// Which PDF pages are read by OCR: `auto` pages that are images without a text
    /// layer (scans); `always` every page that is mostly an image, its text layer
    /// ignored; `never` none (scans become "needs OCR" errors). Records read by OCR have
    /// `source.format` "pdf-ocr" (or "image-ocr"), a `confidence` on each indicator's
    /// source, and findings `ocr.low_confidence` for values to check on the page.
    #[arg(long, value_enum, default_value_t = OcrArg::Auto)]
    pub ocr: OcrArg,
    /// Password for encrypted PDFs (tried after the empty user password, which opens
    /// the owner-only protection common on government sites). Also read from the
    /// environment variable JIXIAO_PDF_PASSWORD, which keeps it out of the process list.
    #[arg(long, env = "JIXIAO_PDF_PASSWORD", hide_env_values = true)]
    pub password: Option<String>,
    /// Also write a summary of the run as JSON to FILE (`-` for stdout): per file its
    /// reader, pages/sheets/lines, forms, findings, errors, seconds and OCR share, plus
    /// the totals — for cron jobs and dashboards.
    #[arg(long, value_name = "FILE")]
    pub summary_json: Option<PathBuf>,
    /// Read the files in this process instead of in worker processes. Workers (the
    /// default) contain anything a file can do — an abort, a runaway allocation, an
    /// endless loop in a reader — to that file's error entry; in-process, a panic is
    /// still contained, but an abort ends the run.
    #[arg(long)]
    pub in_process: bool,
    /// Address space of each worker process, in MiB; a file that needs more is an error
    /// entry `resource limit: memory`.
    #[arg(long, value_name = "MIB", default_value_t = jixiao_isolate::DEFAULT_MEMORY_MB)]
    pub max_file_mb: u64,
    /// Seconds one file may take in a worker; a file that takes longer is an error entry
    /// `resource limit: timeout`.
    #[arg(long, value_name = "SECONDS", default_value_t = jixiao_isolate::DEFAULT_TIMEOUT.as_secs())]
    pub file_timeout: u64,
    /// Where downloaded files came from and which were revised (set by `jixiao watch`;
    /// not a flag).
    #[arg(skip)]
    pub web: Option<std::sync::Arc<jixiao_fetch::WebRun>>,
}

/// Arguments of `jixiao explain`.
#[derive(Debug, Args)]
pub struct ExplainArgs {
    /// The file to explain (one document; unzip a bundle first).
    pub file: PathBuf,
    /// Only the rows of this PDF page (1-based).
    #[arg(long, value_name = "N", conflicts_with_all = ["sheet", "lines"])]
    pub page: Option<u32>,
    /// Only the rows of this worksheet (by name, as the workbook shows it).
    #[arg(long, value_name = "S", conflicts_with = "lines")]
    pub sheet: Option<String>,
    /// Only these lines of a text export, `A-B` (1-based, inclusive) or one line `A`.
    #[arg(long, value_name = "A-B")]
    pub lines: Option<String>,
    /// Print JSON instead of the aligned text: every row with its cells, every form
    /// with its fields and indicator rows traced to their cells, and the records.
    #[arg(long)]
    pub json: bool,
    /// Write an HTML page to FILE as well: the rows drawn where they were printed on
    /// each PDF page (a table for other sources), coloured by what the parser made of
    /// them, with the text view below.
    #[arg(long, value_name = "FILE")]
    pub html: Option<PathBuf>,
    /// As for `extract`.
    #[arg(long, value_enum, default_value_t = OcrArg::Auto)]
    pub ocr: OcrArg,
    /// As for `extract`.
    #[arg(long, env = "JIXIAO_PDF_PASSWORD", hide_env_values = true)]
    pub password: Option<String>,
}

/// `--ocr` values.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum OcrArg {
    /// Pages without a text layer.
    Auto,
    /// Every page that is mostly an image.
    Always,
    /// No OCR.
    Never,
}

impl OcrArg {
    /// The reader's mode.
    pub fn mode(self) -> jixiao_pdf::OcrMode {
        match self {
            OcrArg::Auto => jixiao_pdf::OcrMode::Auto,
            OcrArg::Always => jixiao_pdf::OcrMode::Always,
            OcrArg::Never => jixiao_pdf::OcrMode::Never,
        }
    }
}

/// Arguments of `jixiao watch`.
#[derive(Debug, Args)]
pub struct WatchArgs {
    /// URLs of documents, or of index pages. From an index page, links to documents
    /// (.pdf, .xlsx, .xls, .xlsm, .xlsb, .ods, .csv, .txt, .tsv, .docx, .doc, .zip) on
    /// the same site are fetched, `下一页` pages are followed, and other pages under the
    /// index page's directory (articles holding attachments) to --depth. Nothing on
    /// another site is fetched.
    pub urls: Vec<String>,
    /// A file with more URLs, one per line (`#` starts a comment).
    #[arg(long, value_name = "FILE")]
    pub url_file: Option<PathBuf>,
    /// Local store: every version of every document under its SHA-256 (objects/), and
    /// store.json (per URL: current version, earlier versions, ETag, Last-Modified, fetch
    /// time, withdrawn date) and revisions.jsonl (every revision found).
    #[arg(long, default_value = "store")]
    pub store: PathBuf,
    /// Output directory of the incremental extract run over the store (records carry
    /// `source.url` and `source.fetched_at`; revisions.jsonl lists what agencies revised).
    #[arg(short, long, default_value = "out")]
    pub output: PathBuf,
    /// How many links away from an index page other pages of its site are followed
    /// (0: the index page and its next pages only).
    #[arg(long, default_value_t = 1)]
    pub depth: u32,
    /// Least seconds between two requests to one site (robots.txt Crawl-delay can make
    /// it longer); one request at a time per site.
    #[arg(long, default_value_t = 1.0, value_name = "SECONDS")]
    pub interval: f64,
    /// Retries of a request that met a 5xx, 429 or timeout, waiting --backoff seconds
    /// and doubling each time (a Retry-After wins; at most 60 s).
    #[arg(long, default_value_t = 3)]
    pub retries: u32,
    /// Seconds before the first retry.
    #[arg(long, default_value_t = 2.0, value_name = "SECONDS")]
    pub backoff: f64,
    /// The User-Agent header (default: jixiao, its version and what it does; name a
    /// contact if the site asks crawlers for one).
    #[arg(long)]
    pub user_agent: Option<String>,
    /// Time limit of each request, in seconds.
    #[arg(long, default_value_t = 30)]
    pub timeout: u64,
    /// Largest document downloaded, in MiB.
    #[arg(long, default_value_t = 200)]
    pub max_mb: u64,
    /// Worker threads of the extract run (default: one per core).
    #[arg(short = 'j', long)]
    pub threads: Option<usize>,
}

/// Arguments of `jixiao score`.
#[derive(Debug, Args)]
pub struct ScoreArgs {
    /// A records.jsonl written by `jixiao extract` (errors.jsonl, manifest.json and
    /// revisions.jsonl beside it, when present, fill the workbook's sheets of files and
    /// of revisions).
    pub records: PathBuf,
    /// Directory for the complete findings set: findings.jsonl, findings.csv,
    /// findings.parquet, findings.xlsx and report.html (created if missing; files of
    /// those names in it are replaced).
    #[arg(short, long, default_value = "out")]
    pub output: PathBuf,
    /// Do not write report.html.
    #[arg(long)]
    pub no_report: bool,
    /// Worker threads (default: one per core).
    #[arg(short = 'j', long)]
    pub threads: Option<usize>,
}
