//! A content-stream pass over one page: positioned glyphs, ruling lines and image areas.
//!
//! Interprets the graphics and text state operators (ISO 32000-1, §8–9) far enough to
//! place every glyph and every straight path. Coordinates are turned into the page *as
//! displayed*: origin at the top-left corner, y growing downwards, `/Rotate` applied, so a
//! landscape page drawn rotated on a portrait sheet reads like any other page. Streams
//! are not in reading order (LibreOffice writes clipped cells last): callers order by
//! position.

use crate::font::Font;
use crate::obj::{num, resolve};
use lopdf::content::{Content, Operation};
use lopdf::{Dictionary, Document, Object, ObjectId};
use std::collections::HashMap;
use std::rc::Rc;

/// A glyph on the page, in display coordinates (points, top-left origin).
#[derive(Debug, Clone, PartialEq)]
pub struct Glyph {
    /// Unicode text of the glyph (usually one character).
    pub text: String,
    /// Left edge.
    pub x0: f32,
    /// Top edge.
    pub y0: f32,
    /// Right edge.
    pub x1: f32,
    /// Bottom edge.
    pub y1: f32,
    /// Font size as drawn (points).
    pub size: f32,
    /// The clipping rectangle the glyph was drawn under, when one was set (display
    /// coordinates `[x0, y0, x1, y1]`). Spreadsheet producers clip each cell's text to
    /// the cell, so the clip tells which cell an overflowing glyph belongs to.
    pub clip: Option<[f32; 4]>,
    /// Recognition confidence (0–1) when the glyph was read by OCR; `None` for glyphs of
    /// a text layer.
    pub confidence: Option<f32>,
}

impl Glyph {
    /// Horizontal centre.
    pub fn cx(&self) -> f32 {
        (self.x0 + self.x1) / 2.0
    }
    /// Vertical centre.
    pub fn cy(&self) -> f32 {
        (self.y0 + self.y1) / 2.0
    }
    /// True when the glyph's centre lies outside the clip it was drawn under: text
    /// overflowing its cell, not printed.
    pub fn hidden(&self) -> bool {
        self.clip.is_some_and(|[x0, y0, x1, y1]| {
            self.cx() < x0 || self.cx() > x1 || self.cy() < y0 || self.cy() > y1
        })
    }
}

/// An axis-aligned ruling line in display coordinates.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Segment {
    /// True for a horizontal line (`pos` is its y), false for a vertical one (`pos` is x).
    pub horizontal: bool,
    /// y of a horizontal line, x of a vertical one.
    pub pos: f32,
    /// Start along the line (x for horizontal, y for vertical).
    pub from: f32,
    /// End along the line.
    pub to: f32,
}

/// What one page holds.
#[derive(Debug, Clone, Default)]
pub struct PageContent {
    /// Displayed width (points).
    pub width: f32,
    /// Displayed height (points).
    pub height: f32,
    /// Glyphs in stream order.
    pub glyphs: Vec<Glyph>,
    /// Ruling lines.
    pub segments: Vec<Segment>,
    /// Shaded rectangles (filled, not white, thicker than a rule) as `[x0, y0, x1, y1]`,
    /// at most [`MAX_FILLS_PER_PAGE`]: rows or cells printed as shading instead of lines.
    pub fills: Vec<[f32; 4]>,
    /// Area covered by images, in square points (may double-count overlaps).
    pub image_area: f32,
    /// The image XObjects drawn (at most [`crate::images::MAX_IMAGES_PER_PAGE`]), for OCR.
    pub images: Vec<crate::images::PlacedImage>,
    /// True when the operation budget ran out before the stream ended.
    pub truncated: bool,
    /// Why a content stream of the page could not be decoded (the page is read without
    /// it).
    pub content_error: Option<String>,
    /// Glyphs of `glyphs` whose font gave no text but can draw them (their text is empty
    /// until [`crate::recover`] fills it in).
    pub unknown: Vec<UnknownGlyph>,
}

/// Most shaded rectangles kept a page (a form page shades at most a few hundred rows
/// or cells); past it the rest are not kept.
pub const MAX_FILLS_PER_PAGE: usize = 5_000;

