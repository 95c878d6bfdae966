//! PDF reader: glyphs and ruling lines → table cells → the jixiao [`Grid`].
//!
//! Built on lopdf with a content-stream pass of its own ([`content`]) rather than
//! pdf-extract, whose font code panics on the predefined CJK CMaps budget PDFs use. The
//! pass yields positioned glyphs (Unicode from `ToUnicode`, simple encodings, or the
//! bundled Adobe-GB1 CMaps for unembedded CID fonts), ruling lines (stroked paths and thin
//! filled rectangles) and image areas. [`layout`] turns a page into rows: lattice tables
//! from the ruling lines with merged cells where inner lines are missing, and a
//! whitespace fallback elsewhere. Pages are concatenated, so a form that runs over a page
//! break is parsed as one (the form parser segments by content, not by page).
//!
//! Every row carries [`jixiao_grid::Origin::Pdf`] with its page and bounding box (points, top-left
//! origin of the page as displayed).

pub mod borderless;
pub mod cmap;
pub mod compat;
pub mod content;
mod encrypt;
pub mod font;
pub mod images;
mod lattice;
pub mod layout;
mod obj;
pub mod recover;

use content::{Fonts, Glyph, PageContent, Segment};
use jixiao_grid::Grid;
use lopdf::{Document, LoadOptions};

/// Most pages read from one file.
pub const MAX_PAGES: usize = 5000;
/// Largest stream decompressed while loading (bytes).
pub const MAX_STREAM_BYTES: usize = 64 * 1024 * 1024;

/// Why a PDF gave no grid.
#[derive(Debug, thiserror::Error)]
pub enum PdfError {
    /// The file is not a readable PDF (broken cross-references, truncated, not a PDF).
    #[error("not a readable PDF: {reason}")]
    Malformed {
        /// What the PDF parser reported.
        reason: String,
    },
    /// The file is encrypted with a password we do not have.
    #[error("the PDF is password-protected: pass its password with --password (or JIXIAO_PDF_PASSWORD), or save an unprotected copy")]
    Encrypted,
    /// The file has no pages.
    #[error("the PDF has no pages")]
    NoPages,
    /// More pages than [`MAX_PAGES`].
    #[error("{pages} pages is over the {limit}-page limit")]
    TooManyPages {
        /// Page count.
        pages: usize,
        /// The limit.
        limit: usize,
    },
    /// Pages hold images but no text: a scan.
    #[error("needs OCR: {pages} of {total} pages are images without a text layer")]
    NeedsOcr {
        /// Image-only pages.
        pages: usize,
        /// All pages.
        total: usize,
        /// First image-only page (1-based).
        first: u32,
    },
    /// Pages need OCR and the OCR engine could not be started.
    #[error("needs OCR ({pages} of {total} pages are images without a text layer), but the OCR engine is unavailable: {reason}")]
    OcrUnavailable {
        /// Image-only pages.
        pages: usize,
        /// All pages.
        total: usize,
        /// First image-only page (1-based).
        first: u32,
        /// Why the engine could not start.
        reason: String,
    },
    /// A page's content stream could not be decoded and no page has any text.
    #[error("page {page}: {reason}")]
    Content {
        /// 1-based page.
        page: u32,
        /// What failed.
        reason: String,
    },
    /// Most of the text is drawn in fonts that map no glyph to Unicode (Type 3 fonts,
    /// subsets without `ToUnicode`), and OCR to read the glyphs is off or unavailable.
    #[error("needs OCR: {lost} of {all} glyphs are in fonts without a Unicode map (their text is only in the outlines), first on page {first}{}", reason.as_ref().map(|r| format!("; the OCR engine is unavailable: {r}")).unwrap_or_else(|| "; run with --ocr auto".into()))]
    GlyphsNeedOcr {
        /// Glyphs without text.
        lost: usize,
        /// All glyphs shown.
        all: usize,
        /// First page with such a glyph (1-based).
        first: u32,
        /// Why the engine could not start (`None`: OCR is off).
        reason: Option<String>,
    },
    /// A page image could not be decoded or recognised.
    #[error("page {page}: {reason}")]
    Ocr {
        /// 1-based page.
        page: u32,
        /// What failed.
        reason: String,
    },
}

impl PdfError {
    /// The page an error refers to, when there is one.
    pub fn page(&self) -> Option<u32> {
        match self {
            PdfError::NeedsOcr { first, .. }
            | PdfError::OcrUnavailable { first, .. }
            | PdfError::GlyphsNeedOcr { first, .. } => Some(*first),
            PdfError::Ocr { page, .. } | PdfError::Content { page, .. } => Some(*page),
            _ => None,
        }
    }
}

/// Loads a document, mapping lopdf's errors to [`PdfError`].
pub fn load(bytes: &[u8]) -> Result<Document, PdfError> {
    load_with_password(bytes, None)
}

