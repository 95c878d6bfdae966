//! The cell grid: the one type every reader (text, spreadsheet, PDF) produces and the
//! form parser consumes.
//!
//! A [`Grid`] is a list of [`Row`]s in reading order; each row holds [`Cell`]s at column
//! positions and knows where in the source it came from ([`Origin`]). Nothing here knows
//! about budget forms: the grid is the seam between readers and the form parser.
//!
//! [`text`] holds the text-normalisation helpers shared by readers and parser (HTML
//! remnants, whitespace between CJK characters, full-width forms).

pub mod text;

use serde::{Deserialize, Serialize};
use std::sync::OnceLock;

/// Where a row (or a cell) was found in its source document.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(untagged)]
pub enum Origin {
    /// A line of a text export, 1-based.
    Line {
        /// 1-based line number.
        line: u32,
    },
    /// A row of a spreadsheet.
    Sheet {
        /// Sheet name as in the workbook.
        sheet: String,
        /// 1-based row number as Excel shows it.
        row: u32,
    },
    /// A row of table cells on a PDF page.
    Pdf {
        /// 1-based page number.
        page: u32,
        /// Bounding box `[x0, top, x1, bottom]` in PDF points, measured from the top-left
        /// corner of the page as displayed (after `/Rotate`), y growing downwards (the
        /// convention of pdfplumber and of most viewers' selection tools).
        bbox: [f32; 4],
        /// Lowest recognition confidence (0–1) of the row's text when it was read by OCR;
        /// absent for text layers.
        #[serde(default, skip_serializing_if = "Option::is_none")]
        confidence: Option<f32>,
    },
}

impl Origin {
    /// The link to this place in `file`: `file.txt#L130`, `file.pdf#page=3`,
    /// `file.xlsx#'Sheet 1'!A17` (the sheet name quoted as in a cell reference, quotes
    /// doubled, so names like `1-对口扶贫支援类` are valid locations).
    pub fn link(&self, file: &str) -> String {
        match self {
            Origin::Line { line } => format!("{file}#L{line}"),
            Origin::Pdf { page, .. } => format!("{file}#page={page}"),
            Origin::Sheet { sheet, row } => {
                format!("{file}#'{}'!A{row}", sheet.replace('\'', "''"))
            }
        }
    }

    /// The 1-based page this origin lies on (text lines and sheets have no pages: `None`).
    pub fn page(&self) -> Option<u32> {
        match self {
            Origin::Pdf { page, .. } => Some(*page),
            _ => None,
        }
    }
}

/// One table cell.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Cell {
    /// Raw text as the reader found it (not cleaned).
    pub text: String,
    /// Column position. Fractional positions are allowed so a parser can split a cell
    /// that holds two values and keep their order.
    pub col: f32,
    /// Number of columns the cell spans (1 for an unmerged cell).
    pub col_span: u32,
    /// Number of rows the cell spans (1 for an unmerged cell).
    pub row_span: u32,
    /// Bounding box of the cell's text as laid out `[x0, top, x1, bottom]` (lines its
    /// cell's clip hides included), in the coordinates of its row's [`Origin::Pdf`] bbox,
    /// where the reader knows it (PDF text layers and OCR); `None` for text exports,
    /// spreadsheets and markup, and for text a reader carried over from elsewhere (a
    /// merged label repeated after a page break). Where a merged label was printed says
    /// which rows it spans when no line does.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub bbox: Option<[f32; 4]>,
    /// [`text::clean`] of `text`, computed on first use.
    #[serde(skip)]
    cleaned: OnceLock<String>,
    /// [`text::key`] of `text`, computed on first use.
    #[serde(skip)]
    key: OnceLock<String>,
}

impl Cell {
    /// An unmerged cell at column `col`.
    pub fn new(text: impl Into<String>, col: f32) -> Self {
        Cell {
            text: text.into(),
            col,
            col_span: 1,
            row_span: 1,
            bbox: None,
            cleaned: OnceLock::new(),
            key: OnceLock::new(),
        }
    }

    /// The cleaned text ([`text::clean`]), computed once.
    pub fn cleaned(&self) -> &str {
        self.cleaned.get_or_init(|| text::clean(&self.text))
    }

    /// The matching key ([`text::key`]), computed once.
    pub fn key(&self) -> &str {
        self.key.get_or_init(|| text::key(&self.text))
    }

    /// The box holding both boxes (either alone when the other is unknown): the extent
    /// of a cell joined from two.
    pub fn union_bbox(a: Option<[f32; 4]>, b: Option<[f32; 4]>) -> Option<[f32; 4]> {
        match (a, b) {
            (Some(a), Some(b)) => Some([
                a[0].min(b[0]),
                a[1].min(b[1]),
                a[2].max(b[2]),
                a[3].max(b[3]),
            ]),
            (a, b) => a.or(b),
        }
    }

    /// True when the cell holds nothing but whitespace or empty HTML remnants.
    pub fn is_blank(&self) -> bool {
        self.cleaned().is_empty()
    }
}

/// One row of cells in reading order.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Row {
    /// Cells ordered by column; blank cells may be present (they keep positions).
    pub cells: Vec<Cell>,
    /// Where the row came from.
    pub origin: Origin,
}

impl Row {
    /// Non-blank cells, in column order.
    pub fn filled(&self) -> impl Iterator<Item = &Cell> {
        self.cells.iter().filter(|c| !c.is_blank())
    }

    /// True when every cell is blank.
    pub fn is_blank(&self) -> bool {
        self.filled().next().is_none()
    }

    /// Cleaned text of all non-blank cells joined without separator.
    pub fn joined(&self) -> String {
        let mut s = String::new();
        for c in self.filled() {
            s.push_str(c.cleaned());
        }
        s
    }
}

/// A whole document as rows of cells.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct Grid {
    /// Rows in reading order (pages concatenated for paged sources).
    pub rows: Vec<Row>,
}
