//! What other producers write, built by hand with lopdf: TrueType fonts whose only map
//! to Unicode is their own `cmap`, Japanese CID fonts with predefined CMaps, content
//! streams with an indirect `/Filter`, form XObjects that draw each other, and form-field
//! values kept only in annotation appearance streams.

use lopdf::{dictionary, Document, Object, Stream};

/// A one-page document: `content` drawn with `fonts` and `xobjects`, `annots` on the page.
fn doc_with(
    build: impl FnOnce(&mut Document) -> (Object, lopdf::Dictionary, lopdf::Dictionary, Vec<Object>),
) -> Vec<u8> {
    let mut doc = Document::with_version("1.7");
    let (content, fonts, xobjects, annots) = build(&mut doc);
    let pages = doc.new_object_id();
    let mut page = dictionary! {
        "Type" => "Page", "Parent" => pages,
        "MediaBox" => vec![0.into(), 0.into(), 595.into(), 842.into()],
        "Contents" => content,
        "Resources" => dictionary! { "Font" => fonts, "XObject" => xobjects },
    };
    if !annots.is_empty() {
        page.set("Annots", annots);
    }
    let page = doc.add_object(page);
    doc.objects.insert(
        pages,
        Object::Dictionary(
            dictionary! { "Type" => "Pages", "Kids" => vec![page.into()], "Count" => 1 },
        ),
    );
    let catalog = doc.add_object(dictionary! { "Type" => "Catalog", "Pages" => pages });
    doc.trailer.set("Root", catalog);
    let mut out = Vec::new();
    doc.save_to(&mut out).expect("save");
    out
}

fn helvetica(doc: &mut Document) -> Object {
    doc.add_object(dictionary! {
        "Type" => "Font", "Subtype" => "Type1", "BaseFont" => "Helvetica",
        "Encoding" => "WinAnsiEncoding",
    })
    .into()
}

fn text(bytes: &[u8]) -> String {
    jixiao_pdf::page_texts(bytes).expect("read").concat()
}

#[test]
fn truetype_without_to_unicode_reads_its_own_cmap() {
    let font = std::fs::read(
        std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/data/dejavu-subset.ttf"),
    )
    .expect("font");
    let face = ttf_parser::Face::parse(&font, 0).expect("face");
    // Codes are glyph ids (Identity-H, CIDToGIDMap Identity), as Word and others write.
    let mut codes = Vec::new();
    for c in "Secret 2024".chars().filter(|c| *c != ' ') {
        let g = face.glyph_index(c).expect("glyph").0;
        codes.extend_from_slice(&g.to_be_bytes());
    }
    let bytes = doc_with(|doc| {
        let file = doc.add_object(Stream::new(dictionary! {}, font.clone()));
        let fd = doc.add_object(dictionary! {
            "Type" => "FontDescriptor", "FontName" => "ABCDEF+DejaVuSans", "Flags" => 4,
            "FontFile2" => file,
        });
        let desc = doc.add_object(dictionary! {
            "Type" => "Font", "Subtype" => "CIDFontType2", "BaseFont" => "ABCDEF+DejaVuSans",
            "CIDSystemInfo" => dictionary! {
                "Registry" => Object::string_literal("Adobe"),
                "Ordering" => Object::string_literal("Identity"), "Supplement" => 0 },
            "FontDescriptor" => fd, "CIDToGIDMap" => "Identity", "DW" => 600,
        });
        let f = doc.add_object(dictionary! {
            "Type" => "Font", "Subtype" => "Type0", "BaseFont" => "ABCDEF+DejaVuSans",
            "Encoding" => "Identity-H", "DescendantFonts" => vec![desc.into()],
        });
        let mut content = b"BT /F1 12 Tf 50 700 Td <".to_vec();
        for b in &codes {
            content.extend_from_slice(format!("{b:02X}").as_bytes());
        }
        content.extend_from_slice(b"> Tj ET");
        let c = doc.add_object(Stream::new(dictionary! {}, content));
        (
            c.into(),
            dictionary! { "F1" => f },
            dictionary! {},
            Vec::new(),
        )
    });
    assert_eq!(text(&bytes), "Secret2024");
}

#[test]
fn japanese_cid_fonts_with_predefined_cmaps() {
    let bytes = doc_with(|doc| {
        let mut fonts = lopdf::Dictionary::new();
        for (name, enc) in [("F1", "90ms-RKSJ-H"), ("F2", "UniJIS-UCS2-H"), ("F3", "H")] {
            let desc = doc.add_object(dictionary! {
                "Type" => "Font", "Subtype" => "CIDFontType0", "BaseFont" => "Ryumin-Light",
                "CIDSystemInfo" => dictionary! {
                    "Registry" => Object::string_literal("Adobe"),
                    "Ordering" => Object::string_literal("Japan1"), "Supplement" => 2 },
            });
            let f = doc.add_object(dictionary! {
                "Type" => "Font", "Subtype" => "Type0", "BaseFont" => format!("Ryumin-Light-{enc}"),
                "Encoding" => enc, "DescendantFonts" => vec![desc.into()],
            });
            fonts.set(name, f);
        }
        // あい in Shift-JIS, UCS-2 and JIS row-cell codes, on three lines.
        let c = doc.add_object(Stream::new(
            dictionary! {},
            b"BT /F1 12 Tf 50 700 Td <82A082A2> Tj ET
              BT /F2 12 Tf 50 680 Td <30423044> Tj ET
              BT /F3 12 Tf 50 660 Td <24222424> Tj ET"
                .to_vec(),
        ));
        (c.into(), fonts, dictionary! {}, Vec::new())
    });
    assert_eq!(text(&bytes), "あいあいあい");
}

