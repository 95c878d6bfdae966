//! Text for glyphs that no table maps (Type 3 fonts, subsets without `ToUnicode` whose
//! glyphs carry no names): each distinct glyph is drawn once from its outline and read by
//! the OCR engine, so a document costs a few hundred glyph recognitions, not page OCR.
//!
//! Glyphs are drawn in strips (`PER_STRIP` a strip), each in its own em box (baseline and
//! size kept, so `.` sits low and `一` is wide) with white between them (`GAP_EM`); the
//! engine reads a strip as a line, and each character it emits goes to the glyph under its
//! centre. A glyph that gets no character or several is read again on its own. The
//! reading then meets the glyph's advance: a CJK font gives full-width punctuation a full
//! em, which a lone glyph cannot show the engine.

use crate::content::{Fonts, PageContent};
use crate::font::outline::PathEl;
use crate::{PageOcr, StripReading};
use jixiao_raster::Raster;
use std::collections::BTreeMap;

/// Pixels per em in the strips (the engine scales strips to its own line height).
const EM_PX: f32 = 32.0;
/// Strip top above the baseline, in ems.
const TOP_EM: f32 = 1.0;
/// Strip bottom below the baseline, in ems.
const BOTTOM_EM: f32 = 0.3;
/// White between two glyphs of a strip, in ems.
const GAP_EM: f32 = 0.8;
/// Glyphs per strip.
const PER_STRIP: usize = 12;
/// Advance (ems) from which a punctuation mark is the full-width form.
const FULL_WIDTH_ADVANCE: f32 = 0.8;
/// Advance (ems) below which a punctuation mark is the ASCII form.
const HALF_WIDTH_ADVANCE: f32 = 0.65;
/// Most distinct glyphs recovered per document (each costs about one character's
/// recognition); beyond it glyphs stay without text.
pub const MAX_GLYPHS: usize = 20_000;

/// What recovery did for a document.
#[derive(Debug, Clone, Copy, Default, PartialEq)]
pub struct Recovery {
    /// Glyphs shown in the document with text of their font.
    pub mapped: usize,
    /// Glyphs shown whose text was recovered from their outline.
    pub recovered: usize,
    /// Glyphs shown that stayed without text.
    pub lost: usize,
    /// Distinct glyphs recognised.
    pub distinct: usize,
}

impl Recovery {
    /// Share of the shown glyphs whose text was recovered (0–1).
    pub fn share(&self) -> f32 {
        let all = self.mapped + self.recovered + self.lost;
        if all == 0 {
            0.0
        } else {
            self.recovered as f32 / all as f32
        }
    }
}

/// One glyph drawn for reading.
struct Drawn {
    raster: Raster,
    advance: f32,
}

fn bounds(els: &[PathEl]) -> Option<[f32; 4]> {
    let mut b = [f32::MAX, f32::MAX, f32::MIN, f32::MIN];
    let mut add = |x: f32, y: f32| {
        b[0] = b[0].min(x);
        b[1] = b[1].min(y);
        b[2] = b[2].max(x);
        b[3] = b[3].max(y);
    };
    for e in els {
        match *e {
            PathEl::Move(x, y) | PathEl::Line(x, y) => add(x, y),
            PathEl::Quad(a, b, x, y) => {
                add(a, b);
                add(x, y);
            }
            PathEl::Cubic(a, b, c, d, x, y) => {
                add(a, b);
                add(c, d);
                add(x, y);
            }
            PathEl::Close => {}
        }
    }
    (b[0] <= b[2] && b[0].is_finite() && b[3].is_finite()).then_some(b)
}

fn add_path(pb: &mut tiny_skia::PathBuilder, els: &[PathEl], dx: f32) {
    let t = |x: f32, y: f32| ((x + dx) * EM_PX, (TOP_EM - y) * EM_PX);
    for e in els {
        match *e {
            PathEl::Move(x, y) => {
                let (x, y) = t(x, y);
                pb.move_to(x, y);
            }
            PathEl::Line(x, y) => {
                let (x, y) = t(x, y);
                pb.line_to(x, y);
            }
            PathEl::Quad(a, b, x, y) => {
                let ((a, b), (x, y)) = (t(a, b), t(x, y));
                pb.quad_to(a, b, x, y);
            }
            PathEl::Cubic(a, b, c, d, x, y) => {
                let ((a, b), (c, d), (x, y)) = (t(a, b), t(c, d), t(x, y));
                pb.cubic_to(a, b, c, d, x, y);
            }
            PathEl::Close => pb.close(),
        }
    }
}

