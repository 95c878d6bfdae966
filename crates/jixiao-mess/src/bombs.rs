//! Hostile inputs rebuilt from their recipe: the small files that once killed, stalled or
//! exhausted a whole run (found by fuzzing and by hand), so that each stays a regression
//! test and a fuzzing seed without committing the files themselves.
//!
//! Every generator is deterministic and returns a file's bytes; [`all`] names them with
//! the extension a publication site would give them. None of them holds a form: read
//! correctly, each is an error entry of its own file.

use flate2::write::ZlibEncoder;
use std::io::Write;

/// A workbook saved as `.xls` (an OLE compound file) whose sector allocation table sends
/// the directory chain back onto itself: a reader following the chain never reaches its
/// end (calamine grew its buffer to 2.3 GB in 5 s, then aborted).
pub fn xls_fat_loop() -> Vec<u8> {
    const SECTOR: usize = 512;
    let mut header = vec![0u8; SECTOR];
    header[..8].copy_from_slice(&[0xd0, 0xcf, 0x11, 0xe0, 0xa1, 0xb1, 0x1a, 0xe1]);
    header[24..26].copy_from_slice(&0x3eu16.to_le_bytes()); // minor version
    header[26..28].copy_from_slice(&3u16.to_le_bytes()); // major version 3
    header[28..30].copy_from_slice(&0xfffeu16.to_le_bytes()); // little-endian
    header[30..32].copy_from_slice(&9u16.to_le_bytes()); // 512-byte sectors
    header[32..34].copy_from_slice(&6u16.to_le_bytes()); // 64-byte mini sectors
    header[44..48].copy_from_slice(&1u32.to_le_bytes()); // one FAT sector
    header[48..52].copy_from_slice(&1u32.to_le_bytes()); // directory starts at sector 1
    header[56..60].copy_from_slice(&4096u32.to_le_bytes()); // mini stream cutoff
    header[60..64].copy_from_slice(&0xffff_fffeu32.to_le_bytes()); // no mini FAT
    header[68..72].copy_from_slice(&0xffff_fffeu32.to_le_bytes()); // no DIFAT sectors
    for (i, slot) in header[76..].chunks_mut(4).enumerate() {
        let id: u32 = if i == 0 { 0 } else { 0xffff_ffff };
        slot.copy_from_slice(&id.to_le_bytes());
    }
    // Sector 0: the FAT. Sector 0 is a FAT sector; sector 1 (the directory) points at
    // itself; every other sector is free.
    let mut fat = vec![0xffu8; SECTOR];
    fat[..4].copy_from_slice(&0xffff_fffdu32.to_le_bytes());
    fat[4..8].copy_from_slice(&1u32.to_le_bytes());
    // Sector 1: a root directory entry, then 26 sectors of padding (the published
    // reproducer was 14 KB).
    let mut dir = vec![0u8; SECTOR];
    for (i, u) in "Root Entry".encode_utf16().enumerate() {
        dir[2 * i..2 * i + 2].copy_from_slice(&u.to_le_bytes());
    }
    dir[64..66].copy_from_slice(&22u16.to_le_bytes());
    dir[66] = 5; // root storage
    dir[116..120].copy_from_slice(&0xffff_fffeu32.to_le_bytes());
    let mut out = header;
    out.extend(fat);
    out.extend(dir);
    out.resize(14 * 1024, 0);
    out
}

/// An `.xlsx` with two cells, `A1` and `XFD1048576` (the last cell of a sheet): a reader
/// that allocates the sheet's bounding box asks for 17 billion cells (calamine asked for
/// 512 GiB and aborted).
pub fn xlsx_sparse_corners() -> Vec<u8> {
    let sheet = r#"<?xml version="1.0" encoding="UTF-8" standalone="yes"?>
<worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main"><sheetData><row r="1"><c r="A1"><v>1</v></c></row><row r="1048576"><c r="XFD1048576"><v>2</v></c></row></sheetData></worksheet>"#;
    xlsx_with(sheet.as_bytes())
}

