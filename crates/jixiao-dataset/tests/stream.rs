//! The streaming writer gives the same tables as writing them whole: the reviewed golden
//! records (and their findings) fed a few at a time give byte-identical CSV files and
//! Parquet files holding the same rows.

use jixiao_dataset::{tables, write_csv, write_parquet, DatasetWriter};
use jixiao_record::Record;
use parquet::arrow::arrow_reader::ParquetRecordBatchReaderBuilder;
use std::path::Path;

fn golden_records() -> Vec<Record> {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("../../golden/text");
    let mut files: Vec<_> = std::fs::read_dir(&dir)
        .expect("golden/text")
        .filter_map(|e| e.ok().map(|e| e.path()))
        .filter(|p| p.extension().is_some_and(|e| e == "jsonl"))
        .collect();
    files.sort();
    files
        .iter()
        .flat_map(|p| {
            std::fs::read_to_string(p)
                .expect("read")
                .lines()
                .map(|l| serde_json::from_str::<Record>(l).expect("record"))
                .collect::<Vec<_>>()
        })
        .collect()
}

fn rows_of(path: &Path) -> Vec<String> {
    let file = std::fs::File::open(path).expect("open");
    let reader = ParquetRecordBatchReaderBuilder::try_new(file)
        .expect("parquet")
        .build()
        .expect("reader");
    let mut out = Vec::new();
    for batch in reader {
        let batch = batch.expect("batch");
        for r in 0..batch.num_rows() {
            let cells: Vec<String> = batch
                .columns()
                .iter()
                .map(|c| arrow_cast_display(c, r))
                .collect();
            out.push(cells.join("\t"));
        }
    }
    out
}

fn arrow_cast_display(c: &arrow_array::ArrayRef, r: usize) -> String {
    use arrow_array::Array;
    if c.is_null(r) {
        return "∅".into();
    }
    format!("{:?}", c.slice(r, 1))
}

