//! Landscape pages drawn on portrait sheets with `/Rotate` read like the page they show.
//!
//! Each test turns the LibreOffice landscape sample into a portrait sheet with
//! `/Rotate 90` (or 270) whose content is drawn turned the other way, so the page as
//! displayed is unchanged; the grid read from it must equal the original's, bounding
//! boxes included.

use lopdf::{Document, Object};
use std::path::Path;

fn sample() -> Vec<u8> {
    std::fs::read(
        Path::new(env!("CARGO_MANIFEST_DIR")).join("../../samples/pdf-lo/monitoring_002.pdf"),
    )
    .expect("sample")
}

/// Rewrites every page as a portrait sheet shown with `/Rotate rotate`.
fn rotated(bytes: &[u8], rotate: i64) -> Vec<u8> {
    let mut doc = Document::load_mem(bytes).expect("load");
    let pages: Vec<_> = doc.get_pages().values().copied().collect();
    for id in pages {
        let (w, h) = {
            let page = doc.get_dictionary(id).expect("page");
            let mb = page
                .get(b"MediaBox")
                .and_then(Object::as_array)
                .expect("media box");
            let v: Vec<f32> = mb
                .iter()
                .map(|o| {
                    o.as_float()
                        .or_else(|_| o.as_i64().map(|i| i as f32))
                        .expect("num")
                })
                .collect();
            (v[2] - v[0], v[3] - v[1])
        };
        // The content, drawn so that the rotated display shows it as before.
        let cm = match rotate {
            90 => format!("0 1 -1 0 {h} 0 cm"),
            270 => format!("0 -1 1 0 0 {w} cm"),
            _ => unreachable!(),
        };
        let old = doc.get_page_content(id);
        let mut content = format!("q {cm}\n").into_bytes();
        content.extend_from_slice(&old);
        content.extend_from_slice(b"\nQ\n");
        doc.change_page_content(id, content).expect("content");
        let page = doc.get_dictionary_mut(id).expect("page");
        page.set(
            "MediaBox",
            Object::Array(vec![0.into(), 0.into(), Object::Real(h), Object::Real(w)]),
        );
        page.set("Rotate", Object::Integer(rotate));
    }
    let mut out = Vec::new();
    doc.save_to(&mut out).expect("save");
    out
}

fn assert_same_grid(rotate: i64) {
    let original = jixiao_pdf::read(&sample()).expect("original");
    let turned = jixiao_pdf::read(&rotated(&sample(), rotate)).expect("rotated");
    assert_eq!(original.rows.len(), turned.rows.len());
    for (a, b) in original.rows.iter().zip(&turned.rows) {
        let texts = |r: &jixiao_grid::Row| -> Vec<(String, f32, u32)> {
            r.cells
                .iter()
                .map(|c| (c.text.clone(), c.col, c.col_span))
                .collect()
        };
        assert_eq!(texts(a), texts(b));
        match (&a.origin, &b.origin) {
            (
                jixiao_grid::Origin::Pdf {
                    page: p, bbox: x, ..
                },
                jixiao_grid::Origin::Pdf {
                    page: q, bbox: y, ..
                },
            ) => {
                assert_eq!(p, q);
                for (u, v) in x.iter().zip(y) {
                    assert!((u - v).abs() < 0.05, "{x:?} vs {y:?}");
                }
            }
            other => panic!("{other:?}"),
        }
    }
    assert!(original.rows.len() > 500);
}

#[test]
fn rotate_90_reads_like_the_landscape_page() {
    assert_same_grid(90);
}

#[test]
fn rotate_270_reads_like_the_landscape_page() {
    assert_same_grid(270);
}
