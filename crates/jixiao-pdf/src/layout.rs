//! From glyphs and ruling lines to grid rows.
//!
//! The lattice tables of a page's ruling lines are built in the crate's `lattice` module
//! (re-exported here as [`tables`] and [`Table`]). Glyphs are assigned to the cell that holds their centre. Text outside any
//! lattice (titles, borderless tables) is cut into lines and, at wide gaps, into cells
//! whose columns come from clustering their left edges over the page (the whitespace
//! fallback).

use crate::compat::{fold, ligature};
use crate::content::{Glyph, PageContent};
use crate::lattice::{cluster, Block, SNAP};
pub use crate::lattice::{tables, Table, MAX_LATTICE_CELLS, MAX_RULINGS_PER_PAGE};
use jixiao_grid::{Cell, Origin, Row};
use overflow::recentre_overflow;
pub use stitch::{stitch, PageRows};

mod overflow;
mod stitch;

/// Text of a set of glyphs: lines top to bottom, glyphs left to right, spaces at gaps,
/// wrapped lines joined (without a separator between CJK characters).
pub fn text_of(glyphs: &[&Glyph]) -> String {
    text_in(glyphs, None)
}

/// [`text_of`] for the glyphs of a cell spanning `x0..x1`. A producer wraps a line early
/// only at a space: when the next line's first glyph would have fitted in the room left
/// on the line before (the cell's width less the padding seen on its lines), a space was
/// swallowed by the wrap and is put back.
pub fn text_in(glyphs: &[&Glyph], cell: Option<(f32, f32)>) -> String {
    let lines = lines_of(glyphs);
    // (left, right, width of the first unbreakable unit) of a line's visible glyphs.
    let extent = |l: &[&Glyph]| {
        let vis: Vec<&&Glyph> = l.iter().filter(|g| !g.text.trim().is_empty()).collect();
        let (first, last) = (vis.first()?, vis.last()?);
        Some((first.x0, last.x1, first_unit(&vis)))
    };
    let extents: Vec<Option<(f32, f32, f32)>> = lines.iter().map(|l| extent(l)).collect();
    let width = cell.and_then(|(cx0, cx1)| {
        let pad = extents
            .iter()
            .flatten()
            .map(|e| e.0 - cx0)
            .fold(f32::MAX, f32::min);
        (0.0..f32::MAX)
            .contains(&pad)
            .then_some(cx1 - cx0 - 2.0 * pad)
    });
    let mut out = String::new();
    let mut prev: Option<(f32, f32, f32)> = None;
    for (line, e) in lines.iter().zip(&extents) {
        let t = line_text(line);
        let t = t.trim();
        if t.is_empty() {
            continue;
        }
        if let (Some(w), Some(p), Some(e)) = (width, prev, e) {
            let room = w - (p.1 - p.0);
            let size = line.iter().map(|g| g.size).fold(0.0, f32::max);
            // Only where a space is usual in this text: next to Latin text, numbers or
            // ASCII punctuation (`, ` after a half-width comma).
            let latin = out.chars().last().is_some_and(|c| c.is_ascii_graphic())
                || t.chars().next().is_some_and(|c| c.is_ascii_graphic());
            if latin && room >= e.2 + 0.1 * size && !out.ends_with(' ') {
                out.push(' ');
            }
        }
        join_line(&mut out, t);
        prev = *e;
    }
    out
}

/// Width of the unit a line break cannot split at the start of a line: a run of Latin
/// letters and digits (with their punctuation), or one CJK character with the closing
/// punctuation that may not begin a line (`，`, `。`, `%`, `）` …).
fn first_unit(vis: &[&&Glyph]) -> f32 {
    let Some(first) = vis.first() else {
        return 0.0;
    };
    let is_cjk = |g: &Glyph| g.text.chars().any(jixiao_grid::text::is_cjk);
    let no_start = |g: &Glyph| {
        g.text
            .chars()
            .all(|c| "，。、；：？！）》」』】”’%％,.;:?!)]}".contains(c))
    };
    let mut end = first.x1;
    if is_cjk(first) {
        for g in &vis[1..] {
            if !no_start(g) {
                break;
            }
            end = g.x1;
        }
    } else {
        for g in &vis[1..] {
            if is_cjk(g) && !no_start(g) {
                break;
            }
            end = g.x1;
        }
    }
    end - first.x0
}

