//! PDFs of the forms without their ruling lines, as borderless publishing systems print
//! them: made from a ruled PDF by turning its line painting into `n` (end the path,
//! paint nothing), so the text stays exactly where it was.
//!
//! [`Rulings::None`] erases every stroked or filled path; [`Rulings::Horizontal`] keeps
//! the horizontal rules only (三线表 style: rows separated, columns not);
//! [`Rulings::Shaded`] erases every path and fills every other row of each table light
//! grey behind the text (zebra rows, no lines). Clipping paths (`W n`) are untouched, so
//! the text is clipped as before.

use lopdf::content::{Content, Operation};
use lopdf::{Document, Object};

/// Which ruling lines stay.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Rulings {
    /// None: whitespace alone separates the cells.
    None,
    /// Horizontal rules only.
    Horizontal,
    /// No lines; every other row of a table shaded.
    Shaded,
}

/// Largest vertical extent (points) of a path that counts as a horizontal rule.
const FLAT: f32 = 0.01;
/// Thickest filled rectangle that counts as a horizontal rule (points).
const THIN_RECT: f32 = 1.5;
/// Grey level of a shaded row (`g`: 0 black, 1 white).
const SHADE: f32 = 0.88;

fn num(o: &Object) -> Option<f32> {
    match o {
        Object::Integer(i) => Some(*i as f32),
        Object::Real(r) => Some(*r),
        _ => None,
    }
}

/// Path painting operators (what turns a path into ink).
fn paints(op: &str) -> bool {
    matches!(op, "S" | "s" | "f" | "F" | "f*" | "B" | "B*" | "b" | "b*")
}

/// The path being built: is every piece of it horizontal, and where does it lie on the
/// page (its points through the current transformation)?
#[derive(Default)]
struct Path {
    last_y: Option<f32>,
    flat: bool,
    any: bool,
    points: Vec<(f32, f32)>,
}

/// A transformation matrix `[a b c d e f]`.
type Matrix = [f32; 6];

const IDENTITY: Matrix = [1.0, 0.0, 0.0, 1.0, 0.0, 0.0];

/// `m` applied after `ctm` (the `cm` operator).
fn concat(m: &Matrix, ctm: &Matrix) -> Matrix {
    [
        m[0] * ctm[0] + m[1] * ctm[2],
        m[0] * ctm[1] + m[1] * ctm[3],
        m[2] * ctm[0] + m[3] * ctm[2],
        m[2] * ctm[1] + m[3] * ctm[3],
        m[4] * ctm[0] + m[5] * ctm[2] + ctm[4],
        m[4] * ctm[1] + m[5] * ctm[3] + ctm[5],
    ]
}

fn apply(m: &Matrix, x: f32, y: f32) -> (f32, f32) {
    (m[0] * x + m[2] * y + m[4], m[1] * x + m[3] * y + m[5])
}

impl Path {
    fn add(&mut self, op: &Operation, ctm: &Matrix) {
        let n: Vec<f32> = op.operands.iter().filter_map(num).collect();
        match op.operator.as_str() {
            "m" if n.len() == 2 => {
                if !self.any {
                    self.flat = true;
                }
                self.any = true;
                self.last_y = Some(n[1]);
                self.points.push(apply(ctm, n[0], n[1]));
            }
            "l" if n.len() == 2 => {
                self.flat &= self.last_y.is_some_and(|y| (y - n[1]).abs() <= FLAT);
                self.last_y = Some(n[1]);
                self.points.push(apply(ctm, n[0], n[1]));
            }
            "re" if n.len() == 4 => {
                if !self.any {
                    self.flat = true;
                }
                self.any = true;
                self.flat &= n[3].abs() <= THIN_RECT && n[2].abs() > 2.0 * n[3].abs();
                for (dx, dy) in [(0.0, 0.0), (n[2], n[3])] {
                    self.points.push(apply(ctm, n[0] + dx, n[1] + dy));
                }
            }
            "c" | "v" | "y" => self.flat = false,
            _ => {}
        }
    }

    /// The path's extent on the page: `[x0, y0, x1, y1]`.
    fn bounds(&self) -> Option<[f32; 4]> {
        let first = self.points.first()?;
        Some(self.points.iter().fold(
            [first.0, first.1, first.0, first.1],
            |[a, b, c, d], &(x, y)| [a.min(x), b.min(y), c.max(x), d.max(y)],
        ))
    }
}

