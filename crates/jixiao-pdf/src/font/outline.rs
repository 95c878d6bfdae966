//! Glyph outlines, for glyphs whose text no table gives: Type 3 glyph procedures and the
//! outlines of embedded TrueType / CFF programs, in text space (1 = the font size, y up).
//! [`crate::recover`] renders them and has them recognised.

use super::program::Program;
use lopdf::content::Content;
use std::collections::HashMap;

/// One element of an outline, in text-space units (em = 1, y up from the baseline).
#[derive(Debug, Clone, Copy, PartialEq)]
pub enum PathEl {
    /// Starts a contour.
    Move(f32, f32),
    /// Straight segment.
    Line(f32, f32),
    /// Quadratic Bézier (control, end).
    Quad(f32, f32, f32, f32),
    /// Cubic Bézier (two controls, end).
    Cubic(f32, f32, f32, f32, f32, f32),
    /// Closes the contour.
    Close,
}

/// Where a font's glyph outlines come from.
pub(crate) enum Outlines {
    /// Type 3: each glyph selector's procedure (decoded), and the `FontMatrix`.
    Type3 {
        procs: HashMap<u32, Vec<u8>>,
        matrix: [f32; 6],
    },
    /// An embedded program and each glyph selector's glyph id in it.
    Program { program: Program, gids: Gids },
}

/// Glyph selector → glyph id of a program.
pub(crate) enum Gids {
    /// Listed.
    Map(HashMap<u32, u16>),
    /// The selector is the glyph id (`CIDToGIDMap /Identity`).
    Identity,
}

impl Gids {
    fn get(&self, sel: u32) -> Option<u16> {
        match self {
            Gids::Map(m) => m.get(&sel).copied(),
            Gids::Identity => u16::try_from(sel).ok(),
        }
    }
}

impl std::fmt::Debug for Outlines {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            Outlines::Type3 { procs, .. } => write!(f, "Type3({} glyphs)", procs.len()),
            Outlines::Program { .. } => write!(f, "Program"),
        }
    }
}

/// Most path operations read from one Type 3 glyph procedure.
const MAX_PROC_OPS: usize = 20_000;

struct Collect {
    els: Vec<PathEl>,
    /// Program units → text space.
    m: [f32; 6],
}

impl Collect {
    fn pt(&self, x: f32, y: f32) -> (f32, f32) {
        let m = &self.m;
        (m[0] * x + m[2] * y + m[4], m[1] * x + m[3] * y + m[5])
    }
}

impl ttf_parser::OutlineBuilder for Collect {
    fn move_to(&mut self, x: f32, y: f32) {
        let (x, y) = self.pt(x, y);
        self.els.push(PathEl::Move(x, y));
    }
    fn line_to(&mut self, x: f32, y: f32) {
        let (x, y) = self.pt(x, y);
        self.els.push(PathEl::Line(x, y));
    }
    fn quad_to(&mut self, x1: f32, y1: f32, x: f32, y: f32) {
        let (a, b) = self.pt(x1, y1);
        let (x, y) = self.pt(x, y);
        self.els.push(PathEl::Quad(a, b, x, y));
    }
    fn curve_to(&mut self, x1: f32, y1: f32, x2: f32, y2: f32, x: f32, y: f32) {
        let (a, b) = self.pt(x1, y1);
        let (c, d) = self.pt(x2, y2);
        let (x, y) = self.pt(x, y);
        self.els.push(PathEl::Cubic(a, b, c, d, x, y));
    }
    fn close(&mut self) {
        self.els.push(PathEl::Close);
    }
}

