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
pub mod layout;

use content::{Fonts, PageContent};
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
}

impl PdfError {
    /// The page an error refers to, when there is one.
    pub fn page(&self) -> Option<u32> {
        match self {
            PdfError::NeedsOcr { first, .. } => Some(*first),
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

/// Reads a PDF into grid rows: every page's tables and text lines, pages in order.
pub fn read(bytes: &[u8]) -> Result<Grid, PdfError> {
    let pages = pages(bytes)?;
    let scans: Vec<usize> = (0..pages.len())
        .filter(|i| image_only(&pages[*i]))
        .collect();
    let has_text = pages
        .iter()
        .any(|p| p.glyphs.iter().any(|g| !g.text.trim().is_empty()));
    if !has_text && !scans.is_empty() {
        return Err(PdfError::NeedsOcr {
            pages: scans.len(),
            total: pages.len(),
            first: scans[0] as u32 + 1,
        });
    }
    for i in &scans {
        tracing::warn!(page = i + 1, "image-only page skipped (needs OCR)");
    }
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
    Ok(Grid {
        rows: layout::stitch(per_page),
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
