//! Ruling lines for tables printed without a grid.
//!
//! Many publishing systems print a form with no lines between its cells (whitespace
//! only), or with horizontal rules alone (三线表 style). Read as free text, such a page
//! falls apart: a cell wrapped over three lines becomes three rows, a level label centred
//! beside a row joins whichever line it happens to share. This module puts back the lines
//! the page does not draw, so the page goes through the same lattice code as a ruled one
//! (merged cells, paragraphs of wrapped text, text spilling over a row's edge,
//! page-break stitching, provenance).
//!
//! The lines come from the text alone, with nothing known of budget forms:
//!
//! * **Runs.** Glyphs drawn one after another on one baseline, without a gap wider than
//!   `RUN_GAP` and under the same clip, are one cell's line (producers draw a cell's
//!   text in one go). Two cells filled to their padding can still come closer than
//!   that: a gap wider than `SOFT_GAP` with no space drawn in it is kept, and a column
//!   boundary the other lines imply may pass through it.
//! * **Columns.** Two runs side by side on one line leave a gap a column boundary passes
//!   through. The fewest positions that pass through every such gap of every line
//!   (interval stabbing) are the column boundaries; each sits in the middle of the gaps it
//!   passes through. Consecutive pages whose tables overlap horizontally are stabbed
//!   together (a table continued over a page break keeps its columns, and a header on
//!   one page its index on the next). Glyphs hidden by their clip (a cell's overflowing
//!   text) are left out: they are not printed.
//! * **Rows.** Horizontal rules the page draws, and the top and bottom edges of its
//!   shaded rectangles (zebra rows, shaded cells), are used in the columns they were
//!   drawn over (a rule is not drawn through a label merged over rows), and not where
//!   they would cut a cell's wrapped text (a line filling the column above, the next
//!   line of its column below). Without
//!   them, a line holding runs of two or more cells is a row's line (cells of a row share
//!   their vertical alignment) unless it only lines up by chance: one of its runs is
//!   printed over a run of a fuller line in its column, or is with its neighbour line a
//!   two-line cell centred on a fuller line (rows about a line apart, wrapped cells
//!   spilling into the next row's band), or it is the first or last line of a row whose
//!   wrapped cells take two lines each around a line of one-line cells in other columns
//!   (the wrapped lines fill their columns). So is a lone line with no text within a
//!   leading of it, one right above a row's line in its column or with no line of its
//!   column at the mirrored place below that row's line (a subtitle: a centred wrapped
//!   cell's lines are symmetric about its row, and a cell's last line mirrors its first
//!   about the row just above — so a line right above a row's line that a line of its
//!   column mirrors below it is a three-line cell's first line, not a subtitle), or one
//!   set larger (a title). A lone line right above such a lone row, unmirrored below it,
//!   is a row too (a form's year over a first row whose value is blank). Between two consecutive
//!   rows the boundary is the edge of a cell's clip that lies between them (producers
//!   clip the text of a cell it overflows), else goes through the widest band free of
//!   text, or halfway where text fills the whole space (a wrapped cell centred on its row
//!   spills over both its edges; the lattice code puts such spill back by centring, as it
//!   does for ruled pages) — moved, where needed, between the lines mirrored about the
//!   upper row and those mirrored about the lower one.
//! * **Clipped cells.** A producer that clips a cell's overflowing text to the cell gives
//!   the cell away: where such text is wrapped over several lines centred on the clip
//!   (rows of a fixed height, whose wrapped cells spill their first and last lines over
//!   the cell's edges, printed over the neighbour rows' spill), the lines off its middle
//!   are no row's lines however many cells they cross, and the clip's middle marks its
//!   row where no row's line passes through the clip (a row whose every cell wraps).
//! * **Merged cells.** A vertical line is left out of a row where a run crosses it and
//!   cannot be moved clear of it within the gaps it was found in (a cell spanning
//!   columns). Where a label of at most `MAX_LABEL_LINES` lines, none on a row's line,
//!   sits centred on a horizontal line (a label centred over an even number of rows),
//!   that line is left out of every column the label spans, and so are the verticals
//!   it crosses in the rows on both sides.
//!
//! Only pages without any lattice of their own get lines, and only the part of the page
//! between the first and the last line holding several runs, with the lines within a
//! leading of it (titles further above a table stay free text). Work is bounded: pages
//! of more than [`MAX_RUNS`] runs, or whose lines would make more than
//! [`MAX_IMPLIED_CELLS`] cells, are left to the free-text reading.

