//! One source file in, its records (or typed errors) out.
//!
//! Owns format detection (magic bytes first, extension second), dispatch to the reader
//! for that format (scanned pages and image files through the OCR engine, loaded once per
//! process: [`Options`] says which pages), hashing for record ids, provenance links (and
//! `source.format` `pdf-ocr` / `image-ocr` for forms read by OCR), and containment: a reader
//! or parser that panics on hostile input fails that one file, never the run; and the
//! input files of a run ([`inputs`]: directories walked, one list of readable
//! extensions, what was passed over counted). It does not write outputs (that is the
//! CLI's job).

pub mod bundle;
pub mod explain;
pub mod inputs;
pub mod ordered;
mod summary;
use jixiao_grid::{Grid, Origin};
use jixiao_record::{Record, RecordSource};
use serde::Serialize;
use sha2::{Digest, Sha256};
use std::panic::{catch_unwind, AssertUnwindSafe};
use std::path::Path;
pub use summary::{FileSummary, RunSummary, Totals};

/// The version of everything that turns a file into records: the package version and a
/// hash of the source of this crate, the readers, the form parser and the record model,
/// and of the scoring and the dataset tables (an incremental run copies findings and
/// table rows from the previous dataset; composed by `build.rs`). Results written under
/// another version are never reused.
pub const READER_VERSION: &str = env!("JIXIAO_READER_VERSION");

/// Largest file read (bytes); larger files are refused rather than risk memory.
pub const MAX_FILE_BYTES: u64 = 256 * 1024 * 1024;

/// Source formats, told apart by content.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Format {
    /// Tab-separated text export.
    Text,
    /// PDF.
    Pdf,
    /// Office Open XML workbook (.xlsx, .xlsm) or another ZIP container.
    Xlsx,
    /// OpenDocument spreadsheet (.ods).
    Ods,
    /// Legacy binary workbook (OLE compound file).
    Xls,
    /// An HTML page (also when served as `.xls`): its tables.
    Html,
    /// A Word document (.docx): its tables and paragraphs.
    Docx,
    /// A zip bundle of attachments: its members, read as files.
    Zip,
    /// A legacy Word document (OLE `WordDocument` stream): no reader.
    Doc,
    /// A page image (PNG, JPEG, TIFF): read by OCR.
    Image,
}

impl Format {
    /// Lowercase name used in `source.format`.
    pub fn name(self) -> &'static str {
        match self {
            Format::Text => "text",
            Format::Pdf => "pdf",
            Format::Xlsx => "xlsx",
            Format::Ods => "ods",
            Format::Xls => "xls",
            Format::Html => "html",
            Format::Docx => "docx",
            Format::Zip => "zip",
            Format::Doc => "doc",
            Format::Image => "image",
        }
    }
}

/// Detects the format from the first bytes, then from the extension.
pub fn detect(bytes: &[u8], path: &Path) -> Format {
    let head = &bytes[..bytes.len().min(1024)];
    if head.starts_with(b"%PDF") {
        return Format::Pdf;
    }
    if head.starts_with(b"PK\x03\x04") {
        // ODF stores an uncompressed `mimetype` entry first.
        let ods = b"application/vnd.oasis.opendocument.spreadsheet";
        if head.windows(ods.len()).any(|w| w == ods) {
            return Format::Ods;
        }
        // A Word package names its body in the central directory (at the end).
        let tail = &bytes[bytes.len().saturating_sub(64 * 1024)..];
        let word = b"word/document.xml";
        if tail.windows(word.len()).any(|w| w == word)
            || head.windows(word.len()).any(|w| w == word)
        {
            return Format::Docx;
        }
        // Not a workbook package either (and not named as one): a bundle of files.
        let book = |w: &[u8]| w == b"xl/";
        let named_book = path.extension().and_then(|e| e.to_str()).is_some_and(|e| {
            matches!(
                e.to_ascii_lowercase().as_str(),
                "xlsx" | "xlsm" | "xlsb" | "xls"
            )
        });
        if !named_book && !tail.windows(3).any(book) && !head.windows(3).any(book) {
            return Format::Zip;
        }
        return Format::Xlsx;
    }
    if head.starts_with(&[0xd0, 0xcf, 0x11, 0xe0, 0xa1, 0xb1, 0x1a, 0xe1]) {
        // The compound file's directory names its streams in UTF-16: Word's body stream.
        let word: Vec<u8> = "WordDocument"
            .encode_utf16()
            .flat_map(u16::to_le_bytes)
            .collect();
        if bytes.windows(word.len()).any(|w| w == word.as_slice()) {
            return Format::Doc;
        }
        return Format::Xls;
    }
    if head.starts_with(b"\x89PNG\r\n\x1a\n")
        || head.starts_with(&[0xff, 0xd8, 0xff])
        || head.starts_with(b"II*\0")
        || head.starts_with(b"MM\0*")
    {
        return Format::Image;
    }
    let lower: Vec<u8> = head
        .iter()
        .skip_while(|b| b.is_ascii_whitespace() || **b == 0xef || **b == 0xbb || **b == 0xbf)
        .take(64)
        .map(u8::to_ascii_lowercase)
        .collect();
    if lower.starts_with(b"<!doctype html")
        || lower.starts_with(b"<html")
        || lower.starts_with(b"<table")
    {
        return Format::Html;
    }
    // No binary signature: text is text whatever the file is called (a CSV served as
    // .xls); only bytes that do not look like text fall back to the extension.
    if !head.contains(&0) {
        return Format::Text;
    }
    match path
        .extension()
        .and_then(|e| e.to_str())
        .map(str::to_ascii_lowercase)
        .as_deref()
    {
        Some("pdf") => Format::Pdf,
        Some("xlsx" | "xlsm" | "xlsb") => Format::Xlsx,
        Some("ods") => Format::Ods,
        Some("xls") => Format::Xls,
        _ => Format::Text,
    }
}

