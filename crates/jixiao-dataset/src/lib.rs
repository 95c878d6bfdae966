//! Dataset writers: records and findings flattened into four tables — `forms`, `funds`,
//! `indicators`, `findings` — written as CSV (UTF-8 with BOM, so Excel shows Chinese),
//! Parquet (typed columns; money, rates and scores as `decimal128`) and one XLSX
//! workbook for auditors (a sheet per table; findings link to the page they are about).
//!
//! Every row is keyed by `record_id` plus, for the child tables, a 1-based `ordinal`,
//! and carries its source `link`. The tables are built once ([`tables`]) and each writer
//! only serialises them, so the three formats always agree. The columns are fixed
//! ([`FORMS`], [`FUNDS`], [`INDICATORS`], [`FINDINGS`], schema [`SCHEMA_VERSION`]): two
//! runs over any inputs write the same schema, and [`dictionary`] prints it.

use jixiao_record::{normalise_name, Record, Value};
use jixiao_score::Finding;
use rust_decimal::Decimal;

mod csv_out;
pub mod index;
pub mod outdir;
mod parquet_out;
mod stream;
mod xlsx_out;

/// Why a dataset file could not be written.
#[derive(Debug, thiserror::Error)]
pub enum DatasetError {
    /// Writing a file failed.
    #[error("{path}: {source}")]
    Io {
        /// The file.
        path: String,
        /// The I/O error.
        source: std::io::Error,
    },
    /// The CSV writer failed.
    #[error("{path}: {source}")]
    Csv {
        /// The file.
        path: String,
        /// The CSV error.
        source: csv::Error,
    },
    /// The Parquet writer failed.
    #[error("{path}: {message}")]
    Parquet {
        /// The file.
        path: String,
        /// What failed.
        message: String,
    },
    /// A previous dataset's lines, copied into this one, could not be read back.
    #[error("{path}: previous dataset: {message}")]
    Previous {
        /// The file being written.
        path: String,
        /// What failed.
        message: String,
    },
    /// The XLSX writer failed.
    #[error("{path}: {message}")]
    Xlsx {
        /// The file.
        path: String,
        /// What failed.
        message: String,
    },
}

/// The version of the tables' schema (columns, types, scales), written into
/// `manifest.json` and every Parquet file's metadata (`jixiao.schema_version`). It
/// changes only when a column is added, removed or retyped.
pub const SCHEMA_VERSION: u32 = 4;

/// Decimal scale of published amounts (万元 or 元): 6 places holds a 万元 amount to the
/// fen. Wider published values are rounded in Parquet only; CSV, XLSX and JSON keep
/// them as printed.
pub const SCALE_AMOUNT: u32 = 6;
/// Decimal scale of amounts in 元 (`*_yuan`): to the hundredth of a fen.
pub const SCALE_YUAN: u32 = 4;
/// Decimal scale of rates, weights and scores.
pub const SCALE_SCORE: u32 = 4;
/// Decimal scale of indicator values (targets and results: percentages, counts, ratios).
pub const SCALE_VALUE: u32 = 6;
/// Page coordinates are rounded to this many decimals of a point.
pub const COORDINATE_DECIMALS: i32 = 2;

/// Column types.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Kind {
    /// UTF-8 text.
    Text,
    /// 64-bit integer.
    Int,
    /// Exact decimal with a fixed scale: `decimal128(38, scale)` in Parquet.
    Decimal(u32),
    /// Floating point (coordinates on a page, rounded to [`COORDINATE_DECIMALS`]).
    Float,
    /// A calendar date: `date32` in Parquet, `YYYY-MM-DD` in CSV.
    Date,
}

impl Kind {
    /// The type as the data dictionary names it.
    pub fn describe(self) -> String {
        match self {
            Kind::Text => "text".into(),
            Kind::Int => "int64".into(),
            Kind::Decimal(s) => format!("decimal128(38, {s})"),
            Kind::Float => "float64".into(),
            Kind::Date => "date32".into(),
        }
    }
}

