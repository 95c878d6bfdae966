//! The parser's view of a grid, for `jixiao explain`: where each form begins and ends
//! and why, which row each header and funds field came from, how each indicator row was
//! aligned to the table header, what was dropped and why, and candidates of forms that
//! were seen but not read (a 项目名称 row or an indicator table without a funds block).
//!
//! The trace is filled by the same code that parses ([`crate::parse_grid`] passes no
//! trace), so what it says is what the parser did.

use crate::segment::{self, Begin};
use jixiao_grid::{Grid, Origin, Row};
use jixiao_record::{FormKind, Record};
use serde::Serialize;

/// A grid row as the explanation names it: its 0-based index in the grid and where it
/// was printed.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct RowRef {
    /// 0-based grid row.
    pub row: usize,
    /// Where the row was printed.
    pub origin: Origin,
}

impl RowRef {
    pub(crate) fn of(grid: &Grid, row: usize) -> RowRef {
        RowRef {
            row,
            origin: grid
                .rows
                .get(row)
                .map_or(Origin::Line { line: 0 }, |r| r.origin.clone()),
        }
    }
}

/// The printed place of an origin in words: `line 12`, `page 3`, `sheet 自评表 row 4`.
pub fn place(origin: &Origin) -> String {
    match origin {
        Origin::Line { line } => format!("line {line}"),
        Origin::Pdf { page, bbox, .. } => format!("page {page} y {:.0}", bbox[1]),
        Origin::Sheet { sheet, row } => format!("sheet {sheet} row {row}"),
    }
}

/// One header or funds field and the cell it came from.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct FieldSource {
    /// Field name as in RECORDS.md (`project_name`, `funds.total.budget`, …).
    pub field: String,
    /// The value as parsed.
    pub value: String,
    /// The row it was read from.
    pub from: RowRef,
    /// 0-based index of the cell in that row, when one cell holds it.
    pub cell: Option<usize>,
}

/// What became of one cell of an indicator row.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct CellUse {
    /// The cell's text (a piece of it when the parser split fused values).
    pub text: String,
    /// Its column.
    pub col: f32,
    /// The indicator field it went to (`level3`, `target`, …); `None`: dropped as noise.
    pub field: Option<&'static str>,
}

/// What became of one row of an indicator table.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[serde(tag = "outcome", rename_all = "snake_case")]
pub enum RowOutcome {
    /// The row is this indicator (1-based, as `indicators.ordinal`).
    Indicator {
        /// 1-based indicator number.
        indicator: usize,
    },
    /// The row was merged into this indicator (a wrapped line without 分值/得分).
    PartOf {
        /// 1-based indicator number.
        indicator: usize,
    },
    /// The row's text was appended to this indicator's deviation note.
    NoteOf {
        /// 1-based indicator number.
        indicator: usize,
    },
    /// The row only carried level labels (一级 / 二级), filled into the rows they span.
    Labels,
    /// The row was dropped.
    Dropped {
        /// Why.
        reason: &'static str,
    },
    /// The row ends the indicator table.
    TableEnd {
        /// Why.
        reason: &'static str,
    },
}

/// One row of an indicator table and its alignment to the header.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct TableRow {
    /// The row.
    pub from: RowRef,
    /// Its cells and the field each went to.
    pub cells: Vec<CellUse>,
    /// Cost of the cheapest alignment (0 is a perfect fit), when the row was aligned.
    pub cost: Option<f32>,
    /// Column shift of that alignment.
    pub shift: Option<i32>,
    /// What became of the row.
    pub outcome: RowOutcome,
}

/// Why a form's rows end where they do.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Ending {
    /// Last row of the form (inclusive).
    pub last: RowRef,
    /// Why.
    pub reason: String,
}

/// A block of a form's rows and what the parser reads there: `header` (项目名称,
/// 主管部门 … pairs, every row before the anchor), `funds` (from the money header, which
/// may lie among the header rows, to the goals), `goals`, `indicators`, `closing` (总分,
/// 评分等级, the monitoring outlook and 纠偏措施). Blocks may overlap where the parser
/// reads a row twice; rows of a block that give nothing are ignored.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Block {
    /// Which block.
    pub name: &'static str,
    /// Its first row.
    pub first: RowRef,
    /// Its last row.
    pub last: RowRef,
}