/// A glyph without text: where it is in [`PageContent::glyphs`] and which glyph of which
/// font it is.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct UnknownGlyph {
    /// Index into the page's glyphs.
    pub index: usize,
    /// The font's index in the document's [`Fonts`].
    pub font: u32,
    /// The glyph in the font (see [`crate::font::ShownGlyph::glyph`]).
    pub glyph: u32,
    /// Its advance, in ems.
    pub advance: f32,
}

/// Most operations interpreted per page (form XObjects included); bounds time on
/// hostile or degenerate streams.
pub const MAX_OPS_PER_PAGE: usize = 2_000_000;
/// Deepest nesting of form XObjects.
const MAX_FORM_DEPTH: usize = 8;
/// Largest decompressed content per page or form.
pub const MAX_CONTENT_BYTES: usize = 64 * 1024 * 1024;
/// Most content bytes decoded and parsed for one page, its page streams, form XObjects
/// and annotation appearances together: a form drawn many times is decoded once (see
/// [`Fonts`]), but forms too large to keep are charged on every draw.
pub const MAX_PAGE_CONTENT_BYTES: usize = 256 * 1024 * 1024;
/// Most bytes of parsed form XObjects kept per document (counted as their decoded
/// size).
const MAX_FORM_CACHE_BYTES: usize = 64 * 1024 * 1024;

type M = [f32; 6];
const ID: M = [1.0, 0.0, 0.0, 1.0, 0.0, 0.0];

fn mul(a: &M, b: &M) -> M {
    [
        a[0] * b[0] + a[1] * b[2],
        a[0] * b[1] + a[1] * b[3],
        a[2] * b[0] + a[3] * b[2],
        a[2] * b[1] + a[3] * b[3],
        a[4] * b[0] + a[5] * b[2] + b[4],
        a[4] * b[1] + a[5] * b[3] + b[5],
    ]
}

fn apply(m: &M, x: f32, y: f32) -> (f32, f32) {
    (m[0] * x + m[2] * y + m[4], m[1] * x + m[3] * y + m[5])
}

fn nums<const N: usize>(ops: &[Object]) -> Option<[f32; N]> {
    if ops.len() < N {
        return None;
    }
    let mut out = [0.0; N];
    for (o, v) in ops[ops.len() - N..].iter().zip(out.iter_mut()) {
        *v = num(o)?;
    }
    Some(out)
}

/// The display transform of a page: default user space → top-left origin, rotated.
pub fn display_matrix(media: [f32; 4], rotate: i64) -> (M, f32, f32) {
    let [x0, y0, x1, y1] = media;
    let (w, h) = (x1 - x0, y1 - y0);
    match rotate.rem_euclid(360) {
        90 => ([0.0, 1.0, 1.0, 0.0, -y0, -x0], h, w),
        180 => ([-1.0, 0.0, 0.0, 1.0, x1, -y0], w, h),
        270 => ([0.0, -1.0, -1.0, 0.0, y1, x1], h, w),
        _ => ([1.0, 0.0, 0.0, -1.0, -x0, y1], w, h),
    }
}

#[derive(Clone)]
struct GState {
    ctm: M,
    fill_white: bool,
    stroke_white: bool,
    font: Option<Rc<Font>>,
    size: f32,
    char_spacing: f32,
    word_spacing: f32,
    hscale: f32,
    leading: f32,
    rise: f32,
    clip: Option<[f32; 4]>,
}

/// Caches shared by the pages of one document: its fonts (every font read has a slot)
/// and its form XObjects, parsed once however often and on whichever page they are
/// drawn.
#[derive(Default)]
pub struct Fonts {
    by_id: HashMap<ObjectId, Rc<Font>>,
    slots: Vec<Rc<Font>>,
    /// Parsed form XObjects by the address of their stream in the document.
    forms: HashMap<usize, Rc<Vec<Operation>>>,
    /// Decoded bytes of the forms in `forms`.
    form_bytes: usize,
}

impl Fonts {
    /// The font in `slot`.
    pub fn slot(&self, slot: u32) -> Option<&Font> {
        self.slots.get(slot as usize).map(|f| f.as_ref())
    }

    fn add(&mut self, mut f: Font) -> Rc<Font> {
        f.slot = self.slots.len() as u32;
        let f = Rc::new(f);
        self.slots.push(f.clone());
        f
    }
}

/// A subpath: display-space points, closed, has curves.
type SubPath = (Vec<(f32, f32)>, bool, bool);

