//! Dataset writers: records and findings flattened into four tables — `forms`, `funds`,
//! `indicators`, `findings` — written as CSV (UTF-8 with BOM, so Excel shows Chinese),
//! Parquet (typed columns; money, rates and scores as `decimal128`) and one XLSX
//! workbook for auditors (a sheet per table; findings link to the page they are about).
//!
//! Every row is keyed by `record_id` plus, for the child tables, a 1-based `ordinal`,
//! and carries its source `link`. The tables are built once ([`tables`]) and each writer
//! only serialises them, so the three formats always agree.

use jixiao_record::{Record, Value};
use jixiao_score::Finding;
use rust_decimal::Decimal;
use std::path::Path;

mod parquet_out;
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
    /// The XLSX writer failed.
    #[error("{path}: {message}")]
    Xlsx {
        /// The file.
        path: String,
        /// What failed.
        message: String,
    },
}

/// Column types.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Kind {
    /// UTF-8 text.
    Text,
    /// 64-bit integer.
    Int,
    /// Exact decimal (money, rates, weights, scores).
    Decimal,
    /// Floating point (coordinates on a page).
    Float,
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
}

impl Cell {
    /// The value as CSV writes it (empty for null; decimals as published).
    pub fn csv(&self) -> String {
        match self {
            Cell::Text(v) => v.clone().unwrap_or_default(),
            Cell::Int(v) => v.map(|i| i.to_string()).unwrap_or_default(),
            Cell::Decimal(v) => v.map(|d| d.to_string()).unwrap_or_default(),
            Cell::Float(v) => v.map(|f| format!("{f}")).unwrap_or_default(),
        }
    }
}