/// One value of a table cell.
#[derive(Debug, Clone, PartialEq)]
pub enum Cell {
    /// Text, or null.
    Text(Option<String>),
    /// Integer, or null.
    Int(Option<i64>),
    /// Decimal, or null.
    Decimal(Option<Decimal>),
    /// Float, or null.
    Float(Option<f64>),
    /// Date as days since 1970-01-01, or null.
    Date(Option<i32>),
}

impl Cell {
    /// The value as CSV writes it (empty for null; decimals as published).
    pub fn csv(&self) -> String {
        match self {
            Cell::Text(v) => v.clone().unwrap_or_default(),
            Cell::Int(v) => v.map(|i| i.to_string()).unwrap_or_default(),
            Cell::Decimal(v) => v.map(|d| d.to_string()).unwrap_or_default(),
            Cell::Float(v) => v.map(|f| format!("{f}")).unwrap_or_default(),
            Cell::Date(v) => v.map(date_text).unwrap_or_default(),
        }
    }
}

/// A column: its name, type and what it holds (the data dictionary's line).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Column {
    /// Column name (fixed across runs and years).
    pub name: &'static str,
    /// Type.
    pub kind: Kind,
    /// What it holds.
    pub doc: &'static str,
}

const fn col(name: &'static str, kind: Kind, doc: &'static str) -> Column {
    Column { name, kind, doc }
}

/// A flat table: named, typed columns and rows of cells in column order.
#[derive(Debug, Clone)]
pub struct Table {
    /// Table (and file, sheet) name.
    pub name: &'static str,
    /// Columns.
    pub columns: Vec<Column>,
    /// Rows.
    pub rows: Vec<Vec<Cell>>,
}

const AMOUNT: Kind = Kind::Decimal(SCALE_AMOUNT);
const YUAN: Kind = Kind::Decimal(SCALE_YUAN);
const SCORE: Kind = Kind::Decimal(SCALE_SCORE);
const VALUE: Kind = Kind::Decimal(SCALE_VALUE);

/// Columns of `forms`: one row per record.
pub const FORMS: [Column; 37] = [
    col("record_id", Kind::Text, "the record: first 12 hex digits of the file's SHA-256, `-`, the form's 1-based ordinal in the file"),
    col("project_key", Kind::Text, "the project across years, files and formats: district, department, implementer and project name, each normalised, joined by `|`"),
    col("form_key", Kind::Text, "the form across its publications: form kind, year, period and `project_key`, joined by `|`"),
    col("duplicate_of", Kind::Text, "`record_id` of the first record with the same `form_key` and content (this one is another publication of it); empty for the first"),
    col("form", Kind::Text, "`self_evaluation` (自评表), `monitoring` (跟踪表) or `target_declaration` (目标申报表)"),
    col("year", Kind::Int, "fiscal year the form is about"),
    col("period_start", Kind::Date, "monitoring period (跟踪时段): first day of its first month"),
    col("period_end", Kind::Date, "monitoring period: last day of its last month"),
    col("project_name", Kind::Text, "项目名称 as printed"),
    col("department", Kind::Text, "主管部门 as printed"),
    col("department_norm", Kind::Text, "主管部门 normalised (full-width folded, lower case, letters and digits only): `某局（汇总）` and `某局(汇总)` are one"),
    col("implementer", Kind::Text, "实施单位 as printed"),
    col("implementer_norm", Kind::Text, "实施单位 normalised like `department_norm`"),
    col("district", Kind::Text, "district named in department or implementer (`嘉定区` …); empty for municipal bodies"),
    col("project_nature", Kind::Text, "项目性质 (declarations)"),
    col("project_category", Kind::Text, "项目类别 (declarations)"),
    col("planned_start", Kind::Date, "计划开始日期 (declarations)"),
    col("planned_end", Kind::Date, "计划完成日期 (declarations)"),
    col("funds_unit", Kind::Text, "unit of the published amounts: `万元` or `元`"),
    col("goal_planned", Kind::Text, "预期目标 / 年度总体目标"),
    col("goal_actual", Kind::Text, "实际完成情况 / 跟踪期实际完成情况"),
    col("goal_project", Kind::Text, "项目总目标 (declarations)"),
    col("total_score", SCORE, "总分 as printed"),
    col("grade", Kind::Text, "评分等级 as printed"),
    col("outlook_budget", Kind::Text, "年度项目预算完成可能性 (monitoring)"),
    col("outlook_goals", Kind::Text, "年度绩效目标完成可能性 (monitoring)"),
    col("corrective_actions", Kind::Text, "纠偏措施 (monitoring)"),
    col("indicator_count", Kind::Int, "number of indicator rows"),
    col("source_file", Kind::Text, "the file as given to `jixiao extract` (`bundle.zip!/member.pdf` inside a bundle)"),
    col("source_sha256", Kind::Text, "SHA-256 of the file, lowercase hex"),
    col("source_format", Kind::Text, "reader: `text`, `xlsx`, `pdf`, `html`, `docx`, `image` …"),
    col("source_pages", Kind::Text, "1-based pages the form spans, comma-separated (PDFs and scans)"),
    col("text_recovery", Kind::Float, "PDFs whose fonts map no text: share (0–1) of the file's glyphs read from their outlines"),
    col("source_url", Kind::Text, "URL the file was downloaded from (`jixiao watch`; empty for files read from disk)"),
    col("fetched_at", Kind::Text, "when that version of the file was downloaded (RFC 3339, UTC)"),
    col("withdrawn", Kind::Date, "date the publishing site stopped listing the file (it is kept)"),
    col("link", Kind::Text, "opens the form where it was printed: `file.pdf#page=3`, `file.xlsx#'Sheet'!A17`, `file.txt#L120`"),
];