/// Draws outlines at x offsets (ems) into a box `width` ems wide, [`TOP_EM`] above the
/// baseline to [`BOTTOM_EM`] below. `None` when nothing is inked.
fn draw_at(items: &[(&[PathEl], f32)], width: f32) -> Option<Raster> {
    let w = ((width * EM_PX).ceil() as u32).clamp(4, 20_000);
    let h = ((TOP_EM + BOTTOM_EM) * EM_PX).ceil() as u32;
    let mut pb = tiny_skia::PathBuilder::new();
    for (els, dx) in items {
        add_path(&mut pb, els, *dx);
    }
    let path = pb.finish()?;
    let mut pm = tiny_skia::Pixmap::new(w, h)?;
    let mut paint = tiny_skia::Paint::default();
    paint.set_color_rgba8(0, 0, 0, 255);
    paint.anti_alias = true;
    pm.fill_path(
        &path,
        &paint,
        tiny_skia::FillRule::Winding,
        tiny_skia::Transform::identity(),
        None,
    );
    let pixels: Vec<u8> = pm.data().chunks_exact(4).map(|p| 255 - p[3]).collect();
    pixels.iter().any(|p| *p < 128).then_some(Raster {
        width: w as usize,
        height: h as usize,
        pixels,
    })
}

/// Draws an outline in its em box: the box spans the advance (or the ink, if wider).
/// `None` for a glyph without ink.
fn draw(els: &[PathEl], advance: f32) -> Option<Raster> {
    let b = bounds(els)?;
    let x0 = b[0].clamp(-2.0, 0.0);
    let x1 = b[2].max(advance).min(x0 + 4.0);
    draw_at(&[(els, -x0)], x1 - x0)
}

/// Glyph rasters side by side with [`GAP_EM`] of white around each; returns the strip and
/// each glyph's pixel span.
fn strip(glyphs: &[&Raster]) -> (Raster, Vec<(f32, f32)>) {
    let gap = (GAP_EM * EM_PX) as usize;
    let h = glyphs.iter().map(|g| g.height).max().unwrap_or(1);
    let w = gap + glyphs.iter().map(|g| g.width + gap).sum::<usize>();
    let mut pixels = vec![255u8; w * h];
    let mut spans = Vec::with_capacity(glyphs.len());
    let mut x = gap;
    for g in glyphs {
        for y in 0..g.height {
            pixels[y * w + x..y * w + x + g.width]
                .copy_from_slice(&g.pixels[y * g.width..(y + 1) * g.width]);
        }
        spans.push((x as f32, (x + g.width) as f32));
        x += g.width + gap;
    }
    (
        Raster {
            width: w,
            height: h,
            pixels,
        },
        spans,
    )
}

/// The reading of a glyph, set against its advance (see the module notes).
fn by_advance(text: &str, advance: f32) -> String {
    const PAIRS: [(char, char); 7] = [
        ('(', '（'),
        (')', '）'),
        (',', '，'),
        (':', '：'),
        (';', '；'),
        ('!', '！'),
        ('?', '？'),
    ];
    let mut cs = text.chars();
    let (Some(c), None) = (cs.next(), cs.next()) else {
        return text.to_string();
    };
    for (half, full) in PAIRS {
        if c == half && advance >= FULL_WIDTH_ADVANCE {
            return full.to_string();
        }
        if c == full && advance < HALF_WIDTH_ADVANCE {
            return half.to_string();
        }
    }
    if c == '。' && advance < HALF_WIDTH_ADVANCE {
        return ".".into();
    }
    if c == '一' && advance < HALF_WIDTH_ADVANCE {
        return "-".into();
    }
    text.to_string()
}

/// Glyph key: font slot and glyph.
type Key = (u32, u32);

/// Glyphs per context line at most.
const LINE_GLYPHS: usize = 40;
/// Context lines each distinct glyph is read in (when the document has that many): one
/// settles nearly every glyph (measured: 99.9 % of fields on the Type 3 and TrueType
/// renderings); each more costs about as much again.
const READS_PER_GLYPH: usize = 1;
/// Lines per call to the engine; calls run in parallel.
const LINES_PER_CALL: usize = 16;
/// Largest gap (ems of the font size) between two glyphs of one context line.
const LINE_GAP_EM: f32 = 1.5;