/// Why a file gave no records. Every message names the file; the place is in `place()`.
#[derive(Debug, thiserror::Error)]
pub enum ExtractError {
    /// The file could not be read from disk.
    #[error("{file}: cannot read: {source}")]
    Io {
        /// File as given.
        file: String,
        /// The I/O error.
        source: std::io::Error,
    },
    /// The file is larger than [`MAX_FILE_BYTES`].
    #[error("{file}: {size} bytes is over the {limit}-byte limit")]
    TooLarge {
        /// File as given.
        file: String,
        /// Its size.
        size: u64,
        /// The limit.
        limit: u64,
    },
    /// The text reader rejected the file.
    #[error("{file}: {source}")]
    Text {
        /// File as given.
        file: String,
        /// Reader error.
        source: jixiao_text::TextError,
    },
    /// The workbook reader rejected the file.
    #[error("{file}: {source}")]
    Workbook {
        /// File as given.
        file: String,
        /// Reader error.
        source: jixiao_xlsx::XlsxError,
    },
    /// The PDF reader rejected the file.
    #[error("{file}: {source}")]
    Pdf {
        /// File as given.
        file: String,
        /// Reader error.
        source: jixiao_pdf::PdfError,
    },
    /// A zip bundle refused: a member escaping it, past a bound, or not a readable zip.
    #[error("{file}: bundle refused: {reason}")]
    Bundle {
        /// File as given.
        file: String,
        /// Why.
        reason: String,
    },
    /// An HTML page or Word document could not be read.
    #[error("{file}: {source}")]
    Markup {
        /// File as given.
        file: String,
        /// Reader error.
        source: jixiao_markup::MarkupError,
    },
    /// No reader for this format yet.
    #[error("{file}: {format} files are not supported yet")]
    Unsupported {
        /// File as given.
        file: String,
        /// Detected format.
        format: &'static str,
    },
    /// A page image could not be read.
    #[error("{file}: {reason}")]
    Image {
        /// File as given.
        file: String,
        /// What failed (decoding, or OCR unavailable).
        reason: String,
    },
    /// The file was read but holds no budget-performance form.
    #[error("{file}: no budget-performance form found{detail}")]
    NoForms {
        /// File as given.
        file: String,
        /// What was seen instead, from `; ` (the nearest candidate of a form and what it
        /// lacks), or the anchor that was looked for in parentheses.
        detail: String,
    },
    /// A form was seen (a 项目名称 row or an indicator table) but not read, because it
    /// lacks what makes a form (its funds block); the file's other forms were read.
    #[error("{file}: {message}")]
    FormNotRead {
        /// File as given.
        file: String,
        /// Where the form was seen (`line 30`, `page 3 y 120`, `sheet S row 4`).
        place: String,
        /// What was seen and what is missing.
        message: String,
    },
    /// The worker process reading the file died or overran a limit (memory, time);
    /// contained to this file.
    #[error("{file}: {reason}")]
    Isolated {
        /// File as given.
        file: String,
        /// What happened (`resource limit: memory (4096 MiB)`, `crashed: signal 11`).
        reason: String,
    },
    /// A reader or the parser panicked; contained to this file.
    #[error("{file}: internal error while reading (contained): {message}")]
    Panic {
        /// File as given.
        file: String,
        /// Panic payload.
        message: String,
    },
}