/// Columns of `funds`: one row per money row of a form.
pub const FUNDS: [Column; 14] = [
    col("record_id", Kind::Text, "the record"),
    col("ordinal", Kind::Int, "1-based position of the row in the form's funds block"),
    col("row", Kind::Text, "`total` (年度资金总额), `fiscal` (财政资金), `current_appropriation` (当年财政拨款), `carryover` (上年结转资金), `other` (其他资金)"),
    col("initial_budget", AMOUNT, "年初预算数 as printed, in `funds_unit`"),
    col("budget", AMOUNT, "全年预算数 / 跟踪期预算数 / 年度资金申请总额 as printed, in `funds_unit`"),
    col("executed", AMOUNT, "全年执行数 / 跟踪期执行数 as printed, in `funds_unit`"),
    col("initial_budget_yuan", YUAN, "`initial_budget` in 元 (× 10,000 where printed in 万元)"),
    col("budget_yuan", YUAN, "`budget` in 元"),
    col("executed_yuan", YUAN, "`executed` in 元"),
    col("rate_pct", SCORE, "执行率 in percent as printed"),
    col("weight", SCORE, "分值 of the budget-execution line"),
    col("score", SCORE, "得分 of the budget-execution line"),
    col("funds_unit", Kind::Text, "`万元` or `元`, the unit of the published amounts"),
    col("link", Kind::Text, "opens the form where it was printed"),
];