/// Appends a wrapped line: with a space between two Latin words, directly otherwise.
fn join_line(out: &mut String, t: &str) {
    if out.ends_with(' ') {
        out.push_str(t);
        return;
    }
    if let (Some(a), Some(b)) = (out.chars().last(), t.chars().next()) {
        if a.is_ascii_alphanumeric()
            && b.is_ascii_alphanumeric()
            && (a.is_ascii_alphabetic() || b.is_ascii_alphabetic())
        {
            out.push(' ');
        }
    }
    out.push_str(t);
}

/// Groups glyphs into lines (by vertical centre), each sorted left to right.
fn lines_of<'g>(glyphs: &[&'g Glyph]) -> Vec<Vec<&'g Glyph>> {
    let mut gs: Vec<&Glyph> = glyphs.to_vec();
    gs.sort_by(|a, b| a.cy().total_cmp(&b.cy()));
    let mut lines: Vec<(f32, f32, Vec<&Glyph>)> = Vec::new();
    for g in gs {
        let h = (g.y1 - g.y0).max(0.1);
        match lines.last_mut() {
            Some((cy, lh, l)) if (g.cy() - *cy).abs() < 0.5 * h.min(*lh) => {
                let n = l.len() as f32;
                *cy = (*cy * n + g.cy()) / (n + 1.0);
                *lh = lh.max(h);
                l.push(g);
            }
            _ => lines.push((g.cy(), h, vec![g])),
        }
    }
    lines
        .into_iter()
        .map(|(_, _, mut l)| {
            l.sort_by(|a, b| a.x0.total_cmp(&b.x0));
            l
        })
        .collect()
}

fn line_text(line: &[&Glyph]) -> String {
    let mut out = String::new();
    let mut prev: Option<&Glyph> = None;
    for g in line {
        if let Some(p) = prev {
            // Fake bold: the same glyph drawn again a hair to the right.
            if p.text == g.text && (g.x0 - p.x0).abs() < 0.2 * g.size.max(1.0) {
                continue;
            }
            let gap = g.x0 - p.x1;
            let ws = |s: &str| s.chars().all(char::is_whitespace);
            if gap > 0.25 * g.size.max(p.size) && !ws(&p.text) && !ws(&g.text) {
                out.push(' ');
            }
        }
        for c in g.text.chars() {
            match ligature(c) {
                Some(l) => out.push_str(l),
                None => out.push(if c == '\u{a0}' { ' ' } else { fold(c) }),
            }
        }
        prev = Some(g);
    }
    out
}

/// Splits a line at gaps wider than `gap` font sizes into chunks.
fn chunks<'g>(line: &[&'g Glyph], gap: f32) -> Vec<Vec<&'g Glyph>> {
    let mut out: Vec<Vec<&Glyph>> = Vec::new();
    let mut right = f32::MIN;
    for g in line {
        if g.text.trim().is_empty() {
            continue;
        }
        match out.last_mut() {
            Some(c) if g.x0 - right <= gap * g.size.max(1.0) => c.push(g),
            _ => out.push(vec![g]),
        }
        right = right.max(g.x1);
    }
    out
}

/// The extent of a cell's text as laid out, rounded like row boxes: lines its clip hides
/// included (a label wrapped in a cell too small for it is still centred on the cell),
/// blank glyphs left out; `None` without text.
fn printed_bbox(glyphs: &[&Glyph]) -> Option<[f32; 4]> {
    let inked: Vec<&Glyph> = glyphs
        .iter()
        .copied()
        .filter(|g| !g.text.trim().is_empty())
        .collect();
    (!inked.is_empty()).then(|| round4(bbox(&inked)))
}