use crate::content::{Glyph, PageContent, Segment};
use clips::centred_clips;
#[cfg(test)]
use rows::owned;
use rows::{inferred_rows, row_lines};

mod clips;
mod rows;

/// Widest gap (in font sizes) between two glyphs of one run: wider than a word space
/// (≈ 0.25–0.33 em), narrower than the padding between two cells' text (LibreOffice
/// leaves 0.59 em between a level-2 label filling its cell and the level-3 name beside
/// it).
const RUN_GAP: f32 = 0.45;
/// Narrowest gap (in font sizes) inside a run, with no space drawn in it, that a column
/// boundary the other lines imply may still pass through: two cells filled to their
/// padding (LibreOffice leaves 0.39 em between `有效控制在标准内` and the same text in the
/// next cell) come closer than [`RUN_GAP`], while a cell's own characters touch or stand
/// a letter-spacing apart.
const SOFT_GAP: f32 = 0.2;
/// Largest offset between two glyphs' vertical centres (share of the glyph height) that
/// still puts them on one baseline.
const BASELINE: f32 = 0.3;
/// Least number of lines holding several runs for a page to be read as a table.
const MIN_TABLE_LINES: usize = 3;
/// Most runs of a page considered (a form page has a few hundred); past it the page is
/// read as free text.
pub const MAX_RUNS: usize = 5_000;
/// Most lattice cells (rows × columns) a page's implied lines may make; past it the page
/// is read as free text (a form page makes a few thousand).
pub const MAX_IMPLIED_CELLS: usize = 100_000;
/// Largest offset (share of the line height) of a lone run's centre from a row boundary
/// for it to count as a label centred over the rows on both sides.
const CENTRED_ON: f32 = 0.25;
/// Largest vertical gap (share of the line height) between two runs of one column that
/// are lines of one paragraph.
const LEADING: f32 = 0.7;
/// Least height of a lone line, as a multiple of the median run height, that makes it a
/// heading of its own row (titles are set larger than the table; 1.3× sits between a
/// form's 10–11 pt cells and its 13–16 pt title).
const HEADING: f32 = 1.3;
/// Narrowest text-free stretch (points) a column boundary moves into.
const MIN_ROOM: f32 = 0.5;
/// Least vertical overlap (share of the smaller height) of two runs of one column that
/// puts them on lines of different rows.
const OVERPRINT: f32 = 0.1;
/// Most room (in font sizes) a line of wrapped text leaves in its column, on both sides
/// together: less than a character, and the cell's padding.
const FILL: f32 = 1.5;
/// Tallest stretch between two shaded rectangles, as a multiple of the taller of them,
/// read as the one unshaded row between them (zebra rows); a taller one (a table's last
/// rows, a title and the next table's head) is divided where its text implies.
const ZEBRA_GAP: f32 = 2.0;
/// Margin (points) of the lines drawn around the table's text.
const FRAME: f32 = 1.0;

/// A cell's line of text: glyphs drawn one after another on one baseline.
#[derive(Debug, Clone)]
struct Run {
    x0: f32,
    x1: f32,
    y0: f32,
    y1: f32,
    /// On a line shared with runs of other cells (a row's line).
    row_line: bool,
    /// Gaps inside the run wider than [`SOFT_GAP`] with no space drawn in them, left to
    /// right: where two nearly touching cells may meet.
    soft: Vec<(f32, f32)>,
    /// The clip its glyphs were drawn under.
    clip: Option<[f32; 4]>,
    /// A line of a wrapped cell clipped to its cell and centred on it, off the cell's
    /// middle (see [`centred_clips`]): not on its row's line.
    wrapped: bool,
}