/// Loads a document, encrypted ones with the empty user password (the standard security
/// handler, every revision: RC4 40/128, AES-128, AES-256 R5/R6) or else with `password`.
pub fn load_with_password(bytes: &[u8], password: Option<&str>) -> Result<Document, PdfError> {
    let opts = LoadOptions {
        max_decompressed_size: Some(MAX_STREAM_BYTES),
        password: password.map(str::to_string),
        ..LoadOptions::default()
    };
    let map = |e: lopdf::Error| match e {
        lopdf::Error::InvalidPassword | lopdf::Error::Decryption(_) => PdfError::Encrypted,
        e => PdfError::Malformed {
            reason: e.to_string(),
        },
    };
    let doc = Document::load_mem_with_options(bytes, opts.clone());
    // An encrypted file that no password opened loads without its objects (or fails with
    // a wrong password): mended (see `encrypt`) and tried again.
    let failed = match &doc {
        Ok(d) => d.trailer.has(b"Encrypt") && !d.was_encrypted(),
        Err(lopdf::Error::InvalidPassword) => true,
        Err(_) => false,
    };
    if !failed {
        return doc.map_err(map);
    }
    let trailer = match &doc {
        Ok(d) => Some(d.trailer.clone()),
        Err(_) => lopdf::Document::load_mem_with_options(
            bytes,
            LoadOptions {
                max_decompressed_size: Some(MAX_STREAM_BYTES),
                ..LoadOptions::default()
            },
        )
        .ok()
        .map(|d| d.trailer),
    };
    if let Some(mended) = trailer.and_then(|t| encrypt::mend(bytes, &t)) {
        if let Ok(d) = Document::load_mem_with_options(&mended, opts) {
            if d.was_encrypted() {
                return Ok(d);
            }
        }
    }
    Err(PdfError::Encrypted)
}

/// Every page's content (unknown glyphs still in it) and the document's fonts.
fn pages_and_fonts(
    bytes: &[u8],
    password: Option<&str>,
) -> Result<(Vec<PageContent>, Fonts), PdfError> {
    let doc = load_with_password(bytes, password)?;
    let ids = doc.get_pages();
    if ids.is_empty() {
        return Err(PdfError::NoPages);
    }
    if ids.len() > MAX_PAGES {
        return Err(PdfError::TooManyPages {
            pages: ids.len(),
            limit: MAX_PAGES,
        });
    }
    let mut fonts = Fonts::default();
    let pages = ids
        .values()
        .map(|id| content::page_content(&doc, *id, &mut fonts))
        .collect();
    Ok((pages, fonts))
}

/// Reads every page's glyphs, lines and image areas, in page order. Glyphs whose font
/// gives no text are dropped (see [`read_with`] for their recovery).
pub fn pages(bytes: &[u8]) -> Result<Vec<PageContent>, PdfError> {
    let (mut pages, fonts) = pages_and_fonts(bytes, None)?;
    recover::recover(&mut pages, &fonts, None).unwrap_or_default();
    Ok(pages)
}

/// True when a page shows images but no text.
fn image_only(p: &PageContent) -> bool {
    p.glyphs.iter().all(|g| g.text.trim().is_empty()) && p.image_area > 0.25 * p.width * p.height
}

/// When pages are read by OCR.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum OcrMode {
    /// Pages that show images but have no text layer.
    #[default]
    Auto,
    /// Every page that shows an image over a quarter of its area, its text layer
    /// ignored (for PDFs whose text layer is garbage).
    Always,
    /// None: image-only pages make the file an error ("needs OCR").
    Never,
}

/// What OCR makes of one page image: text lines as glyphs (one per line, with its
/// confidence) and the ruling lines printed in the image, in display points.
#[derive(Debug, Clone, Default)]
pub struct OcrPage {
    /// Recognised text, one glyph per line of a cell or of free text.
    pub glyphs: Vec<Glyph>,
    /// Ruling lines found in the image.
    pub segments: Vec<Segment>,
    /// Width of the page as read (points): the displayed width, or its height when the
    /// page was fed sideways and turned upright.
    pub width: f32,
    /// Height of the page as read (points).
    pub height: f32,
}

/// An OCR engine for page images. Behind a trait so this crate needs no recognition
/// model; `jixiao-ocr` implements it.
pub trait PageOcr: Sync {
    /// Reads `page` (the composited image of a `width × height` points page).
    fn read_page(
        &self,
        page: &jixiao_raster::Page,
        width: f32,
        height: f32,
    ) -> Result<OcrPage, String>;

    /// Reads strips of glyphs drawn apart (see [`recover`]), one reading per strip.
    /// Engines that read pages only keep this default.
    fn read_strips(&self, strips: &[jixiao_raster::Raster]) -> Result<Vec<StripReading>, String> {
        let _ = strips;
        Err("this engine does not read glyphs".into())
    }
}

