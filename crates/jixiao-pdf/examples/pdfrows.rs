//! Prints the grid rows a PDF gives: `cargo run -p jixiao-pdf --example pdfrows -- FILE [PAGE]`.
fn main() {
    let args: Vec<String> = std::env::args().collect();
    let Some(path) = args.get(1) else {
        eprintln!("usage: pdfrows FILE [PAGE]");
        std::process::exit(2);
    };
    let page: Option<u32> = args.get(2).and_then(|p| p.parse().ok());
    let bytes = std::fs::read(path).unwrap_or_else(|e| {
        eprintln!("{path}: {e}");
        std::process::exit(1)
    });
    match jixiao_pdf::read(&bytes) {
        Ok(grid) => {
            for row in &grid.rows {
                if page.is_some() && row.origin.page() != page {
                    continue;
                }
                let cells: Vec<String> = row
                    .cells
                    .iter()
                    .map(|c| {
                        let span = if c.col_span > 1 || c.row_span > 1 {
                            format!("[{}x{}]", c.row_span, c.col_span)
                        } else {
                            String::new()
                        };
                        format!("{}{}:{}", c.col, span, c.text)
                    })
                    .collect();
                println!("{:?}\t{}", row.origin, cells.join(" | "));
            }
        }
        Err(e) => {
            eprintln!("{path}: {e}");
            std::process::exit(1);
        }
    }
}