/// Columns of `indicators`: one row per indicator row of a form.
pub const INDICATORS: [Column; 30] = [
    col("record_id", Kind::Text, "the record"),
    col(
        "ordinal",
        Kind::Int,
        "1-based position of the indicator in the form (findings' `indicator`)",
    ),
    col(
        "level1",
        Kind::Text,
        "一级指标 (产出指标, 效益指标, 满意度指标, 成本指标)",
    ),
    col("level2", Kind::Text, "二级指标 (数量指标, 质量指标 …)"),
    col("level3", Kind::Text, "三级指标 as printed"),
    col(
        "target_text",
        Kind::Text,
        "年度指标值 as printed (`≥90.00(%)`)",
    ),
    col(
        "target_op",
        Kind::Text,
        "its comparison: `=`, `>`, `>=`, `<`, `<=`; empty when none",
    ),
    col("target_value", VALUE, "its number"),
    col(
        "target_unit",
        Kind::Text,
        "what follows the number (`%`, `人次`, `元/人/年`)",
    ),
    col(
        "planned_to_date_text",
        Kind::Text,
        "跟踪期计划完成值 as printed (monitoring)",
    ),
    col("planned_to_date_op", Kind::Text, "its comparison"),
    col("planned_to_date_value", VALUE, "its number"),
    col("planned_to_date_unit", Kind::Text, "its unit"),
    col(
        "actual_text",
        Kind::Text,
        "实际完成值 / 跟踪期实际完成值 as printed",
    ),
    col("actual_op", Kind::Text, "its comparison"),
    col("actual_value", VALUE, "its number"),
    col("actual_unit", Kind::Text, "its unit"),
    col("weight", SCORE, "分值 (self-evaluations)"),
    col("score", SCORE, "得分 (self-evaluations)"),
    col("deviation_note", Kind::Text, "偏差原因分析及改进措施"),
    col(
        "source_page",
        Kind::Int,
        "1-based page the row was printed on (PDFs, scans)",
    ),
    col(
        "bbox_x0",
        Kind::Float,
        "the row's box on the page: left, in points from the page's left edge",
    ),
    col(
        "bbox_top",
        Kind::Float,
        "top, in points from the page's top edge",
    ),
    col("bbox_x1", Kind::Float, "right"),
    col("bbox_bottom", Kind::Float, "bottom"),
    col(
        "ocr_confidence",
        Kind::Float,
        "lowest OCR confidence (0–1) of the row's text (scans)",
    ),
    col(
        "source_sheet",
        Kind::Text,
        "worksheet the row was printed on (workbooks)",
    ),
    col("source_row", Kind::Int, "1-based worksheet row"),
    col("source_line", Kind::Int, "1-based line (text exports)"),
    col("link", Kind::Text, "opens the row where it was printed"),
];

/// Columns of `findings`: one row per published number that does not add up.
pub const FINDINGS: [Column; 11] = [
    col("record_id", Kind::Text, "the record"),
    col(
        "ordinal",
        Kind::Int,
        "1-based position of the finding among its record's",
    ),
    col(
        "indicator",
        Kind::Int,
        "1-based `ordinal` of the indicator it is about; empty for the form as a whole",
    ),
    col(
        "row_label",
        Kind::Text,
        "the printed label of the row it is about: the indicator's level-3 name, the funds row (`年度资金总额`) or `总分`; empty for the form as a whole",
    ),
    col("rule", Kind::Text, "rule id (docs/rules.md)"),
    col(
        "severity",
        Kind::Text,
        "`error`, `warning`, `info` or `review`",
    ),
    col("published", Kind::Text, "the value as printed"),
    col(
        "expected",
        Kind::Text,
        "the recomputed value, or the allowed range",
    ),
    col("message", Kind::Text, "what is wrong, in Chinese"),
    col("message_en", Kind::Text, "what is wrong, in English"),
    col(
        "link",
        Kind::Text,
        "opens the row it names where it was printed (the form's first row for the form as a whole)",
    ),
];

