//! Golden test: every text sample under `samples/text/` is extracted and compared, field
//! by field, with its reviewed golden file `golden/text/<sample>.jsonl`.
//!
//! Prints the field-level accuracy per file and overall. Fails when a form is split or
//! merged (form counts differ), when any field differs that is not listed in
//! `golden/text/KNOWN_MISMATCHES.tsv` (a regression), or when a listed mismatch no longer
//! occurs (the list must stay exact: fixed mismatches are removed from it).

use jixiao_mess::fields::{leaves, rederive};
use serde_json::Value;
use std::collections::BTreeSet;
use std::path::{Path, PathBuf};

fn root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../..")
}

fn get<'a>(v: &'a Value, path: &str) -> Option<&'a Value> {
    let mut cur = v;
    for part in path.split('.').filter(|p| !p.is_empty()) {
        let (name, idx) = match part.find('[') {
            Some(i) => (&part[..i], Some(&part[i..])),
            None => (part, None),
        };
        cur = cur.get(name)?;
        if let Some(idx) = idx {
            for n in idx.split(['[', ']']).filter(|s| !s.is_empty()) {
                cur = cur.get(n.parse::<usize>().ok()?)?;
            }
        }
    }
    Some(cur)
}

fn read_jsonl(p: &Path) -> Vec<Value> {
    std::fs::read_to_string(p)
        .unwrap_or_else(|e| panic!("{}: {e}", p.display()))
        .lines()
        .filter(|l| !l.trim().is_empty())
        .map(|l| serde_json::from_str(l).unwrap_or_else(|e| panic!("{}: {e}", p.display())))
        .collect()
}

/// `record_id<TAB>path` of every known, explained mismatch.
fn known() -> BTreeSet<(String, String)> {
    let p = root().join("golden/text/KNOWN_MISMATCHES.tsv");
    std::fs::read_to_string(p)
        .unwrap_or_default()
        .lines()
        .filter(|l| !l.starts_with('#') && !l.trim().is_empty())
        .filter_map(|l| {
            let mut it = l.split('\t');
            Some((it.next()?.to_string(), it.next()?.to_string()))
        })
        .collect()
}

#[test]
fn text_samples_match_reviewed_golden() {
    let dir = root().join("samples/text");
    let mut files: Vec<PathBuf> = std::fs::read_dir(&dir)
        .expect("samples/text")
        .filter_map(|e| e.ok().map(|e| e.path()))
        .filter(|p| p.extension().is_some_and(|x| x == "txt"))
        .collect();
    files.sort();
    assert!(!files.is_empty(), "no samples in {}", dir.display());
    let known = known();
    let mut seen: BTreeSet<(String, String)> = BTreeSet::new();
    let mut unexpected: Vec<String> = Vec::new();
    let (mut total, mut equal) = (0usize, 0usize);
    for f in &files {
        let stem = f.file_stem().and_then(|s| s.to_str()).unwrap_or_default();
        let name = format!("samples/text/{stem}.txt");
        let bytes = std::fs::read(f).expect("sample");
        let records = jixiao_pipeline::extract_bytes(&bytes, f, &name).expect("extract");
        let got: Vec<Value> = records
            .iter()
            .map(|r| serde_json::to_value(r).expect("json"))
            .collect();
        // Derived fields (keys, amounts in 元) follow from the reviewed ones.
        let want: Vec<Value> = read_jsonl(&root().join(format!("golden/text/{stem}.jsonl")))
            .into_iter()
            .map(rederive)
            .collect();
        assert_eq!(
            got.len(),
            want.len(),
            "{name}: forms found {} vs golden {}",
            got.len(),
            want.len()
        );
        let (mut ft, mut fe) = (0usize, 0usize);
        for (g, w) in got.iter().zip(&want) {
            let id = w["record_id"].as_str().unwrap_or_default().to_string();
            for (path, wv) in leaves(w) {
                ft += 1;
                let gv = get(g, &path)
                    .cloned()
                    .unwrap_or(Value::String("<missing>".into()));
                if gv == wv {
                    fe += 1;
                } else {
                    let key = (id.clone(), path.clone());
                    if !known.contains(&key) {
                        unexpected.push(format!("{id}\t{path}\tgot {gv}\twant {wv}"));
                    }
                    seen.insert(key);
                }
            }
            // Fields the extraction has beyond the golden (e.g. extra indicators).
            for (path, gv) in leaves(g) {
                if get(w, &path).is_none() {
                    ft += 1;
                    let key = (id.clone(), path.clone());
                    if !known.contains(&key) {
                        unexpected.push(format!("{id}\t{path}\tgot {gv}\twant <absent>"));
                    }
                    seen.insert(key);
                }
            }
        }
        println!(
            "{name}: {} forms, {fe}/{ft} fields equal ({:.3} %)",
            want.len(),
            100.0 * fe as f64 / ft.max(1) as f64
        );
        total += ft;
        equal += fe;
    }
    let acc = 100.0 * equal as f64 / total.max(1) as f64;
    println!("all text samples: {equal}/{total} fields equal ({acc:.3} %)");
    let stale: Vec<_> = known.difference(&seen).collect();
    assert!(
        unexpected.is_empty(),
        "{} fields differ from golden and are not in KNOWN_MISMATCHES.tsv:\n{}",
        unexpected.len(),
        unexpected.join("\n")
    );
    assert!(
        stale.is_empty(),
        "KNOWN_MISMATCHES.tsv lists mismatches that no longer occur (remove them): {stale:?}"
    );
    assert!(acc >= 99.0, "field accuracy {acc:.3} % is under 99 %");
}
