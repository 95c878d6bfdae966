//! Hostile input never panics: empty, binary, truncated, random and mutated files all
//! come back as records or typed errors.

use jixiao_pipeline::{extract_bytes, ExtractError};
use std::path::Path;

fn seed(name: &str) -> Vec<u8> {
    let p = Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("../../samples/text")
        .join(name);
    std::fs::read(p).expect("sample")
}

fn not_panicked(r: &Result<Vec<jixiao_record::Record>, ExtractError>) {
    if let Err(ExtractError::Panic { message, .. }) = r {
        panic!("parser panicked: {message}");
    }
}

/// Small deterministic generator (xorshift) so failures reproduce.
struct Rng(u64);
impl Rng {
    fn next(&mut self) -> u64 {
        self.0 ^= self.0 << 13;
        self.0 ^= self.0 >> 7;
        self.0 ^= self.0 << 17;
        self.0
    }
}

#[test]
fn empty_file_is_an_error_entry() {
    let r = extract_bytes(b"", Path::new("x.txt"), "x.txt");
    assert!(matches!(r, Err(ExtractError::Text { .. })), "{r:?}");
}

#[test]
fn binary_file_is_an_error_entry() {
    let r = extract_bytes(b"\x7fELF\x02\x01\x01\0\0\0\0", Path::new("x.txt"), "x.txt");
    assert!(matches!(r, Err(ExtractError::Text { .. })), "{r:?}");
}

#[test]
fn random_text_has_no_forms() {
    let r = extract_bytes(
        "天气很好\t今天\n随便写点什么\n".as_bytes(),
        Path::new("x.txt"),
        "x.txt",
    );
    assert!(matches!(r, Err(ExtractError::NoForms { .. })), "{r:?}");
}

fn sample(rel: &str) -> Vec<u8> {
    std::fs::read(
        Path::new(env!("CARGO_MANIFEST_DIR"))
            .join("../..")
            .join(rel),
    )
    .expect("sample")
}

fn data(name: &str) -> Vec<u8> {
    std::fs::read(
        Path::new(env!("CARGO_MANIFEST_DIR"))
            .join("tests/data")
            .join(name),
    )
    .expect("fixture")
}

#[test]
fn broken_pdf_is_an_error_entry() {
    let r = extract_bytes(b"%PDF-1.7\n", Path::new("a.pdf"), "a.pdf");
    match r {
        Err(ExtractError::Pdf {
            source: jixiao_pdf::PdfError::Malformed { .. },
            ..
        }) => {}
        other => panic!("{other:?}"),
    }
}

#[test]
fn password_protected_pdf_is_an_error_entry() {
    // Made with pypdf: user password "secret", AES-128.
    let r = extract_bytes(&data("password.pdf"), Path::new("p.pdf"), "p.pdf");
    match &r {
        Err(
            e @ ExtractError::Pdf {
                source: jixiao_pdf::PdfError::Encrypted,
                ..
            },
        ) => assert!(e.to_string().contains("password"), "{e}"),
        other => panic!("{other:?}"),
    }
}

#[test]
fn password_option_opens_a_protected_pdf() {
    // password.pdf holds one form-like page (made with pypdf: user password "secret").
    let bytes = data("password.pdf");
    let sha = jixiao_pipeline::sha256_hex(&bytes);
    let opts = |pw: &str| jixiao_pipeline::Options {
        password: Some(pw.to_string()),
        ..Default::default()
    };
    let wrong =
        jixiao_pipeline::extract_with(&bytes, &sha, Path::new("p.pdf"), "p.pdf", &opts("x"));
    assert!(
        matches!(
            wrong,
            Err(ExtractError::Pdf {
                source: jixiao_pdf::PdfError::Encrypted,
                ..
            })
        ),
        "{wrong:?}"
    );
    // With the password the file opens: whatever it yields, it is no longer "protected".
    let right =
        jixiao_pipeline::extract_with(&bytes, &sha, Path::new("p.pdf"), "p.pdf", &opts("secret"));
    assert!(
        !matches!(
            right,
            Err(ExtractError::Pdf {
                source: jixiao_pdf::PdfError::Encrypted,
                ..
            })
        ),
        "{right:?}"
    );
}

#[test]
fn pdf_encrypted_with_an_empty_user_password_is_read() {
    // Owner password only (RC4-128): readers open it without asking.
    let texts = jixiao_pdf::page_texts(&data("owner_only.pdf")).expect("decrypted");
    assert!(texts[0].contains("财政项目支出绩效"), "{}", texts[0]);
}

