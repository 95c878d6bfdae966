//! Ruling lines printed in a page image, found by run lengths.
//!
//! A ruling is a long, dense, thin run of ink: rows (for horizontal lines) are scanned for
//! runs of ink that may be broken by gaps of a few pixels (bilevel scans break thin
//! strokes), at least [`MIN_H_LEN_IN`] / [`MIN_V_LEN_IN`] long and almost solid; runs
//! of neighbouring rows that overlap form one line. Text does not pass: a row through
//! characters is broken at every character gap wider than the bridge, and a line of
//! text is thicker than any ruling.

/// Ink bitmap: `width × height`, true where ink.
#[derive(Debug, Clone)]
pub struct Ink {
    /// Width in pixels.
    pub width: usize,
    /// Height in pixels.
    pub height: usize,
    /// Row-major ink flags.
    pub bits: Vec<bool>,
}

impl Ink {
    /// Pixels darker than `thr` are ink.
    pub fn of(r: &jixiao_raster::Raster, thr: u8) -> Self {
        Ink {
            width: r.width,
            height: r.height,
            bits: r.pixels.iter().map(|v| *v < thr).collect(),
        }
    }

    fn transposed(&self) -> Ink {
        let mut bits = vec![false; self.bits.len()];
        for y in 0..self.height {
            for x in 0..self.width {
                bits[x * self.height + y] = self.bits[y * self.width + x];
            }
        }
        Ink {
            width: self.height,
            height: self.width,
            bits,
        }
    }

    /// Ink pixels in `[x0, x1) × [y0, y1)`.
    pub fn count(&self, x0: usize, y0: usize, x1: usize, y1: usize) -> usize {
        let mut n = 0;
        for y in y0..y1.min(self.height) {
            n += self.bits
                [y * self.width + x0.min(self.width)..y * self.width + x1.min(self.width)]
                .iter()
                .filter(|b| **b)
                .count();
        }
        n
    }
}

/// Shortest horizontal ruling, inches: the narrowest column of these forms is ~0.5 in.
pub const MIN_H_LEN_IN: f32 = 0.25;
/// Shortest vertical ruling, inches: above the tallest stroke of 10–12 pt characters.
pub const MIN_V_LEN_IN: f32 = 0.17;
/// Gaps bridged inside a ruling, inches (~2 px at 300 dpi): broken strokes of bilevel
/// scans; narrower than the space between two characters.
const BRIDGE_IN: f32 = 0.008;
/// Share of a ruling's run that must be ink.
const MIN_DENSITY: f32 = 0.9;
/// Thickest ruling, inches (~2.2 pt); thicker runs are solid areas, not lines.
const MAX_THICK_IN: f32 = 0.03;

/// A ruling in pixels: `pos` across, `from..to` along, `thick` across.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Ruling {
    /// True for a horizontal line.
    pub horizontal: bool,
    /// Centre across the line (y of a horizontal line).
    pub pos: f32,
    /// Start along the line.
    pub from: f32,
    /// End along the line.
    pub to: f32,
    /// First pixel row (column) of the line across.
    pub lo: usize,
    /// Last pixel row (column) of the line across.
    pub hi: usize,
}

/// Runs of one row: (from, to) of bridged, dense, long runs.
fn runs(row: &[bool], min_len: usize, bridge: usize) -> Vec<(usize, usize)> {
    let mut out = Vec::new();
    let mut x = 0;
    let n = row.len();
    while x < n {
        if !row[x] {
            x += 1;
            continue;
        }
        let start = x;
        let (mut last, mut ink) = (x, 0usize);
        while x < n && x - last <= bridge + 1 {
            if row[x] {
                last = x;
                ink += 1;
            }
            x += 1;
        }
        let len = last + 1 - start;
        if len >= min_len && ink as f32 >= MIN_DENSITY * len as f32 {
            out.push((start, last + 1));
        }
        x = last + 1;
    }
    out
}

