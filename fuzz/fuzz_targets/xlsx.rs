//! Workbooks as raw bytes (.xlsx, .xls, .xlsb, .ods): mostly the containers' checks.
#![no_main]
libfuzzer_sys::fuzz_target!(|data: &[u8]| {
    let _ = jixiao_xlsx::read(data);
});