/// What an engine read in a strip of glyphs.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct StripReading {
    /// Each character read, with the x of its centre in the strip (pixels).
    pub chars: Vec<(String, f32)>,
    /// Confidence of the reading (0–1).
    pub confidence: f32,
}

/// How [`read_with`] treats pages without a text layer.
#[derive(Clone, Copy, Default)]
pub struct ReadOptions<'a> {
    /// Which pages go through OCR.
    pub ocr: OcrMode,
    /// The engine; `Err` holds why it could not be started (reported on files that
    /// need it), `Ok(None)` is [`OcrMode::Never`]'s behaviour.
    pub engine: Option<Result<&'a dyn PageOcr, &'a str>>,
    /// Password for encrypted PDFs, tried after the empty user password.
    pub password: Option<&'a str>,
}

/// A PDF read into rows, and which pages were read by OCR.
#[derive(Debug, Clone, Default)]
pub struct PdfRead {
    /// The rows of every page.
    pub grid: Grid,
    /// 1-based pages whose text came from OCR.
    pub ocr_pages: Vec<u32>,
    /// Glyphs of the text layer whose text was recovered from their outlines.
    pub recovery: recover::Recovery,
}

/// True when a page shows images over a quarter of its area.
fn mostly_image(p: &PageContent) -> bool {
    p.image_area > 0.25 * p.width * p.height
}

/// Reads a PDF into grid rows: every page's tables and text lines, pages in order.
/// Image-only pages are errors ([`PdfError::NeedsOcr`]); see [`read_with`].
pub fn read(bytes: &[u8]) -> Result<Grid, PdfError> {
    read_with(bytes, &ReadOptions::default()).map(|r| r.grid)
}

/// Decodes and composites the images of one page and runs OCR on it.
fn ocr_page(engine: &dyn PageOcr, p: &PageContent, number: u32) -> Result<PageContent, PdfError> {
    let err = |reason: String| PdfError::Ocr {
        page: number,
        reason,
    };
    let placements = p
        .images
        .iter()
        .map(images::PlacedImage::decode)
        .collect::<Result<Vec<_>, _>>()
        .map_err(|e| err(e.to_string()))?;
    let raster =
        jixiao_raster::compose(p.width, p.height, &placements).map_err(|e| err(e.to_string()))?;
    let read = engine.read_page(&raster, p.width, p.height).map_err(err)?;
    Ok(PageContent {
        image_area: p.image_area,
        ..PageContent::from(read)
    })
}

impl From<OcrPage> for PageContent {
    /// The page as OCR read it: its text lines and rulings, no images left to read.
    fn from(p: OcrPage) -> Self {
        PageContent {
            width: p.width,
            height: p.height,
            glyphs: p.glyphs,
            segments: p.segments,
            ..PageContent::default()
        }
    }
}

/// Rows of pages read by OCR from image files (one page each): tables, stitching and
/// provenance as for a PDF.
pub fn grid_of_ocr_pages(pages: Vec<OcrPage>) -> Grid {
    let pages: Vec<PageContent> = pages.into_iter().map(PageContent::from).collect();
    grid_of_pages(&pages)
}

/// The lattice tables of every page: of its ruling lines, or, on a page without any, of
/// the lines its borderless table implies ([`borderless`]; consecutive borderless pages
/// share their columns).
fn page_tables(pages: &[PageContent]) -> Vec<Vec<layout::Table>> {
    let ruled: Vec<Vec<layout::Table>> =
        pages.iter().map(|p| layout::tables(&p.segments)).collect();
    let bare: Vec<Option<&PageContent>> = pages
        .iter()
        .zip(&ruled)
        .map(|(p, t)| t.is_empty().then_some(p))
        .collect();
    let implied = borderless::rulings_of_pages(&bare);
    ruled
        .into_iter()
        .zip(implied)
        .map(|(t, lines)| {
            if t.is_empty() && !lines.is_empty() {
                layout::tables(&lines)
            } else {
                t
            }
        })
        .collect()
}

fn grid_of_pages(pages: &[PageContent]) -> Grid {
    let tables = page_tables(pages);
    let grids = layout::chain_grids(&tables);
    let mut per_page = Vec::with_capacity(pages.len());
    for (i, ((p, tabs), grids)) in pages.iter().zip(tables).zip(&grids).enumerate() {
        if p.truncated {
            tracing::warn!(
                page = i + 1,
                "page content over the operation budget; rest ignored"
            );
        }
        per_page.push(layout::page_rows(p, i as u32 + 1, tabs, grids));
    }
    Grid {
        rows: layout::stitch(per_page),
    }
}

