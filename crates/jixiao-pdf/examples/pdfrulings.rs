//! Prints the ruling lines a borderless page implies, its document read whole (a table's
//! pages share their columns): `pdfrulings FILE PAGE`.
fn main() {
    let args: Vec<String> = std::env::args().collect();
    let bytes = std::fs::read(&args[1]).expect("read");
    let page: usize = args[2].parse().unwrap_or(1);
    let pages = jixiao_pdf::pages(&bytes).expect("pdf");
    let refs: Vec<Option<&jixiao_pdf::content::PageContent>> = pages.iter().map(Some).collect();
    let lines = jixiao_pdf::borderless::rulings_of_pages(&refs);
    for s in &lines[page - 1] {
        println!(
            "{} {:.2} {:.2}-{:.2}",
            if s.horizontal { "H" } else { "V" },
            s.pos,
            s.from,
            s.to
        );
    }
}
