//! Text that a producer wrapped in a cell too low for it and that spills over the
//! cell's edges, put back in its cell by centring (see [`recentre_overflow`]).

use super::Table;
use crate::content::Glyph;

/// Glyphs drawn one after another on one baseline (indices into the placed list).
#[derive(Debug)]
struct Run {
    y0: f32,
    y1: f32,
    x0: f32,
    x1: f32,
    straddles: bool,
    /// May leave the block holding its centre (set for lines taking part in overflow).
    movable: bool,
    members: Vec<usize>,
}

impl Run {
    /// True when the two runs share both a line band and horizontal extent: text of two
    /// cells drawn over each other, never one paragraph.
    fn overprints(&self, o: &Run) -> bool {
        let h = (self.y1 - self.y0).min(o.y1 - o.y0).max(0.1);
        let dy = self.y1.min(o.y1) - self.y0.max(o.y0);
        let dx = self.x1.min(o.x1) - self.x0.max(o.x0);
        dy > 0.3 * h && dx > 0.1 * h
    }
}

/// Text that a producer wrapped in a cell too low for it spills over the horizontal
/// lines above and below, unclipped (LibreOffice centres it vertically). Lines that
/// straddle a horizontal ruling line are gathered, per lattice column, into paragraphs
/// (with any lines sandwiched between them), and each paragraph is placed by its
/// vertical centre, which is the centre of the cell it belongs to.
pub(super) fn recentre_overflow(
    t: &Table,
    glyphs: &[Glyph],
    mut placed: Vec<(usize, f32, f32)>,
) -> Vec<(usize, f32, f32)> {
    let nc = t.xs.len() - 1;
    for c in 0..nc {
        // The blocks of this column, top to bottom: (top, bottom).
        let mut blocks: Vec<(usize, f32, f32)> = Vec::new();
        for r in 0..t.ys.len() - 1 {
            let b = t.owner[r * nc + c];
            match blocks.last_mut() {
                Some(last) if last.0 == b => last.2 = t.ys[r + 1],
                _ => blocks.push((b, t.ys[r], t.ys[r + 1])),
            }
        }
        // A glyph straddles a ruling line that separates two blocks of this column.
        let straddles = |g: &Glyph| {
            let q = 0.25 * (g.y1 - g.y0);
            blocks[1..].iter().any(|b| b.1 > g.y0 + q && b.1 < g.y1 - q)
        };
        // Lines of this lattice column: (top, bottom, straddling, members).
        let mut members: Vec<usize> = (0..placed.len())
            .filter(|k| {
                let (i, x, _) = placed[*k];
                // Glyphs drawn under a clip narrower than the table are placed by it.
                let clipped = glyphs[i].clip.is_some_and(|[a, b, c, d]| {
                    let [tx0, ty0, tx1, ty1] = t.bbox();
                    (c - a) * (d - b) < 0.5 * (tx1 - tx0) * (ty1 - ty0)
                });
                !clipped
                    && x >= t.xs[c]
                    && (x < t.xs[c + 1] || (c + 1 == nc && x <= t.xs[c + 1] + 0.5))
            })
            .collect();
        if members.is_empty() {
            continue;
        }
        // Runs: glyphs drawn one after another on one baseline, left to right. Text that
        // overflows into a neighbour's line band stays apart from the neighbour's text.
        members.sort_by_key(|k| placed[*k].0);
        let mut lines: Vec<Run> = Vec::new();
        let mut prev: Option<usize> = None;
        for k in members {
            let g = &glyphs[placed[k].0];
            let h = (g.y1 - g.y0).max(0.1);
            let continues = prev.is_some_and(|p| {
                let q = &glyphs[placed[p].0];
                placed[k].0 <= placed[p].0 + 3
                    && (g.cy() - q.cy()).abs() < 0.3 * h
                    && g.x0 >= q.x1 - 0.5 * h
            });
            match lines.last_mut() {
                Some(l) if continues => {
                    l.y0 = l.y0.min(g.y0);
                    l.y1 = l.y1.max(g.y1);
                    l.x0 = l.x0.min(g.x0);
                    l.x1 = l.x1.max(g.x1);
                    l.straddles |= straddles(g);
                    l.members.push(k);
                }
                _ => lines.push(Run {
                    y0: g.y0,
                    y1: g.y1,
                    x0: g.x0,
                    x1: g.x1,
                    straddles: straddles(g),
                    movable: false,
                    members: vec![k],
                }),
            }
            prev = Some(k);
        }
        lines.sort_by(|a, b| {
            ((a.y0 + a.y1) / 2.0)
                .total_cmp(&((b.y0 + b.y1) / 2.0))
                .then(placed[a.members[0]].0.cmp(&placed[b.members[0]].0))
        });
        // Overflow shows as lines straddling a ruling line, or as text printed over a
        // neighbour's text; those lines take part in it.
        let involved: Vec<bool> = (0..lines.len())
            .map(|i| {
                lines[i].straddles
                    || lines
                        .iter()
                        .enumerate()
                        .any(|(j, o)| j != i && lines[i].overprints(o))
            })
            .collect();
        if !involved.contains(&true) {
            continue;
        }
        // Two steps: the far line of a three-line paragraph whose middle line fits.
        let close = |a: &Run, b: &Run| b.y0 - a.y1 < 0.8 * (a.y1 - a.y0);
        let mut movable = involved;
        for _ in 0..2 {
            let prev = movable.clone();
            for i in 0..lines.len() {
                if (i > 0 && prev[i - 1] && close(&lines[i - 1], &lines[i]))
                    || (i + 1 < lines.len() && prev[i + 1] && close(&lines[i], &lines[i + 1]))
                {
                    movable[i] = true;
                }
            }
        }
        for (l, m) in lines.iter_mut().zip(movable) {
            l.movable = m;
        }
        let assigned = assign_paragraphs(&lines, &blocks);
        if tracing::enabled!(tracing::Level::TRACE) {
            for (n, l) in lines.iter().enumerate() {
                let text: String = l
                    .members
                    .iter()
                    .map(|m| glyphs[placed[*m].0].text.as_str())
                    .collect();
                tracing::trace!(
                    column = c,
                    top = l.y0,
                    bottom = l.y1,
                    straddles = l.straddles,
                    block = ?assigned.as_ref().map(|a| a[n]),
                    text,
                    "overflow line"
                );
            }
        }
        if let Some(assign) = assigned {
            for (l, k) in lines.iter().zip(assign) {
                let centre = (blocks[k].1 + blocks[k].2) / 2.0;
                for m in &l.members {
                    placed[*m].2 = centre;
                }
            }
        }
    }
    placed
}

