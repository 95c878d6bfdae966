//! One XLSX workbook for auditors: a sheet per table (header frozen, filters on), money
//! as numbers with the decimals they were published with, and every `link` a hyperlink
//! to the source file (at the page for PDFs), so a finding opens where it was printed.
//!
//! Written in rust_xlsxwriter's constant-memory mode: each row goes to a temporary file
//! as soon as the next one starts, so the workbook costs the same memory for ten forms
//! or a million. A table past [`MAX_ROWS`] continues on a sheet of its own
//! (`indicators (2)`, after the tables' first sheets).

use crate::{Cell, Column, DatasetError, Table};
use rust_xlsxwriter::{DocProperties, ExcelDateTime, Format, Url, Workbook, Worksheet};
use std::path::Path;

/// Rows per sheet before a table continues on a sheet of its own (Excel's limit is
/// 1,048,576 with the header).
pub(crate) const MAX_ROWS: usize = 1_000_000;
/// Hyperlinks per workbook; past them a link is written as its text (the CSV and
/// Parquet files keep every link). Excel keeps at most 65,530 per worksheet, and
/// rust_xlsxwriter holds each in memory until the workbook is saved (about 0.5 KB with
/// its relationship), so the whole workbook gets that many: its memory stays flat.
const MAX_LINKS: usize = 65_530;

/// Most decimal places a money cell's number format shows (a decimal's scale past it is
/// shown to this many places).
const MAX_PLACES: usize = 10;

/// The number format of a decimal with `places` places: `0`, `0.00`, ….
fn decimal_format(places: usize) -> Format {
    if places == 0 {
        Format::new().set_num_format("0")
    } else {
        Format::new().set_num_format(format!("0.{}", "0".repeat(places)))
    }
}

/// A sheet being written.
struct Sheet {
    /// Index in the workbook.
    index: usize,
    /// Data rows written.
    rows: usize,
}

/// A table's sheets.
struct TableSheets {
    name: &'static str,
    columns: Vec<Column>,
    sheets: Vec<Sheet>,
}

/// The dataset workbook, written a row at a time.
pub(crate) struct XlsxStream<'a> {
    path: String,
    wb: Workbook,
    tables: Vec<TableSheets>,
    url_of: &'a dyn Fn(&str) -> String,
    bold: Format,
    date_format: Format,
    /// The number formats of decimals, by places (`0`, `0.0`, … up to
    /// [`MAX_PLACES`]): made once, not per cell (the workbook looks each cell's format
    /// up by hashing it).
    decimal_formats: Vec<Format>,
    /// Hyperlinks written so far (at most [`MAX_LINKS`]).
    links: usize,
}

impl<'a> XlsxStream<'a> {
    fn err(&self, e: rust_xlsxwriter::XlsxError) -> DatasetError {
        DatasetError::Xlsx {
            path: self.path.clone(),
            message: e.to_string(),
        }
    }

    /// A workbook at `path` with a sheet for each of `tables` (their rows are not
    /// written: see [`XlsxStream::push`]).
    pub fn create(
        path: &Path,
        tables: &[Table],
        url_of: &'a dyn Fn(&str) -> String,
    ) -> Result<XlsxStream<'a>, DatasetError> {
        let mut wb = Workbook::new();
        // A fixed creation time keeps the file byte-identical from run to run.
        let epoch = ExcelDateTime::from_ymd(2000, 1, 1).map_err(|e| DatasetError::Xlsx {
            path: path.display().to_string(),
            message: e.to_string(),
        })?;
        wb.set_properties(&DocProperties::new().set_creation_datetime(&epoch));
        let mut s = XlsxStream {
            path: path.display().to_string(),
            wb,
            tables: tables
                .iter()
                .map(|t| TableSheets {
                    name: t.name,
                    columns: t.columns.clone(),
                    sheets: Vec::new(),
                })
                .collect(),
            url_of,
            bold: Format::new().set_bold(),
            date_format: Format::new().set_num_format("yyyy-mm-dd"),
            decimal_formats: (0..=MAX_PLACES).map(decimal_format).collect(),
            links: 0,
        };
        for t in 0..s.tables.len() {
            s.new_sheet(t)?;
        }
        Ok(s)
    }

    fn new_sheet(&mut self, t: usize) -> Result<(), DatasetError> {
        let k = self.tables[t].sheets.len();
        let name = if k == 0 {
            self.tables[t].name.to_string()
        } else {
            format!("{} ({})", self.tables[t].name, k + 1)
        };
        let index = self.wb.worksheets().len();
        let ws = self.wb.add_worksheet_with_constant_memory();
        let r = (|| {
            ws.set_name(&name)?;
            ws.set_freeze_panes(1, 0)?;
            for (c, col) in self.tables[t].columns.iter().enumerate() {
                ws.write_string_with_format(0, c as u16, col.name, &self.bold)?;
            }
            Ok(())
        })();
        r.map_err(|e| self.err(e))?;
        self.tables[t].sheets.push(Sheet { index, rows: 0 });
        Ok(())
    }

    /// Appends rows of the `t`-th table.
    pub fn push(&mut self, t: usize, rows: &[Vec<Cell>]) -> Result<(), DatasetError> {
        for row in rows {
            if self.tables[t]
                .sheets
                .last()
                .is_some_and(|s| s.rows >= MAX_ROWS)
            {
                self.new_sheet(t)?;
            }
            let Some(sheet) = self.tables[t].sheets.last_mut() else {
                continue;
            };
            sheet.rows += 1;
            let (index, r) = (sheet.index, sheet.rows as u32);
            let columns = &self.tables[t].columns;
            let ws = self
                .wb
                .worksheet_from_index(index)
                .map_err(|e| DatasetError::Xlsx {
                    path: self.path.clone(),
                    message: e.to_string(),
                })?;
            let formats = Formats {
                date: &self.date_format,
                decimals: &self.decimal_formats,
            };
            write_row(ws, r, row, columns, &mut self.links, self.url_of, &formats).map_err(
                |e| DatasetError::Xlsx {
                    path: self.path.clone(),
                    message: e.to_string(),
                },
            )?;
        }
        Ok(())
    }

    /// Sets every sheet's filter and saves the workbook.
    pub fn finish(mut self) -> Result<(), DatasetError> {
        let mut filters = Vec::new();
        for t in &self.tables {
            let last_col = t.columns.len().saturating_sub(1) as u16;
            for s in &t.sheets {
                filters.push((s.index, s.rows as u32, last_col));
            }
        }
        for (index, rows, last_col) in filters {
            let r = self
                .wb
                .worksheet_from_index(index)
                .and_then(|ws| ws.autofilter(0, 0, rows, last_col).map(|_| ()));
            r.map_err(|e| self.err(e))?;
        }
        let path = self.path.clone();
        self.wb.save(&path).map_err(|e| self.err(e))?;
        Ok(())
    }
}

