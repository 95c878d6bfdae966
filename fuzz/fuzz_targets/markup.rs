//! HTML pages and Word documents: their tables into the grid.
#![no_main]
libfuzzer_sys::fuzz_target!(|data: &[u8]| {
    let _ = jixiao_markup::read_html(data);
    let _ = jixiao_markup::read_docx(data);
});