impl Run {
    fn cy(&self) -> f32 {
        (self.y0 + self.y1) / 2.0
    }
    fn cx(&self) -> f32 {
        (self.x0 + self.x1) / 2.0
    }
    fn h(&self) -> f32 {
        (self.y1 - self.y0).max(0.1)
    }
    /// True when `x` falls on the run's text, not between its ends or in a soft gap.
    fn covers(&self, x: f32) -> bool {
        self.x0 < x && self.x1 > x && !self.soft.iter().any(|&(a, b)| a <= x && x <= b)
    }
    /// The stretches of the run's text: the run cut at its soft gaps.
    fn pieces(&self) -> impl Iterator<Item = (f32, f32)> + '_ {
        let starts = std::iter::once(self.x0).chain(self.soft.iter().map(|g| g.1));
        let ends = self
            .soft
            .iter()
            .map(|g| g.0)
            .chain(std::iter::once(self.x1));
        starts.zip(ends)
    }
}

/// The glyphs' runs, in drawing order (glyphs hidden by their clip left out: text
/// overflowing its cell, not printed, says nothing of where the page's cells are; the
/// lattice code still puts it back into its cell).
fn runs(glyphs: &[Glyph]) -> Vec<Run> {
    let mut out: Vec<Run> = Vec::new();
    let mut prev: Option<&Glyph> = None;
    let mut spaced = false;
    for g in glyphs {
        if g.hidden() {
            continue;
        }
        if g.text.trim().is_empty() {
            spaced = true;
            continue;
        }
        let h = (g.y1 - g.y0).max(0.1);
        let em = |p: &Glyph| g.size.max(p.size).max(0.1);
        let continues = prev.is_some_and(|p| {
            (g.cy() - p.cy()).abs() < BASELINE * h
                && g.x0 >= p.x1 - 0.5 * h
                && g.x0 - p.x1 <= RUN_GAP * em(p)
                && g.clip == p.clip
        });
        match out.last_mut() {
            Some(r) if continues => {
                if let Some(p) = prev.filter(|p| !spaced && g.x0 - p.x1 > SOFT_GAP * em(p)) {
                    r.soft.push((p.x1, g.x0));
                }
                r.x0 = r.x0.min(g.x0);
                r.x1 = r.x1.max(g.x1);
                r.y0 = r.y0.min(g.y0);
                r.y1 = r.y1.max(g.y1);
            }
            _ => out.push(Run {
                x0: g.x0,
                x1: g.x1,
                y0: g.y0,
                y1: g.y1,
                row_line: false,
                soft: Vec::new(),
                clip: g.clip,
                wrapped: false,
            }),
        }
        prev = Some(g);
        spaced = false;
    }
    out
}

/// Runs grouped into lines by their vertical centres, top to bottom; each line's runs
/// left to right.
///
/// Runs printed over each other (a wrapped cell spilling into its neighbour's line band)
/// are not cells side by side: within a band of runs on one baseline, the runs nearest
/// the band's middle baseline make its line, and a run printed over one of them starts
/// a line of its own (a cell's third line a hair off the next row's baseline stays off
/// that row's line, however the two are ordered).
fn lines(runs: &[Run]) -> Vec<Vec<usize>> {
    let mut order: Vec<usize> = (0..runs.len()).collect();
    order.sort_by(|a, b| runs[*a].cy().total_cmp(&runs[*b].cy()));
    let mut bands: Vec<(f32, Vec<usize>)> = Vec::new();
    for i in order {
        let r = &runs[i];
        match bands.last_mut() {
            Some((cy, l)) if (r.cy() - *cy).abs() < BASELINE * r.h() => {
                let n = l.len() as f32;
                *cy = (*cy * n + r.cy()) / (n + 1.0);
                l.push(i);
            }
            _ => bands.push((r.cy(), vec![i])),
        }
    }
    let mut out: Vec<Vec<usize>> = Vec::new();
    for (_, mut band) in bands {
        let beside =
            |l: &[usize], r: &Run| l.iter().all(|&j| runs[j].x1 <= r.x0 || runs[j].x0 >= r.x1);
        if band
            .iter()
            .enumerate()
            .all(|(k, &i)| beside(&band[k + 1..], &runs[i]))
        {
            band.sort_by(|a, b| runs[*a].x0.total_cmp(&runs[*b].x0));
            out.push(band);
            continue;
        }
        let mut mids: Vec<f32> = band.iter().map(|i| runs[*i].cy()).collect();
        mids.sort_by(f32::total_cmp);
        let mid = mids[mids.len() / 2];
        band.sort_by(|a, b| {
            (runs[*a].cy() - mid)
                .abs()
                .total_cmp(&(runs[*b].cy() - mid).abs())
                .then(a.cmp(b))
        });
        let mut split: Vec<Vec<usize>> = Vec::new();
        for i in band {
            match split.iter_mut().find(|l| beside(l, &runs[i])) {
                Some(l) => l.push(i),
                None => split.push(vec![i]),
            }
        }
        let centre = |l: &[usize]| l.iter().map(|i| runs[*i].cy()).sum::<f32>() / l.len() as f32;
        split.sort_by(|a, b| centre(a).total_cmp(&centre(b)));
        for mut l in split {
            l.sort_by(|a, b| runs[*a].x0.total_cmp(&runs[*b].x0));
            out.push(l);
        }
    }
    out
}

