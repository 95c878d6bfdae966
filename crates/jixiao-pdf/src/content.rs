//! A content-stream pass over one page: positioned glyphs, ruling lines and image areas.
//!
//! Interprets the graphics and text state operators (ISO 32000-1, §8–9) far enough to
//! place every glyph and every straight path. Coordinates are turned into the page *as
//! displayed*: origin at the top-left corner, y growing downwards, `/Rotate` applied, so a
//! landscape page drawn rotated on a portrait sheet reads like any other page. Streams
//! are not in reading order (LibreOffice writes clipped cells last): callers order by
//! position.

use crate::font::Font;
use lopdf::content::Content;
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
    /// Area covered by images, in square points (may double-count overlaps).
    pub image_area: f32,
    /// The image XObjects drawn (at most [`crate::images::MAX_IMAGES_PER_PAGE`]), for OCR.
    pub images: Vec<crate::images::PlacedImage>,
    /// True when the operation budget ran out before the stream ended.
    pub truncated: bool,
}

/// Most operations interpreted per page (form XObjects included); bounds time on
/// hostile or degenerate streams.
pub const MAX_OPS_PER_PAGE: usize = 2_000_000;
/// Deepest nesting of form XObjects.
const MAX_FORM_DEPTH: usize = 8;
/// Largest decompressed content per page or form.
pub const MAX_CONTENT_BYTES: usize = 64 * 1024 * 1024;

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

fn resolve<'a>(doc: &'a Document, o: &'a Object) -> &'a Object {
    doc.dereference(o).map_or(o, |(_, o)| o)
}

fn num(o: &Object) -> Option<f32> {
    match o {
        Object::Integer(i) => Some(*i as f32),
        Object::Real(r) if r.is_finite() => Some(*r),
        _ => None,
    }
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

/// Font cache shared by the pages of one document.
#[derive(Default)]
pub struct Fonts {
    by_id: HashMap<ObjectId, Rc<Font>>,
}

/// A subpath: display-space points, closed, has curves.
type SubPath = (Vec<(f32, f32)>, bool, bool);

struct Interp<'a> {
    doc: &'a Document,
    fonts: &'a mut Fonts,
    out: PageContent,
    ops: usize,
    /// Current path.
    path: Vec<SubPath>,
    /// A `W`/`W*` is pending: the next painting operator sets the clip.
    clip_pending: bool,
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
            let f = Rc::new(Font::from_dict(self.doc, d));
            if let Some(id) = id {
                self.fonts.by_id.insert(id, f.clone());
            }
            return Some(f);
        }
        None
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
            if !g.text.is_empty() && x0.is_finite() && y0.is_finite() && x1.is_finite() {
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

    fn run(&mut self, data: &[u8], res: &[&'a Dictionary], gs0: GState, depth: usize) {
        let mut gs = gs0;
        let mut stack: Vec<GState> = Vec::new();
        let mut tm = ID;
        let mut tlm = ID;
        for op in Content::decode_iter(data) {
            let Ok(op) = op else { break };
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
                            let Ok(data) = x.decompressed_content_with_limit(MAX_CONTENT_BYTES)
                            else {
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
                            self.run(&data, &res2, inner, depth + 1);
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

/// Reads one page.
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
    let data = doc
        .get_page_content_with_limit(page_id, MAX_CONTENT_BYTES)
        .unwrap_or_default();
    let mut it = Interp {
        doc,
        fonts,
        out: PageContent {
            width,
            height,
            ..PageContent::default()
        },
        ops: 0,
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
    it.run(&data, &res, gs, 0);
    it.out
}

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