impl ExtractError {
    /// Where in the file the problem is (line, byte, page), when known.
    pub fn place(&self) -> Option<String> {
        match self {
            ExtractError::Text { source, .. } => match source {
                jixiao_text::TextError::Binary { offset, .. } => Some(format!("byte {offset}")),
                jixiao_text::TextError::Encoding { line } => Some(format!("line {line}")),
                jixiao_text::TextError::Empty => Some("byte 0".into()),
            },
            ExtractError::Pdf { source, .. } => source.page().map(|p| format!("page {p}")),
            ExtractError::FormNotRead { place, .. } => Some(place.clone()),
            _ => None,
        }
    }
}

/// One entry of `errors.jsonl`.
#[derive(Debug, Clone, PartialEq, Serialize, serde::Deserialize)]
pub struct ErrorEntry {
    /// File as given.
    pub file: String,
    /// Place in the file, when known.
    pub place: Option<String>,
    /// Human-readable message.
    pub message: String,
}

impl From<&ExtractError> for ErrorEntry {
    fn from(e: &ExtractError) -> Self {
        let file = match e {
            ExtractError::Io { file, .. }
            | ExtractError::TooLarge { file, .. }
            | ExtractError::Text { file, .. }
            | ExtractError::Workbook { file, .. }
            | ExtractError::Pdf { file, .. }
            | ExtractError::Markup { file, .. }
            | ExtractError::Bundle { file, .. }
            | ExtractError::Image { file, .. }
            | ExtractError::Unsupported { file, .. }
            | ExtractError::NoForms { file, .. }
            | ExtractError::FormNotRead { file, .. }
            | ExtractError::Isolated { file, .. }
            | ExtractError::Panic { file, .. } => file.clone(),
        };
        ErrorEntry {
            file,
            place: e.place(),
            message: e.to_string(),
        }
    }
}

/// Lowercase hex SHA-256.
pub fn sha256_hex(bytes: &[u8]) -> String {
    let d = Sha256::digest(bytes);
    d.iter().map(|b| format!("{b:02x}")).collect()
}

/// How files are read.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Options {
    /// Which PDF pages go through OCR (image files always do, unless `Never`).
    pub ocr: jixiao_pdf::OcrMode,
    /// Password for encrypted PDFs, tried after the empty one.
    pub password: Option<String>,
}

/// The OCR engine, loaded on first use; its error (missing files) is reported by the
/// files that need it.
fn ocr_engine() -> Result<&'static dyn jixiao_pdf::PageOcr, &'static str> {
    jixiao_ocr::Engine::shared().map(|e| e as &dyn jixiao_pdf::PageOcr)
}

/// An image file carries no page size we trust (DPI tags are often wrong): it is taken
/// for a page whose longer side is A4's (11.69 in).
const A4_LONG_IN: f32 = 11.69;

fn image_grid(bytes: &[u8], file: &str, opts: &Options) -> Result<Grid, ExtractError> {
    let err = |reason: String| ExtractError::Image {
        file: file.to_string(),
        reason,
    };
    if opts.ocr == jixiao_pdf::OcrMode::Never {
        return Err(err("a page image needs OCR (--ocr never)".into()));
    }
    let raster = jixiao_raster::decode_file(bytes).map_err(|e| err(e.to_string()))?;
    let scale = raster.width.max(raster.height) as f32 / (A4_LONG_IN * 72.0);
    let (w, h) = (raster.width as f32 / scale, raster.height as f32 / scale);
    let engine = ocr_engine()
        .map_err(|e| err(format!("needs OCR, but the OCR engine is unavailable: {e}")))?;
    let page = jixiao_raster::Page { raster, scale };
    let read = engine.read_page(&page, w, h).map_err(err)?;
    Ok(jixiao_pdf::grid_of_ocr_pages(vec![read]))
}

/// The file's grid, and for PDFs the share of glyphs recovered from outlines (when any).
fn grid_for(
    bytes: &[u8],
    format: Format,
    file: &str,
    opts: &Options,
) -> Result<(Grid, Option<f32>), ExtractError> {
    if format == Format::Pdf {
        return pdf_grid(bytes, file, opts);
    }
    grid_of(bytes, format, file, opts).map(|g| (g, None))
}

