//! Character recall against poppler's `pdftotext` on every digital sample PDF.
//!
//! The references are committed under `golden/pdftotext/` (`scripts/pdftotext_refs.sh`
//! makes them), so the test needs no poppler. Both sides are compared as multisets of
//! non-space characters after the same folding (CJK radicals and compatibility forms,
//! Latin ligatures), since producers name one glyph by several code points.

use jixiao_pdf::compat::{fold, ligature};
use std::collections::HashMap;
use std::path::{Path, PathBuf};

fn root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../..")
}

fn counts(text: &str) -> HashMap<char, usize> {
    let mut m = HashMap::new();
    for c in text.chars().filter(|c| !c.is_whitespace()) {
        match ligature(c) {
            Some(l) => l.chars().for_each(|c| *m.entry(c).or_insert(0) += 1),
            None => *m.entry(fold(c)).or_insert(0) += 1,
        }
    }
    m
}

#[test]
fn character_recall_against_pdftotext_is_at_least_99_9_percent() {
    let mut failures = Vec::new();
    let mut seen = 0;
    for dir in ["pdf-lo", "pdf-chromium", "pdf-cid"] {
        let refs = root().join("golden/pdftotext").join(dir);
        let mut files: Vec<PathBuf> = std::fs::read_dir(&refs)
            .expect("references")
            .map(|e| e.expect("entry").path())
            .collect();
        files.sort();
        for r in files {
            let stem = r.file_stem().and_then(|s| s.to_str()).expect("name");
            let pdf = root().join("samples").join(dir).join(format!("{stem}.pdf"));
            let bytes = std::fs::read(&pdf).expect("sample");
            let ours = counts(&jixiao_pdf::page_texts(&bytes).expect("read").join(""));
            let theirs = counts(&std::fs::read_to_string(&r).expect("reference"));
            let total: usize = theirs.values().sum();
            let hit: usize = theirs
                .iter()
                .map(|(c, n)| (*n).min(*ours.get(c).unwrap_or(&0)))
                .sum();
            let extra: usize = ours.values().sum::<usize>().saturating_sub(hit);
            let recall = hit as f64 / total.max(1) as f64;
            println!(
                "{dir}/{stem}.pdf: recall {hit}/{total} = {:.4} %, {extra} characters pdftotext lacks",
                100.0 * recall
            );
            if recall < 0.999 {
                let mut missing: Vec<(char, usize)> = theirs
                    .iter()
                    .filter_map(|(c, n)| {
                        let d = n.saturating_sub(*ours.get(c).unwrap_or(&0));
                        (d > 0).then_some((*c, d))
                    })
                    .collect();
                missing.sort_by_key(|m| std::cmp::Reverse(m.1));
                missing.truncate(20);
                failures.push(format!("{dir}/{stem}: {recall:.5} missing {missing:?}"));
            }
            seen += 1;
        }
    }
    assert!(seen >= 8, "only {seen} references");
    assert!(failures.is_empty(), "{}", failures.join("\n"));
}