/// The fewest intervals of positions passing through every gap (sorted by right end):
/// each the intersection of the gaps it passes through.
///
/// Greedy by right end: a gap joins the first position at or right of its left end
/// (every position so far is at or left of its right end), else starts one at its right
/// end. O(n log n): a document's pages are stabbed together.
fn stab(mut gaps: Vec<(f32, f32)>) -> Vec<(f32, f32)> {
    gaps.sort_by(|a, b| a.1.total_cmp(&b.1));
    // (position = the intersection's right end, its left end)
    let mut out: Vec<(f32, f32)> = Vec::new();
    for (lo, hi) in gaps {
        let k = out.partition_point(|p| p.0 < lo);
        match out.get_mut(k) {
            Some(p) => p.1 = p.1.max(lo),
            None => out.push((hi, lo)),
        }
    }
    let mut out: Vec<(f32, f32)> = out.into_iter().map(|(hi, lo)| (lo, hi)).collect();
    out.sort_by(|a, b| a.0.total_cmp(&b.0));
    out
}

/// Where a column boundary crosses one row: at `x` when no run of the row crosses it,
/// else in the middle of the widest text-free stretch of the row within `lo..hi` (the
/// gaps the boundary was found in: a left-aligned paragraph's longest line reaches
/// nearer the next column than the lines beside which the gap was seen; a soft gap
/// of a run counts as text-free: two nearly touching cells), else nowhere (a cell
/// spanning the boundary).
fn boundary((x, lo, hi): (f32, f32, f32), row: &[&Run]) -> Option<f32> {
    if !row.iter().any(|r| r.covers(x)) {
        return Some(x);
    }
    let mut taken: Vec<(f32, f32)> = row
        .iter()
        .flat_map(|r| r.pieces())
        .filter(|&(a, b)| b > lo && a < hi)
        .map(|(a, b)| (a.max(lo), b.min(hi)))
        .collect();
    taken.sort_by(|a, b| a.0.total_cmp(&b.0));
    let mut best: Option<(f32, f32)> = None;
    let mut edge = lo;
    for (s, e) in taken.into_iter().chain([(hi, hi)]) {
        if s - edge > MIN_ROOM && best.is_none_or(|(p, q)| s - edge > q - p) {
            best = Some((edge, s));
        }
        edge = edge.max(e);
    }
    best.map(|(p, q)| (p + q) / 2.0)
}

/// Horizontal rules the page draws over the table's extent, clipped to it: its
/// horizontal lines, and the top and bottom edges of its shaded rectangles (rows or
/// cells printed as shading: each edge is a row boundary).
fn drawn_rules(page: &PageContent, x0: f32, x1: f32, y0: f32, y1: f32) -> Vec<Segment> {
    let edges = page.fills.iter().flat_map(|&[fx0, fy0, fx1, fy1]| {
        [fy0, fy1].map(|pos| Segment {
            horizontal: true,
            pos,
            from: fx0,
            to: fx1,
        })
    });
    page.segments
        .iter()
        .copied()
        .chain(edges)
        .filter(|s| s.horizontal && s.pos > y0 - 2.0 && s.pos < y1 + 2.0)
        .filter(|s| s.to.min(x1) - s.from.max(x0) > 1.0)
        .map(|s| Segment {
            from: s.from.max(x0),
            to: s.to.min(x1),
            ..s
        })
        .collect()
}