fn horizontal(
    ink: &Ink,
    min_len: usize,
    bridge: usize,
    max_thick: usize,
    horizontal: bool,
) -> Vec<Ruling> {
    // Open lines: (lo, hi, from, to, weighted position sum, rows).
    let mut open: Vec<(usize, usize, usize, usize)> = Vec::new();
    let mut done: Vec<(usize, usize, usize, usize)> = Vec::new();
    for y in 0..ink.height {
        let row = &ink.bits[y * ink.width..(y + 1) * ink.width];
        let rs = runs(row, min_len, bridge);
        let mut next: Vec<(usize, usize, usize, usize)> = Vec::new();
        let mut used = vec![false; open.len()];
        for (a, b) in rs {
            // Join the open line this run overlaps most.
            let hit = open
                .iter()
                .enumerate()
                .find(|(k, o)| !used[*k] && o.1 + 1 == y && a < o.3 && b > o.2);
            match hit {
                Some((k, o)) => {
                    used[k] = true;
                    next.push((o.0, y, o.2.min(a), o.3.max(b)));
                }
                None => next.push((y, y, a, b)),
            }
        }
        for (k, o) in open.iter().enumerate() {
            if !used[k] {
                done.push(*o);
            }
        }
        open = next;
    }
    done.extend(open);
    done.into_iter()
        .filter(|o| o.1 - o.0 < max_thick)
        .map(|(lo, hi, from, to)| Ruling {
            horizontal,
            pos: (lo + hi) as f32 / 2.0 + 0.5,
            from: from as f32,
            to: to as f32,
            lo,
            hi,
        })
        .collect()
}

/// Every ruling of the page (`dpi`: pixels per inch of the image).
pub fn find(ink: &Ink, dpi: f32) -> Vec<Ruling> {
    let px = |inches: f32| ((inches * dpi).round() as usize).max(1);
    let mut out = horizontal(
        ink,
        px(MIN_H_LEN_IN),
        px(BRIDGE_IN),
        px(MAX_THICK_IN) + 1,
        true,
    );
    out.extend(horizontal(
        &ink.transposed(),
        px(MIN_V_LEN_IN),
        px(BRIDGE_IN),
        px(MAX_THICK_IN) + 1,
        false,
    ));
    out
}

/// Clears the rulings' pixels (and one on each side, their blur) from `ink`, so what is
/// left is text; returns the cleared pixels as a mask (row-major, `ink`'s size).
pub fn erase(ink: &mut Ink, rulings: &[Ruling]) -> Vec<bool> {
    let mut mask = vec![false; ink.bits.len()];
    for r in rulings {
        let (a, b) = (
            r.from as usize,
            (r.to as usize).min(if r.horizontal { ink.width } else { ink.height }),
        );
        for across in r.lo.saturating_sub(1)..=(r.hi + 1) {
            for along in a..b {
                let (x, y) = if r.horizontal {
                    (along, across)
                } else {
                    (across, along)
                };
                if x < ink.width && y < ink.height {
                    ink.bits[y * ink.width + x] = false;
                    mask[y * ink.width + x] = true;
                }
            }
        }
    }
    mask
}

#[cfg(test)]
mod tests {
    use super::*;

    fn blank(w: usize, h: usize) -> Ink {
        Ink {
            width: w,
            height: h,
            bits: vec![false; w * h],
        }
    }

    #[test]
    fn a_grid_gives_its_lines_and_broken_strokes_are_bridged() {
        let mut ink = blank(400, 300);
        for y in [50usize, 150, 250] {
            for x in 40..360 {
                // Broken every 37 pixels by a 1-pixel gap.
                ink.bits[y * 400 + x] = x % 37 != 0;
                ink.bits[(y + 1) * 400 + x] = x % 37 != 0;
            }
        }
        for x in [40usize, 200, 359] {
            for y in 50..252 {
                ink.bits[y * 400 + x] = true;
            }
        }
        let rs = find(&ink, 200.0);
        let hs: Vec<&Ruling> = rs.iter().filter(|r| r.horizontal).collect();
        let vs: Vec<&Ruling> = rs.iter().filter(|r| !r.horizontal).collect();
        assert_eq!(hs.len(), 3, "{hs:?}");
        assert_eq!(vs.len(), 3, "{vs:?}");
        assert!(hs.iter().all(|h| h.from <= 41.0 && h.to >= 359.0));
    }

    #[test]
    fn text_like_ink_is_no_ruling() {
        // A row of "characters": 20 px wide blobs 6 px apart, 24 px tall.
        let mut ink = blank(400, 100);
        for c in 0..14 {
            let x0 = 10 + c * 26;
            for y in 30..54 {
                for x in x0..x0 + 20 {
                    ink.bits[y * 400 + x] = (x + y) % 3 == 0 || y == 40;
                }
            }
        }
        assert!(find(&ink, 200.0).is_empty());
    }
}