/// Rules a page paints, on the page: horizontal ones as `(y, x0, x1)`, vertical ones as
/// `(x, y0, y1)`.
#[derive(Default)]
struct Rules {
    horizontal: Vec<(f32, f32, f32)>,
    vertical: Vec<(f32, f32, f32)>,
}

impl Rules {
    fn add(&mut self, [x0, y0, x1, y1]: [f32; 4]) {
        let (w, h) = (x1 - x0, y1 - y0);
        if h <= THIN_RECT && w > 2.0 * h {
            self.horizontal.push(((y0 + y1) / 2.0, x0, x1));
        } else if w <= THIN_RECT && h > 2.0 * w {
            self.vertical.push(((x0 + x1) / 2.0, y0, y1));
        }
    }

    /// Every other row of each table, as rectangles `[x, y, w, h]`: the bands between
    /// consecutive horizontal rules that two vertical rules cross (inside a table, not
    /// the space between two), from the table's left rule to its right one.
    fn shaded_rows(&self) -> Vec<[f32; 4]> {
        let mut ys: Vec<f32> = self.horizontal.iter().map(|r| r.0).collect();
        ys.sort_by(f32::total_cmp);
        ys.dedup_by(|a, b| (*a - *b).abs() < 1.0);
        let mut out = Vec::new();
        let mut row = 0;
        for w in ys.windows(2) {
            let (lo, hi) = (w[0], w[1]);
            let crossing: Vec<f32> = self
                .vertical
                .iter()
                .filter(|v| v.1 <= lo + 1.0 && v.2 >= hi - 1.0)
                .map(|v| v.0)
                .collect();
            if crossing.len() < 2 {
                row = 0;
                continue;
            }
            let left = crossing.iter().copied().fold(f32::MAX, f32::min);
            let right = crossing.iter().copied().fold(f32::MIN, f32::max);
            if row % 2 == 1 {
                out.push([left, lo, right - left, hi - lo]);
            }
            row += 1;
        }
        out
    }
}

/// The PDF `bytes` with its ruling lines restyled; `None` when it cannot be parsed.
pub fn restyle(bytes: &[u8], keep: Rulings) -> Option<Vec<u8>> {
    let mut doc = Document::load_mem(bytes).ok()?;
    let pages: Vec<_> = doc.get_pages().into_values().collect();
    for id in pages {
        let data = doc.get_page_content(id);
        let mut content = Content::decode(&data).ok()?;
        let mut path = Path::default();
        let mut ctm = IDENTITY;
        let mut saved = Vec::new();
        let mut rules = Rules::default();
        for op in &mut content.operations {
            let name = op.operator.clone();
            if matches!(name.as_str(), "m" | "l" | "re" | "c" | "v" | "y" | "h") {
                path.add(op, &ctm);
                continue;
            }
            match name.as_str() {
                "q" => saved.push(ctm),
                "Q" => ctm = saved.pop().unwrap_or(IDENTITY),
                "cm" => {
                    let m: Vec<f32> = op.operands.iter().filter_map(num).collect();
                    if let Ok(m) = <[f32; 6]>::try_from(m) {
                        ctm = concat(&m, &ctm);
                    }
                }
                _ => {}
            }
            if paints(&name) {
                let stays = keep == Rulings::Horizontal && path.any && path.flat;
                if !stays {
                    *op = Operation::new("n", vec![]);
                }
                if let Some(b) = path.bounds() {
                    rules.add(b);
                }
                path = Path::default();
            } else if name == "n" {
                path = Path::default();
            }
        }
        if keep == Rulings::Shaded {
            let mut shading = vec![
                Operation::new("q", vec![]),
                Operation::new("g", vec![Object::Real(SHADE)]),
            ];
            for r in rules.shaded_rows() {
                shading.push(Operation::new(
                    "re",
                    r.iter().map(|v| Object::Real(*v)).collect(),
                ));
                shading.push(Operation::new("f", vec![]));
            }
            shading.push(Operation::new("Q", vec![]));
            content.operations.splice(0..0, shading);
        }
        doc.change_page_content(id, content.encode().ok()?).ok()?;
    }
    let mut out = Vec::new();
    doc.save_to(&mut out).ok()?;
    Some(out)
}

