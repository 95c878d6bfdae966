//! One XLSX workbook for auditors: a sheet per table (header frozen, filters on), money
//! as numbers with the decimals they were published with, and every `link` a hyperlink
//! to the source file (at the page for PDFs), so a finding opens where it was printed.

use crate::{Cell, DatasetError, Table};
use rust_xlsxwriter::{DocProperties, ExcelDateTime, Format, Url, Workbook};
use std::path::Path;

/// Rows per sheet before a table continues on a sheet of its own (Excel's limit is
/// 1,048,576 with the header).
const MAX_ROWS: usize = 1_000_000;
/// Excel keeps at most 65,530 hyperlinks per worksheet; past it a link is its text.
const MAX_LINKS_PER_SHEET: usize = 65_530;

/// Writes `PATH` (one workbook). `url_of` turns a record's `link` (`file#page=3`) into
/// the hyperlink to write (`jixiao_report::Links::xlsx_url`: relative to OUTDIR where
/// the source lies under or beside it).
pub fn write_xlsx(
    path: &Path,
    tables: &[Table],
    url_of: &dyn Fn(&str) -> String,
) -> Result<(), DatasetError> {
    let p = path.display().to_string();
    let err = |e: rust_xlsxwriter::XlsxError| DatasetError::Xlsx {
        path: p.clone(),
        message: e.to_string(),
    };
    let mut wb = Workbook::new();
    // A fixed creation time keeps the file byte-identical from run to run.
    let epoch = ExcelDateTime::from_ymd(2000, 1, 1).map_err(err)?;
    wb.set_properties(&DocProperties::new().set_creation_datetime(&epoch));
    let bold = Format::new().set_bold();
    let date_format = Format::new().set_num_format("yyyy-mm-dd");
    for t in tables {
        let chunks: Vec<&[Vec<Cell>]> = if t.rows.is_empty() {
            vec![&[]]
        } else {
            t.rows.chunks(MAX_ROWS).collect()
        };
        for (k, rows) in chunks.into_iter().enumerate() {
            let ws = wb.add_worksheet();
            let name = if k == 0 {
                t.name.to_string()
            } else {
                format!("{} ({})", t.name, k + 1)
            };
            ws.set_name(&name).map_err(err)?;
            for (c, col) in t.columns.iter().enumerate() {
                ws.write_string_with_format(0, c as u16, col.name, &bold)
                    .map_err(err)?;
            }
            ws.set_freeze_panes(1, 0).map_err(err)?;
            let mut links = 0usize;
            for (r, row) in rows.iter().enumerate() {
                let r = r as u32 + 1;
                for (c, cell) in row.iter().enumerate() {
                    let c = c as u16;
                    let link_col = t.columns[c as usize].name == "link";
                    match cell {
                        Cell::Text(Some(v)) if link_col && links < MAX_LINKS_PER_SHEET => {
                            links += 1;
                            ws.write_url(r, c, Url::new(url_of(v)).set_text(v))
                                .map_err(err)?;
                        }
                        Cell::Text(Some(v)) => {
                            ws.write_string(r, c, v).map_err(err)?;
                        }
                        Cell::Int(Some(v)) => {
                            ws.write_number(r, c, *v as f64).map_err(err)?;
                        }
                        Cell::Float(Some(v)) => {
                            ws.write_number(r, c, *v).map_err(err)?;
                        }
                        Cell::Date(Some(_)) => {
                            let t = cell.csv();
                            let ymd: Vec<u32> =
                                t.split('-').filter_map(|p| p.parse().ok()).collect();
                            match ymd[..] {
                                [y, m, d] => {
                                    let dt = ExcelDateTime::from_ymd(y as u16, m as u8, d as u8)
                                        .map_err(err)?;
                                    ws.write_datetime_with_format(r, c, &dt, &date_format)
                                        .map_err(err)?;
                                }
                                _ => {
                                    ws.write_string(r, c, &t).map_err(err)?;
                                }
                            }
                        }
                        Cell::Decimal(Some(d)) => {
                            let places = d.scale() as usize;
                            let fmt = if places == 0 {
                                Format::new().set_num_format("0")
                            } else {
                                Format::new()
                                    .set_num_format(format!("0.{}", "0".repeat(places.min(10))))
                            };
                            let v: f64 = d.to_string().parse().unwrap_or(0.0);
                            ws.write_number_with_format(r, c, v, &fmt).map_err(err)?;
                        }
                        _ => {}
                    }
                }
            }
            let last_col = t.columns.len().saturating_sub(1) as u16;
            ws.autofilter(0, 0, rows.len() as u32, last_col)
                .map_err(err)?;
        }
    }
    wb.save(path).map_err(err)?;
    Ok(())
}
