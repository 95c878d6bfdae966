//! Prints the text layer of every page, pages separated by form feeds, for checks against
//! other extractors (`scripts/recall_corpora.py`):
//! `cargo run -p jixiao-pdf --example pdftext -- FILE [PASSWORD]`.
fn main() {
    let Some(path) = std::env::args().nth(1) else {
        eprintln!("usage: pdftext FILE [PASSWORD]");
        std::process::exit(2);
    };
    let bytes = std::fs::read(&path).unwrap_or_else(|e| {
        eprintln!("{path}: {e}");
        std::process::exit(1)
    });
    let password = std::env::args().nth(2);
    match jixiao_pdf::page_texts_with_password(&bytes, password.as_deref()) {
        Ok(pages) => print!("{}", pages.join("\u{c}")),
        Err(e) => {
            eprintln!("{path}: {e}");
            std::process::exit(1)
        }
    }
}
