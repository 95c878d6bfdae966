//! `jixiao explain FILE`: the reader's cell grid and the parser's view of one file.

use super::Outcome;
use crate::args::ExplainArgs;
use anyhow::{bail, Context, Result};
use jixiao_pipeline::explain::{self, Selection};

/// Parses `A-B` or `A` (1-based lines).
fn lines(s: &str) -> Result<(u32, u32)> {
    let (a, b) = s.split_once('-').unwrap_or((s, s));
    let a: u32 = a
        .trim()
        .parse()
        .with_context(|| format!("--lines {s}: not A-B"))?;
    let b: u32 = b
        .trim()
        .parse()
        .with_context(|| format!("--lines {s}: not A-B"))?;
    if a == 0 || b < a {
        bail!("--lines {s}: lines are 1-based and A ≤ B");
    }
    Ok((a, b))
}

/// Runs the explanation.
pub fn run(args: &ExplainArgs) -> Result<Outcome> {
    let sel = match (&args.page, &args.sheet, &args.lines) {
        (Some(p), _, _) => Selection::Page(*p),
        (_, Some(s), _) => Selection::Sheet(s.clone()),
        (_, _, Some(l)) => {
            let (a, b) = lines(l)?;
            Selection::Lines(a, b)
        }
        _ => Selection::All,
    };
    let name = args.file.to_string_lossy().replace('\\', "/");
    let meta = std::fs::metadata(&args.file).with_context(|| format!("cannot read {}", name))?;
    if meta.len() > jixiao_pipeline::MAX_FILE_BYTES {
        bail!(
            "{name}: {} bytes is over the {}-byte limit",
            meta.len(),
            jixiao_pipeline::MAX_FILE_BYTES
        );
    }
    let bytes = std::fs::read(&args.file).with_context(|| format!("cannot read {name}"))?;
    let opts = jixiao_pipeline::Options {
        ocr: args.ocr.mode(),
        password: args.password.clone(),
    };
    let e = explain::explain(&bytes, &args.file, &name, &opts).map_err(anyhow::Error::new)?;
    sel.check(&e.grid)
        .map_err(|m| anyhow::anyhow!("{name}: {m}"))?;
    if args.json {
        print!("{}", explain::to_json(&e, &sel));
    } else {
        print!("{}", explain::to_text(&e, &sel));
    }
    if let Some(path) = &args.html {
        std::fs::write(path, explain::to_html(&e, &sel))
            .with_context(|| format!("cannot write {}", path.display()))?;
        eprintln!("jixiao: wrote {}", path.display());
    }
    Ok(if e.records.is_empty() {
        Outcome::Partial
    } else {
        Outcome::Complete
    })
}
