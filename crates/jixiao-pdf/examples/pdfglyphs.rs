//! Prints positioned glyphs of one page: `cargo run -p jixiao-pdf --example pdfglyphs -- FILE PAGE [TEXT]`.
fn main() {
    let args: Vec<String> = std::env::args().collect();
    if args.len() < 3 {
        eprintln!("usage: pdfglyphs FILE PAGE [TEXT]");
        std::process::exit(2);
    }
    let bytes = std::fs::read(&args[1]).unwrap_or_else(|e| {
        eprintln!("{}: {e}", args[1]);
        std::process::exit(1)
    });
    let page: usize = args[2].parse().unwrap_or(1);
    let pages = jixiao_pdf::pages(&bytes).unwrap_or_else(|e| {
        eprintln!("{e}");
        std::process::exit(1)
    });
    let Some(p) = pages.get(page.saturating_sub(1)) else {
        eprintln!("no page {page}");
        std::process::exit(1)
    };
    println!(
        "page {}x{} glyphs {} segments {} images {}",
        p.width,
        p.height,
        p.glyphs.len(),
        p.segments.len(),
        p.image_area
    );
    if args.get(3).is_some_and(|t| t == "--lines") {
        for s in &p.segments {
            println!("{s:?}");
        }
        return;
    }
    for g in &p.glyphs {
        if args.get(3).is_none_or(|t| t.contains(g.text.as_str())) {
            println!("{:?}", g);
        }
    }
}