/// The data dictionary of the four tables as Markdown (`docs/datasets.md` is this text;
/// a test keeps them equal).
pub fn dictionary() -> String {
    let mut out = format!(
        "# Dataset tables\n\n\
         Generated from `crates/jixiao-dataset/src/lib.rs` by \
         `cargo run -p jixiao-dataset --example dictionary > docs/datasets.md`; \
         a test fails when this file and the code differ.\n\n\
         Schema version **{SCHEMA_VERSION}** (in `manifest.json` as `schema_version` and in \
         every Parquet file's metadata as `jixiao.schema_version`). Every run writes the \
         same columns with the same types, whatever the data: decimals have fixed scales \
         (amounts {SCALE_AMOUNT}, amounts in 元 {SCALE_YUAN}, rates/weights/scores \
         {SCALE_SCORE}, indicator values {SCALE_VALUE}; wider published values are rounded \
         in Parquet only, kept as printed in CSV, XLSX and JSON), dates are `date32`, page \
         coordinates are rounded to 0.01 pt. Rows are keyed by `record_id` plus, in the \
         child tables, the 1-based `ordinal`. CSV files are UTF-8 with a byte-order mark.\n\n\
         Parquet row groups are cut between input files: after each file with a \
         probability of its rows (the four tables together) over {CHUNK_ROWS}, decided by \
         a hash of its path alone (`ends_chunk`), and at the latest past {CHUNK_CAP} rows. \
         A row group never splits a file's rows, two runs over the same files cut them at \
         the same places, and `extract --incremental` copies the row groups of unchanged \
         stretches of files as they are. Each column chunk carries its minimum, maximum \
         and null count (text truncated to 64 bytes), which DuckDB, polars and pyarrow \
         skip row groups by; there are no page indexes (a row group holds a few thousand \
         rows, mostly one page a column).\n"
    );
    out.push_str(
        "\n## Additions to RECORDS.md in `records.jsonl`\n\n\
         | field | holds |\n|---|---|\n\
         | `project_key` | district, department, implementer and project name, each normalised (full-width folded, lower case, letters and digits only), joined by `|`: the project across years, files and formats |\n\
         | `form_key` | form kind, year, period (`2024-01..2024-08`) and `project_key`, joined by `|`: the form across its publications |\n\
         | `duplicate_of` | `record_id` of the first record of the run with the same `form_key` and the same content (provenance aside); null for the first |\n\
         | `funds[].initial_budget_yuan`, `budget_yuan`, `executed_yuan` | the amounts in 元 (× 10,000 where printed in 万元), exact decimals |\n\
         | `goal_project` | 项目总目标 (declarations) |\n\
         | `source.lines`, `source.text_recovery` | first and last line (text exports); share of glyphs read from outlines (PDFs without text mapping) |\n\
         | `source.url`, `source.final_url`, `source.fetched_at`, `source.etag`, `source.last_modified`, `source.withdrawn` | files `jixiao watch` downloaded: the URL, the URL that answered after redirects, when this version was downloaded (RFC 3339, UTC), the server's validators, and the date its index stopped listing it |\n",
    );
    for (name, cols, what) in [
        ("forms", &FORMS[..], "one row per form (record)"),
        ("funds", &FUNDS[..], "one row per money row of a form"),
        (
            "indicators",
            &INDICATORS[..],
            "one row per indicator row of a form",
        ),
        (
            "findings",
            &FINDINGS[..],
            "one row per published number that does not add up",
        ),
    ] {
        out.push_str(&format!(
            "\n## `{name}`\n\n{what}; `{name}.csv`, `{name}.parquet`, sheet `{name}` of `dataset.xlsx`.\n\n| column | type | holds |\n|---|---|---|\n"
        ));
        for c in cols {
            out.push_str(&format!(
                "| `{}` | {} | {} |\n",
                c.name,
                c.kind.describe(),
                c.doc
            ));
        }
    }
    out
}

fn text(v: &Option<String>) -> Cell {
    Cell::Text(v.clone())
}

fn s(v: &str) -> Cell {
    Cell::Text(Some(v.to_string()))
}

fn dec(v: Option<Decimal>) -> Cell {
    Cell::Decimal(v)
}

fn int(v: Option<i64>) -> Cell {
    Cell::Int(v)
}

/// A coordinate rounded to [`COORDINATE_DECIMALS`] (`40.130001068115234` → `40.13`).
fn coordinate(v: Option<f32>) -> Cell {
    let k = 10f64.powi(COORDINATE_DECIMALS);
    Cell::Float(v.map(|v| (f64::from(v) * k).round() / k))
}

