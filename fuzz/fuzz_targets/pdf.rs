//! PDFs: parsing, repair of broken cross-references, content streams, fonts and CMaps,
//! the lattice and the rows (no OCR).
#![no_main]
libfuzzer_sys::fuzz_target!(|data: &[u8]| {
    let _ = jixiao_pdf::read(data);
});
