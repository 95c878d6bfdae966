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
//!   text in one go, so two cells never share a run even when they nearly touch).
//! * **Columns.** Two runs side by side on one line leave a gap a column boundary passes
//!   through. The fewest positions that pass through every such gap of every line
//!   (interval stabbing) are the column boundaries; each sits in the middle of the gaps it
//!   passes through.
//! * **Rows.** Horizontal rules the page draws are used, across the whole table. Without
//!   them, a line holding runs of two or more cells is a row's line (cells of a row share
//!   their vertical alignment), and so is a lone line with no text within a leading of it,
//!   one right above a row's line in its column or with no line of its column at the
//!   mirrored place below that row's line (a subtitle: a centred wrapped cell's lines
//!   are symmetric about its row), or one set larger (a title); between two consecutive
//!   rows the boundary is the edge of a cell's clip that lies between them (producers
//!   clip the text of a cell it overflows), else goes through the widest band free of
//!   text, or halfway where text fills the whole space (a wrapped cell centred on its row
//!   spills over both its edges; the lattice code puts such spill back by centring, as it
//!   does for ruled pages).
//! * **Merged cells.** A vertical line is left out of a row where a run crosses it and
//!   cannot be moved clear of it within the gaps it was found in (a cell spanning
//!   columns); a horizontal line is left out of a column where a label of at most
//!   `MAX_LABEL_LINES` lines, none on a row's line, sits centred on it (a label centred
//!   over an even number of rows).
//!
//! Only pages without any lattice of their own get lines, and only the part of the page
//! between the first and the last line holding several runs, with the lines within a
//! leading of it (titles further above a table stay free text). Work is bounded: pages
//! of more than [`MAX_RUNS`] runs, or whose lines would make more than
//! [`MAX_IMPLIED_CELLS`] cells, are left to the free-text reading.

use crate::content::{Glyph, PageContent, Segment};

/// Widest gap (in font sizes) between two glyphs of one run: wider than a word space
/// (≈ 0.25–0.33 em), narrower than the padding between two cells' text (LibreOffice
/// leaves 0.59 em between a level-2 label filling its cell and the level-3 name beside
/// it).
const RUN_GAP: f32 = 0.45;
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
}

/// The glyphs' runs, in drawing order.
fn runs(glyphs: &[Glyph]) -> Vec<Run> {
    let mut out: Vec<Run> = Vec::new();
    let mut prev: Option<&Glyph> = None;
    for g in glyphs {
        if g.text.trim().is_empty() {
            continue;
        }
        let h = (g.y1 - g.y0).max(0.1);
        let continues = prev.is_some_and(|p| {
            (g.cy() - p.cy()).abs() < BASELINE * h
                && g.x0 >= p.x1 - 0.5 * h
                && g.x0 - p.x1 <= RUN_GAP * g.size.max(p.size).max(0.1)
                && g.clip == p.clip
        });
        match out.last_mut() {
            Some(r) if continues => {
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
            }),
        }
        prev = Some(g);
    }
    out
}

/// Runs grouped into lines by their vertical centres, top to bottom; each line's runs
/// left to right.
fn lines(runs: &[Run]) -> Vec<Vec<usize>> {
    let mut order: Vec<usize> = (0..runs.len()).collect();
    order.sort_by(|a, b| runs[*a].cy().total_cmp(&runs[*b].cy()));
    let mut out: Vec<(f32, Vec<usize>)> = Vec::new();
    for i in order {
        let r = &runs[i];
        // Runs printed over each other (a wrapped cell spilling into its neighbour's
        // line band) are not cells side by side: the later one starts a line of its own.
        let beside = |l: &[usize]| l.iter().all(|&j| runs[j].x1 <= r.x0 || runs[j].x0 >= r.x1);
        match out.last_mut() {
            Some((cy, l)) if (r.cy() - *cy).abs() < BASELINE * r.h() && beside(l) => {
                let n = l.len() as f32;
                *cy = (*cy * n + r.cy()) / (n + 1.0);
                l.push(i);
            }
            _ => out.push((r.cy(), vec![i])),
        }
    }
    out.into_iter()
        .map(|(_, mut l)| {
            l.sort_by(|a, b| runs[*a].x0.total_cmp(&runs[*b].x0));
            l
        })
        .collect()
}