/// Reads a PDF into grid rows; pages without a text layer go through `opts.engine`
/// (in parallel), according to `opts.ocr`.
pub fn read_with(bytes: &[u8], opts: &ReadOptions) -> Result<PdfRead, PdfError> {
    use rayon::prelude::*;
    let (mut pages, fonts) = pages_and_fonts(bytes, opts.password)?;
    // Content streams that do not decode: an error when nothing else gives text.
    if let Some((i, reason)) = pages
        .iter()
        .enumerate()
        .find_map(|(i, p)| p.content_error.clone().map(|e| (i, e)))
    {
        if pages
            .iter()
            .all(|p| p.glyphs.is_empty() && p.images.is_empty())
        {
            return Err(PdfError::Content {
                page: i as u32 + 1,
                reason,
            });
        }
        tracing::warn!(page = i + 1, reason, "content stream skipped");
    }
    // Glyphs without text: recognised from their outlines unless OCR is off.
    let lost: usize = pages.iter().map(|p| p.unknown.len()).sum();
    let unknown = lost > 0;
    let (glyph_engine, reason) = match (opts.ocr, opts.engine) {
        (OcrMode::Never, _) | (_, None) => (None, None),
        (_, Some(Ok(e))) => (Some(e), None),
        (_, Some(Err(reason))) => (None, Some(reason.to_string())),
    };
    if unknown && glyph_engine.is_none() {
        let all: usize = pages.iter().map(|p| p.glyphs.len()).sum();
        let first = pages
            .iter()
            .position(|p| !p.unknown.is_empty())
            .unwrap_or(0) as u32
            + 1;
        // Mostly unreadable: an error that says why, not a document without forms.
        if 2 * lost > all {
            return Err(PdfError::GlyphsNeedOcr {
                lost,
                all,
                first,
                reason,
            });
        }
        tracing::warn!(lost, all, first, "glyphs without text left out (needs OCR)");
    }
    let recovery = match recover::recover(&mut pages, &fonts, glyph_engine.filter(|_| unknown)) {
        Ok(r) => r,
        Err(reason) => {
            tracing::warn!(reason, "glyphs without text left out: the engine failed");
            recover::recover(&mut pages, &fonts, None).unwrap_or_default()
        }
    };
    let wanted: Vec<usize> = (0..pages.len())
        .filter(|i| match opts.ocr {
            OcrMode::Never => false,
            OcrMode::Auto => image_only(&pages[*i]),
            OcrMode::Always => mostly_image(&pages[*i]),
        })
        .collect();
    let scans: Vec<usize> = (0..pages.len())
        .filter(|i| image_only(&pages[*i]))
        .collect();
    let has_text = pages
        .iter()
        .any(|p| p.glyphs.iter().any(|g| !g.text.trim().is_empty()));
    let engine = match opts.engine {
        Some(Ok(e)) if !wanted.is_empty() => Some(e),
        Some(Err(reason)) if !has_text && !wanted.is_empty() => {
            return Err(PdfError::OcrUnavailable {
                pages: wanted.len(),
                total: pages.len(),
                first: wanted[0] as u32 + 1,
                reason: reason.to_string(),
            })
        }
        _ => None,
    };
    let mut ocr_pages = Vec::new();
    if let Some(engine) = engine {
        let read: Vec<(usize, Result<PageContent, PdfError>)> = wanted
            .par_iter()
            .map(|&i| (i, ocr_page(engine, &pages[i], i as u32 + 1)))
            .collect();
        for (i, r) in read {
            pages[i] = r?;
            ocr_pages.push(i as u32 + 1);
        }
    } else if !has_text && !scans.is_empty() {
        return Err(PdfError::NeedsOcr {
            pages: scans.len(),
            total: pages.len(),
            first: scans[0] as u32 + 1,
        });
    } else {
        for i in &scans {
            tracing::warn!(page = i + 1, "image-only page skipped (needs OCR)");
        }
    }
    Ok(PdfRead {
        grid: grid_of_pages(&pages),
        ocr_pages,
        recovery,
    })
}

/// Plain text of every page (lines top to bottom, cells left to right), for checks
/// against other extractors.
pub fn page_texts(bytes: &[u8]) -> Result<Vec<String>, PdfError> {
    page_texts_with_password(bytes, None)
}

/// [`page_texts`] of an encrypted PDF opened with `password` (after the empty one).
pub fn page_texts_with_password(
    bytes: &[u8],
    password: Option<&str>,
) -> Result<Vec<String>, PdfError> {
    let (mut pages, fonts) = pages_and_fonts(bytes, password)?;
    recover::recover(&mut pages, &fonts, None).unwrap_or_default();
    Ok(pages
        .iter()
        .map(|p| {
            p.glyphs
                .iter()
                .flat_map(|g| g.text.chars())
                .collect::<String>()
        })
        .collect())
}