struct Interp<'a> {
    doc: &'a Document,
    fonts: &'a mut Fonts,
    out: PageContent,
    ops: usize,
    /// Content bytes decoded for this page so far (see [`MAX_PAGE_CONTENT_BYTES`]).
    bytes: usize,
    /// Current path.
    path: Vec<SubPath>,
    /// A `W`/`W*` is pending: the next painting operator sets the clip.
    clip_pending: bool,
    /// Form XObjects being drawn (by address), so that one drawing itself is caught.
    forms: Vec<usize>,
}

fn is_white(vals: &[f32]) -> bool {
    match vals.len() {
        1 => vals[0] >= 0.95,
        3 => vals.iter().all(|v| *v >= 0.95),
        4 => vals.iter().all(|v| *v <= 0.05),
        _ => false,
    }
}

impl<'a> Interp<'a> {
    fn font(&mut self, res: &[&'a Dictionary], name: &[u8]) -> Option<Rc<Font>> {
        for r in res {
            let Ok(fonts) = r.get(b"Font") else { continue };
            let Object::Dictionary(fonts) = resolve(self.doc, fonts) else {
                continue;
            };
            let Ok(entry) = fonts.get(name) else { continue };
            let id = match entry {
                Object::Reference(id) => Some(*id),
                _ => None,
            };
            if let Some(f) = id.and_then(|id| self.fonts.by_id.get(&id)) {
                return Some(f.clone());
            }
            let Object::Dictionary(d) = resolve(self.doc, entry) else {
                continue;
            };
            let f = self.fonts.add(Font::from_dict(self.doc, d));
            if let Some(id) = id {
                self.fonts.by_id.insert(id, f.clone());
            }
            return Some(f);
        }
        None
    }

    /// Draws the normal appearance of every visible annotation (filled-in form fields keep
    /// their values only there), mapped onto its `Rect` as PDF 32000 12.5.5 says.
    fn annotations(&mut self, page: &'a Dictionary, res: &[&'a Dictionary], gs: &GState) {
        let doc = self.doc;
        let Some(Object::Array(annots)) = page.get(b"Annots").ok().map(|o| resolve(doc, o)) else {
            return;
        };
        for a in annots {
            let Object::Dictionary(a) = resolve(doc, a) else {
                continue;
            };
            let sub = crate::obj::name(doc, a, b"Subtype").unwrap_or(b"");
            if matches!(sub, b"Popup" | b"Link") {
                continue;
            }
            if crate::obj::get(doc, a, b"F")
                .and_then(|o| o.as_i64().ok())
                .is_some_and(|f| f & ANNOT_HIDDEN != 0)
            {
                continue;
            }
            let Some(Object::Dictionary(ap)) = crate::obj::get(doc, a, b"AP") else {
                continue;
            };
            let x = match crate::obj::get(doc, ap, b"N") {
                Some(Object::Stream(x)) => x,
                Some(Object::Dictionary(states)) => {
                    let Some(state) = crate::obj::name(doc, a, b"AS") else {
                        continue;
                    };
                    match crate::obj::get(doc, states, state) {
                        Some(Object::Stream(x)) => x,
                        _ => continue,
                    }
                }
                _ => continue,
            };
            let rect = match crate::obj::get(doc, a, b"Rect") {
                Some(Object::Array(r)) => nums::<4>(r),
                _ => None,
            };
            let Some([rx0, ry0, rx1, ry1]) = rect else {
                continue;
            };
            let bbox = match crate::obj::get(doc, &x.dict, b"BBox") {
                Some(Object::Array(b)) => nums::<4>(b),
                _ => None,
            };
            let Some(bbox) = bbox else { continue };
            let m = match crate::obj::get(doc, &x.dict, b"Matrix") {
                Some(Object::Array(m)) => nums::<6>(m).unwrap_or(ID),
                _ => ID,
            };
            // The form's bounding box through its matrix, fitted onto the rectangle.
            let corners = [
                apply(&m, bbox[0], bbox[1]),
                apply(&m, bbox[2], bbox[1]),
                apply(&m, bbox[0], bbox[3]),
                apply(&m, bbox[2], bbox[3]),
            ];
            let (bx0, by0, bx1, by1) = corners.iter().fold(
                (f32::MAX, f32::MAX, f32::MIN, f32::MIN),
                |(a, b, c, d), (x, y)| (a.min(*x), b.min(*y), c.max(*x), d.max(*y)),
            );
            if bx1 - bx0 <= 0.0 || by1 - by0 <= 0.0 {
                continue;
            }
            let (sx, sy) = (
                (rx1.max(rx0) - rx0.min(rx1)) / (bx1 - bx0),
                (ry1.max(ry0) - ry0.min(ry1)) / (by1 - by0),
            );
            let fit = [
                sx,
                0.0,
                0.0,
                sy,
                rx0.min(rx1) - bx0 * sx,
                ry0.min(ry1) - by0 * sy,
            ];
            let Some(ops) = self.form_ops(x) else {
                continue;
            };
            let mut inner = gs.clone();
            inner.ctm = mul(&mul(&m, &fit), &gs.ctm);
            let mut res2: Vec<&'a Dictionary> = Vec::new();
            if let Some(Object::Dictionary(r)) = crate::obj::get(doc, &x.dict, b"Resources") {
                res2.push(r);
            }
            res2.extend_from_slice(res);
            self.path.clear();
            self.run(&mut ops.iter().cloned(), &res2, inner, 1);
        }
    }