#[test]
fn scans_need_ocr_when_it_is_off() {
    let rel = "samples/scans-g4300/selfeval_001_003_sheets.pdf";
    let bytes = sample(rel);
    let opts = jixiao_pipeline::Options {
        ocr: jixiao_pdf::OcrMode::Never,
        ..Default::default()
    };
    let r = jixiao_pipeline::extract_with(
        &bytes,
        &jixiao_pipeline::sha256_hex(&bytes),
        Path::new(rel),
        rel,
        &opts,
    );
    match &r {
        Err(
            e @ ExtractError::Pdf {
                source: jixiao_pdf::PdfError::NeedsOcr { .. },
                ..
            },
        ) => {
            assert!(e.to_string().contains("needs OCR"), "{e}");
            let entry = jixiao_pipeline::ErrorEntry::from(e);
            assert_eq!(entry.place.as_deref(), Some("page 1"));
        }
        other => panic!("{rel}: {other:?}"),
    }
}

/// A scan with every page image changed by `f`.
fn scan_page_with(rel: &str, f: impl Fn(&mut lopdf::Stream)) -> Vec<u8> {
    let mut doc = lopdf::Document::load_mem(&sample(rel)).expect("scan");
    let ids: Vec<lopdf::ObjectId> = doc
        .objects
        .iter()
        .filter(|(_, o)| {
            o.as_stream().is_ok_and(|s| {
                s.dict.get(b"Subtype").ok().and_then(|n| n.as_name().ok()) == Some(b"Image")
            })
        })
        .map(|(id, _)| *id)
        .collect();
    for id in ids {
        if let Ok(lopdf::Object::Stream(s)) = doc.get_object_mut(id) {
            f(s);
        }
    }
    let mut out = Vec::new();
    doc.save_to(&mut out).expect("save");
    out
}

#[test]
fn corrupt_page_images_are_error_entries_with_their_page() {
    let cases: Vec<(&str, Vec<u8>)> = vec![
        (
            "truncated JPEG",
            scan_page_with("samples/scans-grey200/declaration_004.pdf", |s| {
                s.content.truncate(600)
            }),
        ),
        (
            "bad CCITT data",
            scan_page_with("samples/scans-g4300/declaration_004.pdf", |s| {
                s.content = vec![0u8; 4096]
            }),
        ),
        (
            "huge dimensions",
            scan_page_with("samples/scans-g4300/declaration_004.pdf", |s| {
                s.dict.set("Width", 1_000_000);
                s.dict.set("Height", 1_000_000);
                s.dict.set(
                    "DecodeParms",
                    lopdf::dictionary! {"K" => -1, "Columns" => 1_000_000, "Rows" => 1_000_000},
                );
            }),
        ),
        (
            "JBIG2",
            scan_page_with("samples/scans-g4300/declaration_004.pdf", |s| {
                s.dict
                    .set("Filter", lopdf::Object::Name(b"JBIG2Decode".to_vec()))
            }),
        ),
    ];
    for (what, bytes) in cases {
        let r = extract_bytes(&bytes, Path::new("x.pdf"), "x.pdf");
        match &r {
            Err(e @ ExtractError::Pdf { source, .. }) => {
                assert!(
                    matches!(source, jixiao_pdf::PdfError::Ocr { page: 1, .. }),
                    "{what}: {e}"
                );
                assert_eq!(
                    jixiao_pipeline::ErrorEntry::from(e).place.as_deref(),
                    Some("page 1")
                );
                if what == "JBIG2" {
                    assert!(e.to_string().contains("JBIG2"), "{e}");
                }
            }
            other => panic!("{what}: {other:?}"),
        }
    }
}

#[test]
fn a_page_image_file_is_read_by_ocr() {
    let rel = "samples/images/selfeval_page1.png";
    let recs = extract_bytes(&sample(rel), Path::new(rel), rel).expect("read by OCR");
    assert_eq!(recs.len(), 1);
    let r = serde_json::to_value(&recs[0]).expect("json");
    assert_eq!(r["source"]["format"], "image-ocr");
    assert_eq!(r["project_name"], "对口扶贫支援类");
    let conf = r["indicators"][0]["source"]["confidence"]
        .as_f64()
        .expect("confidence");
    assert!((0.0..=1.0).contains(&conf));
    // Broken image files are error entries.
    let mut png = sample(rel);
    png.truncate(png.len() / 3);
    assert!(matches!(
        extract_bytes(&png, Path::new(rel), rel),
        Err(ExtractError::Image { .. })
    ));
}