fn bbox(glyphs: &[&Glyph]) -> [f32; 4] {
    glyphs.iter().fold(
        [f32::MAX, f32::MAX, f32::MIN, f32::MIN],
        |[a, b, c, d], g| [a.min(g.x0), b.min(g.y0), c.max(g.x1), d.max(g.y1)],
    )
}

/// The point that decides a glyph's cell: its centre, moved into the clip it was drawn
/// under when it lies outside (text overflowing a spreadsheet cell, or a merged cell cut
/// by a page break, hidden on the page).
fn anchor(g: &Glyph) -> (f32, f32) {
    let (x, y) = (g.cx(), g.cy());
    match g.clip {
        Some([x0, y0, x1, y1]) if x1 - x0 > 2.0 && y1 - y0 > 2.0 => {
            (x.clamp(x0 + 1.0, x1 - 1.0), y.clamp(y0 + 1.0, y1 - 1.0))
        }
        _ => (x, y),
    }
}

/// A glyph hidden by its clip whose clip reaches into a table though the clip's nearest
/// point to it lies outside the table: (table, the point of the overlap nearest the
/// glyph). A merged cell cut by a page break is drawn on both pages with its text where
/// the whole cell centres it, clipped to each page's part; on a borderless page the
/// table's edge is the text's, a little inside the clip (the cell's padding).
fn hidden_into(g: &Glyph, tabs: &[Table]) -> Option<(usize, f32, f32)> {
    let [cx0, cy0, cx1, cy1] = g.clip.filter(|_| g.hidden())?;
    tabs.iter().enumerate().find_map(|(k, t)| {
        let [tx0, ty0, tx1, ty1] = t.bbox();
        let (x0, y0, x1, y1) = (cx0.max(tx0), cy0.max(ty0), cx1.min(tx1), cy1.min(ty1));
        (x1 - x0 > 2.0 && y1 - y0 > 2.0).then(|| {
            (
                k,
                g.cx().clamp(x0 + 1.0, x1 - 1.0),
                g.cy().clamp(y0 + 1.0, y1 - 1.0),
            )
        })
    })
}