/// A page's borderless table before its columns are placed: its runs, the lines that
/// make the table, its extent and the gaps between runs sharing a line.
pub struct Plan {
    runs: Vec<Run>,
    /// The table's lines (runs' indices), top to bottom.
    lines: Vec<Vec<usize>>,
    /// The table's extent, with [`FRAME`] around its text.
    frame: [f32; 4],
    /// Gaps between runs sharing a line: where column boundaries pass.
    gaps: Vec<(f32, f32)>,
    /// Cells whose wrapped text is clipped to them and centred on them
    /// ([`centred_clips`]).
    cells: Vec<[f32; 4]>,
}

impl Plan {
    /// The table of a page's text, or `None` for a page without table-like text (or
    /// over [`MAX_RUNS`]).
    pub fn of(page: &PageContent) -> Option<Plan> {
        let mut runs = runs(&page.glyphs);
        if runs.len() > MAX_RUNS {
            return None;
        }
        let cells = centred_clips(&page.glyphs, page.width);
        let is_cell: std::collections::BTreeSet<[u32; 4]> =
            cells.iter().map(|c| c.map(f32::to_bits)).collect();
        for r in &mut runs {
            r.wrapped = r.clip.is_some_and(|c| {
                is_cell.contains(&c.map(f32::to_bits))
                    && (r.cy() - (c[1] + c[3]) / 2.0).abs() > BASELINE * r.h()
            });
        }
        let lines = lines(&runs);
        for k in row_lines(&runs, &lines) {
            for &i in &lines[k] {
                runs[i].row_line = true;
            }
        }
        // The table's lines: rows' lines, and lines of several clipped cells' wrapped
        // text (rows whose every cell wraps have no line of their own).
        let multi: Vec<usize> = (0..lines.len())
            .filter(|i| {
                let l = &lines[*i];
                runs[l[0]].row_line || (l.len() >= 2 && l.iter().all(|j| runs[*j].wrapped))
            })
            .collect();
        if multi.len() < MIN_TABLE_LINES {
            return None;
        }
        let (mut first, mut last) = (multi[0], multi[multi.len() - 1]);
        // Lines just above or below the table (a wrapped cell of its first or last row
        // spilling out, a subtitle) belong to it.
        let gap = |a: &[usize], b: &[usize]| {
            let bottom = a.iter().map(|i| runs[*i].y1).fold(f32::MIN, f32::max);
            let top = b.iter().map(|i| runs[*i].y0).fold(f32::MAX, f32::min);
            let h = a.iter().chain(b).map(|i| runs[*i].h()).fold(0.0, f32::max);
            top - bottom < LEADING * h
        };
        while first > 0 && gap(&lines[first - 1], &lines[first]) {
            first -= 1;
        }
        while last + 1 < lines.len() && gap(&lines[last], &lines[last + 1]) {
            last += 1;
        }
        let lines = lines[first..=last].to_vec();
        let b = lines.iter().flatten().fold(
            [f32::MAX, f32::MAX, f32::MIN, f32::MIN],
            |[a, b, c, d], &i| {
                let r = &runs[i];
                [a.min(r.x0), b.min(r.y0), c.max(r.x1), d.max(r.y1)]
            },
        );
        let frame = [b[0] - FRAME, b[1] - FRAME, b[2] + FRAME, b[3] + FRAME];
        let gaps: Vec<(f32, f32)> = lines
            .iter()
            .flat_map(|l| {
                l.windows(2).filter_map(|w| {
                    let (a, b) = (&runs[w[0]], &runs[w[1]]);
                    (b.x0 > a.x1).then_some((a.x1, b.x0))
                })
            })
            .collect();
        Some(Plan {
            runs,
            lines,
            frame,
            gaps,
            cells,
        })
    }

    /// True when `next` (the next page's table) may continue this one: their extents
    /// overlap by [`CHAIN_OVERLAP`] of the narrower.
    fn continued_by(&self, next: &Plan) -> bool {
        let ([a0, _, a1, _], [b0, _, b1, _]) = (self.frame, next.frame);
        a1.min(b1) - a0.max(b0) >= CHAIN_OVERLAP * (a1 - a0).min(b1 - b0)
    }
}