#[cfg(test)]
mod tests {
    use super::*;
    use lopdf::dictionary;

    fn ops(bytes: &[u8]) -> Vec<String> {
        let doc = Document::load_mem(bytes).expect("pdf");
        let id = *doc.get_pages().values().next().expect("page");
        let c = Content::decode(&doc.get_page_content(id)).expect("ops");
        c.operations.iter().map(|o| o.operator.clone()).collect()
    }

    /// One page: a horizontal rule, a vertical rule, a thin filled bar, a box, a clip.
    fn page() -> Vec<u8> {
        one_page(
            b"0 0 m 100 0 l S 10 0 m 10 50 l S 0 20 100 0.5 re f 0 0 30 30 re S 0 0 50 50 re W n BT ET"
                .to_vec(),
        )
    }

    /// A one-page PDF of `content`.
    fn one_page(content: Vec<u8>) -> Vec<u8> {
        let mut doc = Document::with_version("1.5");
        let cid = doc.add_object(lopdf::Stream::new(dictionary! {}, content));
        let pages = doc.new_object_id();
        let page = doc.add_object(dictionary! {
            "Type" => "Page", "Parent" => pages, "Contents" => cid,
            "MediaBox" => vec![0.into(), 0.into(), 200.into(), 200.into()],
        });
        doc.objects.insert(
            pages,
            Object::Dictionary(dictionary! {
                "Type" => "Pages", "Kids" => vec![page.into()], "Count" => 1,
            }),
        );
        let cat = doc.add_object(dictionary! { "Type" => "Catalog", "Pages" => pages });
        doc.trailer.set("Root", cat);
        let mut out = Vec::new();
        doc.save_to(&mut out).expect("save");
        out
    }

    /// One page, scaled by 2 (`cm`): a table of three rows (rules at y 0, 20, 40, 60 from
    /// x 0 to 100, verticals at 0, 50 and 100 over all of it), a rule further up over
    /// no verticals (a title's underline), and a rule drawn as a thin bar.
    fn table() -> Vec<u8> {
        let mut content = b"q 2 0 0 2 0 0 cm ".to_vec();
        for y in [0, 20, 60, 90] {
            content.extend(format!("0 {y} m 100 {y} l S ").as_bytes());
        }
        content.extend(b"0 39.8 100 0.4 re f ");
        for x in [0, 50, 100] {
            content.extend(format!("{x} 0 m {x} 60 l S ").as_bytes());
        }
        content.extend(b"Q BT ET");
        one_page(content)
    }

    #[test]
    fn shaded_rows_replace_the_lines_behind_the_text() {
        let out = restyle(&table(), Rulings::Shaded).expect("shaded");
        let doc = Document::load_mem(&out).expect("pdf");
        let id = *doc.get_pages().values().next().expect("page");
        let c = Content::decode(&doc.get_page_content(id)).expect("ops");
        let names: Vec<&str> = c.operations.iter().map(|o| o.operator.as_str()).collect();
        // The shading comes first (behind everything), then the page with nothing painted
        // but the shading.
        assert_eq!(&names[..5], ["q", "g", "re", "f", "Q"], "{names:?}");
        assert_eq!(names.iter().filter(|n| paints(n)).count(), 1, "{names:?}");
        // The middle row of three (y 20..40, on the page 40..80), across the table.
        let r: Vec<f32> = c.operations[2].operands.iter().filter_map(num).collect();
        assert_eq!(r, [0.0, 40.0, 200.0, 40.0]);
    }

    #[test]
    fn horizontal_rules_stay_and_the_rest_is_erased() {
        let src = page();
        let painted = |o: &[String]| o.iter().filter(|x| paints(x)).count();
        assert_eq!(painted(&ops(&src)), 4);
        let none = ops(&restyle(&src, Rulings::None).expect("none"));
        assert_eq!(painted(&none), 0);
        let flat = ops(&restyle(&src, Rulings::Horizontal).expect("flat"));
        // The horizontal stroke and the thin bar stay; the vertical and the box go.
        assert_eq!(flat.iter().filter(|x| *x == "S").count(), 1, "{flat:?}");
        assert_eq!(flat.iter().filter(|x| *x == "f").count(), 1, "{flat:?}");
        // The clip is kept in both.
        assert!(none.contains(&"W".to_string()) && flat.contains(&"W".to_string()));
    }
}