/// The rows of one page, top to bottom.
pub fn page_rows(
    page: &PageContent,
    page_no: u32,
    mut tabs: Vec<Table>,
    grids: &[Vec<f32>],
) -> PageRows {
    // Column numbers come from the grid of the table's chain, so a table cut by page
    // breaks keeps its columns on every page even where a page lacks some lines.
    let global = |t: usize, x: f32| -> usize {
        grids
            .get(t)
            .into_iter()
            .flatten()
            .enumerate()
            .min_by(|a, b| (a.1 - x).abs().total_cmp(&(b.1 - x).abs()))
            .map_or(0, |(i, _)| i)
    };
    let mut free: Vec<&Glyph> = Vec::new();
    let mut placed: Vec<Vec<(usize, f32, f32)>> = vec![Vec::new(); tabs.len()];
    let mut outside: Vec<usize> = Vec::new();
    for (i, g) in page.glyphs.iter().enumerate() {
        let (x, y) = anchor(g);
        match tabs.iter().position(|t| t.contains(x, y)) {
            // Hidden text moved to its clip's edge goes into the table's edge cell (on a
            // borderless page the table's edge is the text's, inside the clip).
            Some(t) if g.hidden() => {
                let [x0, y0, x1, y1] = tabs[t].bbox();
                let inside = |v: f32, a: f32, b: f32| v.clamp(a + 0.01, (b - 0.01).max(a + 0.01));
                placed[t].push((i, inside(x, x0, x1), inside(y, y0, y1)));
            }
            Some(t) => placed[t].push((i, x, y)),
            None => match hidden_into(g, &tabs) {
                Some((t, x, y)) => placed[t].push((i, x, y)),
                None => outside.push(i),
            },
        }
    }
    // Text spilling out of a table's last row (a cell cut by a page break, or too small
    // for its text) touches the table's bottom edge: it belongs to the last row.
    outside.sort_by(|a, b| page.glyphs[*a].y0.total_cmp(&page.glyphs[*b].y0));
    let mut below: Vec<f32> = tabs.iter().map(|t| t.bbox()[3]).collect();
    for &i in &outside {
        let g = &page.glyphs[i];
        let (x, _) = anchor(g);
        let hit = tabs.iter().enumerate().find(|(k, t)| {
            let [x0, _, x1, _] = t.bbox();
            let bottom = t.bbox()[3];
            x > x0 && x < x1 && g.y0 >= bottom - 0.5 && g.y0 - below[*k] < 0.5 * g.size
        });
        match hit {
            Some((k, t)) => {
                below[k] = below[k].max(g.y1);
                let y = t.bbox()[3] - 0.5;
                placed[k].push((i, x, y));
            }
            None => free.push(g),
        }
    }
    for (t, placed) in tabs.iter_mut().zip(placed) {
        let placed = recentre_overflow(t, &page.glyphs, placed);
        for (i, x, y) in placed {
            match t.cell_at(x, y) {
                Some(b) => t.blocks[b].glyphs.push(i),
                None => free.push(&page.glyphs[i]),
            }
        }
    }
    // (top, open-top row, open-bottom row, row, cell x-spans), sorted at the end.
    let mut rows: Vec<(f32, bool, bool, Row, Vec<Span>)> = Vec::new();
    let mut open_cells_bottom: Vec<(Span, String)> = Vec::new();
    let mut open_cells_top: Vec<(Span, f32)> = Vec::new();
    let first_table = tabs
        .iter()
        .enumerate()
        .min_by(|a, b| a.1.ys[0].total_cmp(&b.1.ys[0]))
        .map(|(i, _)| i);
    let last_table = tabs
        .iter()
        .enumerate()
        .max_by(|a, b| a.1.ys[a.1.ys.len() - 1].total_cmp(&b.1.ys[b.1.ys.len() - 1]))
        .map(|(i, _)| i);
    for (ti, t) in tabs.iter().enumerate() {
        let [x0, _, x1, _] = t.bbox();
        let nr = t.ys.len() - 1;
        let mut by_row: Vec<Vec<&Block>> = vec![Vec::new(); nr];
        for b in &t.blocks {
            by_row[b.r0].push(b);
        }
        for (r, mut bs) in by_row.into_iter().enumerate() {
            bs.sort_by_key(|b| b.c0);
            let cells: Vec<Cell> = bs
                .iter()
                .map(|b| {
                    let gs: Vec<&Glyph> = b.glyphs.iter().map(|i| &page.glyphs[*i]).collect();
                    let span = (t.xs[b.c0], t.xs[b.c1 + 1]);
                    let text = text_in(&gs, Some(span));
                    if b.open_bottom && Some(ti) == last_table {
                        open_cells_bottom.push((span, text.clone()));
                    }
                    if b.open_top && Some(ti) == first_table {
                        open_cells_top.push((span, t.ys[0]));
                    }
                    let (g0, g1) = (global(ti, t.xs[b.c0]), global(ti, t.xs[b.c1 + 1]));
                    let mut c = Cell::new(text, g0 as f32);
                    c.col_span = g1.saturating_sub(g0).max(1) as u32;
                    c.row_span = (b.r1 - b.r0 + 1) as u32;
                    c.bbox = printed_bbox(&gs);
                    c
                })
                .collect();
            let spans = bs.iter().map(|b| (t.xs[b.c0], t.xs[b.c1 + 1])).collect();
            let confidence = min_confidence(
                bs.iter()
                    .flat_map(|b| b.glyphs.iter().map(|i| &page.glyphs[*i])),
            );
            rows.push((
                t.ys[r],
                r == 0 && t.open_top,
                r + 1 == nr && t.open_bottom,
                Row {
                    cells,
                    origin: Origin::Pdf {
                        page: page_no,
                        bbox: round4([x0, t.ys[r], x1, t.ys[r + 1]]),
                        confidence,
                    },
                },
                spans,
            ));
        }
    }
    // Free text: lines, cut at wide gaps, columns by clustering left edges.
    let lines = lines_of(&free);
    let line_chunks: Vec<Vec<Vec<&Glyph>>> = lines.iter().map(|l| chunks(l, 1.5)).collect();
    let sizes: Vec<f32> = free.iter().map(|g| g.size).collect();
    let size = median(sizes).unwrap_or(10.0);
    let starts = cluster(
        line_chunks
            .iter()
            .flatten()
            .map(|c| c[0].x0)
            .collect::<Vec<f32>>(),
        0.8 * size,
    );
    for (line, cs) in lines.iter().zip(&line_chunks) {
        if cs.is_empty() {
            continue;
        }
        let spans: Vec<Span> = cs.iter().map(|c| (bbox(c)[0], bbox(c)[2])).collect();
        let cells: Vec<Cell> = cs
            .iter()
            .map(|c| {
                let x = c[0].x0;
                let col = starts
                    .iter()
                    .enumerate()
                    .min_by(|a, b| (a.1 - x).abs().total_cmp(&(b.1 - x).abs()))
                    .map_or(0, |(i, _)| i);
                let mut cell = Cell::new(text_of(c), col as f32);
                cell.bbox = printed_bbox(c);
                cell
            })
            .collect();
        let b = bbox(line);
        rows.push((
            b[1],
            false,
            false,
            Row {
                cells,
                origin: Origin::Pdf {
                    page: page_no,
                    bbox: round4(b),
                    confidence: min_confidence(line.iter().copied()),
                },
            },
            spans,
        ));
    }
    rows.sort_by(|a, b| a.0.total_cmp(&b.0));
    let first_row = open_cells_top.first().and_then(|(_, y)| {
        rows.iter()
            .position(|r| (r.0 - y).abs() < 0.01 && matches!(r.3.origin, Origin::Pdf { .. }))
    });
    PageRows {
        open_top: rows.iter().position(|r| r.1),
        open_bottom: rows.iter().rposition(|r| r.2),
        open_cells_bottom,
        open_cells_top: first_row.map(|i| (i, open_cells_top.iter().map(|c| c.0).collect())),
        spans: rows.iter().map(|r| r.4.clone()).collect(),
        rows: rows.into_iter().map(|r| r.3).collect(),
    }
}

