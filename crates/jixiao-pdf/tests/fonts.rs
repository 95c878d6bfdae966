//! CJK fonts the samples do not cover: a Type 0 font with `Identity-H` and a
//! `ToUnicode` CMap, and an unembedded CID font with the predefined `GBK-EUC-H` CMap and
//! no `ToUnicode` (decoded through the bundled Adobe-GB1 tables).

use lopdf::{dictionary, Document, Object, Stream};

fn pdf() -> Vec<u8> {
    let mut doc = Document::with_version("1.7");
    let to_unicode = doc.add_object(Stream::new(
        dictionary! {},
        b"/CIDInit /ProcSet findresource begin 12 dict begin begincmap
1 begincodespacerange <0000> <FFFF> endcodespacerange
2 beginbfchar <0001> <8D22> <0002> <653F> endbfchar
endcmap CMapName currentdict /CMap defineresource pop end end"
            .to_vec(),
    ));
    let identity_desc = doc.add_object(dictionary! {
        "Type" => "Font", "Subtype" => "CIDFontType2", "BaseFont" => "ABCDEF+SimHei",
        "CIDSystemInfo" => dictionary! {
            "Registry" => Object::string_literal("Adobe"),
            "Ordering" => Object::string_literal("Identity"), "Supplement" => 0 },
        "DW" => 1000,
    });
    let f1 = doc.add_object(dictionary! {
        "Type" => "Font", "Subtype" => "Type0", "BaseFont" => "ABCDEF+SimHei",
        "Encoding" => "Identity-H",
        "DescendantFonts" => vec![identity_desc.into()],
        "ToUnicode" => to_unicode,
    });
    let gbk_desc = doc.add_object(dictionary! {
        "Type" => "Font", "Subtype" => "CIDFontType0", "BaseFont" => "STSong-Light",
        "CIDSystemInfo" => dictionary! {
            "Registry" => Object::string_literal("Adobe"),
            "Ordering" => Object::string_literal("GB1"), "Supplement" => 4 },
        "DW" => 1000,
        // GBK-EUC-H puts one-byte codes 0x21-0x7e at CIDs 814-907 and the space at 7716.
        "W" => vec![
            814.into(), vec![Object::Integer(500); 94].into(),
            7716.into(), vec![Object::Integer(500)].into(),
        ],
    });
    let f2 = doc.add_object(dictionary! {
        "Type" => "Font", "Subtype" => "Type0", "BaseFont" => "STSong-Light-GBK-EUC-H",
        "Encoding" => "GBK-EUC-H",
        "DescendantFonts" => vec![gbk_desc.into()],
    });
    // 财政 in the Identity font; 中国 2024 in GBK (one-byte ASCII, two-byte hanzi).
    let content = b"BT /F1 12 Tf 50 700 Td <00010002> Tj ET
BT /F2 12 Tf 50 680 Td <D6D0B9FA2032303234> Tj ET"
        .to_vec();
    let content = doc.add_object(Stream::new(dictionary! {}, content));
    let pages = doc.new_object_id();
    let page = doc.add_object(dictionary! {
        "Type" => "Page", "Parent" => pages, "MediaBox" => vec![0.into(), 0.into(), 595.into(), 842.into()],
        "Contents" => content,
        "Resources" => dictionary! { "Font" => dictionary! { "F1" => f1, "F2" => f2 } },
    });
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

#[test]
fn identity_h_with_to_unicode_and_gbk_euc_without_it_decode() {
    let bytes = pdf();
    let texts = jixiao_pdf::page_texts(&bytes).expect("read");
    assert_eq!(texts[0], "财政中国 2024");
    let pages = jixiao_pdf::pages(&bytes).expect("pages");
    let g = &pages[0].glyphs;
    // Full-width hanzi advance 12 pt; the GB1 half-width ASCII 6 pt (W: 500).
    assert!((g[1].x0 - g[0].x0 - 12.0).abs() < 0.01, "{g:?}");
    let two = g.iter().position(|x| x.text == "2").expect("2");
    assert!((g[two + 1].x0 - g[two].x0 - 6.0).abs() < 0.01, "{g:?}");
    // Top-left origin: the first line (y = 700) is above the second (y = 680).
    assert!(g[0].y0 < g[2].y0);
}