/// An `.xlsx` of `rows` × `cols` numbers with `merges` two-cell merged regions (the
/// published reproducer: 2,000,000 cells and 48,000 merges, 40 s when every cell searched
/// the merge list).
pub fn xlsx_many_merges(rows: u32, cols: u32, merges: u32) -> Vec<u8> {
    let mut sheet = numbers(rows, cols);
    sheet.push_str("</sheetData>");
    let mut merge_xml = format!("<mergeCells count=\"{merges}\">");
    let per_row = (cols / 2).max(1);
    for m in 0..merges {
        let r = m / per_row + 1;
        let c = (m % per_row) * 2;
        merge_xml.push_str(&format!(
            "<mergeCell ref=\"{}{r}:{}{r}\"/>",
            column(c),
            column(c + 1)
        ));
    }
    merge_xml.push_str("</mergeCells>");
    sheet.push_str(&merge_xml);
    sheet.push_str("</worksheet>");
    xlsx_with(sheet.as_bytes())
}

/// A sheet of a few values whose merged range ends before it starts (`C3:A1`; found by
/// fuzzing): calamine subtracts the corners unchecked, and a span taken from it wrapped
/// to four billion columns.
pub fn xlsx_reversed_merge() -> Vec<u8> {
    let sheet = r#"<?xml version="1.0" encoding="UTF-8" standalone="yes"?>
<worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main"><sheetData><row r="1"><c r="A1" t="inlineStr"><is><t>项目名称</t></is></c><c r="B1"><v>1</v></c></row><row r="3"><c r="C3"><v>2</v></c></row></sheetData><mergeCells count="2"><mergeCell ref="C3:A1"/><mergeCell ref="A1:B1"/></mergeCells></worksheet>"#;
    xlsx_with(sheet.as_bytes())
}

/// The column letters of a 0-based column index (`0` → `A`, `26` → `AA`).
fn column(mut c: u32) -> String {
    let mut s = Vec::new();
    loop {
        s.push(b'A' + (c % 26) as u8);
        if c < 26 {
            break;
        }
        c = c / 26 - 1;
    }
    s.reverse();
    String::from_utf8(s).unwrap_or_default()
}

/// An `.xlsx` of `sheets` sheets, each `rows` × `cols` numbers: the cell limit counts a
/// workbook's sheets together, so many sheets under a per-sheet limit add up past it.
pub fn xlsx_sheets_of_numbers(sheets: u32, rows: u32, cols: u32) -> Vec<u8> {
    let mut sheet = numbers(rows, cols);
    sheet.push_str("</sheetData></worksheet>");
    let all: Vec<&[u8]> = (0..sheets).map(|_| sheet.as_bytes()).collect();
    xlsx_of(&all, &[])
}

/// An `.xlsx` of `rows` × `cols` cells that all show one shared string of `chars` CJK
/// characters: a few hundred KB that a reader holding each cell's text expands to
/// `rows × cols × 3 × chars` bytes. Within every structural limit, heavy only by its
/// size in memory: what the per-file memory limit and deadline are for.
pub fn xlsx_shared_text(rows: u32, cols: u32, chars: usize) -> Vec<u8> {
    let text: String = "项目绩效".chars().cycle().take(chars).collect();
    let strings = format!(
        "<?xml version=\"1.0\" encoding=\"UTF-8\" standalone=\"yes\"?>\n\
         <sst xmlns=\"http://schemas.openxmlformats.org/spreadsheetml/2006/main\" count=\"1\" \
         uniqueCount=\"1\"><si><t>{text}</t></si></sst>"
    );
    let mut sheet = String::from(SHEET_HEAD);
    for r in 1..=rows {
        sheet.push_str(&format!("<row r=\"{r}\">"));
        for c in 0..cols {
            sheet.push_str(&format!("<c r=\"{}{r}\" t=\"s\"><v>0</v></c>", column(c)));
        }
        sheet.push_str("</row>");
    }
    sheet.push_str("</sheetData></worksheet>");
    xlsx_of(
        &[sheet.as_bytes()],
        &[("xl/sharedStrings.xml", strings.as_bytes())],
    )
}