/// The number formats cells are written with.
struct Formats<'f> {
    date: &'f Format,
    /// By decimal places, `0..=MAX_PLACES`.
    decimals: &'f [Format],
}

fn write_row(
    ws: &mut Worksheet,
    r: u32,
    row: &[Cell],
    columns: &[Column],
    links: &mut usize,
    url_of: &dyn Fn(&str) -> String,
    formats: &Formats,
) -> Result<(), rust_xlsxwriter::XlsxError> {
    for (c, cell) in row.iter().enumerate() {
        let link_col = columns.get(c).is_some_and(|col| col.name == "link");
        let c = c as u16;
        match cell {
            Cell::Text(Some(v)) if link_col && *links < MAX_LINKS => {
                *links += 1;
                ws.write_url(r, c, Url::new(url_of(v)).set_text(v))?;
            }
            Cell::Text(Some(v)) => {
                ws.write_string(r, c, v)?;
            }
            Cell::Int(Some(v)) => {
                ws.write_number(r, c, *v as f64)?;
            }
            Cell::Float(Some(v)) => {
                ws.write_number(r, c, *v)?;
            }
            Cell::Date(Some(_)) => {
                let t = cell.csv();
                let ymd: Vec<u32> = t.split('-').filter_map(|p| p.parse().ok()).collect();
                match ymd[..] {
                    [y, m, d] => {
                        let dt = ExcelDateTime::from_ymd(y as u16, m as u8, d as u8)?;
                        ws.write_datetime_with_format(r, c, &dt, formats.date)?;
                    }
                    _ => {
                        ws.write_string(r, c, &t)?;
                    }
                }
            }
            Cell::Decimal(Some(d)) => {
                let places = (d.scale() as usize).min(MAX_PLACES);
                let v: f64 = d.to_string().parse().unwrap_or(0.0);
                ws.write_number_with_format(r, c, v, &formats.decimals[places])?;
            }
            _ => {}
        }
    }
    Ok(())
}

/// Writes `PATH` (one workbook). `url_of` turns a record's `link` (`file#page=3`) into
/// the hyperlink to write (`jixiao_report::Links::xlsx_url`: relative to OUTDIR where
/// the source lies under or beside it).
pub fn write_xlsx(
    path: &Path,
    tables: &[Table],
    url_of: &dyn Fn(&str) -> String,
) -> Result<(), DatasetError> {
    let mut w = XlsxStream::create(path, tables, url_of)?;
    for (i, t) in tables.iter().enumerate() {
        w.push(i, &t.rows)?;
    }
    w.finish()
}

#[cfg(test)]
#[allow(clippy::unwrap_used)]
mod tests {
    use super::*;
    use crate::Kind;

    #[test]
    fn the_workbook_holds_at_most_max_links_hyperlinks_and_the_rest_as_text() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("t.xlsx");
        let table = |name| Table {
            name,
            columns: vec![Column {
                name: "link",
                kind: Kind::Text,
                doc: "",
            }],
            rows: Vec::new(),
        };
        let url = |l: &str| format!("file:///{l}");
        let mut x = XlsxStream::create(&path, &[table("a"), table("b")], &url).unwrap();
        // Two sheets, more rows than links in all: the first sheet takes its rows'
        // links, the second the rest.
        let rows = |n: usize| -> Vec<Vec<Cell>> {
            (0..n)
                .map(|i| vec![Cell::Text(Some(format!("f{i}.pdf#page=1")))])
                .collect()
        };
        x.push(0, &rows(MAX_LINKS - 10)).unwrap();
        x.push(1, &rows(30)).unwrap();
        x.finish().unwrap();
        let mut z = zip::ZipArchive::new(std::fs::File::open(&path).unwrap()).unwrap();
        let mut count = |name: &str| {
            let mut s = String::new();
            std::io::Read::read_to_string(&mut z.by_name(name).unwrap(), &mut s).unwrap();
            (
                s.matches("<hyperlink ").count(),
                s.matches("f29.pdf").count(),
            )
        };
        assert_eq!(count("xl/worksheets/sheet1.xml").0, MAX_LINKS - 10);
        let (links, texts) = count("xl/worksheets/sheet2.xml");
        assert_eq!(links, 10, "the workbook's last links");
        assert_eq!(texts, 1, "a row past them keeps its text");
    }
}
