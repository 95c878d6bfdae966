//! The whole pipeline on one file: format detection, the reader, the form parser, as
//! `jixiao extract --ocr never` runs it (a `.pdf` name; detection goes by content). The
//! pipeline contains panics as error entries; here such an entry is a finding.
#![no_main]
use jixiao_pipeline::ExtractError;
use std::path::Path;

libfuzzer_sys::fuzz_target!(|data: &[u8]| {
    let opts = jixiao_pipeline::Options {
        ocr: jixiao_pdf::OcrMode::Never,
        ..Default::default()
    };
    let r = jixiao_pipeline::extract_report(data, "", Path::new("fuzz.pdf"), "fuzz.pdf", &opts);
    for e in &r.errors {
        if let ExtractError::Panic { message, .. } = e {
            panic!("contained panic: {message}");
        }
    }
});