/// Days since 1970-01-01 of a civil date (Howard Hinnant's algorithm).
fn days_from_civil(y: i32, m: u32, d: u32) -> i32 {
    let y = if m <= 2 { y - 1 } else { y };
    let era = y.div_euclid(400);
    let yoe = y.rem_euclid(400);
    let mp = (m as i32 + 9) % 12;
    let doy = (153 * mp + 2) / 5 + d as i32 - 1;
    let doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
    era * 146_097 + doe - 719_468
}

/// `YYYY-MM-DD` of days since 1970-01-01.
fn date_text(days: i32) -> String {
    let z = days + 719_468;
    let era = z.div_euclid(146_097);
    let doe = z.rem_euclid(146_097);
    let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let d = doy - (153 * mp + 2) / 5 + 1;
    let m = if mp < 10 { mp + 3 } else { mp - 9 };
    let y = yoe + era * 400 + i32::from(m <= 2);
    format!("{y:04}-{m:02}-{d:02}")
}

fn days_in_month(y: i32, m: u32) -> u32 {
    match m {
        2 if (y % 4 == 0 && y % 100 != 0) || y % 400 == 0 => 29,
        2 => 28,
        4 | 6 | 9 | 11 => 30,
        _ => 31,
    }
}

/// A date of the records (`2025-01-01`, or a month `2024-08`: its first day, or with
/// `end` its last) as days since 1970-01-01.
fn date(v: Option<&str>, end: bool) -> Cell {
    let parsed = v.and_then(|t| {
        let mut it = t.trim().split('-');
        let y: i32 = it.next()?.parse().ok()?;
        let m: u32 = it.next()?.parse().ok()?;
        if !(1..=12).contains(&m) || !(1900..=2200).contains(&y) {
            return None;
        }
        let d: u32 = match it.next() {
            Some(d) => d.parse().ok()?,
            None if end => days_in_month(y, m),
            None => 1,
        };
        (1..=days_in_month(y, m))
            .contains(&d)
            .then(|| days_from_civil(y, m, d))
    });
    Cell::Date(parsed)
}

fn json_name<T: serde::Serialize>(v: &T) -> String {
    serde_json::to_value(v)
        .ok()
        .and_then(|v| v.as_str().map(str::to_string))
        .unwrap_or_default()
}

fn value_cells(v: &Option<Value>) -> [Cell; 4] {
    match v {
        Some(v) => [
            s(&v.text),
            Cell::Text(v.op.as_ref().map(json_name)),
            dec(v.value),
            text(&v.unit),
        ],
        None => [
            Cell::Text(None),
            Cell::Text(None),
            Cell::Decimal(None),
            Cell::Text(None),
        ],
    }
}

fn table(name: &'static str, columns: &[Column]) -> Table {
    Table {
        name,
        columns: columns.to_vec(),
        rows: Vec::new(),
    }
}