/// A sheet's XML without its cells' style numbers.
fn cells_of(xlsx: &Path, name: &str) -> String {
    let mut z = zip::ZipArchive::new(std::fs::File::open(xlsx).expect("open")).expect("zip");
    let mut s = String::new();
    std::io::Read::read_to_string(&mut z.by_name(name).expect("sheet"), &mut s).expect("read");
    let style = regex::Regex::new(r#" s="[0-9]+""#).expect("regex");
    style.replace_all(&s, "").into_owned()
}

#[test]
fn streamed_tables_equal_whole_tables() {
    let records = golden_records();
    assert!(records.len() >= 90, "{} golden records", records.len());
    let findings: Vec<_> = records.iter().flat_map(jixiao_score::rescore).collect();
    assert!(!findings.is_empty());
    let whole = tempfile::tempdir().expect("tmp");
    let t = tables(&records, &findings);
    write_csv(whole.path(), &t).expect("csv");
    write_parquet(whole.path(), &t).expect("parquet");

    let streamed = tempfile::tempdir().expect("tmp");
    let xlsx = streamed.path().join("dataset.xlsx");
    let mut w = DatasetWriter::create(
        streamed.path(),
        Some((&xlsx, Box::new(|l: &str| format!("file:///{l}")))),
    )
    .expect("create");
    let mut at = 0;
    for chunk in records.chunks(7) {
        let ids: Vec<&str> = chunk.iter().map(|r| r.record_id.as_str()).collect();
        let mut end = at;
        while end < findings.len() && ids.contains(&findings[end].record_id.as_str()) {
            end += 1;
        }
        w.add(chunk, &findings[at..end]).expect("add");
        at = end;
    }
    assert_eq!(at, findings.len(), "findings come in their records' order");
    assert_eq!(w.finish().expect("finish"), None, "under the limit");
    assert!(xlsx.metadata().expect("xlsx").len() > 10_000);
    // The workbook written a file at a time on its own thread holds the cells of the
    // workbook written whole (the styles' numbers differ: they are given in the order
    // the formats are first used, table by table or file by file).
    let whole_xlsx = whole.path().join("dataset.xlsx");
    jixiao_dataset::write_xlsx(&whole_xlsx, &t, &|l: &str| format!("file:///{l}")).expect("xlsx");
    for sheet in 1..=4 {
        let name = format!("xl/worksheets/sheet{sheet}.xml");
        let (a, b) = (cells_of(&whole_xlsx, &name), cells_of(&xlsx, &name));
        assert!(a.len() > 10_000, "{name}: {} bytes", a.len());
        assert!(a == b, "{name} differs");
    }

    for name in ["forms", "funds", "indicators", "findings"] {
        let csv = |d: &Path| std::fs::read(d.join(format!("{name}.csv"))).expect("csv");
        assert!(
            csv(whole.path()) == csv(streamed.path()),
            "{name}.csv differs"
        );
        let pq = |d: &Path| rows_of(&d.join(format!("{name}.parquet")));
        let (a, b) = (pq(whole.path()), pq(streamed.path()));
        assert!(a.len() > 50, "{name}: {} rows", a.len());
        assert_eq!(a, b, "{name}.parquet differs");
    }
}

#[test]
fn a_workbook_past_its_row_limit_is_not_written_and_the_tables_are() {
    let records = golden_records();
    let findings: Vec<_> = records.iter().flat_map(jixiao_score::rescore).collect();
    let rows: usize = tables(&records, &findings)
        .iter()
        .map(|t| t.rows.len())
        .sum();
    let write = |limit: Option<usize>| {
        let dir = tempfile::tempdir().expect("tmp");
        let xlsx = dir.path().join("dataset.xlsx");
        let mut w = DatasetWriter::create(
            dir.path(),
            Some((&xlsx, Box::new(|l: &str| format!("file:///{l}")))),
        )
        .expect("create")
        .with_xlsx_limit(limit);
        for r in &records {
            let fs: Vec<_> = findings
                .iter()
                .filter(|f| f.record_id == r.record_id)
                .cloned()
                .collect();
            w.add(std::slice::from_ref(r), &fs).expect("add");
        }
        let skipped = w.finish().expect("finish");
        let csv = std::fs::read(dir.path().join("indicators.csv")).expect("csv");
        (skipped, xlsx.exists(), csv)
    };
    // At the limit exactly the workbook is written; one row less and it is not.
    let (at_limit, written, csv_all) = write(Some(rows));
    assert_eq!(at_limit, None);
    assert!(written);
    let (past, written, csv_past) = write(Some(rows - 1));
    let past = past.expect("skipped");
    assert!(!written, "no workbook past the limit");
    assert_eq!(past.limit, rows - 1);
    assert!(past.to_string().contains("indicators.csv"), "{past}");
    assert!(csv_all == csv_past, "the CSV files hold every row");
    let (none, written, _) = write(None);
    assert_eq!(none, None);
    assert!(written);
}

/// The golden records, their findings, and the dataset (no workbook) written from them
/// in one call.
fn golden_dataset() -> (Vec<Record>, Vec<jixiao_score::Finding>, tempfile::TempDir) {
    let records = golden_records();
    let findings: Vec<_> = records.iter().flat_map(jixiao_score::rescore).collect();
    let dir = tempfile::tempdir().expect("tmp");
    let mut w = DatasetWriter::create(dir.path(), None).expect("create");
    w.add(&records, &findings).expect("add");
    w.finish().expect("finish");
    (records, findings, dir)
}

#[test]
fn a_writer_of_one_table_writes_that_table_alone_and_the_same() {
    let (records, findings, all) = golden_dataset();
    let one = tempfile::tempdir().expect("tmp");
    let mut w = DatasetWriter::tables_only(one.path(), &["findings"]).expect("create");
    for r in records.chunks(5) {
        let ids: Vec<&str> = r.iter().map(|r| r.record_id.as_str()).collect();
        let f: Vec<_> = findings
            .iter()
            .filter(|f| ids.contains(&f.record_id.as_str()))
            .cloned()
            .collect();
        w.add(r, &f).expect("add");
    }
    w.finish().expect("finish");
    let mut names: Vec<String> = std::fs::read_dir(one.path())
        .expect("dir")
        .map(|e| e.expect("entry").file_name().to_string_lossy().into_owned())
        .collect();
    names.sort();
    assert_eq!(names, ["findings.csv", "findings.parquet"]);
    let read = |d: &Path, n: &str| std::fs::read(d.join(n)).expect("read");
    assert!(read(all.path(), "findings.csv") == read(one.path(), "findings.csv"));
    assert!(read(all.path(), "findings.csv").len() > 1000);
    assert_eq!(
        rows_of(&all.path().join("findings.parquet")),
        rows_of(&one.path().join("findings.parquet"))
    );
}

/// Every column chunk carries its minimum and maximum (what DuckDB, polars and pyarrow
/// skip row groups by), and no file has page indexes: a row group here is a chunk of
/// input files with mostly one page a column, so they would repeat the chunk's
/// statistics, and the writer would hold them all in memory until the footer.
#[test]
fn parquet_files_have_chunk_statistics_and_no_page_indexes() {
    use parquet::file::metadata::{PageIndexPolicy, ParquetMetaDataReader};
    let (_, _, dir) = golden_dataset();
    for name in ["forms", "funds", "indicators", "findings"] {
        let file = std::fs::File::open(dir.path().join(format!("{name}.parquet"))).expect("open");
        let meta = ParquetMetaDataReader::new()
            .with_page_index_policy(PageIndexPolicy::Optional)
            .parse_and_finish(&file)
            .expect("footer");
        assert!(meta.column_index().is_none(), "{name}: column index");
        assert!(meta.offset_index().is_none(), "{name}: offset index");
        assert!(meta.num_row_groups() > 0, "{name}: no row groups");
        for rg in meta.row_groups() {
            for cc in rg.columns() {
                let path = cc.column_path().string();
                let stats = cc.statistics();
                assert!(stats.is_some(), "{name}.{path}: no statistics");
                let nulls = stats.and_then(|s| s.null_count_opt());
                let all_null = nulls == Some(rg.num_rows() as u64);
                assert!(
                    all_null || stats.is_some_and(|s| s.min_bytes_opt().is_some()),
                    "{name}.{path}: no minimum"
                );
                assert!(cc.column_index_offset().is_none(), "{name}.{path}");
                assert!(cc.offset_index_offset().is_none(), "{name}.{path}");
            }
        }
    }
}