/// The parser's view of one form.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct FormTrace {
    /// 1-based number of the form in the file.
    pub form: usize,
    /// Which form.
    pub kind: FormKind,
    /// Project name as parsed.
    pub project_name: Option<String>,
    /// First row of the form.
    pub first: RowRef,
    /// Why it begins there.
    pub begins: String,
    /// Where and why it ends.
    pub ends: Ending,
    /// The funds block's total row, which makes this a form.
    pub anchor: RowRef,
    /// Header fields (项目名称, 主管部门 …) and funds values with their cells.
    pub fields: Vec<FieldSource>,
    /// The form's rows by block, in order.
    pub blocks: Vec<Block>,
    /// The indicator table's header row, when there is one.
    pub indicator_header: Option<RowRef>,
    /// Every non-blank row of the indicator table, and what became of it.
    pub indicator_rows: Vec<TableRow>,
    /// Number of indicators parsed.
    pub indicators: usize,
}

/// Something that looks like a form but was not read as one.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Candidate {
    /// The row that looks like a form's start (title, 项目名称) or its indicator table.
    pub at: RowRef,
    /// What is missing, in words that point at the row (`found 项目名称 at line 3 but …`).
    pub message: String,
}

/// The parser's view of a whole grid.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Explanation {
    /// Every form found, in document order.
    pub forms: Vec<FormTrace>,
    /// Forms seen but not read: why.
    pub candidates: Vec<Candidate>,
}

/// Parses the grid as [`crate::parse_grid`] does and says how.
pub fn explain_grid(grid: &Grid) -> (Vec<crate::ParsedForm>, Explanation) {
    let mut traces = Vec::new();
    let forms = crate::parse_all(grid, Some(&mut traces));
    let candidates = candidates(grid, &traces);
    (
        forms,
        Explanation {
            forms: traces,
            candidates,
        },
    )
}

/// The reason of a begin, in words.
pub(crate) fn begin_reason(grid: &Grid, b: Begin) -> String {
    let at = |r: usize| place(&RowRef::of(grid, r).origin);
    match b {
        Begin::GridStart => "first form: begins with the file".into(),
        Begin::AfterClosingRow(r) => format!(
            "after the earlier form's closing row (评分等级 / 纠偏措施) at {}",
            at(r)
        ),
        Begin::StartMarker(r) => format!(
            "at the title / 项目名称 / 跟踪时段 row after the earlier form's indicator table ({})",
            at(r)
        ),
        Begin::HeaderRun(r) => format!(
            "at the run of header rows before its funds block, from {}",
            at(r)
        ),
    }
}

/// The row that looks like the start of a form: a title or a 项目名称 row.
fn starts_form(row: &Row) -> Option<&'static str> {
    if segment::is_title(row) {
        return Some("a form title");
    }
    // Joined, so a label OCR split over two cells (项目 | 名称) still counts.
    segment::row_key(row)
        .starts_with("项目名称")
        .then_some("项目名称")
}

/// Forms seen but not read next to the forms parsed (see [`candidates`]).
pub fn missed(grid: &Grid, forms: &[crate::ParsedForm]) -> Vec<Candidate> {
    let ranges: Vec<std::ops::Range<usize>> = forms
        .iter()
        .map(|f| f.anchor.max(f.rows.start)..f.rows.end)
        .collect();
    candidates_owning(grid, &ranges)
}

/// Forms seen but not read: an indicator table that no parsed form owns (each form owns
/// the first one after its funds block's total row, `forms` being those row ranges), reported with the 项目名称 or title row before it.
/// A file without any form reports the first such start, or the first indicator table.
pub fn candidates(grid: &Grid, forms: &[FormTrace]) -> Vec<Candidate> {
    let ranges: Vec<std::ops::Range<usize>> = forms
        .iter()
        .map(|f| f.anchor.row..f.ends.last.row + 1)
        .collect();
    candidates_owning(grid, &ranges)
}

