//! Lattice tables from ruling lines.
//!
//! Tables are found as connected sets of ruling lines. Each table's distinct line
//! positions give a lattice; lattice cells whose separating line is missing are merged
//! (merged cells of the source), so a cell keeps its whole text however many lines it
//! wraps over. Bounded for hostile pages: [`MAX_RULINGS_PER_PAGE`] segments,
//! [`MAX_LATTICE_CELLS`] cells, cell sides measured by binary search (`Cover`).

use crate::content::Segment;

/// Positions closer than this (points) are one line position.
pub(crate) const SNAP: f32 = 2.0;

/// A lattice cell, possibly merged: rows `r0..=r1`, columns `c0..=c1`.
#[derive(Debug, Clone)]
pub(crate) struct Block {
    pub(crate) r0: usize,
    pub(crate) r1: usize,
    pub(crate) c0: usize,
    pub(crate) c1: usize,
    pub(crate) glyphs: Vec<usize>,
    /// In the first row without a line above: a cell continued from the previous page.
    pub(crate) open_top: bool,
    /// In the last row without a line below: a cell that goes on on the next page.
    pub(crate) open_bottom: bool,
}

/// A lattice table found on a page.
pub struct Table {
    pub(crate) xs: Vec<f32>,
    pub(crate) ys: Vec<f32>,
    /// The vertical lines run above the first horizontal one: a row cut by a page break
    /// continues here from the previous page.
    pub(crate) open_top: bool,
    /// The vertical lines run below the last horizontal one: the last row goes on on the
    /// next page.
    pub(crate) open_bottom: bool,
    pub(crate) blocks: Vec<Block>,
    /// Block index of every lattice cell (row-major).
    pub(crate) owner: Vec<usize>,
}

impl Table {
    /// The table's cells (merged cells whole) as `[x0, top, x1, bottom]` in points.
    pub fn cells(&self) -> Vec<[f32; 4]> {
        self.blocks
            .iter()
            .map(|b| {
                [
                    self.xs[b.c0],
                    self.ys[b.r0],
                    self.xs[b.c1 + 1],
                    self.ys[b.r1 + 1],
                ]
            })
            .collect()
    }

    pub(crate) fn bbox(&self) -> [f32; 4] {
        [
            self.xs[0],
            self.ys[0],
            self.xs[self.xs.len() - 1],
            self.ys[self.ys.len() - 1],
        ]
    }

    pub(crate) fn contains(&self, x: f32, y: f32) -> bool {
        let [x0, y0, x1, y1] = self.bbox();
        x >= x0 - 0.5 && x <= x1 + 0.5 && y >= y0 - 0.5 && y <= y1 + 0.5
    }

    pub(crate) fn cell_at(&self, x: f32, y: f32) -> Option<usize> {
        let c = self.xs.partition_point(|v| *v <= x).checked_sub(1)?;
        let r = self.ys.partition_point(|v| *v <= y).checked_sub(1)?;
        let c = c.min(self.xs.len() - 2);
        let r = r.min(self.ys.len() - 2);
        Some(self.owner[r * (self.xs.len() - 1) + c])
    }
}

/// Merges collinear overlapping segments.
fn merge_segments(segs: &[Segment], horizontal: bool) -> Vec<Segment> {
    let mut v: Vec<Segment> = segs
        .iter()
        .filter(|s| s.horizontal == horizontal && s.to - s.from >= 1.0)
        .copied()
        .collect();
    v.sort_by(|a, b| a.pos.total_cmp(&b.pos));
    // Cluster positions.
    let mut groups: Vec<Vec<Segment>> = Vec::new();
    for s in v {
        match groups.last_mut() {
            Some(g) if (s.pos - g[g.len() - 1].pos).abs() <= 1.0 => g.push(s),
            _ => groups.push(vec![s]),
        }
    }
    let mut out = Vec::new();
    for mut g in groups {
        let pos = g.iter().map(|s| s.pos).sum::<f32>() / g.len() as f32;
        g.sort_by(|a, b| a.from.total_cmp(&b.from));
        let mut cur: Option<(f32, f32)> = None;
        for s in g {
            cur = match cur {
                Some((a, b)) if s.from <= b + 1.0 => Some((a, b.max(s.to))),
                Some((a, b)) => {
                    out.push(Segment {
                        horizontal,
                        pos,
                        from: a,
                        to: b,
                    });
                    Some((s.from, s.to))
                }
                None => Some((s.from, s.to)),
            };
        }
        if let Some((a, b)) = cur {
            out.push(Segment {
                horizontal,
                pos,
                from: a,
                to: b,
            });
        }
    }
    out
}

