//! Laying a marked-up table's cells out on a grid: the HTML table algorithm (a cell takes
//! the first column not covered by a `rowspan` from above), shared by HTML and Word.

use jixiao_grid::{Cell, Origin, Row};

/// A cell as the markup gives it.
#[derive(Debug, Clone, PartialEq)]
pub(crate) struct SpanCell {
    /// Text, lines separated by `\n`.
    pub text: String,
    /// Columns spanned (≥ 1).
    pub cols: u32,
    /// Rows spanned (≥ 1).
    pub rows: u32,
}

/// Largest span honoured (hostile markup asks for millions).
const MAX_SPAN: u32 = 1000;
/// Most columns a table is laid out on.
const MAX_COLS: usize = 1000;

/// Rows of cells → grid rows, every row as wide as the table (covered positions blank,
/// spans on the cell that starts them, as the workbook reader gives merged cells).
/// `origin(i)` names row `i`'s place in the document.
pub(crate) fn lay_out(rows: &[Vec<SpanCell>], origin: impl Fn(usize) -> Origin) -> Vec<Row> {
    // covered[c] = rows still covered below by a rowspan started above.
    let mut covered: Vec<u32> = Vec::new();
    let mut placed: Vec<Vec<(usize, SpanCell)>> = Vec::with_capacity(rows.len());
    let mut width = 0usize;
    for r in rows {
        let mut out = Vec::with_capacity(r.len());
        let mut c = 0usize;
        for cell in r {
            while c < covered.len() && covered[c] > 0 {
                c += 1;
            }
            if c >= MAX_COLS {
                break;
            }
            let cols = cell.cols.clamp(1, MAX_SPAN) as usize;
            let cols = cols.min(MAX_COLS - c);
            let rows_spanned = cell.rows.clamp(1, MAX_SPAN);
            if covered.len() < c + cols {
                covered.resize(c + cols, 0);
            }
            for v in &mut covered[c..c + cols] {
                *v = (*v).max(rows_spanned);
            }
            out.push((
                c,
                SpanCell {
                    cols: cols as u32,
                    rows: rows_spanned,
                    ..cell.clone()
                },
            ));
            c += cols;
        }
        width = width.max(covered.len());
        for v in covered.iter_mut() {
            *v = v.saturating_sub(1);
        }
        placed.push(out);
    }
    placed
        .into_iter()
        .enumerate()
        .map(|(i, cells)| {
            let mut row: Vec<Cell> = (0..width).map(|c| Cell::new("", c as f32)).collect();
            for (c, s) in cells {
                let mut cell = Cell::new(s.text, c as f32);
                cell.col_span = s.cols;
                cell.row_span = s.rows;
                row[c] = cell;
            }
            Row {
                cells: row,
                origin: origin(i),
            }
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn c(t: &str, cols: u32, rows: u32) -> SpanCell {
        SpanCell {
            text: t.into(),
            cols,
            rows,
        }
    }

    #[test]
    fn rowspans_push_later_cells_right() {
        let rows = vec![
            vec![c("产出指标", 1, 2), c("数量指标", 1, 1), c("a", 1, 1)],
            vec![c("质量指标", 1, 1), c("b", 1, 1)],
            vec![c("总分", 2, 1), c("100", 1, 1)],
        ];
        let out = lay_out(&rows, |i| Origin::Line { line: i as u32 + 1 });
        assert_eq!(out.len(), 3);
        assert!(out.iter().all(|r| r.cells.len() == 3));
        assert_eq!(out[0].cells[0].row_span, 2);
        assert_eq!(out[1].cells[0].text, "");
        assert_eq!(out[1].cells[1].text, "质量指标");
        assert_eq!(out[2].cells[0].col_span, 2);
        assert_eq!(out[2].cells[2].text, "100");
        // Hostile spans are bounded.
        let out = lay_out(&[vec![c("x", u32::MAX, u32::MAX)]], |_| Origin::Line {
            line: 1,
        });
        assert_eq!(out[0].cells.len(), MAX_COLS);
    }
}
