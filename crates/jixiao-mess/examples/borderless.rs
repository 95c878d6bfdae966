//! Writes borderless renderings of PDFs: `borderless OUTDIR FILE.pdf...` writes
//! `OUTDIR/none/FILE.pdf` (every ruling line erased), `OUTDIR/horizontal/FILE.pdf`
//! (horizontal rules only) and `OUTDIR/shaded/FILE.pdf` (no lines, every other row
//! shaded).

use jixiao_mess::rulings::{restyle, Rulings};
use std::path::Path;

fn main() {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let Some((out, files)) = args.split_first() else {
        eprintln!("usage: borderless OUTDIR FILE.pdf...");
        std::process::exit(2);
    };
    for (dir, keep) in [
        ("none", Rulings::None),
        ("horizontal", Rulings::Horizontal),
        ("shaded", Rulings::Shaded),
    ] {
        let d = Path::new(out).join(dir);
        std::fs::create_dir_all(&d).unwrap_or_else(|e| panic!("{}: {e}", d.display()));
        for f in files {
            let bytes = std::fs::read(f).unwrap_or_else(|e| panic!("{f}: {e}"));
            let Some(pdf) = restyle(&bytes, keep) else {
                eprintln!("{f}: not a PDF lopdf reads");
                continue;
            };
            let name = Path::new(f).file_name().expect("file name");
            std::fs::write(d.join(name), pdf).unwrap_or_else(|e| panic!("{f}: {e}"));
        }
    }
}
