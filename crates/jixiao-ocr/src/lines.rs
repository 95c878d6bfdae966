//! Text lines inside a region of the page (a table cell, or the page outside tables),
//! found by projection profiles of the text ink (rulings already erased).
//!
//! Rows holding ink form bands; bands much thinner than a line (the strokes of 二, a
//! dash, a speck) join their nearest neighbour band when close, or are dropped when
//! they hold too little ink to be text. Each band's horizontal extent is its line, cut
//! into pieces at gaps wider than `split_em` line heights (free text only: in a cell a
//! line stays whole).

use crate::rulings::Ink;

/// A band thinner than this share of the region's tallest band is a fragment.
const FRAGMENT: f32 = 0.45;
/// A fragment joins a band at most this many band heights away.
const JOIN_GAP: f32 = 0.6;
/// Fewest ink pixels of a line, as a multiple of its height (a lone `-` has about one
/// height of ink; a speck much less).
const MIN_INK_HEIGHTS: f32 = 0.8;
/// Shortest line height, pixels: below it is dust.
const MIN_HEIGHT_PX: usize = 4;
/// A blob at either end of a line with less ink than this share of height² (a speck of
/// dust; a full stop `.` has ~1 %, `。` 5 %) …
const SPECK_INK: f32 = 0.02;
/// … set off from the rest by at least this many line heights, is dropped: the model
/// reads it as `.` or `·`.
const SPECK_GAP: f32 = 0.25;

/// A text line in pixels: `[x0, y0, x1, y1)`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Line {
    /// Left.
    pub x0: usize,
    /// Top.
    pub y0: usize,
    /// Right (exclusive).
    pub x1: usize,
    /// Bottom (exclusive).
    pub y1: usize,
}

impl Line {
    /// Height in pixels.
    pub fn height(&self) -> usize {
        self.y1 - self.y0
    }
}

/// Lines in `[x0, x1) × [y0, y1)`, top to bottom, left to right. `split_em`: cut a line
/// at horizontal gaps wider than this many line heights (`None`: never).
pub fn find(
    ink: &Ink,
    x0: usize,
    y0: usize,
    x1: usize,
    y1: usize,
    split_em: Option<f32>,
) -> Vec<Line> {
    let (x1, y1) = (x1.min(ink.width), y1.min(ink.height));
    if x1 <= x0 + 2 || y1 <= y0 + 2 {
        return Vec::new();
    }
    // Ink per row; a row with a single pixel of ink is noise.
    let rows: Vec<usize> = (y0..y1)
        .map(|y| {
            ink.bits[y * ink.width + x0..y * ink.width + x1]
                .iter()
                .filter(|b| **b)
                .count()
        })
        .collect();
    let mut bands: Vec<(usize, usize)> = Vec::new();
    let mut y = 0;
    while y < rows.len() {
        if rows[y] < 2 {
            y += 1;
            continue;
        }
        let start = y;
        while y < rows.len() && rows[y] >= 2 {
            y += 1;
        }
        bands.push((start + y0, y + y0));
    }
    let tallest = bands.iter().map(|b| b.1 - b.0).max().unwrap_or(0) as f32;
    // Join fragments to their nearest band when close enough.
    let mut merged = true;
    while merged && bands.len() > 1 {
        merged = false;
        for i in 0..bands.len() {
            let h = (bands[i].1 - bands[i].0) as f32;
            if h >= FRAGMENT * tallest {
                continue;
            }
            let gap_up = (i > 0).then(|| bands[i].0 - bands[i - 1].1);
            let gap_down = (i + 1 < bands.len()).then(|| bands[i + 1].0 - bands[i].1);
            let pick = match (gap_up, gap_down) {
                (Some(u), Some(d)) => Some(if u <= d { (i - 1, u) } else { (i + 1, d) }),
                (Some(u), None) => Some((i - 1, u)),
                (None, Some(d)) => Some((i + 1, d)),
                _ => None,
            };
            if let Some((j, gap)) = pick {
                let joined = (bands[i].0.min(bands[j].0), bands[i].1.max(bands[j].1));
                if (gap as f32) <= JOIN_GAP * tallest
                    && (joined.1 - joined.0) as f32 <= 1.3 * tallest
                {
                    let (a, b) = (i.min(j), i.max(j));
                    bands[a] = joined;
                    bands.remove(b);
                    merged = true;
                    break;
                }
            }
        }
    }
    let mut out = Vec::new();
    for (by0, by1) in bands {
        let h = by1 - by0;
        if h < MIN_HEIGHT_PX {
            continue;
        }
        let cols: Vec<bool> = (x0..x1)
            .map(|x| (by0..by1).any(|y| ink.bits[y * ink.width + x]))
            .collect();
        let max_gap = split_em.map_or(usize::MAX, |em| (em * h as f32) as usize);
        let mut pieces: Vec<(usize, usize)> = Vec::new();
        let mut x = 0;
        while x < cols.len() {
            if !cols[x] {
                x += 1;
                continue;
            }
            let start = x;
            let mut last = x;
            while x < cols.len() && x - last <= max_gap.min(cols.len()) {
                if cols[x] {
                    last = x;
                }
                x += 1;
            }
            pieces.push((start + x0, last + 1 + x0));
            x = last + 1;
        }
        for (px0, px1) in pieces {
            let (px0, px1) = trim_specks(ink, px0, px1, by0, by1);
            let l = Line {
                x0: px0,
                y0: by0,
                x1: px1,
                y1: by1,
            };
            if (ink.count(l.x0, l.y0, l.x1, l.y1) as f32) < MIN_INK_HEIGHTS * h as f32 {
                continue;
            }
            // Tighten the band to this piece's own ink rows.
            out.push(l);
        }
    }
    out
}