fn candidates_owning(grid: &Grid, forms: &[std::ops::Range<usize>]) -> Vec<Candidate> {
    let grid = &*crate::repair::join_split_labels(grid);
    let owned: Vec<usize> = forms
        .iter()
        .filter_map(|r| r.clone().find(|&i| segment::is_table_header(&grid.rows[i])))
        .collect();
    let mut out = Vec::new();
    let mut prev_end = 0usize;
    for (i, row) in grid.rows.iter().enumerate() {
        if !segment::is_table_header(row) {
            continue;
        }
        if owned.contains(&i) {
            prev_end = i + 1;
            continue;
        }
        // Consecutive header rows (二级 row under 一级) are one table.
        if i > 0 && segment::is_table_header(&grid.rows[i - 1]) {
            continue;
        }
        let start = (prev_end..i)
            .rev()
            .find_map(|r| starts_form(&grid.rows[r]).map(|what| (r, what)));
        let table = place(&grid.rows[i].origin);
        let (at, message) = match start {
            Some((r, what)) => (
                r,
                format!(
                    "found {what} at {} and an indicator table at {table}, but no funds block \
                     (年度资金总额 / 年度资金申请总额 row) between them: this form is not read",
                    place(&grid.rows[r].origin)
                ),
            ),
            None => (
                i,
                format!(
                    "found an indicator table at {table} that no form owns: no funds block \
                     (年度资金总额 / 年度资金申请总额 row) and no 项目名称 row before it"
                ),
            ),
        };
        out.push(Candidate {
            at: RowRef::of(grid, at),
            message,
        });
        prev_end = i + 1;
    }
    if out.is_empty() && forms.is_empty() {
        // No indicator table either: the first form-like start, if any.
        if let Some((r, what)) = grid
            .rows
            .iter()
            .enumerate()
            .find_map(|(r, row)| starts_form(row).map(|w| (r, w)))
        {
            out.push(Candidate {
                at: RowRef::of(grid, r),
                message: format!(
                    "found {what} at {} but no funds block (年度资金总额 / 年度资金申请总额 row) \
                     and no indicator table anywhere in the file",
                    place(&grid.rows[r].origin)
                ),
            });
        }
    }
    out
}

/// 0-based index of the cell of `row` whose cleaned text is or contains `value`.
pub(crate) fn cell_of(row: &Row, value: &str) -> Option<usize> {
    let v: String = value.chars().filter(|c| !c.is_whitespace()).collect();
    if v.is_empty() {
        return None;
    }
    let texts: Vec<String> = row
        .cells
        .iter()
        .map(|c| c.cleaned().chars().filter(|c| !c.is_whitespace()).collect())
        .collect();
    texts
        .iter()
        .position(|t| *t == v)
        .or_else(|| texts.iter().position(|t| !t.is_empty() && t.contains(&v)))
}

/// The funds values of a record with the cells that hold them, searched in `rows`
/// (grid rows `rows`, the form's funds region) for the row of each funds kind.
pub(crate) fn funds_sources(
    grid: &Grid,
    rows: std::ops::Range<usize>,
    record: &Record,
    row_of: impl Fn(&Row) -> Option<jixiao_record::FundsRowKind>,
) -> Vec<FieldSource> {
    let mut out = Vec::new();
    for f in &record.funds {
        let kind = serde_json::to_value(f.row)
            .ok()
            .and_then(|v| v.as_str().map(str::to_string))
            .unwrap_or_default();
        let Some(r) = rows
            .clone()
            .find(|&r| grid.rows.get(r).and_then(&row_of) == Some(f.row))
            .or_else(|| (f.row == jixiao_record::FundsRowKind::Total).then_some(rows.start))
        else {
            continue;
        };
        let row = &grid.rows[r];
        let mut claimed: Vec<usize> = Vec::new();
        let values = [
            ("initial_budget", f.initial_budget),
            ("budget", f.budget),
            ("executed", f.executed),
            ("rate_pct", f.rate_pct),
            ("weight", f.weight),
            ("score", f.score),
        ];
        for (name, v) in values {
            let Some(v) = v else { continue };
            out.push(FieldSource {
                field: format!("funds.{kind}.{name}"),
                value: v.to_string(),
                from: RowRef::of(grid, r),
                cell: amount_cell(row, v, &mut claimed),
            });
        }
    }
    out
}

/// The first cell of `row` not `claimed` yet whose amount is `v` (equal amounts in one
/// row, such as several 0.00, go to successive cells); claims it.
fn amount_cell(row: &Row, v: rust_decimal::Decimal, claimed: &mut Vec<usize>) -> Option<usize> {
    let i = row.cells.iter().enumerate().position(|(i, c)| {
        !claimed.contains(&i)
            && crate::value::parse_amount(c.cleaned())
                .is_some_and(|a| a.normalize() == v.normalize())
    })?;
    claimed.push(i);
    Some(i)
}
