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

pub mod cmap;
pub mod compat;
pub mod content;
pub mod font;
pub mod images;
pub mod layout;

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
    #[error("the PDF is password-protected; save an unprotected copy")]
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
            PdfError::NeedsOcr { first, .. } | PdfError::OcrUnavailable { first, .. } => {
                Some(*first)
            }
            PdfError::Ocr { page, .. } => Some(*page),
            _ => None,
        }
    }
}

/// Loads a document, mapping lopdf's errors to [`PdfError`].
pub fn load(bytes: &[u8]) -> Result<Document, PdfError> {
    let opts = LoadOptions {
        max_decompressed_size: Some(MAX_STREAM_BYTES),
        ..LoadOptions::default()
    };
    let doc = Document::load_mem_with_options(bytes, opts).map_err(|e| match e {
        lopdf::Error::InvalidPassword | lopdf::Error::Decryption(_) => PdfError::Encrypted,
        e => PdfError::Malformed {
            reason: e.to_string(),
        },
    })?;
    if doc.is_encrypted() {
        return Err(PdfError::Encrypted);
    }
    Ok(doc)
}

/// Reads every page's glyphs, lines and image areas, in page order.
pub fn pages(bytes: &[u8]) -> Result<Vec<PageContent>, PdfError> {
    let doc = load(bytes)?;
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
    Ok(ids
        .values()
        .map(|id| content::page_content(&doc, *id, &mut fonts))
        .collect())
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
}

/// How [`read_with`] treats pages without a text layer.
#[derive(Clone, Copy, Default)]
pub struct ReadOptions<'a> {
    /// Which pages go through OCR.
    pub ocr: OcrMode,
    /// The engine; `Err` holds why it could not be started (reported on files that
    /// need it), `Ok(None)` is [`OcrMode::Never`]'s behaviour.
    pub engine: Option<Result<&'a dyn PageOcr, &'a str>>,
}

/// A PDF read into rows, and which pages were read by OCR.
#[derive(Debug, Clone, Default)]
pub struct PdfRead {
    /// The rows of every page.
    pub grid: Grid,
    /// 1-based pages whose text came from OCR.
    pub ocr_pages: Vec<u32>,
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

fn grid_of_pages(pages: &[PageContent]) -> Grid {
    let tables: Vec<Vec<layout::Table>> =
        pages.iter().map(|p| layout::tables(&p.segments)).collect();
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
    let mut pages = pages(bytes)?;
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
    })
}

/// Plain text of every page (lines top to bottom, cells left to right), for checks
/// against other extractors.
pub fn page_texts(bytes: &[u8]) -> Result<Vec<String>, PdfError> {
    Ok(pages(bytes)?
        .iter()
        .map(|p| {
            p.glyphs
                .iter()
                .flat_map(|g| g.text.chars())
                .collect::<String>()
        })
        .collect())
}