#[test]
fn truncated_and_corrupted_pdfs_never_panic() {
    for rel in [
        "samples/pdf-lo/declaration_004.pdf",
        "samples/pdf-chromium/selfeval_001_003.pdf",
        "samples/pdf-cid/selfeval_003_declaration_004_stsong.pdf",
    ] {
        let b = sample(rel);
        for k in 1..25 {
            let cut = b.len() * k / 25;
            let r = extract_bytes(&b[..cut], Path::new(rel), rel);
            not_panicked(&r);
        }
        let mut rng = Rng(0x9e37_79b9_7f4a_7c15 ^ b.len() as u64);
        for _ in 0..20 {
            let mut c = b.clone();
            for _ in 0..50 {
                let i = (rng.next() % c.len() as u64) as usize;
                c[i] = (rng.next() & 0xff) as u8;
            }
            let r = extract_bytes(&c, Path::new(rel), rel);
            not_panicked(&r);
        }
    }
}

#[test]
fn truncated_files_never_panic() {
    for name in [
        "000_e808c967bf7c4d08.txt",
        "002_e6e4448b1a475d47.txt",
        "004_791103693362f411.txt",
    ] {
        let b = seed(name);
        for k in 1..40 {
            let mut cut = b.len() * k / 40;
            while cut > 0 && std::str::from_utf8(&b[..cut]).is_err() {
                cut -= 1;
            }
            let r = extract_bytes(&b[..cut], Path::new(name), name);
            not_panicked(&r);
        }
    }
}

#[test]
fn mutated_and_random_files_never_panic() {
    let base = String::from_utf8(seed("001_7f02990d5c4f7ac6.txt")).expect("utf8");
    let lines: Vec<&str> = base.lines().collect();
    let alphabet: Vec<char> =
        "\t\n 0123456789.-%≥≤=()（）项目名称年度资金总额指标一级二级三级评分等级总分优"
            .chars()
            .collect();
    let mut rng = Rng(0x9e37_79b9_7f4a_7c15);
    for _ in 0..150 {
        // Shuffle, drop and duplicate lines.
        let mut out = String::new();
        for _ in 0..lines.len() {
            let l = lines[(rng.next() as usize) % lines.len()];
            out.push_str(l);
            out.push('\n');
        }
        not_panicked(&extract_bytes(out.as_bytes(), Path::new("m.txt"), "m.txt"));
        // Random characters from the forms' own alphabet.
        let n = (rng.next() % 4000) as usize;
        let s: String = (0..n)
            .map(|_| alphabet[(rng.next() as usize) % alphabet.len()])
            .collect();
        not_panicked(&extract_bytes(s.as_bytes(), Path::new("r.txt"), "r.txt"));
    }
}

fn sample_xlsx() -> Vec<u8> {
    let p = Path::new(env!("CARGO_MANIFEST_DIR")).join("../../samples/xlsx/declaration_004.xlsx");
    std::fs::read(p).expect("xlsx sample")
}

#[test]
fn password_protected_workbook_is_an_error_entry() {
    let p = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/data/password.xlsx");
    let bytes = std::fs::read(&p).expect("fixture");
    let r = extract_bytes(&bytes, &p, "password.xlsx");
    match r {
        Err(ExtractError::Workbook { source, .. }) => {
            assert!(source.to_string().contains("password"), "{source}");
        }
        other => panic!("expected a password error, got {other:?}"),
    }
}

#[test]
fn truncated_and_corrupt_workbooks_are_error_entries() {
    let b = sample_xlsx();
    for k in 1..20 {
        let cut = &b[..b.len() * k / 20];
        let r = extract_bytes(cut, Path::new("t.xlsx"), "t.xlsx");
        not_panicked(&r);
        assert!(r.is_err(), "truncated at {k}/20 read as a workbook");
    }
    let mut rng = Rng(7);
    for _ in 0..40 {
        let mut c = b.clone();
        for _ in 0..20 {
            let i = 30 + (rng.next() as usize) % (c.len() - 30);
            c[i] ^= 0x5a;
        }
        not_panicked(&extract_bytes(&c, Path::new("c.xlsx"), "c.xlsx"));
    }
    let r = extract_bytes(b"PK\x03\x04not really a zip", Path::new("z.xlsx"), "z.xlsx");
    assert!(matches!(r, Err(ExtractError::Workbook { .. })), "{r:?}");
}

