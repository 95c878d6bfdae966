//! Cells a producer gives away by clipping their wrapped text to them.

use super::BASELINE;
use crate::content::Glyph;

/// Cells whose text the producer wrapped over several lines, clipped to the cell and
/// centred on it (LibreOffice clips a cell's text where it overflows the cell; in rows of
/// a fixed height the first and last lines spill over the cell's top and bottom edges,
/// printed over the neighbour rows' spill): each a clip, as `[x0, y0, x1, y1]`. The
/// clip is the cell: its middle is its row's line, and its other lines are no row's.
/// A clip counts when its glyphs (those it hides included) make at least two lines
/// whose extent is centred on it within [`BASELINE`] of a line's height, and it is
/// narrower than half the page (a clip around a whole table is no cell's).
pub(super) fn centred_clips(glyphs: &[Glyph], page_width: f32) -> Vec<[f32; 4]> {
    /// The text drawn under one clip.
    struct Text {
        clip: [f32; 4],
        top: f32,
        bottom: f32,
        /// The tallest glyph's height.
        h: f32,
        /// Its lines' vertical centres.
        lines: Vec<f32>,
    }
    // Keyed by the clip's bits: one pass over the glyphs, whatever the number of clips.
    let mut by_clip: std::collections::BTreeMap<[u32; 4], Text> = Default::default();
    for g in glyphs.iter().filter(|g| !g.text.trim().is_empty()) {
        let Some(clip) = g.clip.filter(|c| c[2] - c[0] < 0.5 * page_width) else {
            continue;
        };
        let h = (g.y1 - g.y0).max(0.1);
        let t = by_clip.entry(clip.map(f32::to_bits)).or_insert(Text {
            clip,
            top: f32::MAX,
            bottom: f32::MIN,
            h,
            lines: Vec::new(),
        });
        t.top = t.top.min(g.y0);
        t.bottom = t.bottom.max(g.y1);
        t.h = t.h.max(h);
        // (A cell holds a few lines: the search stays short.)
        if t.lines.len() <= MAX_CELL_LINES
            && !t.lines.iter().any(|y| (y - g.cy()).abs() < BASELINE * h)
        {
            t.lines.push(g.cy());
        }
    }
    by_clip
        .into_values()
        .filter(|t| {
            let (mid, text_mid) = ((t.clip[1] + t.clip[3]) / 2.0, (t.top + t.bottom) / 2.0);
            t.lines.len() >= 2 && (text_mid - mid).abs() < BASELINE * t.h
        })
        .map(|t| t.clip)
        .collect()
}

/// Most lines of one clip's text [`centred_clips`] tells apart (more only make it a
/// paragraph of several lines, which it already is).
const MAX_CELL_LINES: usize = 64;
