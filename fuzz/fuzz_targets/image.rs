//! Page images (PNG, JPEG, TIFF with CCITT G3/G4) decoded into rasters; the OCR engine
//! itself is not fuzzed (ONNX Runtime runs fixed models on any raster).
#![no_main]
libfuzzer_sys::fuzz_target!(|data: &[u8]| {
    let _ = jixiao_raster::decode_file(data);
});