/// A run of unknown glyphs as the page shows them: key and x offset (ems) of each.
struct ContextLine {
    glyphs: Vec<(Key, f32)>,
    width: f32,
}

/// Runs of unknown glyphs shown one after another on one baseline.
fn context_lines(pages: &[PageContent]) -> Vec<ContextLine> {
    let mut out = Vec::new();
    for p in pages {
        let mut cur: Vec<(Key, f32)> = Vec::new();
        let (mut x0, mut size, mut last_x1, mut last_cy, mut last_i) = (0.0, 1.0, 0.0, 0.0, 0);
        let mut flush = |cur: &mut Vec<(Key, f32)>, w: f32| {
            if !cur.is_empty() {
                out.push(ContextLine {
                    glyphs: std::mem::take(cur),
                    width: w,
                });
            }
        };
        for u in &p.unknown {
            let g = &p.glyphs[u.index];
            let cy = g.cy();
            let same = !cur.is_empty()
                && u.index == last_i + 1
                && (cy - last_cy).abs() < 0.3 * size
                && g.x0 >= last_x1 - 0.3 * size
                && g.x0 - last_x1 < LINE_GAP_EM * size
                && cur.len() < LINE_GLYPHS;
            if !same {
                let w = (last_x1 - x0) / size + 2.0 * GAP_EM;
                flush(&mut cur, w);
                x0 = g.x0;
                size = g.size.max(0.1);
            }
            cur.push(((u.font, u.glyph), (g.x0 - x0) / size + GAP_EM));
            last_x1 = g.x1;
            last_cy = cy;
            last_i = u.index;
        }
        let w = (last_x1 - x0) / size + 2.0 * GAP_EM;
        flush(&mut cur, w);
    }
    out
}

/// Readings of one glyph: text → (times, summed confidence).
type Votes = BTreeMap<String, (usize, f32)>;

/// Reads context lines chosen so that each glyph is seen up to [`READS_PER_GLYPH`]
/// times, and votes per glyph. Characters go to glyphs in order when the reading has as
/// many as the line has inked glyphs, else by their centres.
fn read_in_context(
    engine: &dyn PageOcr,
    lines: &[ContextLine],
    outlines: &BTreeMap<Key, Vec<PathEl>>,
    votes: &mut BTreeMap<Key, Votes>,
) -> Result<(), String> {
    let mut seen: BTreeMap<Key, usize> = BTreeMap::new();
    let mut chosen = Vec::new();
    for l in lines {
        let inked: Vec<&(Key, f32)> = l
            .glyphs
            .iter()
            .filter(|(k, _)| outlines.get(k).is_some_and(|o| !o.is_empty()))
            .collect();
        if inked.is_empty() {
            continue;
        }
        if inked
            .iter()
            .any(|(k, _)| seen.get(k).copied().unwrap_or(0) < READS_PER_GLYPH)
        {
            for (k, _) in &inked {
                *seen.entry(*k).or_default() += 1;
            }
            chosen.push(l);
        }
    }
    let mut rasters = Vec::new();
    let mut spans = Vec::new();
    let mut keys = Vec::new();
    for l in &chosen {
        let items: Vec<(&[PathEl], f32)> = l
            .glyphs
            .iter()
            .filter_map(|(k, x)| outlines.get(k).map(|o| (o.as_slice(), *x)))
            .collect();
        let Some(r) = draw_at(&items, l.width) else {
            continue;
        };
        let mut sp = Vec::new();
        let mut ks = Vec::new();
        for (k, x) in &l.glyphs {
            let Some(b) = outlines.get(k).and_then(|o| bounds(o)) else {
                continue;
            };
            sp.push(((x + b[0]) * EM_PX, (x + b[2]) * EM_PX));
            ks.push(*k);
        }
        rasters.push(r);
        spans.push(sp);
        keys.push(ks);
    }
    let readings: Vec<StripReading> = {
        use rayon::prelude::*;
        let parts: Vec<Result<Vec<StripReading>, String>> = rasters
            .par_chunks(LINES_PER_CALL)
            .map(|c| engine.read_strips(c))
            .collect();
        let mut all = Vec::with_capacity(rasters.len());
        for p in parts {
            all.extend(p?);
        }
        all
    };
    for ((r, sp), ks) in readings.iter().zip(&spans).zip(&keys) {
        let chars: Vec<&(String, f32)> = r
            .chars
            .iter()
            .filter(|(t, _)| !t.trim().is_empty())
            .collect();
        let mut got: Vec<Vec<&str>> = vec![Vec::new(); ks.len()];
        if chars.len() == ks.len() {
            for (i, (t, _)) in chars.iter().enumerate() {
                got[i].push(t);
            }
        } else {
            for (t, x) in &chars {
                // The glyph whose ink is nearest the centre.
                let best = sp
                    .iter()
                    .enumerate()
                    .map(|(i, (a, b))| {
                        (
                            i,
                            if x < a {
                                a - x
                            } else if x > b {
                                x - b
                            } else {
                                0.0
                            },
                        )
                    })
                    .min_by(|a, b| a.1.total_cmp(&b.1));
                if let Some((i, d)) = best {
                    if d < 0.25 * EM_PX {
                        got[i].push(t);
                    }
                }
            }
        }
        for (k, g) in ks.iter().zip(got) {
            if g.len() == 1 {
                let e = votes
                    .entry(*k)
                    .or_default()
                    .entry(g[0].to_string())
                    .or_default();
                e.0 += 1;
                e.1 += r.confidence;
            }
        }
    }
    Ok(())
}

