//! Rows of consecutive pages joined into one list: a row cut by a page break becomes
//! one row, a merged cell cut by a break repeats on the next page.

use super::{join_line, Span};
use jixiao_grid::{Cell, Origin, Row};

/// The rows of one page and the rows a page break cut.
#[derive(Debug, Clone, Default)]
pub struct PageRows {
    /// Rows top to bottom.
    pub rows: Vec<Row>,
    /// The horizontal extent of every cell of every row (parallel to `rows`).
    pub spans: Vec<Vec<Span>>,
    /// Index of a row continued from the previous page (a table row without its top
    /// line).
    pub open_top: Option<usize>,
    /// Index of a row that goes on on the next page (a table row without its bottom
    /// line).
    pub open_bottom: Option<usize>,
    /// Cells of the page's last table row left open at the bottom: (extent, text).
    pub open_cells_bottom: Vec<(Span, String)>,
    /// Row index and extents of the page's first table row's cells left open at the top.
    pub open_cells_top: Option<(usize, Vec<Span>)>,
}

/// The span in `spans` overlapping `s` most, when it overlaps by half of the narrower.
fn best_overlap(spans: &[Span], s: Span) -> Option<usize> {
    spans
        .iter()
        .enumerate()
        .map(|(i, t)| (i, t.1.min(s.1) - t.0.max(s.0), (t.1 - t.0).min(s.1 - s.0)))
        .filter(|(_, o, w)| *o > 0.5 * w)
        .max_by(|a, b| a.1.total_cmp(&b.1))
        .map(|(i, _, _)| i)
}

/// Joins the pages' rows in order. A row cut by a page break (open at the bottom of one
/// page and at the top of the next) becomes one row: the continuation's text is appended
/// cell by cell to the row it continues (cells matched by position on the page, as the
/// column numbering of the two tables may differ), whose provenance it keeps.
pub fn stitch(pages: Vec<PageRows>) -> Vec<Row> {
    let mut out: Vec<Row> = Vec::new();
    let mut out_spans: Vec<Vec<Span>> = Vec::new();
    let mut pending: Option<usize> = None;
    let mut carried: Vec<(Span, String)> = Vec::new();
    for mut p in pages {
        // A merged cell cut by the page break: its continuation, empty here, repeats the
        // text printed above the break (a level label spanning rows on both pages).
        let merging = pending.is_some() && p.open_top.is_some();
        if let Some((i, open)) = p.open_cells_top.as_ref().filter(|_| !merging) {
            if let (Some(row), Some(spans)) = (p.rows.get_mut(*i), p.spans.get(*i)) {
                for (cell, span) in row.cells.iter_mut().zip(spans) {
                    let is_open = best_overlap(open, *span).is_some();
                    let from =
                        best_overlap(&carried.iter().map(|c| c.0).collect::<Vec<_>>(), *span)
                            .map(|k| &carried[k].1);
                    if let (true, Some(text), true) = (is_open, from, cell.is_blank()) {
                        let mut n = Cell::new(text.clone(), cell.col);
                        n.col_span = cell.col_span;
                        n.row_span = cell.row_span;
                        *cell = n;
                    }
                }
            }
        }
        carried = std::mem::take(&mut p.open_cells_bottom);
        let base = out.len();
        let continues = p.open_top;
        let next_pending = p.open_bottom.map(|i| base + i);
        for (i, (row, spans)) in p.rows.into_iter().zip(p.spans).enumerate() {
            if Some(i) == continues {
                if let Some(a) = pending {
                    append_row(&mut out[a], &mut out_spans[a], row, &spans);
                    continue;
                }
            }
            out.push(row);
            out_spans.push(spans);
        }
        // Indices after a merged continuation shift by one.
        pending = next_pending.map(|i| match (continues, pending) {
            (Some(c), Some(_)) if base + c < i => i - 1,
            _ => i,
        });
    }
    out
}

fn append_row(a: &mut Row, a_spans: &mut Vec<Span>, b: Row, b_spans: &[Span]) {
    if let (
        Origin::Pdf { confidence: ca, .. },
        Origin::Pdf {
            confidence: Some(cb),
            ..
        },
    ) = (&mut a.origin, &b.origin)
    {
        *ca = Some(ca.map_or(*cb, |c| c.min(*cb)));
    }
    for (cb, sb) in b.cells.into_iter().zip(b_spans) {
        if cb.is_blank() {
            continue;
        }
        match best_overlap(a_spans, *sb).and_then(|k| a.cells.get_mut(k)) {
            Some(ca) => {
                let mut text = ca.text.clone();
                join_line(&mut text, &cb.text);
                let mut n = Cell::new(text, ca.col);
                n.col_span = ca.col_span;
                n.row_span = ca.row_span;
                *ca = n;
            }
            None => {
                // No cell above it: keep it, after the cells that lie left of it.
                let left = a_spans.iter().filter(|s| s.1 <= sb.0 + 0.5).count();
                let col = left
                    .checked_sub(1)
                    .and_then(|k| a.cells.get(k))
                    .map_or(0.0, |c| c.col + 0.5);
                let mut n = Cell::new(cb.text, col);
                n.col_span = cb.col_span;
                let at = left.min(a.cells.len());
                a.cells.insert(at, n);
                a_spans.insert(at.min(a_spans.len()), *sb);
            }
        }
    }
}
