//! What researchers join on: project and form keys, duplicates across publications,
//! amounts in 元, and one Parquet schema for every run.

mod common;

use common::{jixiao, root};
use std::collections::BTreeMap;
use std::path::Path;

fn records(out: &Path) -> Vec<serde_json::Value> {
    std::fs::read_to_string(out.join("records.jsonl"))
        .expect("records")
        .lines()
        .map(|l| serde_json::from_str(l).expect("record"))
        .collect()
}

fn run(files: &[(&str, &str)]) -> (tempfile::TempDir, Vec<serde_json::Value>) {
    let tmp = tempfile::tempdir().expect("tmp");
    std::fs::create_dir_all(tmp.path().join("in")).expect("mkdir");
    for (from, to) in files {
        std::fs::copy(root().join(from), tmp.path().join("in").join(to)).expect("copy");
    }
    let o = jixiao(
        &["extract", "-q", "--ocr", "never", "in", "-o", "out"],
        tmp.path(),
    );
    assert_eq!(
        o.status.code(),
        Some(0),
        "{}",
        String::from_utf8_lossy(&o.stderr)
    );
    let r = records(&tmp.path().join("out"));
    (tmp, r)
}

#[test]
fn projects_of_the_same_name_run_by_different_implementers_get_different_keys() {
    let (_t, recs) = run(&[("samples/text/004_791103693362f411.txt", "a.txt")]);
    let ads: Vec<&serde_json::Value> = recs
        .iter()
        .filter(|r| r["project_name"] == "宣传与推广")
        .collect();
    assert_eq!(ads.len(), 2);
    assert_ne!(ads[0]["project_key"], ads[1]["project_key"]);
    assert_ne!(ads[0]["form_key"], ads[1]["form_key"]);
    // 121,600 and 10,000 元, declared in 元.
    let yuan: Vec<&str> = ads
        .iter()
        .map(|r| r["funds"][0]["budget_yuan"].as_str().unwrap_or(""))
        .collect();
    assert_eq!(yuan, ["121600.00", "10000.00"]);
}

#[test]
fn one_form_published_five_ways_shares_a_form_key_and_points_at_its_first_record() {
    let (_t, recs) = run(&[
        ("samples/text/004_791103693362f411.txt", "1.txt"),
        ("samples/xlsx/declaration_004.xlsx", "2.xlsx"),
        ("samples/pdf-lo/declaration_004.pdf", "3-lo.pdf"),
        (
            "samples/pdf-chromium/selfeval_000_declaration_004.pdf",
            "4-chromium.pdf",
        ),
        (
            "samples/pdf-cid/selfeval_003_declaration_004_stsong.pdf",
            "5-cid.pdf",
        ),
    ]);
    let mut by_key: BTreeMap<String, Vec<&serde_json::Value>> = BTreeMap::new();
    // (A form read without its project name has no key; the Chromium rendering of one
    // self-evaluation is such a known mismatch.)
    for r in &recs {
        if let Some(key) = r["form_key"].as_str() {
            by_key.entry(key.to_string()).or_default().push(r);
        }
    }
    // How often each declaration of the text export is published again: the reviewed
    // lists of which golden records every rendered file holds.
    let mut copies: BTreeMap<String, usize> = BTreeMap::new();
    for g in [
        "xlsx/declaration_004.xlsx",
        "pdf-lo/declaration_004.pdf",
        "pdf-chromium/selfeval_000_declaration_004.pdf",
        "pdf-cid/selfeval_003_declaration_004_stsong.pdf",
    ] {
        let path = root().join(format!("golden/rendered/{g}.json"));
        let v: serde_json::Value =
            serde_json::from_str(&std::fs::read_to_string(path).expect("golden")).expect("json");
        for id in v["records"].as_array().expect("records") {
            *copies
                .entry(id.as_str().unwrap_or("").to_string())
                .or_default() += 1;
        }
    }
    let text_forms: Vec<&serde_json::Value> = recs
        .iter()
        .filter(|r| r["source"]["file"] == "in/1.txt")
        .collect();
    assert_eq!(text_forms.len(), 26);
    for t in text_forms {
        let group = &by_key[t["form_key"].as_str().unwrap_or("")];
        let id = t["record_id"].as_str().unwrap_or("");
        assert_eq!(group.len(), 1 + copies[id], "{}", t["form_key"]);
        assert!(t["duplicate_of"].is_null());
        for later in &group[1..] {
            assert_eq!(
                later["duplicate_of"], t["record_id"],
                "{}",
                later["source"]["file"]
            );
        }
    }
    // Forms published once point nowhere.
    for (_, group) in by_key.iter().filter(|(_, g)| g.len() == 1) {
        assert!(group[0]["duplicate_of"].is_null());
    }
}

/// The arrow schema (with its metadata) of every Parquet table of a dataset.
fn schemas(out: &Path) -> BTreeMap<String, String> {
    ["forms", "funds", "indicators", "findings"]
        .iter()
        .map(|t| {
            let f = std::fs::File::open(out.join(format!("{t}.parquet"))).expect("parquet");
            let b = parquet::arrow::arrow_reader::ParquetRecordBatchReaderBuilder::try_new(f)
                .expect("reader");
            (t.to_string(), format!("{:?}", b.schema()))
        })
        .collect()
}

#[test]
fn runs_over_disjoint_inputs_write_one_parquet_schema() {
    // A monitoring workbook (万元, periods) and a declaration text export (元, dates).
    let (a, _) = run(&[("samples/xlsx/monitoring_002.xlsx", "m.xlsx")]);
    let (b, _) = run(&[("samples/text/004_791103693362f411.txt", "d.txt")]);
    let (sa, sb) = (
        schemas(&a.path().join("out")),
        schemas(&b.path().join("out")),
    );
    assert_eq!(sa, sb);
    assert!(
        sa["forms"].contains("jixiao.schema_version"),
        "{}",
        sa["forms"]
    );
    assert!(sa["forms"].contains("Date32"), "{}", sa["forms"]);
    assert!(sa["funds"].contains("Decimal128(38, 6)"), "{}", sa["funds"]);
    let m: serde_json::Value = serde_json::from_str(
        &std::fs::read_to_string(a.path().join("out/manifest.json")).expect("manifest"),
    )
    .expect("json");
    assert_eq!(m["schema_version"], jixiao_dataset_version());
    // Coordinates are rounded to 0.01 pt.
    let (c, _) = run(&[("samples/pdf-lo/declaration_004.pdf", "p.pdf")]);
    let ind = std::fs::read_to_string(c.path().join("out/indicators.csv")).expect("csv");
    let mut rdr = csv::Reader::from_reader(ind.trim_start_matches('\u{feff}').as_bytes());
    let h = rdr.headers().expect("headers").clone();
    let x0 = h.iter().position(|c| c == "bbox_x0").expect("bbox_x0");
    for row in rdr.records().map(|r| r.expect("row")) {
        let v = &row[x0];
        let decimals = v.split('.').nth(1).map_or(0, str::len);
        assert!(decimals <= 2, "{v}");
    }
}

fn jixiao_dataset_version() -> u32 {
    // The version the binary writes; kept in step with jixiao_dataset::SCHEMA_VERSION by
    // the dictionary test (docs/datasets.md names it).
    let doc = std::fs::read_to_string(root().join("docs/datasets.md")).expect("datasets.md");
    let after = doc.split("Schema version **").nth(1).expect("version");
    after
        .split("**")
        .next()
        .and_then(|v| v.parse().ok())
        .expect("number")
}