#[test]
fn html_and_csv_saved_as_xls_are_detected_by_content() {
    let html = "<html><body><table><tr><td>项目名称</td></tr></table></body></html>";
    let r = extract_bytes(html.as_bytes(), Path::new("a.xls"), "a.xls");
    // Read as a page (its table), not as a workbook: one label is not a form.
    assert!(matches!(r, Err(ExtractError::NoForms { .. })), "{r:?}");
    assert_eq!(
        jixiao_pipeline::detect(html.as_bytes(), Path::new("a.xls")),
        jixiao_pipeline::Format::Html
    );
    let csv = String::from_utf8(seed("001_7f02990d5c4f7ac6.txt"))
        .expect("utf8")
        .lines()
        .map(|l| {
            l.split('\t')
                .map(|c| format!("\"{}\"", c.replace('"', "\"\"")))
                .collect::<Vec<_>>()
                .join(",")
        })
        .collect::<Vec<_>>()
        .join("\n");
    let r = extract_bytes(csv.as_bytes(), Path::new("b.xls"), "b.xls");
    let recs = r.expect("csv read");
    assert_eq!(recs.len(), 9);
    assert_eq!(recs[0].project_name.as_deref(), Some("对口扶贫支援类"));
}

fn zip_of(members: &[(&str, &[u8])]) -> Vec<u8> {
    use std::io::Write;
    let mut out = std::io::Cursor::new(Vec::new());
    let mut z = zip::ZipWriter::new(&mut out);
    let opts = zip::write::SimpleFileOptions::default()
        .compression_method(zip::CompressionMethod::Deflated);
    for (n, d) in members {
        z.start_file(*n, opts).expect("start");
        z.write_all(d).expect("write");
    }
    z.finish().expect("finish");
    out.into_inner()
}

#[test]
fn bundles_with_escaping_members_or_bombs_are_error_entries() {
    let good = seed("001_7f02990d5c4f7ac6.txt");
    let evil = zip_of(&[
        ("a.txt", &good),
        ("../../etc/cron.d/x", b"* * * * * root sh"),
    ]);
    let r = extract_bytes(&evil, Path::new("evil.zip"), "evil.zip");
    match &r {
        Err(e @ ExtractError::Bundle { .. }) => {
            let entry = jixiao_pipeline::ErrorEntry::from(e);
            assert_eq!(entry.file, "evil.zip");
            assert!(
                entry.message.contains("leave the bundle"),
                "{}",
                entry.message
            );
        }
        other => panic!("{other:?}"),
    }
    // 1,100 MiB of zeros in eleven members: past the 1 GiB bound of all members.
    let zeros = vec![0u8; 100 << 20];
    let members: Vec<(String, &[u8])> = (0..11)
        .map(|i| (format!("z{i}.bin"), zeros.as_slice()))
        .collect();
    let refs: Vec<(&str, &[u8])> = members.iter().map(|(n, d)| (n.as_str(), *d)).collect();
    let bomb = zip_of(&refs);
    assert!(bomb.len() < 2 << 20, "{}", bomb.len());
    let r = extract_bytes(&bomb, Path::new("bomb.zip"), "bomb.zip");
    assert!(
        matches!(&r, Err(ExtractError::Bundle { reason, .. }) if reason.contains("in all")),
        "{r:?}"
    );
    // A good bundle reads its member.
    let ok = zip_of(&[("自评表.txt", &good)]);
    let recs = extract_bytes(&ok, Path::new("ok.zip"), "ok.zip").expect("bundle");
    assert!(recs.iter().all(|r| r.source.file == "ok.zip!/自评表.txt"));
    // A member that fails is an error of its own beside the good member's records; a
    // member without forms is none.
    let mixed = zip_of(&[
        ("a.txt", &good),
        ("b.pdf", b"%PDF-1.4 broken"),
        ("readme.txt", "附件说明".as_bytes()),
    ]);
    let sha = jixiao_pipeline::sha256_hex(&mixed);
    let (recs, errs) = jixiao_pipeline::extract_all(
        &mixed,
        &sha,
        Path::new("m.zip"),
        "m.zip",
        &jixiao_pipeline::Options::default(),
    );
    assert!(!recs.is_empty());
    assert_eq!(errs.len(), 1, "{errs:?}");
    let entry = jixiao_pipeline::ErrorEntry::from(&errs[0]);
    assert_eq!(entry.file, "m.zip!/b.pdf");
}

#[test]
fn legacy_word_documents_are_named_in_their_error() {
    // An OLE compound file header, and the directory entry of a WordDocument stream.
    let mut doc = vec![0xd0, 0xcf, 0x11, 0xe0, 0xa1, 0xb1, 0x1a, 0xe1];
    doc.resize(512, 0);
    doc.extend("WordDocument".encode_utf16().flat_map(u16::to_le_bytes));
    doc.resize(2048, 0);
    let r = extract_bytes(&doc, Path::new("a.doc"), "a.doc");
    match &r {
        Err(e @ ExtractError::Unsupported { .. }) => {
            assert!(e.to_string().contains(".docx"), "{e}")
        }
        other => panic!("{other:?}"),
    }
}