/// A PDF's grid and the share of its glyphs recovered from outlines (when any).
fn pdf_grid(bytes: &[u8], file: &str, opts: &Options) -> Result<(Grid, Option<f32>), ExtractError> {
    let read_opts = jixiao_pdf::ReadOptions {
        ocr: opts.ocr,
        engine: (opts.ocr != jixiao_pdf::OcrMode::Never).then(ocr_engine),
        password: opts.password.as_deref(),
    };
    jixiao_pdf::read_with(bytes, &read_opts)
        .map(|r| {
            let share = (r.recovery.recovered > 0).then(|| r.recovery.share());
            (r.grid, share)
        })
        .map_err(|source| ExtractError::Pdf {
            file: file.to_string(),
            source,
        })
}

/// The grid of rows a file reads into (its format detected from content and name), as
/// the parser sees it: what the report shows around a finding's value in sheets, text
/// exports and markup. PDFs and images are read as for extraction (OCR included).
pub fn read_grid(
    bytes: &[u8],
    path: &Path,
    file: &str,
    opts: &Options,
) -> Result<Grid, ExtractError> {
    grid_of(bytes, detect(bytes, path), file, opts)
}

fn grid_of(bytes: &[u8], format: Format, file: &str, opts: &Options) -> Result<Grid, ExtractError> {
    match format {
        Format::Text => jixiao_text::read(bytes).map_err(|source| ExtractError::Text {
            file: file.to_string(),
            source,
        }),
        Format::Xlsx | Format::Xls | Format::Ods => {
            jixiao_xlsx::read(bytes).map_err(|source| ExtractError::Workbook {
                file: file.to_string(),
                source,
            })
        }
        Format::Pdf => pdf_grid(bytes, file, opts).map(|(g, _)| g),
        Format::Image => image_grid(bytes, file, opts),
        Format::Html => jixiao_markup::read_html(bytes).map_err(|source| ExtractError::Markup {
            file: file.to_string(),
            source,
        }),
        Format::Doc => Err(ExtractError::Unsupported {
            file: file.to_string(),
            format: "legacy Word .doc (save it as .docx, which is read)",
        }),
        Format::Zip => Err(ExtractError::Bundle {
            file: file.to_string(),
            reason: "a bundle is read member by member".into(),
        }),
        Format::Docx => jixiao_markup::read_docx(bytes).map_err(|source| ExtractError::Markup {
            file: file.to_string(),
            source,
        }),
    }
}

/// Parses the bytes of one file named `file` (as it should appear in outputs).
pub fn extract_bytes(bytes: &[u8], path: &Path, file: &str) -> Result<Vec<Record>, ExtractError> {
    extract_hashed(bytes, &sha256_hex(bytes), path, file)
}

/// [`extract_bytes`] for a caller that has hashed the bytes already (`sha` is their
/// lowercase hex SHA-256).
pub fn extract_hashed(
    bytes: &[u8],
    sha: &str,
    path: &Path,
    file: &str,
) -> Result<Vec<Record>, ExtractError> {
    extract_with(bytes, sha, path, file, &Options::default())
}

/// [`extract_hashed`] with reading options.
pub fn extract_with(
    bytes: &[u8],
    sha: &str,
    path: &Path,
    file: &str,
    opts: &Options,
) -> Result<Vec<Record>, ExtractError> {
    let (records, mut errors) = extract_all(bytes, sha, path, file, opts);
    if records.is_empty() && !errors.is_empty() {
        return Err(errors.swap_remove(0));
    }
    for e in &errors {
        tracing::warn!(error = %e, "bundle member not read");
    }
    Ok(records)
}

/// Every record of a file, and every error: a file gives records or one error, a bundle
/// the records of its members and an error for each member that failed (a member
/// without forms is none, unless no member gave any).
pub fn extract_all(
    bytes: &[u8],
    sha: &str,
    path: &Path,
    file: &str,
    opts: &Options,
) -> (Vec<Record>, Vec<ExtractError>) {
    let r = extract_report(bytes, sha, path, file, opts);
    (r.records, r.errors)
}