/// The four tables of a dataset.
pub fn tables(records: &[Record], findings: &[Finding]) -> Vec<Table> {
    let mut forms = table("forms", &FORMS);
    let mut funds = table("funds", &FUNDS);
    let mut indicators = table("indicators", &INDICATORS);
    for r in records {
        let link = &r.source.link;
        let pages = r
            .source
            .pages
            .iter()
            .map(u32::to_string)
            .collect::<Vec<_>>()
            .join(",");
        let norm = |v: &Option<String>| Cell::Text(v.as_deref().map(normalise_name));
        forms.rows.push(vec![
            s(&r.record_id),
            text(&r.project_key),
            text(&r.form_key),
            text(&r.duplicate_of),
            s(&json_name(&r.form)),
            int(r.year.map(i64::from)),
            date(r.period.as_ref().map(|p| p.start.as_str()), false),
            date(r.period.as_ref().map(|p| p.end.as_str()), true),
            text(&r.project_name),
            text(&r.department),
            norm(&r.department),
            text(&r.implementer),
            norm(&r.implementer),
            text(&r.district),
            text(&r.project_nature),
            text(&r.project_category),
            date(r.planned_start.as_deref(), false),
            date(r.planned_end.as_deref(), true),
            text(&r.funds_unit),
            text(&r.goal_planned),
            text(&r.goal_actual),
            text(&r.goal_project),
            dec(r.total_score),
            text(&r.grade),
            text(&r.outlook_budget),
            text(&r.outlook_goals),
            text(&r.corrective_actions),
            int(Some(r.indicators.len() as i64)),
            s(&r.source.file),
            s(&r.source.sha256),
            s(&r.source.format),
            Cell::Text((!pages.is_empty()).then_some(pages)),
            Cell::Float(
                r.source
                    .text_recovery
                    .map(|v| (f64::from(v) * 10_000.0).round() / 10_000.0),
            ),
            text(&r.source.web.url),
            text(&r.source.web.fetched_at),
            date(r.source.web.withdrawn.as_deref(), false),
            s(link),
        ]);
        for (i, f) in r.funds.iter().enumerate() {
            funds.rows.push(vec![
                s(&r.record_id),
                int(Some(i as i64 + 1)),
                s(&json_name(&f.row)),
                dec(f.initial_budget),
                dec(f.budget),
                dec(f.executed),
                dec(f.initial_budget_yuan),
                dec(f.budget_yuan),
                dec(f.executed_yuan),
                dec(f.rate_pct),
                dec(f.weight),
                dec(f.score),
                text(&r.funds_unit),
                s(link),
            ]);
        }
        for (i, ind) in r.indicators.iter().enumerate() {
            let (page, bbox, conf, sheet, row, line) = match &ind.source {
                jixiao_record::Origin::Pdf {
                    page,
                    bbox,
                    confidence,
                } => (
                    Some(i64::from(*page)),
                    Some(*bbox),
                    *confidence,
                    None,
                    None,
                    None,
                ),
                jixiao_record::Origin::Sheet { sheet, row } => (
                    None,
                    None,
                    None,
                    Some(sheet.clone()),
                    Some(i64::from(*row)),
                    None,
                ),
                jixiao_record::Origin::Line { line } => {
                    (None, None, None, None, None, Some(i64::from(*line)))
                }
            };
            let b = |k: usize| coordinate(bbox.map(|b| b[k]));
            let mut row_cells = vec![
                s(&r.record_id),
                int(Some(i as i64 + 1)),
                text(&ind.level1),
                text(&ind.level2),
                text(&ind.level3),
            ];
            row_cells.extend(value_cells(&ind.target));
            row_cells.extend(value_cells(&ind.planned_to_date));
            row_cells.extend(value_cells(&ind.actual));
            row_cells.extend([
                dec(ind.weight),
                dec(ind.score),
                text(&ind.deviation_note),
                int(page),
                b(0),
                b(1),
                b(2),
                b(3),
                Cell::Float(conf.map(|c| (f64::from(c) * 1000.0).round() / 1000.0)),
                Cell::Text(sheet),
                int(row),
                int(line),
                s(&jixiao_score::link_for(r, Some(&ind.source))),
            ]);
            indicators.rows.push(row_cells);
        }
    }
    let mut finding_rows = table("findings", &FINDINGS);
    let mut last: Option<&str> = None;
    let mut n = 0i64;
    for f in findings {
        n = if last == Some(f.record_id.as_str()) {
            n + 1
        } else {
            1
        };
        last = Some(&f.record_id);
        finding_rows.rows.push(vec![
            s(&f.record_id),
            int(Some(n)),
            int(f.indicator.map(|i| i as i64)),
            text(&f.row_label),
            s(&f.rule),
            s(&json_name(&f.severity)),
            text(&f.published),
            text(&f.expected),
            s(&f.message),
            s(&f.message_en),
            s(&f.link),
        ]);
    }
    vec![forms, funds, indicators, finding_rows]
}

pub use csv_out::write_csv;
pub use parquet_out::write_parquet;
pub use stream::{
    ends_chunk, DatasetWriter, UrlOf, XlsxSkipped, XlsxTarget, CHUNK_CAP, CHUNK_ROWS,
    DEFAULT_XLSX_MAX_ROWS,
};
pub use xlsx_out::write_xlsx;