#[test]
fn indirect_filter_and_form_cycles() {
    let bytes = doc_with(|doc| {
        let f = helvetica(doc);
        // Content compressed, its /Filter an indirect object.
        let filter = doc.add_object(Object::Name(b"FlateDecode".to_vec()));
        let mut content = b"BT /F1 12 Tf 50 700 Td (Hi) Tj ET q /X1 Do Q".to_vec();
        content.extend(std::iter::repeat_n(b' ', 4000));
        let mut s = Stream::new(dictionary! {}, content);
        s.compress().expect("compress");
        assert!(s.dict.has(b"Filter"), "compressed");
        s.dict.set("Filter", filter);
        let c = doc.add_object(s);
        // X1 shows "AB" and draws X2, which draws X1 again.
        let x1 = doc.new_object_id();
        let x2 = doc.add_object(Stream::new(
            dictionary! { "Type" => "XObject", "Subtype" => "Form",
            "BBox" => vec![0.into(), 0.into(), 595.into(), 842.into()],
            "Resources" => dictionary! { "XObject" => dictionary! { "X1" => x1 } } },
            b"/X1 Do".to_vec(),
        ));
        doc.objects.insert(
            x1,
            Object::Stream(Stream::new(
                dictionary! { "Type" => "XObject", "Subtype" => "Form",
                "BBox" => vec![0.into(), 0.into(), 595.into(), 842.into()],
                "Resources" => dictionary! {
                    "Font" => dictionary! { "F1" => f.clone() },
                    "XObject" => dictionary! { "X2" => x2 } } },
                b"BT /F1 12 Tf 50 600 Td (AB) Tj ET /X2 Do".to_vec(),
            )),
        );
        (
            c.into(),
            dictionary! { "F1" => f },
            dictionary! { "X1" => x1 },
            Vec::new(),
        )
    });
    // "AB" once: the cycle is cut at its second visit, not after eight nested draws.
    assert_eq!(text(&bytes), "HiAB");
}

#[test]
fn form_field_values_in_appearance_streams() {
    let bytes = doc_with(|doc| {
        let f = helvetica(doc);
        let ap = doc.add_object(Stream::new(
            dictionary! { "Type" => "XObject", "Subtype" => "Form",
            "BBox" => vec![0.into(), 0.into(), 100.into(), 20.into()],
            "Resources" => dictionary! { "Font" => dictionary! { "Helv" => f.clone() } } },
            b"/Tx BMC BT /Helv 10 Tf 2 5 Td (90.00) Tj ET EMC".to_vec(),
        ));
        let widget = doc.add_object(dictionary! {
            "Type" => "Annot", "Subtype" => "Widget", "FT" => "Tx",
            "T" => Object::string_literal("rate"), "V" => Object::string_literal("90.00"),
            "Rect" => vec![300.into(), 700.into(), 400.into(), 720.into()],
            "AP" => dictionary! { "N" => ap },
        });
        let hidden_ap = doc.add_object(Stream::new(
            dictionary! { "Type" => "XObject", "Subtype" => "Form",
            "BBox" => vec![0.into(), 0.into(), 100.into(), 20.into()],
            "Resources" => dictionary! { "Font" => dictionary! { "Helv" => f.clone() } } },
            b"BT /Helv 10 Tf 2 5 Td (hidden) Tj ET".to_vec(),
        ));
        let hidden = doc.add_object(dictionary! {
            "Type" => "Annot", "Subtype" => "Widget", "F" => 2,
            "Rect" => vec![300.into(), 600.into(), 400.into(), 620.into()],
            "AP" => dictionary! { "N" => hidden_ap },
        });
        let c = doc.add_object(Stream::new(
            dictionary! {},
            b"BT /F1 12 Tf 50 705 Td (Rate) Tj ET".to_vec(),
        ));
        (
            c.into(),
            dictionary! { "F1" => f },
            dictionary! {},
            vec![widget.into(), hidden.into()],
        )
    });
    let pages = jixiao_pdf::pages(&bytes).expect("pages");
    let t: String = pages[0].glyphs.iter().map(|g| g.text.as_str()).collect();
    assert_eq!(t, "Rate90.00");
    // Drawn where the field is: x from 302 (Rect x 300 + 2).
    let nine = pages[0].glyphs.iter().find(|g| g.text == "9").expect("9");
    assert!((nine.x0 - 302.0).abs() < 0.5, "{nine:?}");
}
