//! `explain` on a sample of each format: the JSON lists every cell of the grid, every
//! indicator of every record is traced to the row and cells it came from (and those
//! cells hold the indicator's weight and score), and header fields name a cell that
//! holds them. On text exports whose second form lost its funds block, the explanation
//! names the missing block at the form's place, and extraction reports that form as not
//! read.

use jixiao_forms::explain::RowOutcome;
use jixiao_forms::value::parse_amount;
use jixiao_pipeline::explain::{explain, to_json, to_text, Explained, Selection};
use jixiao_pipeline::{ExtractError, Options};
use std::path::{Path, PathBuf};

fn root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../..")
}

fn files(dir: &str) -> Vec<PathBuf> {
    let mut v: Vec<PathBuf> = std::fs::read_dir(root().join("samples").join(dir))
        .unwrap_or_else(|e| panic!("{dir}: {e}"))
        .map(|e| e.expect("entry").path())
        .collect();
    v.sort();
    v
}

fn explained_bytes(bytes: &[u8], path: &Path) -> Explained {
    let name = path.display().to_string();
    explain(bytes, path, &name, &Options::default()).unwrap_or_else(|e| panic!("{name}: {e}"))
}

fn explained(path: &Path) -> Explained {
    explained_bytes(&std::fs::read(path).expect("read"), path)
}

/// Checks one explanation against the grid and the records it explains.
fn check(e: &Explained) {
    let name = &e.file;
    // Every cell of the grid, in order, with its text.
    let json: serde_json::Value =
        serde_json::from_str(&to_json(e, &Selection::All)).expect("explain json");
    let rows = json["rows"].as_array().expect("rows");
    assert_eq!(rows.len(), e.grid.rows.len(), "{name}: rows");
    for (j, g) in rows.iter().zip(&e.grid.rows) {
        let cells = j["cells"].as_array().expect("cells");
        assert_eq!(cells.len(), g.cells.len(), "{name}: cells of a row");
        for (jc, gc) in cells.iter().zip(&g.cells) {
            assert_eq!(jc["text"].as_str(), Some(gc.text.as_str()), "{name}");
            assert!(jc["col_span"].as_u64().is_some(), "{name}: spans listed");
        }
        assert!(j["origin"].is_object(), "{name}: provenance listed");
    }
    assert!(!e.records.is_empty(), "{name}: no forms");
    assert_eq!(e.records.len(), e.explanation.forms.len(), "{name}");
    assert_eq!(
        json["forms"].as_array().map(Vec::len),
        Some(e.records.len()),
        "{name}: forms in JSON"
    );
    for (f, r) in e.explanation.forms.iter().zip(&e.records) {
        assert_eq!(f.indicators, r.indicators.len(), "{name}");
        assert!(f.first.row <= f.anchor.row && f.anchor.row <= f.ends.last.row);
        assert!(!f.begins.is_empty() && !f.ends.reason.is_empty());
        for (k, ind) in r.indicators.iter().enumerate() {
            let own: Vec<_> = f
                .indicator_rows
                .iter()
                .filter(|t| t.outcome == RowOutcome::Indicator { indicator: k + 1 })
                .collect();
            assert_eq!(own.len(), 1, "{name}: indicator {} has one row", k + 1);
            assert_eq!(
                own[0].from.origin,
                ind.source,
                "{name}: indicator {}",
                k + 1
            );
            // The weight and score come from cells placed in those fields.
            let parts: Vec<_> = f
                .indicator_rows
                .iter()
                .filter(|t| match t.outcome {
                    RowOutcome::Indicator { indicator } | RowOutcome::PartOf { indicator } => {
                        indicator == k + 1
                    }
                    _ => false,
                })
                .collect();
            for (field, value) in [("weight", ind.weight), ("score", ind.score)] {
                let Some(v) = value else { continue };
                let found = parts.iter().flat_map(|t| &t.cells).any(|c| {
                    c.field == Some(field)
                        && parse_amount(&c.text).is_some_and(|a| a.normalize() == v.normalize())
                });
                assert!(found, "{name}: indicator {} {field} {v} has no cell", k + 1);
            }
        }
        // Header fields point at a cell that holds them.
        for s in &f.fields {
            let Some(c) = s.cell else { continue };
            let row = &e.grid.rows[s.from.row];
            assert!(c < row.cells.len(), "{name}: {} cell", s.field);
            if s.field.starts_with("funds.") {
                let v = parse_amount(row.cells[c].cleaned()).expect("an amount");
                let want = parse_amount(&s.value).expect("a value");
                assert_eq!(v.normalize(), want.normalize(), "{name}: {}", s.field);
            }
        }
        if let Some(n) = &r.project_name {
            assert!(
                f.fields
                    .iter()
                    .any(|s| s.field == "project_name" && &s.value == n)
                    || f.fields.iter().all(|s| s.field != "project_name"),
                "{name}: project_name traced"
            );
        }
    }
    // The text view names every form.
    let text = to_text(e, &Selection::All);
    for f in &e.explanation.forms {
        assert!(text.contains(&format!("form {} ·", f.form)), "{name}");
    }
}

#[test]
fn explains_every_format() {
    let mut n = 0;
    for dir in ["text", "xlsx", "pdf-lo", "pdf-cid", "html", "docx"] {
        for p in files(dir) {
            check(&explained(&p));
            n += 1;
        }
    }
    assert!(n >= 20, "{n} files");
}

#[test]
fn explains_a_page_image_read_by_ocr() {
    let p = root().join("samples/images/selfeval_page1.png");
    let e = explained(&p);
    check(&e);
    assert!(e.grid.rows.iter().any(|r| matches!(
        r.origin,
        jixiao_grid::Origin::Pdf {
            confidence: Some(_),
            ..
        }
    )));
}