/// Least overlap of two consecutive pages' borderless tables, as a share of the narrower,
/// for them to share their columns (a table continued over a page break: the text of
/// each page alone reaches the columns' edges differently, and a column's header on one
/// page must keep its index on the next).
pub const CHAIN_OVERLAP: f32 = 0.9;

/// Ruling lines that turn a page's borderless table into a lattice, or nothing when the
/// page has no table-like text. The page is read alone; [`rulings_of_pages`] reads a
/// document.
pub fn rulings(page: &PageContent) -> Vec<Segment> {
    rulings_of_pages(&[Some(page)]).pop().unwrap_or_default()
}

/// Ruling lines of the borderless pages of a document (`None`: a page with a lattice of
/// its own, which breaks a chain). Consecutive pages whose tables overlap
/// ([`CHAIN_OVERLAP`]) share their column boundaries and outer edges: the boundaries pass
/// through the gaps of all of them, so a table continued over a page break keeps its
/// columns (each page's text alone reaches the columns' edges differently).
pub fn rulings_of_pages(pages: &[Option<&PageContent>]) -> Vec<Vec<Segment>> {
    let plans: Vec<Option<Plan>> = pages.iter().map(|p| p.and_then(Plan::of)).collect();
    let mut out = vec![Vec::new(); pages.len()];
    let mut start = 0;
    while start < plans.len() {
        if plans[start].is_none() {
            start += 1;
            continue;
        }
        let mut end = start + 1;
        while end < plans.len()
            && matches!((&plans[end - 1], &plans[end]), (Some(a), Some(b)) if a.continued_by(b))
        {
            end += 1;
        }
        let chain: Vec<&Plan> = plans[start..end].iter().flatten().collect();
        let cols = columns(&chain);
        for k in start..end {
            if let (Some(page), Some(plan)) = (pages[k], &plans[k]) {
                out[k] = placed(page, plan, &cols);
            }
        }
        start = end;
    }
    out
}

/// The column boundaries of a chain of pages' tables, left to right: (position, and the
/// room it may move in within a row whose text crosses it). The outer edges take in every
/// page's text; the inner boundaries pass through every gap between runs sharing a line
/// (interval stabbing).
fn columns(chain: &[&Plan]) -> Vec<(f32, f32, f32)> {
    let x0 = chain.iter().map(|p| p.frame[0]).fold(f32::MAX, f32::min);
    let x1 = chain.iter().map(|p| p.frame[2]).fold(f32::MIN, f32::max);
    let gaps: Vec<(f32, f32)> = chain.iter().flat_map(|p| p.gaps.iter().copied()).collect();
    let mut cols: Vec<(f32, f32, f32)> = vec![(x0, x0, x0)];
    cols.extend(
        stab(gaps)
            .into_iter()
            .map(|(lo, hi)| ((lo + hi) / 2.0, lo, hi)),
    );
    cols.push((x1, x1, x1));
    cols
}