/// What reading one file gave, beyond its records: for `-v` lines and run summaries.
#[derive(Debug, Clone, Default, PartialEq, Serialize, serde::Deserialize)]
pub struct ReadStats {
    /// The reader (`text`, `pdf`, `xlsx` …; a bundle's is `zip`).
    pub format: String,
    /// PDF pages or page images read (distinct pages rows came from).
    pub pages: usize,
    /// Worksheets rows came from.
    pub sheets: usize,
    /// Lines of text exports (the last line read).
    pub lines: usize,
    /// Bundle members read (files inside a zip).
    pub members: usize,
    /// Rows of cells the readers made.
    pub rows: usize,
    /// Of them, rows read by OCR.
    pub ocr_rows: usize,
    /// Share of a PDF's glyphs recovered from their outlines (fonts without a text
    /// mapping), when any were.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub text_recovery: Option<f32>,
    /// Forms seen but not read (a 项目名称 row or an indicator table without a funds
    /// block), each in words that name the place; `jixiao explain` shows more.
    pub missed: Vec<String>,
}

impl ReadStats {
    /// Adds what a grid holds: pages, sheets, lines, rows and OCR rows.
    fn count(&mut self, grid: &Grid) {
        let mut pages: Vec<u32> = Vec::new();
        let mut sheets: Vec<&str> = Vec::new();
        for row in &grid.rows {
            self.rows += 1;
            match &row.origin {
                Origin::Line { line } => self.lines = self.lines.max(*line as usize),
                Origin::Sheet { sheet, .. } => {
                    if !sheets.contains(&sheet.as_str()) {
                        sheets.push(sheet);
                    }
                }
                Origin::Pdf {
                    page, confidence, ..
                } => {
                    if !pages.contains(page) {
                        pages.push(*page);
                    }
                    if confidence.is_some() {
                        self.ocr_rows += 1;
                    }
                }
            }
        }
        self.pages += pages.len();
        self.sheets += sheets.len();
    }

    /// Share of rows read by OCR, when any were.
    pub fn ocr_share(&self) -> Option<f32> {
        (self.ocr_rows > 0).then(|| self.ocr_rows as f32 / self.rows.max(1) as f32)
    }
}

/// One file's records, errors and reading statistics.
#[derive(Debug, Default)]
pub struct Report {
    /// Records, in document order (bundles: member by member).
    pub records: Vec<Record>,
    /// The file's error, or (bundles) one per member that failed.
    pub errors: Vec<ExtractError>,
    /// What was read.
    pub stats: ReadStats,
}

/// What nested reads add to: bundle members' errors and everybody's statistics.
#[derive(Debug, Default)]
pub(crate) struct Sink {
    pub(crate) errors: Vec<ExtractError>,
    pub(crate) stats: ReadStats,
}

/// [`extract_all`] with the file's reading statistics.
pub fn extract_report(bytes: &[u8], sha: &str, path: &Path, file: &str, opts: &Options) -> Report {
    let mut sink = Sink::default();
    sink.stats.format = detect(bytes, path).name().to_string();
    match extract_nested(bytes, sha, path, file, opts, 0, &mut sink) {
        Ok(records) => Report {
            records,
            errors: sink.errors,
            stats: sink.stats,
        },
        Err(e) => {
            sink.errors.insert(0, e);
            Report {
                records: Vec::new(),
                errors: sink.errors,
                stats: sink.stats,
            }
        }
    }
}

/// What a panic carried, as text.
fn panic_message(payload: &(dyn std::any::Any + Send)) -> String {
    payload
        .downcast_ref::<&str>()
        .map(|s| (*s).to_string())
        .or_else(|| payload.downcast_ref::<String>().cloned())
        .unwrap_or_else(|| "panic".to_string())
}

/// Records of parsed forms, with ids, keys and provenance.
fn records_of(
    forms: Vec<jixiao_forms::ParsedForm>,
    grid: &Grid,
    file: &str,
    sha: &str,
    format: Format,
    text_recovery: Option<f32>,
) -> Vec<Record> {
    forms
        .into_iter()
        .enumerate()
        .map(|(i, f)| {
            let mut r = f.record;
            r.record_id = Record::make_id(sha, i + 1);
            r.project_key = r.derive_project_key();
            r.form_key = r.derive_form_key();
            r.fill_yuan();
            let origins: Vec<&Origin> = grid.rows[f.rows.clone()]
                .iter()
                .filter(|row| !row.is_blank())
                .map(|row| &row.origin)
                .collect();
            r.source = source_of(file, sha, format, &origins);
            r.source.text_recovery = text_recovery;
            r
        })
        .collect()
}

