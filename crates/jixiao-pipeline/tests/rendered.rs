//! The rendered samples (scripts/render_samples.sh) map to reviewed golden records:
//! every mapping names existing records, every digital rendering holds all 100 forms,
//! and every mapped file is committed.

use std::collections::BTreeSet;
use std::path::{Path, PathBuf};

fn root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../..")
}

fn golden_ids() -> BTreeSet<String> {
    let mut ids = BTreeSet::new();
    for e in std::fs::read_dir(root().join("golden/text")).expect("golden/text") {
        let p = e.expect("entry").path();
        if p.extension().is_some_and(|x| x == "jsonl") {
            for line in std::fs::read_to_string(&p).expect("golden").lines() {
                let v: serde_json::Value = serde_json::from_str(line).expect("json");
                ids.insert(v["record_id"].as_str().expect("id").to_string());
            }
        }
    }
    ids
}

fn mappings(dir: &str) -> Vec<(String, Vec<String>)> {
    let d = root().join("golden/rendered").join(dir);
    let mut out = Vec::new();
    for e in std::fs::read_dir(&d).unwrap_or_else(|e| panic!("{}: {e}", d.display())) {
        let p = e.expect("entry").path();
        let v: serde_json::Value =
            serde_json::from_str(&std::fs::read_to_string(&p).expect("mapping")).expect("json");
        let file = v["file"].as_str().expect("file").to_string();
        let ids = v["records"]
            .as_array()
            .expect("records")
            .iter()
            .map(|x| x.as_str().expect("id").to_string())
            .collect();
        out.push((file, ids));
    }
    out.sort();
    out
}

#[test]
fn every_rendering_maps_to_reviewed_records() {
    let golden = golden_ids();
    assert_eq!(golden.len(), 100);
    for dir in [
        "xlsx",
        "pdf-lo",
        "pdf-chromium",
        "pdf-cid",
        "scans-grey200",
        "scans-g4300",
        "scans-colour150",
    ] {
        let maps = mappings(dir);
        assert!(!maps.is_empty(), "no mappings for {dir}");
        let mut covered = BTreeSet::new();
        for (file, ids) in &maps {
            assert!(root().join(file).is_file(), "{file} is not committed");
            assert!(!ids.is_empty(), "{file} maps no form");
            for id in ids {
                assert!(golden.contains(id), "{file}: {id} is not a golden record");
                assert!(
                    covered.insert(id.clone()),
                    "{file}: {id} rendered twice in {dir}"
                );
            }
        }
        if dir != "pdf-cid" {
            assert_eq!(covered, golden, "{dir} does not hold all 100 forms");
        }
    }
}