/// The ruling lines of one page's table with its columns at `cols` (the first and last
/// its outer edges).
fn placed(page: &PageContent, plan: &Plan, cols: &[(f32, f32, f32)]) -> Vec<Segment> {
    let [_, y0, _, y1] = plan.frame;
    // The outer edges are the first and last boundaries.
    let (x0, x1) = match (cols.first(), cols.last()) {
        (Some(a), Some(b)) => (a.0, b.0),
        _ => return Vec::new(),
    };
    let runs = &plan.runs;
    let in_rows: Vec<&Run> = plan.lines.iter().flatten().map(|i| &runs[*i]).collect();
    let drawn = drawn_rules(page, x0, x1, y0, y1);
    let mut rows = vec![y0];
    let mut drawn_ys: Vec<f32> = Vec::new();
    // Producers clip a cell's text to the cell when it overflows: the clip's top and
    // bottom are row boundaries (clips as tall as half the table are no cell's).
    let mut clip_edges: Vec<f32> = page
        .glyphs
        .iter()
        .filter_map(|g| g.clip)
        .filter(|c| c[3] - c[1] < 0.5 * (y1 - y0) && c[2] - c[0] < x1 - x0)
        .flat_map(|c| [c[1], c[3]])
        .collect();
    clip_edges.sort_by(f32::total_cmp);
    clip_edges.dedup_by(|a, b| (*a - *b).abs() < 0.5);
    let inferred = inferred_rows(runs, &plan.lines, &clip_edges, &plan.cells);
    if drawn.is_empty() {
        rows.extend(inferred.iter().map(|b| b.2));
    } else {
        let mut ys: Vec<f32> = drawn
            .iter()
            .map(|s| s.pos)
            .filter(|y| *y > y0 + 1.0 && *y < y1 - 1.0)
            .collect();
        ys.sort_by(f32::total_cmp);
        ys.dedup_by(|a, b| (*a - *b).abs() < 1.0);
        drawn_ys = ys.clone();
        // Where shading alone bounds a stretch (no line drawn at either end) and no edge
        // runs between two rows' lines in it — the outer row of a table whose every
        // other row is shaded has no edge, nor has the space between two tables — the
        // boundary the text implies stands in. Between drawn lines a stretch is one row
        // whatever its text (two wrapped cells side by side look like two rows' lines:
        // taking text boundaries there too lost 1.4 points of fields with horizontal
        // rules only).
        let lined = |y: f32| {
            page.segments
                .iter()
                .any(|s| s.horizontal && (s.pos - y).abs() < 1.0 && s.to > x0 && s.from < x1)
        };
        let undrawn: Vec<f32> = inferred
            .iter()
            .filter(|(a, b, _)| {
                let above = ys.iter().copied().filter(|y| y <= a).fold(y0, f32::max);
                let below = ys.iter().copied().filter(|y| y >= b).fold(y1, f32::min);
                // A stretch between two shaded rows no taller than two of them is the
                // one row of a zebra pattern, however its wrapped cells line up.
                let band = |y: f32| {
                    page.fills
                        .iter()
                        .filter(|f| (f[1] - y).abs() < 1.0 || (f[3] - y).abs() < 1.0)
                        .map(|f| f[3] - f[1])
                        .fold(0.0, f32::max)
                };
                let zebra = above > y0
                    && below < y1
                    && below - above <= ZEBRA_GAP * band(above).max(band(below));
                !ys.iter().any(|y| y > a && y < b) && !lined(above) && !lined(below) && !zebra
            })
            .map(|b| b.2)
            .collect();
        ys.extend(undrawn);
        ys.sort_by(f32::total_cmp);
        rows.extend(ys);
    }
    rows.push(y1);
    if rows.len() * cols.len() > MAX_IMPLIED_CELLS {
        return Vec::new();
    }
    // Labels centred on an implied row boundary (a label centred over an even number
    // of rows): the boundary is left out wherever the label lies, and the label's
    // columns stay merged in the rows on both sides.
    let merges: Vec<(Label, f32)> = if drawn.is_empty() {
        cols.windows(2)
            .flat_map(|w| {
                let (left, right) = (w[0].0, w[1].0);
                let strip: Vec<&Run> = in_rows
                    .iter()
                    .copied()
                    .filter(|r| r.cx() >= left && r.cx() < right)
                    .collect();
                labels(&strip)
            })
            .filter_map(|l| {
                let y = rows[1..rows.len() - 1].iter().copied().find(|&y| {
                    l.top < y
                        && l.bottom > y
                        && ((l.top + l.bottom) / 2.0 - y).abs() < CENTRED_ON * l.h
                })?;
                Some((l, y))
            })
            .collect()
    } else {
        Vec::new()
    };
    let mut segs = Vec::new();
    // Verticals, row by row, unless a run of the row (or a label merged into it) crosses
    // them.
    for w in rows.windows(2) {
        let (top, bottom) = (w[0], w[1]);
        let spans: Vec<Run> = merges
            .iter()
            .filter(|(_, y)| *y == top || *y == bottom)
            .map(|(l, _)| Run {
                x0: l.x0,
                x1: l.x1,
                y0: top,
                y1: bottom,
                row_line: false,
                soft: Vec::new(),
                clip: None,
                wrapped: false,
            })
            .collect();
        let row: Vec<&Run> = in_rows
            .iter()
            .copied()
            .filter(|r| r.cy() >= top && r.cy() < bottom)
            .chain(spans.iter())
            .collect();
        for &c in cols {
            if let Some(x) = boundary(c, &row) {
                segs.push(Segment {
                    horizontal: false,
                    pos: x,
                    from: top,
                    to: bottom,
                });
            }
        }
    }
    // Horizontals, column by column, but where a label merges the rows. A rule the page
    // draws stands only in the columns it was drawn over (producers draw rules cell by
    // cell and leave out a merged label's: the label then keeps the rows it spans, as in
    // the ruled rendering). Until the columns of a table were shared over its pages and
    // text hidden by its clip left out, the columns did not match the drawn extents, and
    // drawing every rule across the whole table was better (93.8 against 85.0 % of
    // fields on the LibreOffice renderings); now it is the other way round (horizontal
    // rules only: 99.7 against 98.5 %).
    // A drawn rule is also left out where it cuts a cell's wrapped text: a line filling
    // the column and the next line of its column aligned alike, one on either side of
    // the rule (`项目资金（元` / `）`).
    for w in cols.windows(2) {
        let (left, right) = (w[0].0, w[1].0);
        let mid = (left + right) / 2.0;
        let strip: Vec<&Run> = if drawn.is_empty() {
            Vec::new()
        } else {
            in_rows
                .iter()
                .copied()
                .filter(|r| r.cx() >= left && r.cx() < right)
                .collect()
        };
        let cuts_paragraph = |y: f32| {
            !drawn
                .iter()
                .any(|s| (s.pos - y).abs() < 1.0 && s.from <= mid && s.to >= mid)
                && strip.iter().any(|a| {
                    let h = a.h();
                    a.cy() < y
                        && (a.x0 - left) + (right - a.x1) < FILL * h
                        && strip.iter().any(|b| {
                            b.cy() > y
                                && b.y0 - a.y1 < LEADING * h
                                && b.y0 - a.y1 > -0.1 * h
                                && ((a.cx() - b.cx()).abs() < h || (a.x0 - b.x0).abs() < h)
                        })
                })
        };
        for (k, &y) in rows.iter().enumerate() {
            let merged = merges
                .iter()
                .any(|(l, at)| *at == y && l.x1 > left + MIN_ROOM && l.x0 < right - MIN_ROOM)
                || cuts_paragraph(y)
                || (drawn_ys.contains(&y)
                    && !drawn
                        .iter()
                        .any(|s| (s.pos - y).abs() < 1.0 && s.from <= mid && s.to >= mid));
            if k == 0 || k + 1 == rows.len() || !merged {
                segs.push(Segment {
                    horizontal: true,
                    pos: y,
                    from: left,
                    to: right,
                });
            }
        }
    }
    segs
}