#[test]
fn selections_keep_their_rows_only() {
    let p = root().join("samples/xlsx/selfeval_001_003_sheets.xlsx");
    let e = explained(&p);
    let sheet = match &e.grid.rows.last().expect("rows").origin {
        jixiao_grid::Origin::Sheet { sheet, .. } => sheet.clone(),
        o => panic!("{o:?}"),
    };
    let sel = Selection::Sheet(sheet.clone());
    let json: serde_json::Value = serde_json::from_str(&to_json(&e, &sel)).expect("json");
    let rows = json["rows"].as_array().expect("rows");
    assert!(!rows.is_empty());
    assert!(rows
        .iter()
        .all(|r| r["origin"]["sheet"].as_str() == Some(sheet.as_str())));
    assert!(
        json["forms"].as_array().expect("forms").len() < e.records.len(),
        "one sheet, not every form"
    );
    assert!(Selection::Sheet("no such sheet".into())
        .check(&e.grid)
        .is_err());
    assert!(Selection::Lines(1, 3).check(&e.grid).is_err());
}

/// Lines of a text export that are its funds block: the 年度资金总额 row, the money
/// header above it and the 其中 / 结转 / 其他 rows below it, found by content.
fn funds_block(lines: &[&str], anchor: usize) -> std::ops::Range<usize> {
    let money = |l: &str| {
        [
            "项目资金",
            "年初预算",
            "资金总额",
            "其中",
            "财政拨款",
            "结转",
            "其他资金",
            "财政资金",
        ]
        .iter()
        .any(|w| l.contains(w))
    };
    let mut a = anchor;
    while a > 0 && money(lines[a - 1]) && !lines[a - 1].contains("项目名称") {
        a -= 1;
    }
    let mut b = anchor + 1;
    while b < lines.len() && money(lines[b]) {
        b += 1;
    }
    a..b
}

#[test]
fn a_form_without_its_funds_block_is_named_not_lost() {
    let mut tried = 0;
    for p in files("text") {
        let text = std::fs::read_to_string(&p).expect("read");
        let lines: Vec<&str> = text.lines().collect();
        let anchors: Vec<usize> = (0..lines.len())
            .filter(|&i| lines[i].contains("年度资金总额") || lines[i].contains("年度资金申请总额"))
            .collect();
        if anchors.len() < 3 {
            continue;
        }
        let before = explained(&p);
        let block = funds_block(&lines, anchors[1]);
        let cut: Vec<&str> = lines
            .iter()
            .enumerate()
            .filter(|(i, _)| !block.contains(i))
            .map(|(_, l)| *l)
            .collect();
        let bytes = (cut.join("\n") + "\n").into_bytes();
        let path = PathBuf::from(format!(
            "cut-{}",
            p.file_name().expect("name").to_string_lossy()
        ));
        let after = explained_bytes(&bytes, &path);
        let name = p.display();
        assert_eq!(
            after.records.len() + 1,
            before.records.len(),
            "{name}: one form fewer"
        );
        // The explanation names the missing block where the second form was printed
        // (between the first form's anchor and the cut, in 1-based lines).
        let c = after
            .explanation
            .candidates
            .iter()
            .find(|c| c.message.contains("no funds block"))
            .unwrap_or_else(|| panic!("{name}: {:?}", after.explanation.candidates));
        let line = match c.at.origin {
            jixiao_grid::Origin::Line { line } => line as usize,
            ref o => panic!("{o:?}"),
        };
        assert!(
            line > anchors[0] + 1 && line <= block.start + 1,
            "{name}: candidate at line {line}, cut at {}",
            block.start + 1
        );
        assert!(to_text(&after, &Selection::All).contains(&c.message));
        // Extraction reads the other forms and reports this one, with its place.
        let (records, errors) =
            jixiao_pipeline::extract_all(&bytes, "sha", &path, "cut.txt", &Options::default());
        assert_eq!(records.len(), after.records.len());
        assert!(
            errors.iter().any(|e| matches!(e,
                ExtractError::FormNotRead { place, .. } if *place == format!("line {line}"))),
            "{name}: {errors:?}"
        );
        tried += 1;
    }
    assert!(tried >= 3, "{tried} files tried");
}

#[test]
fn a_file_without_forms_says_what_it_saw() {
    let p = root().join("samples/text/001_7f02990d5c4f7ac6.txt");
    let text = std::fs::read_to_string(&p).expect("read");
    let lines: Vec<&str> = text.lines().collect();
    let first_end = lines
        .iter()
        .position(|l| l.starts_with("评分等级"))
        .expect("a closing row");
    let anchor = lines
        .iter()
        .position(|l| l.contains("年度资金总额"))
        .expect("anchor");
    let block = funds_block(&lines, anchor);
    let one: Vec<&str> = lines[..=first_end]
        .iter()
        .enumerate()
        .filter(|(i, _)| !block.contains(i))
        .map(|(_, l)| *l)
        .collect();
    let bytes = one.join("\n").into_bytes();
    let (records, errors) = jixiao_pipeline::extract_all(
        &bytes,
        "sha",
        Path::new("one.txt"),
        "one.txt",
        &Options::default(),
    );
    assert!(records.is_empty());
    let msg = errors[0].to_string();
    assert!(
        msg.contains("found 项目名称 at line") && msg.contains("no funds block"),
        "{msg}"
    );
    assert!(msg.contains("jixiao explain one.txt"), "{msg}");
}
