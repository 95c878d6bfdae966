//! Whether a short crop can hold a digit, judged from its glyphs' shapes before it is
//! read.
//!
//! Short crops (a cell's label, a number) are read at full width because CTC merges a
//! repeated digit of narrowed text. A crop of CJK text alone reads as well narrowed, at
//! three quarters of the cost, and such crops are two fifths of a dense page's short
//! crops. Printed digits are half an em wide and CJK characters a whole one: the crop's
//! ink columns are cut into glyph pieces, pieces closer together than an em are joined
//! (the radicals of `部`, `行` print apart), and a crop whose joined glyphs are all wide
//! — or too low to be a digit (`、`, `.`) — holds no digit. Anything else (digits, Latin
//! letters, brackets) is read at full width; a crop judged wrongly is caught after
//! reading, as a narrowed reading with a digit is read again at full width
//! ([`crate::rec::Recogniser::read_numbers`]).

use jixiao_raster::Raster;

/// A grey value darker than this is ink.
const INK: u8 = 128;
/// Pieces whose joined width stays within this many ink heights are one glyph.
const GLYPH_EM: f32 = 1.05;
/// A glyph narrower than this many ink heights may be a digit.
const WIDE: f32 = 0.75;
/// A glyph lower than this many ink heights is a mark (`、`, `.`, `，`), not a digit.
const MARK: f32 = 0.5;

/// A run of ink columns: `x0..=x1`, rows `top..=bottom`.
#[derive(Debug, Clone, Copy)]
struct Piece {
    x0: usize,
    x1: usize,
    top: usize,
    bottom: usize,
}

/// The runs of columns holding ink, left to right.
fn pieces(crop: &Raster) -> Vec<Piece> {
    let mut out = Vec::new();
    let mut cur: Option<Piece> = None;
    for x in 0..crop.width {
        let mut ink = (0..crop.height).filter(|&y| crop.pixels[y * crop.width + x] < INK);
        let top = ink.next();
        let bottom = ink.next_back().or(top);
        match (top, bottom) {
            (Some(t), Some(b)) => {
                cur = Some(match cur {
                    Some(p) => Piece {
                        x0: p.x0,
                        x1: x,
                        top: p.top.min(t),
                        bottom: p.bottom.max(b),
                    },
                    None => Piece {
                        x0: x,
                        x1: x,
                        top: t,
                        bottom: b,
                    },
                });
            }
            _ => out.extend(cur.take()),
        }
    }
    out.extend(cur);
    out
}

/// True when every glyph of `crop` is as wide as a CJK character or too low to be a
/// digit; false for a crop without ink.
pub(crate) fn no_digit(crop: &Raster) -> bool {
    let pieces = pieces(crop);
    let (Some(top), Some(bottom)) = (
        pieces.iter().map(|p| p.top).min(),
        pieces.iter().map(|p| p.bottom).max(),
    ) else {
        return false;
    };
    let em = (bottom - top + 1) as f32;
    let mut glyphs: Vec<Piece> = Vec::new();
    for p in pieces {
        match glyphs.last_mut() {
            Some(g) if (p.x1 - g.x0 + 1) as f32 <= GLYPH_EM * em => {
                g.x1 = p.x1;
                g.top = g.top.min(p.top);
                g.bottom = g.bottom.max(p.bottom);
            }
            _ => glyphs.push(p),
        }
    }
    glyphs.iter().all(|g| {
        (g.x1 - g.x0 + 1) as f32 >= WIDE * em || ((g.bottom - g.top + 1) as f32) < MARK * em
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A white crop 30 px high with black boxes `(x0, x1, top, bottom)`.
    fn crop(width: usize, boxes: &[(usize, usize, usize, usize)]) -> Raster {
        let mut pixels = vec![255u8; width * 30];
        for &(x0, x1, t, b) in boxes {
            for y in t..=b {
                for x in x0..=x1 {
                    pixels[y * width + x] = 0;
                }
            }
        }
        Raster {
            width,
            height: 30,
            pixels,
        }
    }

    #[test]
    fn square_glyphs_and_their_split_radicals_hold_no_digit() {
        // Two 15 px characters, the second printed as two pieces (`部`: 8 + 5 px).
        assert!(no_digit(&crop(
            60,
            &[(5, 19, 8, 23), (24, 31, 8, 23), (34, 38, 9, 22)]
        )));
        // With a low mark between them (`、`).
        assert!(no_digit(&crop(
            80,
            &[(5, 19, 8, 23), (22, 25, 19, 23), (30, 44, 8, 23)]
        )));
    }

    #[test]
    fn half_width_glyphs_may_be_digits() {
        // `10.00`: 7 px digits, 13 px high, and a low point.
        let digits = [
            (6, 12, 8, 20),
            (15, 22, 7, 20),
            (26, 26, 19, 20),
            (30, 37, 7, 20),
            (41, 48, 7, 20),
        ];
        assert!(!no_digit(&crop(56, &digits)));
        // One digit after a CJK character (`11月` ends `月`; `第1`).
        assert!(!no_digit(&crop(60, &[(5, 19, 8, 23), (24, 30, 9, 22)])));
        // No ink at all: nothing to judge, read at full width.
        assert!(!no_digit(&crop(40, &[])));
    }
}
