//! `docs/datasets.md` is the data dictionary the schema code prints.

#[test]
fn the_data_dictionary_is_the_schema() {
    let path = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../../docs/datasets.md");
    let doc = std::fs::read_to_string(&path).expect("docs/datasets.md");
    assert!(
        doc == jixiao_dataset::dictionary(),
        "docs/datasets.md differs from the schema: \
         cargo run -p jixiao-dataset --example dictionary > docs/datasets.md"
    );
}

#[test]
fn every_column_is_in_the_dictionary_once() {
    let d = jixiao_dataset::dictionary();
    for cols in [
        &jixiao_dataset::FORMS[..],
        &jixiao_dataset::FUNDS[..],
        &jixiao_dataset::INDICATORS[..],
        &jixiao_dataset::FINDINGS[..],
    ] {
        let mut names: Vec<&str> = cols.iter().map(|c| c.name).collect();
        names.sort_unstable();
        names.dedup();
        assert_eq!(names.len(), cols.len(), "a column named twice");
        for c in cols {
            assert!(!c.doc.is_empty(), "{} has no description", c.name);
            assert!(d.contains(&format!("| `{}` |", c.name)), "{}", c.name);
        }
    }
}