/// The fewest intervals of positions passing through every gap (sorted by right end):
/// each the intersection of the gaps it passes through.
fn stab(mut gaps: Vec<(f32, f32)>) -> Vec<(f32, f32)> {
    gaps.sort_by(|a, b| a.1.total_cmp(&b.1));
    let mut out = Vec::new();
    let mut used = vec![false; gaps.len()];
    for i in 0..gaps.len() {
        if used[i] {
            continue;
        }
        let p = gaps[i].1;
        let (mut lo, mut hi) = (f32::MIN, f32::MAX);
        for (j, g) in gaps.iter().enumerate().skip(i) {
            if !used[j] && g.0 <= p && g.1 >= p {
                used[j] = true;
                lo = lo.max(g.0);
                hi = hi.min(g.1);
            }
        }
        out.push((lo, hi));
    }
    out.sort_by(|a, b| a.0.total_cmp(&b.0));
    out
}

/// Where a column boundary crosses one row: at `x` when no run of the row crosses it,
/// else in the middle of the widest text-free stretch of the row within `lo..hi` (the
/// gaps the boundary was found in: a left-aligned paragraph's longest line reaches
/// nearer the next column than the lines beside which the gap was seen), else nowhere
/// (a cell spanning the boundary).
fn boundary((x, lo, hi): (f32, f32, f32), row: &[&Run]) -> Option<f32> {
    if !row.iter().any(|r| r.x0 < x && r.x1 > x) {
        return Some(x);
    }
    let mut taken: Vec<(f32, f32)> = row
        .iter()
        .filter(|r| r.x1 > lo && r.x0 < hi)
        .map(|r| (r.x0.max(lo), r.x1.min(hi)))
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

/// Horizontal rules the page draws over the table's extent, clipped to it.
fn drawn_rules(page: &PageContent, x0: f32, x1: f32, y0: f32, y1: f32) -> Vec<Segment> {
    page.segments
        .iter()
        .filter(|s| s.horizontal && s.pos > y0 - 2.0 && s.pos < y1 + 2.0)
        .filter(|s| s.to.min(x1) - s.from.max(x0) > 1.0)
        .map(|s| Segment {
            from: s.from.max(x0),
            to: s.to.min(x1),
            ..*s
        })
        .collect()
}

/// Row boundaries inferred from the text: between the centres of consecutive lines
/// holding several runs, through the widest text-free band, or halfway.
fn inferred_rows(runs: &[Run], lines: &[Vec<usize>], clip_edges: &[f32]) -> Vec<f32> {
    let multi: Vec<usize> = lines
        .iter()
        .filter(|l| l.len() >= 2)
        .flatten()
        .copied()
        .collect();
    // A heading (a title over the table) is printed larger than the table's text.
    let mut heights: Vec<f32> = runs.iter().map(Run::h).collect();
    heights.sort_by(f32::total_cmp);
    let usual = heights.get(heights.len() / 2).copied().unwrap_or(0.0);
    let heading = |i: usize| runs[i].h() >= HEADING * usual;
    let centres: Vec<f32> = lines
        .iter()
        .filter(|l| {
            l.len() >= 2
                || l.iter().all(|i| {
                    stands_alone(*i, runs)
                        || heads_row(*i, runs, &multi)
                        || unmirrored(*i, runs, &multi)
                        || heading(*i)
                })
        })
        .map(|l| l.iter().map(|i| runs[*i].cy()).sum::<f32>() / l.len() as f32)
        .collect();
    let mut out = Vec::new();
    for w in centres.windows(2) {
        let (a, b) = (w[0], w[1]);
        // Text-covered intervals between the two centres.
        let mut cover: Vec<(f32, f32)> = runs
            .iter()
            .filter(|r| r.y1 > a && r.y0 < b)
            .map(|r| (r.y0.max(a), r.y1.min(b)))
            .collect();
        cover.sort_by(|p, q| p.0.total_cmp(&q.0));
        let mut best: Option<(f32, f32)> = None;
        let mut edge = a;
        for (s, e) in cover {
            if s > edge && best.is_none_or(|(p, q)| s - edge > q - p) {
                best = Some((edge, s));
            }
            edge = edge.max(e);
        }
        if b > edge && best.is_none_or(|(p, q)| b - edge > q - p) {
            best = Some((edge, b));
        }
        // A cell's clip edge between the two rows is the boundary itself.
        let margin = BASELINE * runs.iter().map(Run::h).fold(0.0, f32::max);
        let mid = (a + b) / 2.0;
        let clipped = clip_edges
            .iter()
            .filter(|e| **e > a + margin && **e < b - margin)
            .min_by(|p, q| (**p - mid).abs().total_cmp(&(**q - mid).abs()));
        out.push(match (clipped, best) {
            (Some(e), _) => *e,
            (None, Some((p, q))) if q - p > 0.05 * (b - a) && p > a && q < b => (p + q) / 2.0,
            _ => mid,
        });
    }
    out
}

/// True when no other run comes within a paragraph's leading of run `i` above or below
/// it, nor shares its height: a line of its own (a title between two forms), not a line
/// of a wrapped cell.
fn stands_alone(i: usize, runs: &[Run]) -> bool {
    let r = &runs[i];
    let room = LEADING * r.h();
    runs.iter()
        .enumerate()
        .all(|(j, o)| j == i || o.y0 >= r.y1 + room || o.y1 <= r.y0 - room)
}

/// True when run `i` lies right above a run of a row's line in its column, with nothing
/// of its column just above it: a line of its own (a subtitle over a table), since a
/// wrapped cell's line above a row's line would take that cell off the row's centre,
/// and a top-aligned cell wraps downwards.
fn heads_row(i: usize, runs: &[Run], row_runs: &[usize]) -> bool {
    let r = &runs[i];
    let room = LEADING * r.h();
    let column = |o: &Run| o.x1.min(r.x1) - o.x0.max(r.x0) > 0.0;
    let below = row_runs.iter().any(|&j| {
        let o = &runs[j];
        j != i && column(o) && o.y0 >= r.y1 - 0.1 * r.h() && o.y0 < r.y1 + room
    });
    // Only text of its own size above could be the same paragraph (a title is larger).
    let above = runs.iter().enumerate().any(|(j, o)| {
        j != i
            && column(o)
            && o.h() < HEADING * r.h()
            && o.y1 <= r.y0 + 0.1 * r.h()
            && o.y1 > r.y0 - room
    });
    below && !above
}

/// True when run `i` lies within a leading above a row's line and nothing of its column
/// sits at the mirrored place below that line: not the first line of a cell wrapped and
/// centred on the row (whose last line would sit there), nor a top-aligned cell's (whose
/// lines run downwards from the row's line), so a line of its own (a subtitle beside the
/// first row's cell).
fn unmirrored(i: usize, runs: &[Run], row_runs: &[usize]) -> bool {
    let r = &runs[i];
    let room = LEADING * r.h();
    let Some(c) = row_runs
        .iter()
        .map(|&j| &runs[j])
        .filter(|o| o.y0 >= r.y1 - 0.1 * r.h() && o.y0 < r.y1 + room)
        .map(Run::cy)
        .min_by(f32::total_cmp)
    else {
        return false;
    };
    let mirror = 2.0 * c - r.cy();
    !runs.iter().enumerate().any(|(j, o)| {
        j != i
            && !o.row_line
            && (o.cy() - mirror).abs() < BASELINE * r.h()
            && o.x1.min(r.x1) - o.x0.max(r.x0) > 0.0
    })
}

/// Ruling lines that turn a page's borderless table into a lattice, or nothing when the
/// page has a lattice of its own or no table-like text.
pub fn rulings(page: &PageContent) -> Vec<Segment> {
    let mut runs = runs(&page.glyphs);
    if runs.len() > MAX_RUNS {
        return Vec::new();
    }
    let lines = lines(&runs);
    for l in lines.iter().filter(|l| l.len() >= 2) {
        for &i in l {
            runs[i].row_line = true;
        }
    }
    let multi: Vec<usize> = (0..lines.len()).filter(|i| lines[*i].len() >= 2).collect();
    if multi.len() < MIN_TABLE_LINES {
        return Vec::new();
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
    let inside: Vec<usize> = lines[first..=last].iter().flatten().copied().collect();
    let bounds = inside.iter().fold(
        [f32::MAX, f32::MAX, f32::MIN, f32::MIN],
        |[a, b, c, d], &i| {
            let r = &runs[i];
            [a.min(r.x0), b.min(r.y0), c.max(r.x1), d.max(r.y1)]
        },
    );
    let [x0, y0, x1, y1] = [
        bounds[0] - FRAME,
        bounds[1] - FRAME,
        bounds[2] + FRAME,
        bounds[3] + FRAME,
    ];
    // Column boundaries through the gaps between runs sharing a line.
    let gaps: Vec<(f32, f32)> = lines[first..=last]
        .iter()
        .flat_map(|l| {
            l.windows(2).filter_map(|w| {
                let (a, b) = (&runs[w[0]], &runs[w[1]]);
                (b.x0 > a.x1).then_some((a.x1, b.x0))
            })
        })
        .collect();
    let in_rows: Vec<&Run> = inside.iter().map(|i| &runs[*i]).collect();

    // (position, and the room it may move in within a row whose text crosses it).
    let mut cols: Vec<(f32, f32, f32)> = vec![(x0, x0, x0)];
    cols.extend(
        stab(gaps)
            .into_iter()
            .map(|(lo, hi)| ((lo + hi) / 2.0, lo, hi)),
    );
    cols.push((x1, x1, x1));
    let drawn = drawn_rules(page, x0, x1, y0, y1);
    let mut rows = vec![y0];
    if drawn.is_empty() {
        let sub: Vec<Vec<usize>> = lines[first..=last].to_vec();
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
        rows.extend(inferred_rows(&runs, &sub, &clip_edges));
    } else {
        let mut ys: Vec<f32> = drawn
            .iter()
            .map(|s| s.pos)
            .filter(|y| *y > y0 + 1.0 && *y < y1 - 1.0)
            .collect();
        ys.sort_by(f32::total_cmp);
        ys.dedup_by(|a, b| (*a - *b).abs() < 1.0);
        rows.extend(ys);
    }
    rows.push(y1);
    if rows.len() * cols.len() > MAX_IMPLIED_CELLS {
        return Vec::new();
    }
    let mut segs = Vec::new();
    // Verticals, row by row, unless a run of the row crosses them.
    for w in rows.windows(2) {
        let (top, bottom) = (w[0], w[1]);
        let row: Vec<&&Run> = in_rows
            .iter()
            .filter(|r| r.cy() >= top && r.cy() < bottom)
            .collect();
        let row: Vec<&Run> = row.into_iter().copied().collect();
        for &c in &cols {
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
    if !drawn.is_empty() {
        // The page's own rules, drawn across the whole table: producers draw them cell by
        // cell, and a rule left out under a merged label is better restored (the label
        // then stands in one row, as in a text export) than taken for a merge that
        // joins rows of the other columns (measured: 93.8 against 85.0 % of fields on
        // the LibreOffice renderings).
        for &y in &rows {
            segs.push(Segment {
                horizontal: true,
                pos: y,
                from: x0,
                to: x1,
            });
        }
        return segs;
    }
    // Horizontals, column by column, unless a lone run sits centred on them (a label
    // centred over an even number of rows).
    for w in cols.windows(2) {
        let (left, right) = (w[0].0, w[1].0);
        let strip: Vec<&Run> = in_rows
            .iter()
            .copied()
            .filter(|r| r.cx() >= left && r.cx() < right)
            .collect();
        let labels = labels(&strip);
        for (k, &y) in rows.iter().enumerate() {
            let outer = k == 0 || k + 1 == rows.len();
            let centred = !outer
                && labels.iter().any(|&(top, bottom, h)| {
                    top < y && bottom > y && ((top + bottom) / 2.0 - y).abs() < CENTRED_ON * h
                });
            if !centred {
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

/// Labels of one column that may sit over several rows: paragraphs (runs chained by at
/// most a leading's gap) of at most [`MAX_LABEL_LINES`] runs, none of them on a row's
/// line, as (top, bottom, line height). A column of single-line cells chains into one
/// long paragraph (rows are about a line apart), which is no label.
fn labels(strip: &[&Run]) -> Vec<(f32, f32, f32)> {
    let mut sorted: Vec<&Run> = strip.to_vec();
    sorted.sort_by(|a, b| a.y0.total_cmp(&b.y0));
    // (top, bottom, height, runs, any on a row line)
    let mut paras: Vec<(f32, f32, f32, usize, bool)> = Vec::new();
    for r in sorted {
        let row = r.row_line;
        match paras.last_mut() {
            Some(p) if r.y0 - p.1 < LEADING * r.h() => {
                p.1 = p.1.max(r.y1);
                p.2 = p.2.max(r.h());
                p.3 += 1;
                p.4 |= row;
            }
            _ => paras.push((r.y0, r.y1, r.h(), 1, row)),
        }
    }
    paras
        .into_iter()
        .filter(|p| p.3 <= MAX_LABEL_LINES && !p.4)
        .map(|p| (p.0, p.1, p.2))
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn text(s: &str, x: f32, y: f32, size: f32) -> Vec<Glyph> {
        s.chars()
            .enumerate()
            .map(|(i, c)| Glyph {
                text: c.to_string(),
                x0: x + size * i as f32,
                y0: y,
                x1: x + size * (i + 1) as f32,
                y1: y + size,
                size,
                clip: None,
                confidence: None,
            })
            .collect()
    }

    #[test]
    fn runs_break_at_wide_gaps_and_never_join_lines() {
        let mut g = text("项目", 0.0, 0.0, 10.0);
        g.extend(text("名称", 20.0 + 3.0, 0.0, 10.0));
        g.extend(text("示例", 60.0, 0.0, 10.0));
        g.extend(text("下行", 0.0, 12.0, 10.0));
        let r = runs(&g);
        assert_eq!(r.len(), 3, "{r:?}");
        assert_eq!((r[0].x0, r[0].x1), (0.0, 43.0));
    }

    #[test]
    fn stabbing_puts_one_boundary_through_overlapping_gaps() {
        let b = stab(vec![(10.0, 20.0), (12.0, 30.0), (40.0, 50.0)]);
        assert_eq!(b, vec![(12.0, 20.0), (40.0, 50.0)]);
        // A run reaching past the boundary from the left moves it right of the run.
        let long = Run {
            x0: 0.0,
            x1: 18.0,
            y0: 0.0,
            y1: 10.0,
            row_line: false,
        };
        assert_eq!(boundary((16.0, 12.0, 20.0), &[&long]), Some(19.0));
        assert_eq!(boundary((16.0, 12.0, 20.0), &[]), Some(16.0));
        let wide = Run { x1: 30.0, ..long };
        assert_eq!(boundary((16.0, 12.0, 20.0), &[&wide]), None);
    }

    /// Rows of a page read through the lines its text implies.
    fn rows_of(glyphs: Vec<Glyph>) -> Vec<Vec<String>> {
        let page = PageContent {
            width: 400.0,
            height: 400.0,
            glyphs,
            ..PageContent::default()
        };
        let tabs = crate::layout::tables(&rulings(&page));
        assert_eq!(tabs.len(), 1);
        let grids = crate::layout::chain_grids(&[crate::layout::tables(&rulings(&page))]);
        crate::layout::page_rows(&page, 1, tabs, &grids[0])
            .rows
            .iter()
            .map(|r| r.cells.iter().map(|c| c.text.clone()).collect())
            .collect()
    }

    #[test]
    fn a_wrapped_cell_centred_on_its_row_stays_one_cell() {
        // Three rows 12 pt apart; the middle row's first cell wraps over two lines
        // centred on the row (spilling over both its edges), and a title sits above.
        let mut g = text("标题", 60.0, 0.0, 10.0);
        g.extend(text("名称", 0.0, 20.0, 10.0));
        g.extend(text("数值", 60.0, 20.0, 10.0));
        g.extend(text("备注", 120.0, 20.0, 10.0));
        g.extend(text("第一行", 0.0, 26.5, 10.0));
        g.extend(text("第二行", 0.0, 37.5, 10.0));
        g.extend(text("12", 60.0, 32.0, 10.0));
        g.extend(text("甲", 120.0, 32.0, 10.0));
        g.extend(text("其他", 0.0, 44.0, 10.0));
        g.extend(text("34", 60.0, 44.0, 10.0));
        g.extend(text("乙", 120.0, 44.0, 10.0));
        let rows = rows_of(g);
        let nonblank: Vec<Vec<&str>> = rows
            .iter()
            .map(|r| {
                r.iter()
                    .map(String::as_str)
                    .filter(|t| !t.is_empty())
                    .collect()
            })
            .filter(|r: &Vec<&str>| !r.is_empty())
            .collect();
        assert!(
            nonblank.contains(&vec!["第一行第二行", "12", "甲"]),
            "{nonblank:?}"
        );
        assert!(nonblank.contains(&vec!["其他", "34", "乙"]), "{nonblank:?}");
        assert!(
            nonblank.contains(&vec!["名称", "数值", "备注"]),
            "{nonblank:?}"
        );
    }

    #[test]
    fn a_subtitle_beside_the_first_rows_cell_is_a_row_of_its_own() {
        let mut g = text("年度", 100.0, 0.0, 10.0);
        for (k, y) in [12.0, 24.0, 36.0].into_iter().enumerate() {
            g.extend(text("名称", 0.0, y, 10.0));
            g.extend(text(&"值".repeat(k + 1), 130.0, y, 10.0));
        }
        let rows = rows_of(g);
        let texts: Vec<String> = rows.iter().map(|r| r.concat()).collect();
        assert!(texts.contains(&"年度".to_string()), "{texts:?}");
        assert!(texts.contains(&"名称值".to_string()), "{texts:?}");
    }

    #[test]
    fn a_page_of_prose_gets_no_lines() {
        let mut g = Vec::new();
        for k in 0..5 {
            g.extend(text("一行文字", 0.0, 12.0 * k as f32, 10.0));
        }
        let page = PageContent {
            glyphs: g,
            ..PageContent::default()
        };
        assert!(rulings(&page).is_empty());
    }
}
