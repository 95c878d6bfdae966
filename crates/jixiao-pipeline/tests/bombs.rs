//! Resource bombs: the small files that once aborted, stalled or exhausted a whole run
//! (rebuilt by `jixiao_mess::bombs`) are each one error entry, read within a bounded
//! time and without a panic.

use jixiao_mess::bombs;
use jixiao_pipeline::{extract_report, ExtractError, Options};
use std::path::Path;
use std::time::{Duration, Instant};

/// Longest a bomb may take here (a test build, on a shared 2-core machine). Before the
/// fixes these took from 5 s (and an abort) to over 10 minutes.
const BOUND: Duration = Duration::from_secs(5);

fn read(name: &str, bytes: &[u8]) -> (Vec<ExtractError>, Duration) {
    let t = Instant::now();
    let opts = Options {
        ocr: jixiao_pdf::OcrMode::Never,
        ..Options::default()
    };
    let r = extract_report(bytes, "", Path::new(name), name, &opts);
    let took = t.elapsed();
    assert!(r.records.is_empty(), "{name}: forms from a bomb");
    for e in &r.errors {
        assert!(!matches!(e, ExtractError::Panic { .. }), "{name}: {e}");
    }
    assert_eq!(r.errors.len(), 1, "{name}: {:?}", r.errors);
    assert!(took < BOUND, "{name}: {took:?}");
    (r.errors, took)
}

/// A committed input of `tests/data` (fuzzing's findings).
fn fixture(name: &str) -> Vec<u8> {
    std::fs::read(
        Path::new(env!("CARGO_MANIFEST_DIR"))
            .join("tests/data")
            .join(name),
    )
    .expect("fixture")
}

fn message(errors: &[ExtractError]) -> String {
    errors[0].to_string()
}

#[test]
fn a_looping_sector_chain_is_refused_before_calamine_follows_it() {
    let (e, _) = read("loop.xls", &bombs::xls_fat_loop());
    assert!(
        message(&e).contains("sector chain loops"),
        "{}",
        message(&e)
    );
}

#[test]
fn a_sheet_spanning_the_whole_grid_is_refused_before_it_is_allocated() {
    let (e, _) = read("corners.xlsx", &bombs::xlsx_sparse_corners());
    assert!(
        message(&e).contains("1048576 rows × 16384 columns"),
        "{}",
        message(&e)
    );
}

#[test]
fn many_merged_regions_are_looked_up_not_searched() {
    // 200,000 cells and 48,000 merges: 4.8 × 10⁹ comparisons when each cell searched
    // the list.
    let (e, _) = read("merges.xlsx", &bombs::xlsx_many_merges(200, 1000, 48_000));
    assert!(
        message(&e).contains("no budget-performance form"),
        "{}",
        message(&e)
    );
}

#[test]
fn a_workbook_past_the_cell_limit_is_refused_while_it_is_streamed() {
    // The published merge reproducer: 2,000,000 cells and 48,000 merges, 7 s of honest
    // reading once merges were indexed. Past `MAX_CELLS_PER_WORKBOOK`, it is refused
    // when the rows read so far span more than the limit.
    let (e, _) = read("merges.xlsx", &bombs::xlsx_many_merges(2000, 1000, 48_000));
    let limit = jixiao_xlsx::MAX_CELLS_PER_WORKBOOK;
    assert!(
        message(&e).contains(&format!(
            "1001 rows × 1000 columns, past the limit of {limit}"
        )),
        "{}",
        message(&e)
    );
    // Sheets count together: three sheets of 400,000 cells are refused at the third.
    let (e, _) = read("sheets.xlsx", &bombs::xlsx_sheets_of_numbers(3, 400, 1000));
    assert!(
        message(&e).contains("Sheet3") && message(&e).contains("past the limit"),
        "{}",
        message(&e)
    );
}

#[test]
fn cmap_ranges_are_kept_as_ranges() {
    let (e, _) = read("cmap.pdf", &bombs::pdf_cmap_ranges(2048));
    assert!(
        message(&e).contains("no budget-performance form"),
        "{}",
        message(&e)
    );
}

#[test]
fn dense_rulings_are_bounded() {
    for n in [2_000, 20_000] {
        let (e, _) = read("grid.pdf", &bombs::pdf_grid(n));
        assert!(
            message(&e).contains("no budget-performance form"),
            "{}",
            message(&e)
        );
    }
}

#[test]
fn form_xobjects_are_parsed_once_and_their_draws_counted() {
    let (e, _) = read("fanout.pdf", &bombs::pdf_xobject_fanout(8, 8, 1 << 20));
    assert!(
        message(&e).contains("no budget-performance form"),
        "{}",
        message(&e)
    );
}

#[test]
fn a_cell_reference_that_overflows_is_a_corrupt_workbook() {
    // Found by `scripts/fuzz.sh` (target xlsx): calamine multiplied a column reference
    // past u32 and panicked.
    let bytes = fixture("fuzz-xlsx-cell-ref-overflow.xlsx");
    let (e, _) = read("overflow.xlsx", &bytes);
    assert!(
        matches!(e[0], ExtractError::Workbook { .. }),
        "{}",
        message(&e)
    );
}

#[test]
fn a_merged_range_that_ends_before_it_starts_is_left_out() {
    // Fuzzing found it: a debug build panicked inside calamine, a release build took a
    // span of four billion columns from it. Now the sheet is read without that range.
    let grid = jixiao_xlsx::read(&bombs::xlsx_reversed_merge()).expect("read");
    let texts: Vec<&str> = grid
        .rows
        .iter()
        .flat_map(|r| r.cells.iter().map(|c| c.text.as_str()))
        .filter(|t| !t.is_empty())
        .collect();
    assert_eq!(texts, ["项目名称", "1", "2"]);
    for c in grid.rows.iter().flat_map(|r| &r.cells) {
        assert!(c.col_span <= 3 && c.row_span <= 3, "{c:?}");
    }
}

#[test]
fn a_compound_file_cut_mid_sector_is_refused_before_calamine_asserts() {
    // Found by `FUZZ_BUILD_FLAGS=-O scripts/fuzz.sh 2400 xlsx` (909 bytes): the end of
    // the file cuts an allocation-table sector mid-entry, and calamine's `.xls` reader
    // asserted (a contained panic: the workbook's "reader failed"). Now the check
    // before calamine names it.
    let bytes = fixture("fuzz-xls-cut-sector.xls");
    let (e, _) = read("cut.xls", &bytes);
    assert!(
        message(&e).contains("cut off by the end of the file"),
        "{}",
        message(&e)
    );
}