/// Most lines of a label that may be centred over a row boundary.
const MAX_LABEL_LINES: usize = 3;

/// A label of one column that may sit over several rows.
struct Label {
    x0: f32,
    x1: f32,
    top: f32,
    bottom: f32,
    /// Its line height.
    h: f32,
    lines: usize,
}

/// Labels of one column that may sit over several rows: paragraphs (runs chained by at
/// most a leading's gap) of at most [`MAX_LABEL_LINES`] runs, none of them on a row's
/// line. A column of single-line cells chains into one long paragraph (rows are about a
/// line apart), which is no label.
fn labels(strip: &[&Run]) -> Vec<Label> {
    let mut sorted: Vec<&Run> = strip.to_vec();
    sorted.sort_by(|a, b| a.y0.total_cmp(&b.y0));
    // (label, any of its runs on a row line)
    let mut paras: Vec<(Label, bool)> = Vec::new();
    for r in sorted {
        match paras.last_mut() {
            Some((p, row)) if r.y0 - p.bottom < LEADING * r.h() => {
                p.x0 = p.x0.min(r.x0);
                p.x1 = p.x1.max(r.x1);
                p.bottom = p.bottom.max(r.y1);
                p.h = p.h.max(r.h());
                p.lines += 1;
                *row |= r.row_line;
            }
            _ => paras.push((
                Label {
                    x0: r.x0,
                    x1: r.x1,
                    top: r.y0,
                    bottom: r.y1,
                    h: r.h(),
                    lines: 1,
                },
                r.row_line,
            )),
        }
    }
    paras
        .into_iter()
        .filter(|(p, row)| p.lines <= MAX_LABEL_LINES && !row)
        .map(|(p, _)| p)
        .collect()
}

#[cfg(test)]
mod tests;