/// Horizontal extent `(x0, x1)` of a cell on its page.
pub type Span = (f32, f32);

/// Column grids for the tables of every page. A page's first table continues the
/// previous page's last table when both have the same left and right edges (a table cut
/// by a page break, or the next form of the same sheet): such chains share one grid, the
/// union of their vertical line positions. Other tables keep their own.
pub fn chain_grids(pages: &[Vec<Table>]) -> Vec<Vec<Vec<f32>>> {
    // (page, table) → chain number.
    let mut chain: Vec<Vec<usize>> = Vec::with_capacity(pages.len());
    let mut next = 0usize;
    let mut last: Option<(usize, f32, f32)> = None;
    for tabs in pages {
        let mut ids = vec![0; tabs.len()];
        let mut order: Vec<usize> = (0..tabs.len()).collect();
        order.sort_by(|a, b| tabs[*a].ys[0].total_cmp(&tabs[*b].ys[0]));
        for (n, &k) in order.iter().enumerate() {
            let [x0, _, x1, _] = tabs[k].bbox();
            ids[k] = match last {
                Some((id, l, r)) if n == 0 && (l - x0).abs() < SNAP && (r - x1).abs() < SNAP => id,
                _ => {
                    next += 1;
                    next - 1
                }
            };
        }
        if let Some(&k) = order.last() {
            let [x0, _, x1, _] = tabs[k].bbox();
            last = Some((ids[k], x0, x1));
        } else {
            last = None;
        }
        chain.push(ids);
    }
    let mut xs: Vec<Vec<f32>> = vec![Vec::new(); next];
    for (tabs, ids) in pages.iter().zip(&chain) {
        for (t, id) in tabs.iter().zip(ids) {
            xs[*id].extend_from_slice(&t.xs);
        }
    }
    let grids: Vec<Vec<f32>> = xs.into_iter().map(|v| cluster(v, SNAP)).collect();
    chain
        .iter()
        .map(|ids| ids.iter().map(|id| grids[*id].clone()).collect())
        .collect()
}

