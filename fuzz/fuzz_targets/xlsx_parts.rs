//! Structure-aware workbooks: random flips rarely survive the zip checksums, so the
//! fuzzer mutates the parts of a workbook (names and contents) and they are zipped
//! again here before the reader sees them.
#![no_main]
use std::io::Write;

#[derive(Debug, arbitrary::Arbitrary)]
struct Workbook {
    parts: Vec<(Part, Vec<u8>)>,
}

#[derive(Debug, arbitrary::Arbitrary)]
enum Part {
    ContentTypes,
    Rels,
    Workbook,
    WorkbookRels,
    Sheet(u8),
    SharedStrings,
    Styles,
    Other(String),
}

impl Part {
    fn name(&self) -> String {
        match self {
            Part::ContentTypes => "[Content_Types].xml".into(),
            Part::Rels => "_rels/.rels".into(),
            Part::Workbook => "xl/workbook.xml".into(),
            Part::WorkbookRels => "xl/_rels/workbook.xml.rels".into(),
            Part::Sheet(n) => format!("xl/worksheets/sheet{}.xml", n % 4 + 1),
            Part::SharedStrings => "xl/sharedStrings.xml".into(),
            Part::Styles => "xl/styles.xml".into(),
            Part::Other(s) => s.clone(),
        }
    }
}

libfuzzer_sys::fuzz_target!(|wb: Workbook| {
    let mut zip = zip::ZipWriter::new(std::io::Cursor::new(Vec::new()));
    let opts = zip::write::SimpleFileOptions::default()
        .compression_method(zip::CompressionMethod::Stored);
    for (part, data) in &wb.parts {
        if zip.start_file(part.name(), opts).is_err() {
            return;
        }
        let _ = zip.write_all(data);
    }
    let Ok(bytes) = zip.finish().map(|c| c.into_inner()) else {
        return;
    };
    let _ = jixiao_xlsx::read(&bytes);
});
