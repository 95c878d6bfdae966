//! Prints the grid rows OCR makes of a scanned PDF, one row a line (cells by ` | `),
//! with each row's page, top and confidence: for looking at what the engine reads.
//!
//! `cargo run --release -p jixiao-ocr --example page_text -- FILE.pdf [FIRST_PAGE LAST_PAGE]`

fn main() {
    let args: Vec<String> = std::env::args().collect();
    let Some(path) = args.get(1) else {
        eprintln!("usage: page_text FILE.pdf [FIRST LAST]");
        std::process::exit(2);
    };
    let (first, last) = match (args.get(2), args.get(3)) {
        (Some(a), Some(b)) => (a.parse().unwrap_or(1), b.parse().unwrap_or(u32::MAX)),
        _ => (1, u32::MAX),
    };
    let bytes = std::fs::read(path).unwrap_or_else(|e| {
        eprintln!("{path}: {e}");
        std::process::exit(2)
    });
    let engine = jixiao_ocr::Engine::shared().map(|e| e as &dyn jixiao_pdf::PageOcr);
    let opts = jixiao_pdf::ReadOptions {
        password: None,
        ocr: jixiao_pdf::OcrMode::Auto,
        engine: Some(engine),
    };
    let started = std::time::Instant::now();
    match jixiao_pdf::read_with(&bytes, &opts) {
        Ok(read) => {
            for row in &read.grid.rows {
                if let jixiao_grid::Origin::Pdf {
                    page,
                    bbox,
                    confidence,
                } = &row.origin
                {
                    if *page < first || *page > last {
                        continue;
                    }
                    let cells: Vec<&str> = row.cells.iter().map(|c| c.text.as_str()).collect();
                    println!(
                        "p{page} y{:.0} c{:.2}: {}",
                        bbox[1],
                        confidence.unwrap_or(1.0),
                        cells.join(" | ")
                    );
                }
            }
            eprintln!(
                "{} OCR pages in {:.2} s",
                read.ocr_pages.len(),
                started.elapsed().as_secs_f32()
            );
        }
        Err(e) => eprintln!("{path}: {e}"),
    }
}