/// [`extract_with`] for a file `depth` bundles deep; bundle members' errors and every
/// file's statistics go to `sink`.
fn extract_nested(
    bytes: &[u8],
    sha: &str,
    path: &Path,
    file: &str,
    opts: &Options,
    depth: usize,
    sink: &mut Sink,
) -> Result<Vec<Record>, ExtractError> {
    let format = detect(bytes, path);
    let run = AssertUnwindSafe(|| -> Result<Vec<Record>, ExtractError> {
        if format == Format::Zip {
            return bundle::extract(bytes, file, opts, depth, &bundle::LIMITS, sink);
        }
        if depth > 0 {
            sink.stats.members += 1;
        }
        let (grid, text_recovery) = grid_for(bytes, format, file, opts)?;
        sink.stats.count(&grid);
        if text_recovery.is_some() {
            sink.stats.text_recovery = text_recovery;
        }
        let forms = jixiao_forms::parse_grid(&grid);
        let missed = jixiao_forms::explain::missed(&grid, &forms);
        if forms.is_empty() {
            let detail = match missed.first() {
                Some(c) => format!("; {} (`jixiao explain {file}` shows the rows)", c.message),
                None => " (no 年度资金总额 / 年度资金申请总额 row, no 项目名称 row, no indicator \
                         table)"
                    .to_string(),
            };
            return Err(ExtractError::NoForms {
                file: file.to_string(),
                detail,
            });
        }
        for c in missed {
            sink.stats.missed.push(c.message.clone());
            sink.errors.push(ExtractError::FormNotRead {
                file: file.to_string(),
                place: jixiao_forms::explain::place(&c.at.origin),
                message: c.message,
            });
        }
        Ok(records_of(forms, &grid, file, sha, format, text_recovery))
    });
    catch_unwind(run).unwrap_or_else(|payload| {
        Err(ExtractError::Panic {
            file: file.to_string(),
            message: panic_message(&*payload),
        })
    })
}

fn source_of(file: &str, sha: &str, format: Format, origins: &[&Origin]) -> RecordSource {
    let mut pages: Vec<u32> = origins.iter().filter_map(|o| o.page()).collect();
    pages.sort_unstable();
    pages.dedup();
    let lines: Vec<u32> = origins
        .iter()
        .filter_map(|o| match o {
            Origin::Line { line } => Some(*line),
            _ => None,
        })
        .collect();
    let link = origins
        .first()
        .map_or_else(|| file.to_string(), |o| o.link(file));
    // A form whose rows were read by OCR says so: `pdf-ocr`, `image-ocr`.
    let ocr = origins.iter().any(|o| {
        matches!(
            o,
            Origin::Pdf {
                confidence: Some(_),
                ..
            }
        )
    });
    RecordSource {
        file: file.to_string(),
        sha256: sha.to_string(),
        format: if ocr {
            format!("{}-ocr", format.name())
        } else {
            format.name().to_string()
        },
        pages,
        link,
        lines: match (lines.first(), lines.last()) {
            (Some(a), Some(b)) => Some([*a, *b]),
            _ => None,
        },
        text_recovery: None,
        web: Default::default(),
    }
}

/// Reads and parses one file from disk.
pub fn extract_file(path: &Path, file: &str) -> Result<Vec<Record>, ExtractError> {
    extract_file_with(path, file, &Options::default())
}

/// [`extract_file`] with reading options.
pub fn extract_file_with(
    path: &Path,
    file: &str,
    opts: &Options,
) -> Result<Vec<Record>, ExtractError> {
    let meta = std::fs::metadata(path).map_err(|source| ExtractError::Io {
        file: file.to_string(),
        source,
    })?;
    if meta.len() > MAX_FILE_BYTES {
        return Err(ExtractError::TooLarge {
            file: file.to_string(),
            size: meta.len(),
            limit: MAX_FILE_BYTES,
        });
    }
    let bytes = std::fs::read(path).map_err(|source| ExtractError::Io {
        file: file.to_string(),
        source,
    })?;
    tracing::debug!(file, bytes = bytes.len(), "read");
    extract_with(&bytes, &sha256_hex(&bytes), path, file, opts)
}

#[cfg(test)]
mod version_tests {
    #[test]
    fn the_reader_version_hashes_the_readers_source() {
        let v = super::READER_VERSION;
        let (pkg, hash) = v.split_once("+src.").unwrap_or((v, ""));
        assert_eq!(pkg, env!("CARGO_PKG_VERSION"));
        assert_eq!(hash.len(), 12, "{v}");
        assert!(hash.bytes().all(|b| b.is_ascii_hexdigit()), "{v}");
    }
}
