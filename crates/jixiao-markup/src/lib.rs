//! Readers for documents made of marked-up tables, into the cell grid the form parser
//! reads: HTML pages (government sites publish the tables themselves as pages, often in
//! GBK) and Word `.docx` files (the tables of attachments). Merged cells come from
//! `rowspan`/`colspan` and `gridSpan`/`vMerge`; text outside tables becomes one-cell rows,
//! so titles and year lines printed above a table are seen.
//!
//! Provenance: each row names its table and row within it as a sheet and row (`表3`,
//! row 5: the link `file.docx#'表3'!A5`); rows outside tables name `正文` and their
//! paragraph's ordinal.

mod docx;
mod html;
mod table;

pub use docx::read_docx;
pub use html::{anchors, read_html, Anchor};

/// Largest document read (bytes of HTML, or of a `.docx` member once inflated).
pub const MAX_BYTES: usize = 64 * 1024 * 1024;
/// Most rows read from one document.
pub const MAX_ROWS: usize = 1_000_000;

/// Why a document gave no grid.
#[derive(Debug, thiserror::Error)]
pub enum MarkupError {
    /// Not a readable zip / Word package.
    #[error("not a readable Word document: {reason}")]
    Package {
        /// What failed.
        reason: String,
    },
    /// The XML or HTML could not be read.
    #[error("not readable markup: {reason}")]
    Markup {
        /// What failed.
        reason: String,
    },
    /// Over [`MAX_BYTES`] or [`MAX_ROWS`].
    #[error("over the limit: {what}")]
    TooLarge {
        /// Which limit.
        what: String,
    },
}

/// The sheet name rows outside tables carry.
pub const BODY: &str = "正文";

/// The sheet name of the `n`-th table (1-based).
fn table_name(n: usize) -> String {
    format!("表{n}")
}

/// Appends the lines of text outside tables as one-cell rows named [`BODY`] and their
/// ordinal (`paragraphs` counts them over the document).
fn body_rows(text: &str, paragraphs: &mut u32, out: &mut Vec<jixiao_grid::Row>) {
    for l in tidy(text).lines() {
        *paragraphs += 1;
        out.push(jixiao_grid::Row {
            cells: vec![jixiao_grid::Cell::new(l, 0.0)],
            origin: jixiao_grid::Origin::Sheet {
                sheet: BODY.to_string(),
                row: *paragraphs,
            },
        });
    }
}

/// Each row's cell texts joined by `|`, for the readers' tests.
#[cfg(test)]
fn row_texts(g: &jixiao_grid::Grid) -> Vec<String> {
    g.rows
        .iter()
        .map(|r| {
            r.cells
                .iter()
                .map(|c| c.text.as_str())
                .collect::<Vec<_>>()
                .join("|")
        })
        .collect()
}

/// Text of a cell or paragraph as markup gives it: runs of spaces (and the non-breaking
/// spaces of empty cells) collapsed, lines trimmed, blank lines dropped.
fn tidy(s: &str) -> String {
    let mut lines = Vec::new();
    for l in s.split('\n') {
        let mut out = String::new();
        let mut space = false;
        for ch in l.chars() {
            if ch.is_whitespace() || ch == '\u{a0}' {
                space = true;
            } else {
                if space && !out.is_empty() {
                    out.push(' ');
                }
                space = false;
                out.push(ch);
            }
        }
        if !out.is_empty() {
            lines.push(out);
        }
    }
    lines.join("\n")
}