/// Fills in the text of every unknown glyph of `pages` that its font can draw, reading
/// the drawings with `engine`: in the lines the page shows them in (context tells `.`
/// from `·` and `=` from `二`), then alone for glyphs no line settled. Glyphs still without
/// text are dropped from the pages.
pub fn recover(
    pages: &mut [PageContent],
    fonts: &Fonts,
    engine: Option<&dyn PageOcr>,
) -> Result<Recovery, String> {
    let mut rec = Recovery::default();
    let mut wanted: BTreeMap<Key, f32> = BTreeMap::new();
    for p in pages.iter() {
        rec.mapped += p.glyphs.len() - p.unknown.len();
        for u in &p.unknown {
            wanted.entry((u.font, u.glyph)).or_insert(u.advance);
        }
    }
    let mut texts: BTreeMap<Key, (String, f32)> = BTreeMap::new();
    if let Some(engine) = engine.filter(|_| !wanted.is_empty()) {
        let mut outlines: BTreeMap<Key, Vec<PathEl>> = BTreeMap::new();
        for &(font, glyph) in wanted.keys().take(MAX_GLYPHS) {
            if let Some(els) = fonts.slot(font).and_then(|f| f.outline(glyph)) {
                if bounds(&els).is_none() {
                    texts.insert((font, glyph), (" ".into(), 1.0));
                }
                outlines.insert((font, glyph), els);
            }
        }
        let mut votes: BTreeMap<Key, Votes> = BTreeMap::new();
        read_in_context(engine, &context_lines(pages), &outlines, &mut votes)?;
        for (k, v) in &votes {
            if let Some((t, (n, c))) = v
                .iter()
                .max_by(|a, b| a.1 .0.cmp(&b.1 .0).then(a.1 .1.total_cmp(&b.1 .1)))
            {
                let adv = wanted.get(k).copied().unwrap_or(1.0);
                texts.insert(*k, (by_advance(t, adv), c / *n as f32));
            }
        }
        let mut drawn: Vec<(Key, Drawn)> = Vec::new();
        for (k, els) in &outlines {
            if texts.contains_key(k) {
                continue;
            }
            let advance = wanted.get(k).copied().unwrap_or(1.0);
            if let Some(raster) = draw(els, advance) {
                drawn.push((*k, Drawn { raster, advance }));
            }
        }
        rec.distinct = outlines.len();
        read_drawn(engine, &drawn, &mut texts)?;
    }
    for p in pages.iter_mut() {
        let mut keep = vec![true; p.glyphs.len()];
        for u in &p.unknown {
            match texts.get(&(u.font, u.glyph)) {
                Some((t, c)) if !t.is_empty() => {
                    let g = &mut p.glyphs[u.index];
                    g.text = t.clone();
                    g.confidence = Some(*c);
                    rec.recovered += 1;
                }
                _ => {
                    keep[u.index] = false;
                    rec.lost += 1;
                }
            }
        }
        let mut k = keep.iter();
        p.glyphs.retain(|_| *k.next().unwrap_or(&true));
        p.unknown.clear();
    }
    Ok(rec)
}