fn find(p: &mut [usize], mut i: usize) -> usize {
    while p[i] != i {
        p[i] = p[p[i]];
        i = p[i];
    }
    i
}

fn union(p: &mut [usize], a: usize, b: usize) {
    let (a, b) = (find(p, a), find(p, b));
    if a != b {
        p[a.max(b)] = a.min(b);
    }
}

pub(crate) fn cluster(mut v: Vec<f32>, tol: f32) -> Vec<f32> {
    v.sort_by(f32::total_cmp);
    let mut out: Vec<(f32, usize)> = Vec::new();
    for x in v {
        match out.last_mut() {
            Some((m, n)) if x - *m / *n as f32 <= tol => {
                *m += x;
                *n += 1;
            }
            _ => out.push((x, 1)),
        }
    }
    out.into_iter().map(|(m, n)| m / n as f32).collect()
}

/// Most ruling segments (after collinear ones are merged) whose lattice is built for one
/// page: a form page has a few hundred. Past it the page is read without its lattice (its
/// text by the whitespace fallback) — a hostile page ruled by 20,000 × 20,000 lines would
/// otherwise make 4 × 10⁸ crossings and as many lattice cells.
pub const MAX_RULINGS_PER_PAGE: usize = 5_000;

/// Most lattice cells of one table (a form page's table has a few hundred to a few
/// thousand); larger lattices are not built.
pub const MAX_LATTICE_CELLS: usize = 250_000;

/// The union of the segments lying at each of a table's line positions, so that how much
/// of a cell's side is drawn costs a binary search, not a scan of every line.
struct Cover {
    /// Per position: disjoint covered intervals, sorted.
    at: Vec<Vec<(f32, f32)>>,
}

impl Cover {
    /// Segments within [`SNAP`] of each of `positions`.
    fn new(segs: &[&Segment], positions: &[f32]) -> Cover {
        let mut by_pos: Vec<&Segment> = segs.to_vec();
        by_pos.sort_by(|a, b| a.pos.total_cmp(&b.pos));
        let at = positions
            .iter()
            .map(|&p| {
                let lo = by_pos.partition_point(|s| s.pos < p - SNAP);
                let mut iv: Vec<(f32, f32)> = by_pos[lo..]
                    .iter()
                    .take_while(|s| s.pos <= p + SNAP)
                    .filter(|s| (s.pos - p).abs() <= SNAP)
                    .map(|s| (s.from, s.to))
                    .collect();
                iv.sort_by(|x, y| x.0.total_cmp(&y.0));
                let mut merged: Vec<(f32, f32)> = Vec::with_capacity(iv.len());
                for (x, y) in iv {
                    match merged.last_mut() {
                        Some(last) if x <= last.1 => last.1 = last.1.max(y),
                        _ => merged.push((x, y)),
                    }
                }
                merged
            })
            .collect();
        Cover { at }
    }

    /// Length of `[a, b]` covered at the `i`-th position.
    fn length(&self, i: usize, a: f32, b: f32) -> f32 {
        let Some(iv) = self.at.get(i) else {
            return 0.0;
        };
        let first = iv.partition_point(|(_, end)| *end <= a);
        iv[first..]
            .iter()
            .take_while(|(start, _)| *start < b)
            .map(|(start, end)| (end.min(b) - start.max(a)).max(0.0))
            .sum()
    }
}