/// Assigns the lines of one lattice column to its blocks: each block takes one run of
/// consecutive lines (or none), a line that lies inside a block goes to that block, a
/// line that straddles a ruling line to one of the blocks it touches, and among those
/// choices the one whose runs sit closest to their blocks' vertical centres wins.
/// Returns the block index of every line, or `None` when no assignment fits.
fn assign_paragraphs(lines: &[Run], blocks: &[(usize, f32, f32)]) -> Option<Vec<usize>> {
    const MAX_RUN: usize = 40;
    let n = lines.len();
    let nb = blocks.len();
    // Extra cost of a block for a line: 0 for the block holding its centre (or, for a
    // line straddling a ruling line, any block it overlaps), a penalty for the blocks
    // next to that, and no way for any other.
    let extra = |l: &Run, k: usize| -> Option<f32> {
        let touches = |k: usize| {
            let (top, bottom) = (blocks[k].1, blocks[k].2);
            let cy = (l.y0 + l.y1) / 2.0;
            if l.straddles {
                l.y1.min(bottom) - l.y0.max(top) > 0.2 * (l.y1 - l.y0)
            } else {
                cy >= top && (cy < bottom || (k + 1 == nb && cy <= bottom + 1.0))
            }
        };
        if touches(k) {
            Some(0.0)
        } else if l.movable && ((k > 0 && touches(k - 1)) || (k + 1 < nb && touches(k + 1))) {
            Some(0.75 * (l.y1 - l.y0))
        } else {
            None
        }
    };
    // dp[k][i]: least cost with blocks ..k used and lines ..i assigned.
    let inf = f32::INFINITY;
    let mut dp = vec![vec![inf; n + 1]; nb + 1];
    let mut back = vec![vec![usize::MAX; n + 1]; nb + 1];
    dp[0][0] = 0.0;
    for k in 0..nb {
        let centre = (blocks[k].1 + blocks[k].2) / 2.0;
        for i in 0..=n {
            if dp[k][i] == inf {
                continue;
            }
            // Block k takes no line.
            if dp[k][i] < dp[k + 1][i] {
                dp[k + 1][i] = dp[k][i];
                back[k + 1][i] = i;
            }
            // Block k takes lines i..j.
            let mut penalty = 0.0;
            for j in i + 1..=n.min(i + MAX_RUN) {
                let Some(e) = extra(&lines[j - 1], k) else {
                    break;
                };
                // A paragraph's lines do not overprint each other.
                let new = &lines[j - 1];
                if lines[i..j - 1].iter().any(|l| l.overprints(new)) {
                    break;
                }
                penalty += e;
                let top = lines[i..j].iter().map(|l| l.y0).fold(f32::MAX, f32::min);
                let bottom = lines[i..j].iter().map(|l| l.y1).fold(f32::MIN, f32::max);
                let mid = (top + bottom) / 2.0;
                // Every line of the run is off by as much as its middle is.
                let cost = dp[k][i] + penalty + (j - i) as f32 * (mid - centre).abs();
                if cost < dp[k + 1][j] {
                    dp[k + 1][j] = cost;
                    back[k + 1][j] = i;
                }
            }
        }
    }
    if dp[nb][n] == inf {
        return None;
    }
    let mut out = vec![0; n];
    let mut j = n;
    for k in (0..nb).rev() {
        let i = back[k + 1][j];
        for slot in out.iter_mut().take(j).skip(i) {
            *slot = k;
        }
        j = i;
    }
    Some(out)
}