/// A worksheet part up to the end of its `rows` × `cols` cells of one-digit numbers
/// (`</sheetData>` not yet written).
fn numbers(rows: u32, cols: u32) -> String {
    let mut sheet = String::from(SHEET_HEAD);
    for r in 1..=rows {
        sheet.push_str(&format!("<row r=\"{r}\">"));
        for c in 0..cols {
            sheet.push_str(&format!("<c r=\"{}{r}\"><v>{}</v></c>", column(c), c % 10));
        }
        sheet.push_str("</row>");
    }
    sheet
}

/// The start of a worksheet part, up to its cells.
const SHEET_HEAD: &str = r#"<?xml version="1.0" encoding="UTF-8" standalone="yes"?>
<worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main"><sheetData>"#;

/// A minimal workbook holding one sheet.
fn xlsx_with(sheet: &[u8]) -> Vec<u8> {
    xlsx_of(&[sheet], &[])
}

/// A minimal workbook of the given worksheet parts (named `Sheet1`, `Sheet2`, …) and
/// `extra` parts (a shared string table, which the workbook's relationships name).
fn xlsx_of(sheets: &[&[u8]], extra: &[(&str, &[u8])]) -> Vec<u8> {
    const MAIN: &str = "http://schemas.openxmlformats.org/spreadsheetml/2006/main";
    const REL: &str = "http://schemas.openxmlformats.org/officeDocument/2006/relationships";
    const PKG: &str = "http://schemas.openxmlformats.org/package/2006/relationships";
    const WORKSHEET: &str =
        "application/vnd.openxmlformats-officedocument.spreadsheetml.worksheet+xml";
    let head = r#"<?xml version="1.0" encoding="UTF-8" standalone="yes"?>"#;
    let n = sheets.len();
    let overrides: String = (1..=n)
        .map(|i| {
            format!(
                r#"<Override PartName="/xl/worksheets/sheet{i}.xml" ContentType="{WORKSHEET}"/>"#
            )
        })
        .collect();
    let shared = extra
        .iter()
        .any(|(name, _)| *name == "xl/sharedStrings.xml");
    let shared_type = if shared {
        r#"<Override PartName="/xl/sharedStrings.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.sharedStrings+xml"/>"#
    } else {
        ""
    };
    let types = format!(
        r#"{head}
<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types"><Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/><Default Extension="xml" ContentType="application/xml"/><Override PartName="/xl/workbook.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml"/>{overrides}{shared_type}</Types>"#
    );
    let root_rels = format!(
        r#"{head}
<Relationships xmlns="{PKG}"><Relationship Id="rId1" Type="{REL}/officeDocument" Target="xl/workbook.xml"/></Relationships>"#
    );
    let sheet_list: String = (1..=n)
        .map(|i| format!(r#"<sheet name="Sheet{i}" sheetId="{i}" r:id="rId{i}"/>"#))
        .collect();
    let workbook = format!(
        r#"{head}
<workbook xmlns="{MAIN}" xmlns:r="{REL}"><sheets>{sheet_list}</sheets></workbook>"#
    );
    let mut rels: String = (1..=n)
        .map(|i| {
            format!(r#"<Relationship Id="rId{i}" Type="{REL}/worksheet" Target="worksheets/sheet{i}.xml"/>"#)
        })
        .collect();
    if shared {
        rels.push_str(&format!(
            r#"<Relationship Id="rId{}" Type="{REL}/sharedStrings" Target="sharedStrings.xml"/>"#,
            n + 1
        ));
    }
    let workbook_rels = format!(
        r#"{head}
<Relationships xmlns="{PKG}">{rels}</Relationships>"#
    );
    let mut parts: Vec<(String, &[u8])> = vec![
        ("[Content_Types].xml".into(), types.as_bytes()),
        ("_rels/.rels".into(), root_rels.as_bytes()),
        ("xl/workbook.xml".into(), workbook.as_bytes()),
        (
            "xl/_rels/workbook.xml.rels".into(),
            workbook_rels.as_bytes(),
        ),
    ];
    for (i, sheet) in sheets.iter().enumerate() {
        parts.push((format!("xl/worksheets/sheet{}.xml", i + 1), sheet));
    }
    for (name, data) in extra {
        parts.push((name.to_string(), data));
    }
    let mut zip = zip::ZipWriter::new(std::io::Cursor::new(Vec::new()));
    let opts = zip::write::SimpleFileOptions::default()
        .compression_method(zip::CompressionMethod::Deflated);
    for (name, data) in parts {
        // Writing to memory cannot fail.
        let _ = zip.start_file(name, opts);
        let _ = zip.write_all(data);
    }
    zip.finish().map(|c| c.into_inner()).unwrap_or_default()
}

/// A PDF whose font's `ToUnicode` CMap holds `ranges` `bfrange`s of 65,536 codes each
/// (the published reproducer: 2,048 ranges, 10.6 KB, 134 M map entries and > 3 GB when
/// every range was expanded code by code).
pub fn pdf_cmap_ranges(ranges: u32) -> Vec<u8> {
    let mut cmap = format!(
        "/CIDInit /ProcSet findresource begin 12 dict begin begincmap\n\
         1 begincodespacerange <00000000> <FFFFFFFF> endcodespacerange\n{ranges} beginbfrange\n"
    );
    for i in 0..ranges {
        cmap.push_str(&format!("<{:04X}0000> <{:04X}FFFF> <4E00>\n", i, i));
    }
    cmap.push_str("endbfrange endcmap CMapName currentdict /CMap defineresource pop end end\n");
    let content = b"BT /F1 12 Tf 72 720 Td <0000000100000002> Tj ET".to_vec();
    let objects = vec![
        b"<< /Type /Catalog /Pages 2 0 R >>".to_vec(),
        b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>".to_vec(),
        b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] /Resources << /Font << /F1 5 0 R >> >> /Contents 4 0 R >>".to_vec(),
        stream(&content, true),
        b"<< /Type /Font /Subtype /Type0 /BaseFont /Bomb /Encoding /Identity-H /DescendantFonts [6 0 R] /ToUnicode 7 0 R >>".to_vec(),
        b"<< /Type /Font /Subtype /CIDFontType2 /BaseFont /Bomb /CIDSystemInfo << /Registry (Adobe) /Ordering (Identity) /Supplement 0 >> /DW 1000 >>".to_vec(),
        stream(cmap.as_bytes(), true),
    ];
    pdf(&objects)
}

/// A PDF page ruled by an `n` × `n` grid of lines 3 pt apart (the published reproducer:
/// n = 2,000 took 32 s and 757 MB, n = 20,000 — 194 KB — over 300 s and 3.1 GB, when every
/// horizontal was tested against every vertical and every lattice cell rescanned every
/// line).
pub fn pdf_grid(n: u32) -> Vec<u8> {
    let size = 3.0 * n as f32 + 72.0;
    let mut content = String::from("0.5 w\n");
    for i in 0..n {
        let p = 36.0 + 3.0 * i as f32;
        let end = 36.0 + 3.0 * (n - 1) as f32;
        content.push_str(&format!("36 {p} m {end} {p} l S {p} 36 m {p} {end} l S\n"));
    }
    let page = format!(
        "<< /Type /Page /Parent 2 0 R /MediaBox [0 0 {size} {size}] /Resources << >> /Contents 4 0 R >>"
    );
    let objects = vec![
        b"<< /Type /Catalog /Pages 2 0 R >>".to_vec(),
        b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>".to_vec(),
        page.into_bytes(),
        stream(content.as_bytes(), true),
    ];
    pdf(&objects)
}

/// A PDF whose page draws a chain of `depth` form XObjects, each drawing the next one
/// `fanout` times and carrying `padding` bytes of white space (the published reproducer:
/// 8 × 8 with 1 MB of padding, 1.7 KB compressed, about ten minutes per page when every
/// draw decompressed and re-parsed its stream).
pub fn pdf_xobject_fanout(depth: u32, fanout: u32, padding: usize) -> Vec<u8> {
    // Objects: 1 catalog, 2 pages, 3 page, 4 page content, 5.. the forms.
    let mut objects = vec![
        b"<< /Type /Catalog /Pages 2 0 R >>".to_vec(),
        b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>".to_vec(),
        b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] /Resources << /XObject << /X 5 0 R >> >> /Contents 4 0 R >>".to_vec(),
        stream(b"q /X Do Q", true),
    ];
    for level in 0..depth {
        let id = 5 + level;
        let mut body = Vec::with_capacity(padding + 16 * fanout as usize);
        let last = level + 1 == depth;
        for _ in 0..fanout {
            body.extend_from_slice(if last {
                b"0 0 m 10 10 l S\n".as_slice()
            } else {
                b"q /X Do Q\n".as_slice()
            });
        }
        body.resize(body.len() + padding, b' ');
        let res = if last {
            String::new()
        } else {
            format!("/Resources << /XObject << /X {} 0 R >> >>", id + 1)
        };
        let mut obj = format!(
            "<< /Type /XObject /Subtype /Form /BBox [0 0 595 842] {res} /Filter /FlateDecode /Length {} >>\nstream\n",
            0
        )
        .into_bytes();
        let packed = deflate(&body);
        obj = String::from_utf8_lossy(&obj)
            .replace("/Length 0", &format!("/Length {}", packed.len()))
            .into_bytes();
        obj.extend_from_slice(&packed);
        obj.extend_from_slice(b"\nendstream");
        objects.push(obj);
    }
    pdf(&objects)
}

fn deflate(data: &[u8]) -> Vec<u8> {
    let mut e = ZlibEncoder::new(Vec::new(), flate2::Compression::best());
    // Writing to memory cannot fail.
    let _ = e.write_all(data);
    e.finish().unwrap_or_default()
}

/// A stream object, Flate-compressed when `packed`.
fn stream(data: &[u8], packed: bool) -> Vec<u8> {
    let (body, filter) = if packed {
        (deflate(data), " /Filter /FlateDecode")
    } else {
        (data.to_vec(), "")
    };
    let mut out = format!("<< /Length {}{filter} >>\nstream\n", body.len()).into_bytes();
    out.extend_from_slice(&body);
    out.extend_from_slice(b"\nendstream");
    out
}

/// A PDF file of numbered objects (object `i + 1` is `objects[i]`) with its xref table.
fn pdf(objects: &[Vec<u8>]) -> Vec<u8> {
    let mut out = b"%PDF-1.7\n%\xe2\xe3\xcf\xd3\n".to_vec();
    let mut offsets = Vec::with_capacity(objects.len());
    for (i, o) in objects.iter().enumerate() {
        offsets.push(out.len());
        out.extend_from_slice(format!("{} 0 obj\n", i + 1).as_bytes());
        out.extend_from_slice(o);
        out.extend_from_slice(b"\nendobj\n");
    }
    let xref = out.len();
    out.extend_from_slice(
        format!("xref\n0 {}\n0000000000 65535 f \n", objects.len() + 1).as_bytes(),
    );
    for off in offsets {
        out.extend_from_slice(format!("{off:010} 00000 n \n").as_bytes());
    }
    out.extend_from_slice(
        format!(
            "trailer\n<< /Size {} /Root 1 0 R >>\nstartxref\n{xref}\n%%EOF\n",
            objects.len() + 1
        )
        .as_bytes(),
    );
    out
}

/// Every reproducer at its published size, named as a site would publish it.
pub fn all() -> Vec<(&'static str, Vec<u8>)> {
    vec![
        ("xls-fat-loop.xls", xls_fat_loop()),
        ("xlsx-sparse-corners.xlsx", xlsx_sparse_corners()),
        ("pdf-cmap-ranges.pdf", pdf_cmap_ranges(2048)),
        ("pdf-grid-2000.pdf", pdf_grid(2000)),
        ("pdf-grid-20000.pdf", pdf_grid(20_000)),
        ("pdf-xobject-fanout.pdf", pdf_xobject_fanout(8, 8, 1 << 20)),
        (
            "xlsx-many-merges.xlsx",
            xlsx_many_merges(2000, 1000, 48_000),
        ),
    ]
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn columns_are_spelled_like_excel() {
        assert_eq!(column(0), "A");
        assert_eq!(column(25), "Z");
        assert_eq!(column(26), "AA");
        assert_eq!(column(16_383), "XFD");
    }

    #[test]
    fn reproducers_are_small() {
        assert_eq!(xls_fat_loop().len(), 14 * 1024);
        assert!(xlsx_sparse_corners().len() < 2_000);
        assert!(pdf_cmap_ranges(2048).len() < 40_000);
        assert!(pdf_xobject_fanout(8, 8, 1 << 20).len() < 20_000);
    }
}