/// Reads the drawn glyphs in strips, then alone those a strip did not settle.
fn read_drawn(
    engine: &dyn PageOcr,
    drawn: &[(Key, Drawn)],
    texts: &mut BTreeMap<Key, (String, f32)>,
) -> Result<(), String> {
    if drawn.is_empty() {
        return Ok(());
    }
    let mut strips = Vec::new();
    let mut spans = Vec::new();
    for chunk in drawn.chunks(PER_STRIP) {
        let rs: Vec<&Raster> = chunk.iter().map(|(_, d)| &d.raster).collect();
        let (s, sp) = strip(&rs);
        strips.push(s);
        spans.push(sp);
    }
    let readings = engine.read_strips(&strips)?;
    let half_gap = GAP_EM * EM_PX / 2.0;
    let mut again = Vec::new();
    for (ci, ((chunk, sp), r)) in drawn
        .chunks(PER_STRIP)
        .zip(&spans)
        .zip(&readings)
        .enumerate()
    {
        let mut got: Vec<String> = vec![String::new(); chunk.len()];
        let mut count = vec![0usize; chunk.len()];
        for (t, x) in &r.chars {
            if let Some(i) = sp
                .iter()
                .position(|(a, b)| *x >= a - half_gap && *x < b + half_gap)
            {
                got[i].push_str(t);
                count[i] += 1;
            }
        }
        for (i, (key, d)) in chunk.iter().enumerate() {
            if count[i] == 1 {
                texts.insert(*key, (by_advance(&got[i], d.advance), r.confidence));
            } else {
                again.push(ci * PER_STRIP + i);
            }
        }
    }
    if again.is_empty() {
        return Ok(());
    }
    let alone: Vec<Raster> = again
        .iter()
        .map(|&i| strip(&[&drawn[i].1.raster]).0)
        .collect();
    let readings = engine.read_strips(&alone)?;
    for (&i, r) in again.iter().zip(&readings) {
        let t: String = r.chars.iter().map(|(t, _)| t.as_str()).collect();
        let (key, d) = &drawn[i];
        texts.insert(*key, (by_advance(t.trim(), d.advance), r.confidence));
    }
    Ok(())
}

/// Turns strip readings into [`StripReading`]s (for engines reporting text, per-character
/// centres and a confidence).
pub fn strip_reading(text: &str, centres: &[f32], confidence: f32) -> StripReading {
    StripReading {
        chars: text
            .chars()
            .zip(centres)
            .map(|(c, x)| (c.to_string(), *x))
            .collect(),
        confidence,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn advance_decides_the_width_of_punctuation() {
        assert_eq!(by_advance("(", 1.0), "（");
        assert_eq!(by_advance("（", 0.3), "(");
        assert_eq!(by_advance("(", 0.3), "(");
        assert_eq!(by_advance("%", 1.0), "%");
        assert_eq!(by_advance("一", 0.5), "-");
        assert_eq!(by_advance("财", 1.0), "财");
        assert_eq!(by_advance("ab", 1.0), "ab");
    }

    #[test]
    fn draws_ink_in_its_em_box() {
        // A bar from x 0.1 to 0.9 em, 0.4 to 0.5 em above the baseline.
        let els = [
            PathEl::Move(0.1, 0.4),
            PathEl::Line(0.9, 0.4),
            PathEl::Line(0.9, 0.5),
            PathEl::Line(0.1, 0.5),
            PathEl::Close,
        ];
        let r = draw(&els, 1.0).expect("ink");
        assert_eq!(r.width, EM_PX as usize);
        let dark = |x: usize, y: usize| r.pixels[y * r.width + x] < 128;
        // Row 0.45 em above the baseline: (1.0 - 0.45) * 32 ≈ 17.6.
        assert!(dark(16, 17) && !dark(1, 17) && !dark(16, 5));
        assert!(draw(&[], 1.0).is_none());
        let (s, spans) = strip(&[&r, &r]);
        assert_eq!(spans.len(), 2);
        assert_eq!(s.width, 3 * (GAP_EM * EM_PX) as usize + 2 * r.width);
    }
}