    fn xobject(&self, res: &[&'a Dictionary], name: &[u8]) -> Option<&'a lopdf::Stream> {
        for r in res {
            let Ok(xs) = r.get(b"XObject") else { continue };
            let Object::Dictionary(xs) = resolve(self.doc, xs) else {
                continue;
            };
            if let Ok(entry) = xs.get(name) {
                if let Object::Stream(s) = resolve(self.doc, entry) {
                    return Some(s);
                }
            }
        }
        None
    }

    fn flush_path(&mut self, gs: &mut GState, stroke: bool, fill: bool) {
        let path = std::mem::take(&mut self.path);
        if std::mem::take(&mut self.clip_pending) {
            let pts = path.iter().flat_map(|sp| sp.0.iter());
            let (mut x0, mut y0, mut x1, mut y1) = (f32::MAX, f32::MAX, f32::MIN, f32::MIN);
            for (x, y) in pts {
                x0 = x0.min(*x);
                y0 = y0.min(*y);
                x1 = x1.max(*x);
                y1 = y1.max(*y);
            }
            if x0 <= x1 && y0 <= y1 {
                gs.clip = Some(match gs.clip {
                    Some([a, b, c, d]) => [x0.max(a), y0.max(b), x1.min(c), y1.min(d)],
                    None => [x0, y0, x1, y1],
                });
            }
        }
        for (pts, closed, curved) in path {
            if curved || pts.len() < 2 {
                continue;
            }
            if stroke && !gs.stroke_white {
                let n = pts.len();
                let pairs = if closed { n } else { n - 1 };
                for i in 0..pairs {
                    let (a, b) = (pts[i], pts[(i + 1) % n]);
                    self.line(a, b);
                }
            }
            if fill && !gs.fill_white {
                let (mut x0, mut y0, mut x1, mut y1) = (f32::MAX, f32::MAX, f32::MIN, f32::MIN);
                for (x, y) in &pts {
                    x0 = x0.min(*x);
                    y0 = y0.min(*y);
                    x1 = x1.max(*x);
                    y1 = y1.max(*y);
                }
                let on_box = pts.iter().all(|(x, y)| {
                    ((x - x0).abs() < 0.5 || (x - x1).abs() < 0.5)
                        && ((y - y0).abs() < 0.5 || (y - y1).abs() < 0.5)
                });
                if !on_box {
                    continue;
                }
                let (w, h) = (x1 - x0, y1 - y0);
                if h <= 2.5 && w > h {
                    self.push_segment(true, (y0 + y1) / 2.0, x0, x1);
                } else if w <= 2.5 && h > w {
                    self.push_segment(false, (x0 + x1) / 2.0, y0, y1);
                } else if w > 2.5
                    && h > 2.5
                    && [x0, y0, x1, y1].iter().all(|v| v.is_finite())
                    && self.out.fills.len() < MAX_FILLS_PER_PAGE
                {
                    self.out.fills.push([x0, y0, x1, y1]);
                }
            }
        }
    }

    fn line(&mut self, a: (f32, f32), b: (f32, f32)) {
        if (a.1 - b.1).abs() < 0.5 && (a.0 - b.0).abs() >= 0.5 {
            self.push_segment(true, (a.1 + b.1) / 2.0, a.0.min(b.0), a.0.max(b.0));
        } else if (a.0 - b.0).abs() < 0.5 && (a.1 - b.1).abs() >= 0.5 {
            self.push_segment(false, (a.0 + b.0) / 2.0, a.1.min(b.1), a.1.max(b.1));
        }
    }

    fn push_segment(&mut self, horizontal: bool, pos: f32, from: f32, to: f32) {
        if pos.is_finite() && from.is_finite() && to.is_finite() {
            self.out.segments.push(Segment {
                horizontal,
                pos,
                from,
                to,
            });
        }
    }

    fn image(&mut self, ctm: &M, stream: Option<&lopdf::Stream>) {
        let (x0, y0) = apply(ctm, 0.0, 0.0);
        let (x1, y1) = apply(ctm, 1.0, 1.0);
        let area = ((x1 - x0) * (y1 - y0)).abs();
        if area.is_finite() {
            self.out.image_area += area;
        }
        if let Some(s) = stream {
            if self.out.images.len() < crate::images::MAX_IMAGES_PER_PAGE {
                self.out
                    .images
                    .push(crate::images::PlacedImage::new(self.doc, s, *ctm));
            }
        }
    }

    fn show(&mut self, gs: &GState, tm: &mut M, bytes: &[u8]) {
        let Some(font) = gs.font.clone() else { return };
        for g in font.decode(bytes) {
            let trm = mul(
                &[gs.size * gs.hscale, 0.0, 0.0, gs.size, 0.0, gs.rise],
                &mul(tm, &gs.ctm),
            );
            let corners = [
                apply(&trm, 0.0, -0.12),
                apply(&trm, g.width, -0.12),
                apply(&trm, 0.0, 0.88),
                apply(&trm, g.width, 0.88),
            ];
            let (mut x0, mut y0, mut x1, mut y1) = (f32::MAX, f32::MAX, f32::MIN, f32::MIN);
            for (x, y) in corners {
                x0 = x0.min(x);
                y0 = y0.min(y);
                x1 = x1.max(x);
                y1 = y1.max(y);
            }
            let size = (trm[2] * trm[2] + trm[3] * trm[3]).sqrt();
            let unknown = g.text.is_empty() && font.has_outlines();
            if (!g.text.is_empty() || unknown) && x0.is_finite() && y0.is_finite() && x1.is_finite()
            {
                if unknown {
                    self.out.unknown.push(UnknownGlyph {
                        index: self.out.glyphs.len(),
                        font: font.slot,
                        glyph: g.glyph,
                        advance: g.width,
                    });
                }
                self.out.glyphs.push(Glyph {
                    text: g.text,
                    x0,
                    y0,
                    x1,
                    y1,
                    size,
                    clip: gs.clip,
                    confidence: None,
                });
            }
            let tx = (g.width * gs.size
                + gs.char_spacing
                + if g.word_space { gs.word_spacing } else { 0.0 })
                * gs.hscale;
            *tm = mul(&[1.0, 0.0, 0.0, 1.0, tx, 0.0], tm);
        }
    }

    /// A form XObject's operations: parsed on its first draw in the document and kept
    /// (within [`MAX_FORM_CACHE_BYTES`]); the decoding is charged to the page's byte
    /// budget. `None` when it cannot be decoded or the budget is spent.
    fn form_ops(&mut self, x: &'a lopdf::Stream) -> Option<Rc<Vec<Operation>>> {
        let key = x as *const lopdf::Stream as usize;
        if let Some(ops) = self.fonts.forms.get(&key) {
            return Some(ops.clone());
        }
        let data = crate::obj::decoded(self.doc, x, MAX_CONTENT_BYTES).ok()?;
        if !self.charge(data.len()) {
            return None;
        }
        let ops: Vec<Operation> = Content::decode_iter(&data)
            .map_while(Result::ok)
            .take(MAX_OPS_PER_PAGE + 1)
            .collect();
        let ops = Rc::new(ops);
        if self.fonts.form_bytes + data.len() <= MAX_FORM_CACHE_BYTES {
            self.fonts.form_bytes += data.len();
            self.fonts.forms.insert(key, ops.clone());
        }
        Some(ops)
    }

    /// Charges `n` decoded bytes to the page; false (and the page marked truncated)
    /// once [`MAX_PAGE_CONTENT_BYTES`] is spent.
    fn charge(&mut self, n: usize) -> bool {
        self.bytes = self.bytes.saturating_add(n);
        if self.bytes > MAX_PAGE_CONTENT_BYTES {
            self.out.truncated = true;
            return false;
        }
        true
    }

    fn run(
        &mut self,
        ops: &mut dyn Iterator<Item = Operation>,
        res: &[&'a Dictionary],
        gs0: GState,
        depth: usize,
    ) {
        let mut gs = gs0;
        let mut stack: Vec<GState> = Vec::new();
        let mut tm = ID;
        let mut tlm = ID;
        for op in ops {
            if self.out.truncated {
                return;
            }
            self.ops += 1;
            if self.ops > MAX_OPS_PER_PAGE {
                self.out.truncated = true;
                return;
            }
            let a = op.operands.as_slice();
            match op.operator.as_str() {
                "q" if stack.len() < 256 => stack.push(gs.clone()),
                "Q" => {
                    if let Some(g) = stack.pop() {
                        gs = g;
                    }
                }
                "cm" => {
                    if let Some(m) = nums::<6>(a) {
                        gs.ctm = mul(&m, &gs.ctm);
                    }
                }
                "g" | "rg" | "k" => {
                    let v: Vec<f32> = a.iter().filter_map(num).collect();
                    gs.fill_white = is_white(&v);
                }
                "G" | "RG" | "K" => {
                    let v: Vec<f32> = a.iter().filter_map(num).collect();
                    gs.stroke_white = is_white(&v);
                }
                "sc" | "scn" => {
                    let v: Vec<f32> = a.iter().filter_map(num).collect();
                    gs.fill_white = v.len() == a.len() && is_white(&v);
                }
                "SC" | "SCN" => {
                    let v: Vec<f32> = a.iter().filter_map(num).collect();
                    gs.stroke_white = v.len() == a.len() && is_white(&v);
                }
                "cs" => gs.fill_white = false,
                "CS" => gs.stroke_white = false,
                "m" => {
                    if let Some([x, y]) = nums::<2>(a) {
                        self.path.push((vec![apply(&gs.ctm, x, y)], false, false));
                    }
                }
                "l" => {
                    if let Some([x, y]) = nums::<2>(a) {
                        let p = apply(&gs.ctm, x, y);
                        match self.path.last_mut() {
                            Some(sp) if !sp.1 => sp.0.push(p),
                            _ => self.path.push((vec![p], false, false)),
                        }
                    }
                }
                "c" | "v" | "y" => {
                    if let Some([x, y]) = nums::<2>(a) {
                        let p = apply(&gs.ctm, x, y);
                        match self.path.last_mut() {
                            Some(sp) => {
                                sp.0.push(p);
                                sp.2 = true;
                            }
                            None => self.path.push((vec![p], false, true)),
                        }
                    }
                }
                "h" => {
                    if let Some(sp) = self.path.last_mut() {
                        sp.1 = true;
                    }
                }
                "re" => {
                    if let Some([x, y, w, h]) = nums::<4>(a) {
                        let pts = vec![
                            apply(&gs.ctm, x, y),
                            apply(&gs.ctm, x + w, y),
                            apply(&gs.ctm, x + w, y + h),
                            apply(&gs.ctm, x, y + h),
                        ];
                        self.path.push((pts, true, false));
                    }
                }
                "W" | "W*" => self.clip_pending = true,
                "S" => self.flush_path(&mut gs, true, false),
                "s" => {
                    if let Some(sp) = self.path.last_mut() {
                        sp.1 = true;
                    }
                    self.flush_path(&mut gs, true, false)
                }
                "f" | "F" | "f*" => self.flush_path(&mut gs, false, true),
                "B" | "B*" | "b" | "b*" => self.flush_path(&mut gs, true, true),
                "n" => self.flush_path(&mut gs, false, false),
                "BT" => {
                    tm = ID;
                    tlm = ID;
                }
                "Tf" => {
                    if let (Some(Object::Name(n)), Some(s)) = (a.first(), a.get(1).and_then(num)) {
                        gs.font = self.font(res, n);
                        gs.size = s;
                    }
                }
                "Tc" => gs.char_spacing = a.first().and_then(num).unwrap_or(0.0),
                "Tw" => gs.word_spacing = a.first().and_then(num).unwrap_or(0.0),
                "Tz" => gs.hscale = a.first().and_then(num).unwrap_or(100.0) / 100.0,
                "TL" => gs.leading = a.first().and_then(num).unwrap_or(0.0),
                "Ts" => gs.rise = a.first().and_then(num).unwrap_or(0.0),
                "Td" => {
                    if let Some([x, y]) = nums::<2>(a) {
                        tlm = mul(&[1.0, 0.0, 0.0, 1.0, x, y], &tlm);
                        tm = tlm;
                    }
                }
                "TD" => {
                    if let Some([x, y]) = nums::<2>(a) {
                        gs.leading = -y;
                        tlm = mul(&[1.0, 0.0, 0.0, 1.0, x, y], &tlm);
                        tm = tlm;
                    }
                }
                "Tm" => {
                    if let Some(m) = nums::<6>(a) {
                        tlm = m;
                        tm = m;
                    }
                }
                "T*" => {
                    tlm = mul(&[1.0, 0.0, 0.0, 1.0, 0.0, -gs.leading], &tlm);
                    tm = tlm;
                }
                "Tj" => {
                    if let Some(Object::String(s, _)) = a.first() {
                        self.show(&gs, &mut tm, s);
                    }
                }
                "'" | "\"" => {
                    if op.operator == "\"" {
                        if let Some([w, c]) = a.get(..2).and_then(nums::<2>) {
                            gs.word_spacing = w;
                            gs.char_spacing = c;
                        }
                    }
                    tlm = mul(&[1.0, 0.0, 0.0, 1.0, 0.0, -gs.leading], &tlm);
                    tm = tlm;
                    if let Some(Object::String(s, _)) = a.last() {
                        self.show(&gs, &mut tm, s);
                    }
                }
                "TJ" => {
                    if let Some(Object::Array(items)) = a.first() {
                        for it in items {
                            match it {
                                Object::String(s, _) => self.show(&gs, &mut tm, s),
                                o => {
                                    if let Some(n) = num(o) {
                                        let tx = -n / 1000.0 * gs.size * gs.hscale;
                                        tm = mul(&[1.0, 0.0, 0.0, 1.0, tx, 0.0], &tm);
                                    }
                                }
                            }
                        }
                    }
                }
                "Do" => {
                    let Some(Object::Name(n)) = a.first() else {
                        continue;
                    };
                    let Some(x) = self.xobject(res, n) else {
                        continue;
                    };
                    let sub = x.dict.get(b"Subtype").ok().and_then(|o| o.as_name().ok());
                    match sub {
                        Some(b"Image") => self.image(&gs.ctm, Some(x)),
                        Some(b"Form") if depth < MAX_FORM_DEPTH => {
                            let key = x as *const lopdf::Stream as usize;
                            if self.forms.contains(&key) {
                                tracing::warn!("form XObject draws itself; cycle cut");
                                continue;
                            }
                            let Some(ops) = self.form_ops(x) else {
                                continue;
                            };
                            let mut inner = gs.clone();
                            if let Ok(Object::Array(m)) = x.dict.get(b"Matrix") {
                                if let Some(m) = nums::<6>(m) {
                                    inner.ctm = mul(&m, &gs.ctm);
                                }
                            }
                            let mut res2: Vec<&'a Dictionary> = Vec::new();
                            if let Ok(r) = x.dict.get(b"Resources") {
                                if let Object::Dictionary(r) = resolve(self.doc, r) {
                                    res2.push(r);
                                }
                            }
                            res2.extend_from_slice(res);
                            let saved = std::mem::take(&mut self.path);
                            self.forms.push(key);
                            self.run(&mut ops.iter().cloned(), &res2, inner, depth + 1);
                            self.forms.pop();
                            self.path = saved;
                        }
                        _ => {}
                    }
                }
                "BI" => self.image(&gs.ctm, None),
                _ => {}
            }
        }
    }
}

fn inherited<'a>(doc: &'a Document, page: &'a Dictionary, key: &[u8]) -> Option<&'a Object> {
    let mut node = page;
    for _ in 0..32 {
        if let Ok(v) = node.get(key) {
            return Some(resolve(doc, v));
        }
        let parent = node.get(b"Parent").ok()?;
        match resolve(doc, parent) {
            Object::Dictionary(d) => node = d,
            _ => return None,
        }
    }
    None
}

/// The page's content streams decoded and joined (a newline between streams: operators
/// never span two), and why one failed to decode.
fn page_streams(doc: &Document, page: &Dictionary) -> (Vec<u8>, Option<String>) {
    let streams: Vec<&lopdf::Stream> = match page.get(b"Contents").map(|o| resolve(doc, o)) {
        Ok(Object::Stream(s)) => vec![s],
        Ok(Object::Array(a)) => a
            .iter()
            .filter_map(|o| match resolve(doc, o) {
                Object::Stream(s) => Some(s),
                _ => None,
            })
            .collect(),
        _ => Vec::new(),
    };
    let mut data = Vec::new();
    let mut error = None;
    for s in streams {
        match crate::obj::decoded(doc, s, MAX_CONTENT_BYTES.saturating_sub(data.len())) {
            Ok(d) => {
                data.extend_from_slice(&d);
                data.push(b'\n');
            }
            Err(e) => error = Some(format!("content stream not decoded: {e}")),
        }
    }
    (data, error)
}

/// Reads one page: its content stream, then the appearances of its annotations.
pub fn page_content(doc: &Document, page_id: ObjectId, fonts: &mut Fonts) -> PageContent {
    let Ok(page) = doc.get_dictionary(page_id) else {
        return PageContent::default();
    };
    let media = match inherited(doc, page, b"CropBox").or_else(|| inherited(doc, page, b"MediaBox"))
    {
        Some(Object::Array(a)) if a.len() == 4 => {
            let v: Vec<f32> = a.iter().filter_map(|o| num(resolve(doc, o))).collect();
            if v.len() == 4 {
                [
                    v[0].min(v[2]),
                    v[1].min(v[3]),
                    v[0].max(v[2]),
                    v[1].max(v[3]),
                ]
            } else {
                [0.0, 0.0, 595.0, 842.0]
            }
        }
        _ => [0.0, 0.0, 595.0, 842.0],
    };
    let rotate = match inherited(doc, page, b"Rotate") {
        Some(Object::Integer(r)) => *r,
        _ => 0,
    };
    let (display, width, height) = display_matrix(media, rotate);
    let mut res: Vec<&Dictionary> = Vec::new();
    if let Some(Object::Dictionary(r)) = inherited(doc, page, b"Resources") {
        res.push(r);
    }
    let (data, content_error) = page_streams(doc, page);
    let mut it = Interp {
        doc,
        fonts,
        out: PageContent {
            width,
            height,
            content_error,
            ..PageContent::default()
        },
        forms: Vec::new(),
        ops: 0,
        bytes: 0,
        path: Vec::new(),
        clip_pending: false,
    };
    let gs = GState {
        ctm: display,
        fill_white: false,
        stroke_white: false,
        font: None,
        size: 0.0,
        char_spacing: 0.0,
        word_spacing: 0.0,
        hscale: 1.0,
        leading: 0.0,
        rise: 0.0,
        clip: None,
    };
    it.charge(data.len());
    it.run(
        &mut Content::decode_iter(&data).map_while(Result::ok),
        &res,
        gs.clone(),
        0,
    );
    it.annotations(page, &res, &gs);
    it.out
}

/// Annotation flags (PDF 32000 12.5.3): hidden, no-view.
const ANNOT_HIDDEN: i64 = 1 << 1 | 1 << 5;

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn display_matrices_map_corners() {
        let media = [0.0, 0.0, 600.0, 800.0];
        let (m, w, h) = display_matrix(media, 0);
        assert_eq!((w, h), (600.0, 800.0));
        assert_eq!(apply(&m, 0.0, 800.0), (0.0, 0.0));
        let (m, w, h) = display_matrix(media, 90);
        assert_eq!((w, h), (800.0, 600.0));
        // The sheet's top-left corner shows top-right after a clockwise quarter turn.
        assert_eq!(apply(&m, 0.0, 800.0), (800.0, 0.0));
        let (m, _, _) = display_matrix(media, 270);
        assert_eq!(apply(&m, 0.0, 0.0), (800.0, 600.0));
        // Upside down: the sheet's bottom-left corner shows top-right.
        let (m, _, _) = display_matrix(media, 180);
        assert_eq!(apply(&m, 0.0, 0.0), (600.0, 0.0));
    }
}