/// The lowest OCR confidence among glyphs (`None` when none was recognised).
fn min_confidence<'g>(glyphs: impl Iterator<Item = &'g Glyph>) -> Option<f32> {
    glyphs.filter_map(|g| g.confidence).min_by(f32::total_cmp)
}

fn median(mut v: Vec<f32>) -> Option<f32> {
    if v.is_empty() {
        return None;
    }
    v.sort_by(f32::total_cmp);
    Some(v[v.len() / 2])
}

fn round4(b: [f32; 4]) -> [f32; 4] {
    b.map(|v| (v * 100.0).round() / 100.0)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::content::Segment;

    fn g(t: &str, x0: f32, y0: f32, size: f32) -> Glyph {
        Glyph {
            text: t.into(),
            x0,
            y0,
            x1: x0 + size * if t.is_ascii() { 0.55 } else { 1.0 },
            y1: y0 + size,
            size,
            clip: None,
            confidence: None,
        }
    }

    /// The rows of a one-page document holding `glyphs` and `segments`.
    fn rows_of(glyphs: Vec<Glyph>, segments: Vec<Segment>, page_no: u32) -> Vec<Row> {
        let page = PageContent {
            width: 300.0,
            height: 300.0,
            glyphs,
            segments,
            ..PageContent::default()
        };
        let tabs = tables(&page.segments);
        let grids = chain_grids(&[tables(&page.segments)]);
        page_rows(&page, page_no, tabs, &grids[0]).rows
    }

    fn seg(horizontal: bool, pos: f32, from: f32, to: f32) -> Segment {
        Segment {
            horizontal,
            pos,
            from,
            to,
        }
    }

    #[test]
    fn text_hidden_above_a_table_goes_into_its_first_row_with_its_box() {
        // A one-row table (y 10-30). A merged cell cut by a page break was drawn here with
        // its text where the whole cell centres it (y 0-8), clipped to the part on this
        // page; the clip begins above the table's edge (a borderless table's edge is its
        // text's): 2 points above (the clip's nearest point lies outside the table) and
        // 1.4 (inside the table's tolerance, but above its first row).
        let segments = vec![
            seg(true, 10.0, 0.0, 200.0),
            seg(true, 30.0, 0.0, 200.0),
            seg(false, 0.0, 10.0, 30.0),
            seg(false, 100.0, 10.0, 30.0),
            seg(false, 200.0, 10.0, 30.0),
        ];
        let clipped = |t: &str, x0: f32, clip_top: f32| Glyph {
            clip: Some([0.0, clip_top, 100.0, 30.0]),
            ..g(t, x0, 0.0, 8.0)
        };
        let glyphs = vec![
            clipped("产", 5.0, 8.0),
            clipped("出", 13.0, 8.6),
            g("5", 105.0, 15.0, 8.0),
        ];
        let rows = rows_of(glyphs, segments, 1);
        assert_eq!(rows.len(), 1, "{rows:?}");
        assert_eq!(rows[0].cells[0].text, "产出");
        // The cell's box is where the text was laid out, hidden part included.
        assert_eq!(rows[0].cells[0].bbox, Some([5.0, 0.0, 21.0, 8.0]));
        assert_eq!(rows[0].cells[1].bbox, Some([105.0, 15.0, 109.4, 23.0]));
    }

    #[test]
    fn wrapped_text_stays_in_one_merged_cell() {
        // A 2×2 lattice whose left column is merged over both rows.
        let segments = vec![
            seg(true, 0.0, 0.0, 200.0),
            seg(true, 20.0, 100.0, 200.0),
            seg(true, 40.0, 0.0, 200.0),
            seg(false, 0.0, 0.0, 40.0),
            seg(false, 100.0, 0.0, 40.0),
            seg(false, 200.0, 0.0, 40.0),
        ];
        let glyphs = vec![
            g("产", 5.0, 5.0, 10.0),
            g("出", 15.0, 5.0, 10.0),
            g("指", 5.0, 22.0, 10.0),
            g("标", 15.0, 22.0, 10.0),
            g("1", 105.0, 5.0, 10.0),
            g("0", 111.0, 5.0, 10.0),
            g("2", 105.0, 25.0, 10.0),
        ];
        let rows = rows_of(glyphs, segments, 1);
        assert_eq!(rows.len(), 2);
        assert_eq!(rows[0].cells.len(), 2);
        assert_eq!(rows[0].cells[0].text, "产出指标");
        assert_eq!(rows[0].cells[0].row_span, 2);
        assert_eq!(rows[0].cells[1].text, "10");
        assert_eq!(rows[1].cells.len(), 1);
        assert_eq!(rows[1].cells[0].text, "2");
        assert_eq!(rows[1].cells[0].col, 1.0);
    }

    #[test]
    fn numbers_in_separate_cells_never_fuse() {
        let segments = vec![
            seg(true, 0.0, 0.0, 60.0),
            seg(true, 20.0, 0.0, 60.0),
            seg(false, 0.0, 0.0, 20.0),
            seg(false, 30.0, 0.0, 20.0),
            seg(false, 60.0, 0.0, 20.0),
        ];
        // "10" ends flush against the line, "20" starts right after it.
        let glyphs = vec![
            g("1", 19.0, 5.0, 10.0),
            g("0", 24.5, 5.0, 10.0),
            g("2", 30.5, 5.0, 10.0),
            g("0", 36.0, 5.0, 10.0),
        ];
        let rows = rows_of(glyphs, segments, 1);
        let texts: Vec<&str> = rows[0].cells.iter().map(|c| c.text.as_str()).collect();
        assert_eq!(texts, ["10", "20"]);
    }

    #[test]
    fn whitespace_fallback_cuts_cells_at_gaps() {
        let mut glyphs = Vec::new();
        for (i, c) in "项目名称".chars().enumerate() {
            glyphs.push(g(&c.to_string(), 10.0 + 10.0 * i as f32, 10.0, 10.0));
        }
        for (i, c) in "示例".chars().enumerate() {
            glyphs.push(g(&c.to_string(), 120.0 + 10.0 * i as f32, 10.0, 10.0));
        }
        let rows = rows_of(glyphs, Vec::new(), 3);
        assert_eq!(rows.len(), 1);
        let texts: Vec<&str> = rows[0].cells.iter().map(|c| c.text.as_str()).collect();
        assert_eq!(texts, ["项目名称", "示例"]);
        assert_eq!(rows[0].origin.page(), Some(3));
    }

    #[test]
    fn latin_words_wrapped_over_lines_keep_a_space() {
        let a = g("A", 0.0, 0.0, 10.0);
        let b = g("B", 0.0, 12.0, 10.0);
        assert_eq!(text_of(&[&a, &b]), "A B");
        let c = g("中", 0.0, 0.0, 10.0);
        let d = g("文", 0.0, 12.0, 10.0);
        assert_eq!(text_of(&[&c, &d]), "中文");
    }
}