/// A flat table: named, typed columns and rows of cells in column order.
#[derive(Debug, Clone)]
pub struct Table {
    /// Table (and file, sheet) name.
    pub name: &'static str,
    /// Column names and kinds.
    pub columns: Vec<(&'static str, Kind)>,
    /// Rows.
    pub rows: Vec<Vec<Cell>>,
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

/// The four tables of a dataset.
pub fn tables(records: &[Record], findings: &[Finding]) -> Vec<Table> {
    let mut forms = Table {
        name: "forms",
        columns: vec![
            ("record_id", Kind::Text),
            ("project_key", Kind::Text),
            ("form", Kind::Text),
            ("year", Kind::Int),
            ("period_start", Kind::Text),
            ("period_end", Kind::Text),
            ("project_name", Kind::Text),
            ("department", Kind::Text),
            ("implementer", Kind::Text),
            ("district", Kind::Text),
            ("project_nature", Kind::Text),
            ("project_category", Kind::Text),
            ("planned_start", Kind::Text),
            ("planned_end", Kind::Text),
            ("funds_unit", Kind::Text),
            ("goal_planned", Kind::Text),
            ("goal_actual", Kind::Text),
            ("goal_project", Kind::Text),
            ("total_score", Kind::Decimal),
            ("grade", Kind::Text),
            ("outlook_budget", Kind::Text),
            ("outlook_goals", Kind::Text),
            ("corrective_actions", Kind::Text),
            ("indicator_count", Kind::Int),
            ("source_file", Kind::Text),
            ("source_sha256", Kind::Text),
            ("source_format", Kind::Text),
            ("source_pages", Kind::Text),
            ("link", Kind::Text),
        ],
        rows: Vec::new(),
    };
    let mut funds = Table {
        name: "funds",
        columns: vec![
            ("record_id", Kind::Text),
            ("ordinal", Kind::Int),
            ("row", Kind::Text),
            ("initial_budget", Kind::Decimal),
            ("budget", Kind::Decimal),
            ("executed", Kind::Decimal),
            ("rate_pct", Kind::Decimal),
            ("weight", Kind::Decimal),
            ("score", Kind::Decimal),
            ("funds_unit", Kind::Text),
            ("link", Kind::Text),
        ],
        rows: Vec::new(),
    };
    let mut indicators = Table {
        name: "indicators",
        columns: vec![
            ("record_id", Kind::Text),
            ("ordinal", Kind::Int),
            ("level1", Kind::Text),
            ("level2", Kind::Text),
            ("level3", Kind::Text),
            ("target_text", Kind::Text),
            ("target_op", Kind::Text),
            ("target_value", Kind::Decimal),
            ("target_unit", Kind::Text),
            ("planned_to_date_text", Kind::Text),
            ("planned_to_date_op", Kind::Text),
            ("planned_to_date_value", Kind::Decimal),
            ("planned_to_date_unit", Kind::Text),
            ("actual_text", Kind::Text),
            ("actual_op", Kind::Text),
            ("actual_value", Kind::Decimal),
            ("actual_unit", Kind::Text),
            ("weight", Kind::Decimal),
            ("score", Kind::Decimal),
            ("deviation_note", Kind::Text),
            ("source_page", Kind::Int),
            ("bbox_x0", Kind::Float),
            ("bbox_top", Kind::Float),
            ("bbox_x1", Kind::Float),
            ("bbox_bottom", Kind::Float),
            ("ocr_confidence", Kind::Float),
            ("source_sheet", Kind::Text),
            ("source_row", Kind::Int),
            ("source_line", Kind::Int),
            ("link", Kind::Text),
        ],
        rows: Vec::new(),
    };
    for r in records {
        let link = &r.source.link;
        let pages = r
            .source
            .pages
            .iter()
            .map(u32::to_string)
            .collect::<Vec<_>>()
            .join(",");
        forms.rows.push(vec![
            s(&r.record_id),
            text(&r.project_key),
            s(&json_name(&r.form)),
            int(r.year.map(i64::from)),
            Cell::Text(r.period.as_ref().map(|p| p.start.clone())),
            Cell::Text(r.period.as_ref().map(|p| p.end.clone())),
            text(&r.project_name),
            text(&r.department),
            text(&r.implementer),
            text(&r.district),
            text(&r.project_nature),
            text(&r.project_category),
            text(&r.planned_start),
            text(&r.planned_end),
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
            let b = |k: usize| Cell::Float(bbox.map(|b| f64::from(b[k])));
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
    let mut finding_rows = Table {
        name: "findings",
        columns: vec![
            ("record_id", Kind::Text),
            ("ordinal", Kind::Int),
            ("indicator", Kind::Int),
            ("rule", Kind::Text),
            ("severity", Kind::Text),
            ("published", Kind::Text),
            ("expected", Kind::Text),
            ("message", Kind::Text),
            ("link", Kind::Text),
        ],
        rows: Vec::new(),
    };
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
            int(f.indicator.map(|i| i as i64 + 1)),
            s(&f.rule),
            s(&json_name(&f.severity)),
            text(&f.published),
            text(&f.expected),
            s(&f.message),
            s(&f.link),
        ]);
    }
    vec![forms, funds, indicators, finding_rows]
}

/// Writes `DIR/<table>.csv` for every table: UTF-8 with a byte-order mark (Excel reads
/// it as UTF-8), a header row, RFC 4180 quoting.
pub fn write_csv(dir: &Path, tables: &[Table]) -> Result<(), DatasetError> {
    for t in tables {
        let path = dir.join(format!("{}.csv", t.name));
        let p = path.display().to_string();
        let mut file = std::fs::File::create(&path).map_err(|source| DatasetError::Io {
            path: p.clone(),
            source,
        })?;
        std::io::Write::write_all(&mut file, "\u{feff}".as_bytes()).map_err(|source| {
            DatasetError::Io {
                path: p.clone(),
                source,
            }
        })?;
        let mut w = csv::Writer::from_writer(std::io::BufWriter::new(file));
        let csv_err = |source| DatasetError::Csv {
            path: p.clone(),
            source,
        };
        w.write_record(t.columns.iter().map(|c| c.0))
            .map_err(csv_err)?;
        for row in &t.rows {
            w.write_record(row.iter().map(Cell::csv)).map_err(csv_err)?;
        }
        w.flush().map_err(|source| DatasetError::Io {
            path: p.clone(),
            source,
        })?;
    }
    Ok(())
}

pub use parquet_out::write_parquet;
pub use xlsx_out::write_xlsx;
