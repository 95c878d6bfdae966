//! Prints the ruling lines a borderless page implies: `pdfrulings FILE PAGE`.
fn main() {
    let args: Vec<String> = std::env::args().collect();
    let bytes = std::fs::read(&args[1]).expect("read");
    let page: usize = args[2].parse().unwrap_or(1);
    let pages = jixiao_pdf::pages(&bytes).expect("pdf");
    let p = &pages[page - 1];
    for s in jixiao_pdf::borderless::rulings(p) {
        println!(
            "{} {:.2} {:.2}-{:.2}",
            if s.horizontal { "H" } else { "V" },
            s.pos,
            s.from,
            s.to
        );
    }
}