/// `[x0, x1)` without speck blobs at its ends (see [`SPECK_INK`]).
fn trim_specks(ink: &Ink, mut x0: usize, mut x1: usize, y0: usize, y1: usize) -> (usize, usize) {
    let h = (y1 - y0) as f32;
    let col_ink = |x: usize| (y0..y1).filter(|y| ink.bits[y * ink.width + x]).count();
    let gap = (SPECK_GAP * h).ceil() as usize;
    let tiny = (SPECK_INK * h * h) as usize;
    for _ in 0..4 {
        // The first blob: ink columns up to the first gap of `gap` blank columns.
        let (mut end, mut blank, mut n) = (x0, 0, 0);
        while end < x1 && blank < gap {
            let c = col_ink(end);
            blank = if c == 0 { blank + 1 } else { 0 };
            n += c;
            end += 1;
        }
        if end < x1 && n <= tiny {
            x0 = end;
            while x0 < x1 && col_ink(x0) == 0 {
                x0 += 1;
            }
        } else {
            break;
        }
    }
    for _ in 0..4 {
        let (mut start, mut blank, mut n) = (x1, 0, 0);
        while start > x0 && blank < gap {
            let c = col_ink(start - 1);
            blank = if c == 0 { blank + 1 } else { 0 };
            n += c;
            start -= 1;
        }
        if start > x0 && n <= tiny {
            x1 = start;
            while x1 > x0 && col_ink(x1 - 1) == 0 {
                x1 -= 1;
            }
        } else {
            break;
        }
    }
    (x0, x1)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn ink_with(w: usize, h: usize, boxes: &[(usize, usize, usize, usize)]) -> Ink {
        let mut bits = vec![false; w * h];
        for &(x0, y0, x1, y1) in boxes {
            for y in y0..y1 {
                for x in x0..x1 {
                    bits[y * w + x] = true;
                }
            }
        }
        Ink {
            width: w,
            height: h,
            bits,
        }
    }

    #[test]
    fn two_lines_and_a_split_character_stay_two_lines() {
        // Line 1: a block 20 px tall; line 2: "二" as two thin strokes 8 px apart.
        let ink = ink_with(
            300,
            120,
            &[(10, 10, 200, 30), (10, 60, 30, 63), (10, 72, 30, 75)],
        );
        let lines = find(&ink, 0, 0, 300, 120, None);
        assert_eq!(lines.len(), 2, "{lines:?}");
        assert_eq!((lines[1].y0, lines[1].y1), (60, 75));
    }

    #[test]
    fn a_speck_after_the_text_is_trimmed() {
        // Text 20 px tall from x 10 to 100, a 2×2 speck 10 px after it.
        let ink = ink_with(200, 40, &[(10, 10, 100, 30), (110, 20, 112, 22)]);
        let l = find(&ink, 0, 0, 200, 40, None);
        assert_eq!(l.len(), 1);
        assert_eq!((l[0].x0, l[0].x1), (10, 100));
    }

    #[test]
    fn specks_are_no_text_and_wide_gaps_split_free_text() {
        let ink = ink_with(
            400,
            60,
            &[(5, 5, 6, 6), (10, 20, 60, 40), (300, 20, 380, 40)],
        );
        let free = find(&ink, 0, 0, 400, 60, Some(2.0));
        assert_eq!(free.len(), 2, "{free:?}");
        let cell = find(&ink, 0, 0, 400, 60, None);
        assert_eq!(cell.len(), 1);
        assert_eq!((cell[0].x0, cell[0].x1), (10, 380));
    }
}
