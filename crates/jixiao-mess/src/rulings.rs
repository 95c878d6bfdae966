//! PDFs of the forms without their ruling lines, as borderless publishing systems print
//! them: made from a ruled PDF by turning its line painting into `n` (end the path,
//! paint nothing), so the text stays exactly where it was.
//!
//! [`Rulings::None`] erases every stroked or filled path; [`Rulings::Horizontal`] keeps
//! the horizontal rules only (三线表 style: rows separated, columns not). Clipping paths
//! (`W n`) are untouched, so the text is clipped as before.

use lopdf::content::{Content, Operation};
use lopdf::{Document, Object};

/// Which ruling lines stay.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Rulings {
    /// None: whitespace alone separates the cells.
    None,
    /// Horizontal rules only.
    Horizontal,
}

/// Largest vertical extent (points) of a path that counts as a horizontal rule.
const FLAT: f32 = 0.01;
/// Thickest filled rectangle that counts as a horizontal rule (points).
const THIN_RECT: f32 = 1.5;

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

/// The path being built: is every piece of it horizontal?
#[derive(Default)]
struct Path {
    last_y: Option<f32>,
    flat: bool,
    any: bool,
}

impl Path {
    fn add(&mut self, op: &Operation) {
        let n: Vec<f32> = op.operands.iter().filter_map(num).collect();
        match op.operator.as_str() {
            "m" if n.len() == 2 => {
                if !self.any {
                    self.flat = true;
                }
                self.any = true;
                self.last_y = Some(n[1]);
            }
            "l" if n.len() == 2 => {
                self.flat &= self.last_y.is_some_and(|y| (y - n[1]).abs() <= FLAT);
                self.last_y = Some(n[1]);
            }
            "re" if n.len() == 4 => {
                if !self.any {
                    self.flat = true;
                }
                self.any = true;
                self.flat &= n[3].abs() <= THIN_RECT && n[2].abs() > 2.0 * n[3].abs();
            }
            "c" | "v" | "y" => self.flat = false,
            _ => {}
        }
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
        for op in &mut content.operations {
            let name = op.operator.clone();
            if matches!(name.as_str(), "m" | "l" | "re" | "c" | "v" | "y" | "h") {
                path.add(op);
                continue;
            }
            if paints(&name) {
                let stays = keep == Rulings::Horizontal && path.any && path.flat;
                if !stays {
                    *op = Operation::new("n", vec![]);
                }
                path = Path::default();
            } else if name == "n" {
                path = Path::default();
            }
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
        let mut doc = Document::with_version("1.5");
        let content = b"0 0 m 100 0 l S 10 0 m 10 50 l S 0 20 100 0.5 re f 0 0 30 30 re S 0 0 50 50 re W n BT ET".to_vec();
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