/// The lattice tables drawn by a page's ruling lines.
pub fn tables(segments: &[Segment]) -> Vec<Table> {
    let hs = merge_segments(segments, true);
    let mut vs = merge_segments(segments, false);
    let n = hs.len() + vs.len();
    if n > MAX_RULINGS_PER_PAGE {
        tracing::warn!(
            lines = n,
            "more than {MAX_RULINGS_PER_PAGE} ruling lines on a page; read without its table lines"
        );
        return Vec::new();
    }
    // Verticals by position: a horizontal meets those within its extent.
    vs.sort_by(|a, b| a.pos.total_cmp(&b.pos));
    let mut parent: Vec<usize> = (0..n).collect();
    for (i, h) in hs.iter().enumerate() {
        let lo = vs.partition_point(|v| v.pos < h.from - SNAP);
        for (j, v) in vs.iter().enumerate().skip(lo) {
            if v.pos > h.to + SNAP {
                break;
            }
            if h.pos >= v.from - SNAP && h.pos <= v.to + SNAP {
                union(&mut parent, i, hs.len() + j);
            }
        }
    }
    let mut groups: std::collections::BTreeMap<usize, (Vec<&Segment>, Vec<&Segment>)> =
        Default::default();
    for i in 0..n {
        let root = find(&mut parent, i);
        let e = groups.entry(root).or_default();
        if i < hs.len() {
            e.0.push(&hs[i]);
        } else {
            e.1.push(&vs[i - hs.len()]);
        }
    }
    let mut out = Vec::new();
    for (_, (h, v)) in groups {
        // A table has two verticals and a horizontal; a fragment cut by page breaks may
        // have only one horizontal (its others are implied by where the verticals end).
        if h.is_empty() || v.len() < 2 {
            continue;
        }
        let xs = cluster(v.iter().map(|s| s.pos).collect(), SNAP);
        let mut ys = cluster(h.iter().map(|s| s.pos).collect(), SNAP);
        if xs.len() < 2 || ys.is_empty() {
            continue;
        }
        // Rows cut by a page break have no closing line: the verticals end at the cut.
        let top = v.iter().map(|s| s.from).fold(f32::MAX, f32::min);
        let bottom = v.iter().map(|s| s.to).fold(f32::MIN, f32::max);
        let open_top = top < ys[0] - 3.0 * SNAP;
        let open_bottom = bottom > ys[ys.len() - 1] + 3.0 * SNAP;
        if open_top {
            ys.insert(0, top);
        }
        if open_bottom {
            ys.push(bottom);
        }
        if ys.len() < 2 {
            continue;
        }
        let (nr, nc) = (ys.len() - 1, xs.len() - 1);
        if nr.saturating_mul(nc) > MAX_LATTICE_CELLS {
            tracing::warn!(
                rows = nr,
                columns = nc,
                "table lattice of more than {MAX_LATTICE_CELLS} cells not built"
            );
            continue;
        }
        let vcover = Cover::new(&v, &xs);
        let hcover = Cover::new(&h, &ys);
        let mut p: Vec<usize> = (0..nr * nc).collect();
        for r in 0..nr {
            for c in 0..nc {
                if c + 1 < nc {
                    let len = ys[r + 1] - ys[r];
                    if vcover.length(c + 1, ys[r], ys[r + 1]) < 0.5 * len {
                        union(&mut p, r * nc + c, r * nc + c + 1);
                    }
                }
                if r + 1 < nr {
                    let len = xs[c + 1] - xs[c];
                    if hcover.length(r + 1, xs[c], xs[c + 1]) < 0.5 * len {
                        union(&mut p, r * nc + c, (r + 1) * nc + c);
                    }
                }
            }
        }
        let mut index = std::collections::HashMap::new();
        let mut blocks: Vec<Block> = Vec::new();
        let mut owner = vec![0; nr * nc];
        for r in 0..nr {
            for c in 0..nc {
                let root = find(&mut p, r * nc + c);
                let b = *index.entry(root).or_insert_with(|| {
                    blocks.push(Block {
                        r0: r,
                        r1: r,
                        c0: c,
                        c1: c,
                        glyphs: Vec::new(),
                        open_top: false,
                        open_bottom: false,
                    });
                    blocks.len() - 1
                });
                let bl = &mut blocks[b];
                bl.r1 = bl.r1.max(r);
                bl.c0 = bl.c0.min(c);
                bl.c1 = bl.c1.max(c);
                owner[r * nc + c] = b;
            }
        }
        for b in &mut blocks {
            let (x0, x1) = (xs[b.c0], xs[b.c1 + 1]);
            let closed = |r: usize| hcover.length(r, x0, x1) >= 0.5 * (x1 - x0);
            b.open_top = b.r0 == 0 && !closed(0);
            b.open_bottom = b.r1 + 1 == nr && !closed(nr);
        }
        out.push(Table {
            xs,
            ys,
            open_top,
            open_bottom,
            blocks,
            owner,
        });
    }
    out
}
