//! Text exports: decoding (UTF-8, GB18030, UTF-16) and splitting into cells.
#![no_main]
libfuzzer_sys::fuzz_target!(|data: &[u8]| {
    let _ = jixiao_text::read(data);
});