impl Outlines {
    /// The outline of glyph `sel` (a simple font's code, a composite font's CID); `None`
    /// when the font cannot draw it. An empty outline is a glyph without ink (a space).
    pub(crate) fn outline(&self, sel: u32) -> Option<Vec<PathEl>> {
        match self {
            Outlines::Type3 { procs, matrix } => type3(procs.get(&sel)?, *matrix),
            Outlines::Program { program, gids } => {
                let gid = ttf_parser::GlyphId(gids.get(sel)?);
                match program {
                    Program::Sfnt(data) => {
                        let face = ttf_parser::Face::parse(data, 0).ok()?;
                        let s = 1.0 / f32::from(face.units_per_em().max(1));
                        let mut c = Collect {
                            els: Vec::new(),
                            m: [s, 0.0, 0.0, s, 0.0, 0.0],
                        };
                        let _ = face.outline_glyph(gid, &mut c);
                        Some(c.els)
                    }
                    Program::Cff(data) => {
                        let t = ttf_parser::cff::Table::parse(data)?;
                        let m = t.matrix();
                        let mut c = Collect {
                            els: Vec::new(),
                            m: [m.sx, m.ky, m.kx, m.sy, m.tx, m.ty],
                        };
                        let _ = t.outline(gid, &mut c);
                        Some(c.els)
                    }
                    Program::Type1(_) => None,
                }
            }
        }
    }
}

/// The filled path of a Type 3 glyph procedure, through the font matrix.
fn type3(data: &[u8], m: [f32; 6]) -> Option<Vec<PathEl>> {
    let content = Content::decode(data).ok()?;
    let mut c = Collect { els: Vec::new(), m };
    let mut path: Vec<PathEl> = Vec::new();
    let (mut cx, mut cy) = (0.0f32, 0.0f32);
    for op in content.operations.iter().take(MAX_PROC_OPS) {
        let n: Vec<f32> = op.operands.iter().filter_map(crate::obj::num).collect();
        let p = |x: f32, y: f32| c.pt(x, y);
        match (op.operator.as_str(), n.as_slice()) {
            ("m", [x, y]) => {
                let (a, b) = p(*x, *y);
                path.push(PathEl::Move(a, b));
                (cx, cy) = (*x, *y);
            }
            ("l", [x, y]) => {
                let (a, b) = p(*x, *y);
                path.push(PathEl::Line(a, b));
                (cx, cy) = (*x, *y);
            }
            ("c", [x1, y1, x2, y2, x, y]) => {
                let ((a, b), (e, f), (g, h)) = (p(*x1, *y1), p(*x2, *y2), p(*x, *y));
                path.push(PathEl::Cubic(a, b, e, f, g, h));
                (cx, cy) = (*x, *y);
            }
            ("v", [x2, y2, x, y]) => {
                let ((a, b), (e, f), (g, h)) = (p(cx, cy), p(*x2, *y2), p(*x, *y));
                path.push(PathEl::Cubic(a, b, e, f, g, h));
                (cx, cy) = (*x, *y);
            }
            ("y", [x1, y1, x, y]) => {
                let ((a, b), (g, h)) = (p(*x1, *y1), p(*x, *y));
                path.push(PathEl::Cubic(a, b, g, h, g, h));
                (cx, cy) = (*x, *y);
            }
            ("h", _) => path.push(PathEl::Close),
            ("re", [x, y, w, h]) => {
                let pts = [(*x, *y), (x + w, *y), (x + w, y + h), (*x, y + h)];
                let (a, b) = p(pts[0].0, pts[0].1);
                path.push(PathEl::Move(a, b));
                for (px, py) in &pts[1..] {
                    let (a, b) = p(*px, *py);
                    path.push(PathEl::Line(a, b));
                }
                path.push(PathEl::Close);
            }
            ("f" | "F" | "f*" | "B" | "B*" | "b" | "b*", _) => c.els.append(&mut path),
            ("n" | "S" | "s", _) => path.clear(),
            _ => {}
        }
    }
    Some(c.els)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn type3_procedure_through_the_font_matrix() {
        let mut procs = HashMap::new();
        procs.insert(
            5,
            b"1000 0 d0 100 0 m 900 0 l 900 -800 l h f 0 0 m 5 5 l S".to_vec(),
        );
        let o = Outlines::Type3 {
            procs,
            matrix: [0.001, 0.0, 0.0, -0.001, 0.0, 0.0],
        };
        let els = o.outline(5).expect("outline");
        assert_eq!(els.len(), 4, "{els:?}");
        let PathEl::Line(x, y) = els[2] else {
            panic!("{els:?}")
        };
        assert!((x - 0.9).abs() < 1e-5 && (y - 0.8).abs() < 1e-5, "{els:?}");
        assert!(o.outline(6).is_none());
    }
}
