//! Reader for workbooks (.xlsx/.xlsm, .xls, .xlsb, .ods) into the cell grid.
//!
//! Owns opening workbooks through calamine, turning every sheet into grid rows (sheets
//! concatenated in workbook order, empty rows and columns kept as positions), merged
//! regions into spans, and each cell's value into the text Excel *displays*: number
//! formats (fixed decimals, thousands separators, percent, dates) are applied, text is
//! kept as text even when it looks like a formula. Nothing here knows budget forms.

mod cfb;

use calamine::{Data, DataRef, Ods, Range, Reader, Sheets, StyleRange, Xls, Xlsb, Xlsx};
use jixiao_grid::{Cell, Grid, Origin, Row};
use std::collections::HashMap;
use std::io::Cursor;

/// Why a workbook could not be read.
#[derive(Debug, thiserror::Error)]
pub enum XlsxError {
    /// The workbook is protected by a password.
    #[error("workbook is password-protected")]
    Password,
    /// The container or a part of it is damaged or truncated.
    #[error("not a readable workbook: {0}")]
    Corrupt(String),
    /// A sheet could not be read.
    #[error("sheet {sheet:?}: {message}")]
    Sheet {
        /// Sheet name.
        sheet: String,
        /// What went wrong.
        message: String,
    },
}

/// Largest number of cells read from one workbook: the sum over its sheets of the
/// bounding box of the cells that hold a value (what each sheet's grid spans). It bounds
/// the time and memory a workbook can cost: reading and parsing take about 3.5 µs a cell
/// end to end (release build), so a workbook at the limit costs about 3.5 s and a few
/// hundred MB, and one past it is refused while its sheets are streamed, before anything
/// of that size is allocated. A published form sheet spans a few thousand cells; a
/// department's year of forms in one workbook (500 forms × 40 rows × 12 columns) about
/// 240,000.
pub const MAX_CELLS_PER_WORKBOOK: usize = 1_000_000;

/// The container a workbook's bytes hold, told from its content: calamine's own order
/// (try `.xls`, then `.xlsx`, …) would hand every file to the `.xls` reader first.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Kind {
    Xls,
    Xlsx,
    Xlsb,
    Ods,
}

fn kind(bytes: &[u8]) -> Result<Kind, XlsxError> {
    if bytes.starts_with(&cfb::MAGIC) {
        if is_encrypted_ooxml(bytes) {
            return Err(XlsxError::Password);
        }
        cfb::check(bytes).map_err(|m| XlsxError::Corrupt(format!("compound file: {m}")))?;
        return Ok(Kind::Xls);
    }
    if bytes.starts_with(b"PK") {
        let zip = zip::ZipArchive::new(Cursor::new(bytes))
            .map_err(|e| XlsxError::Corrupt(format!("zip package: {e}")))?;
        let has = |name: &str| zip.index_for_name(name).is_some();
        return Ok(if has("xl/workbook.bin") {
            Kind::Xlsb
        } else if has("content.xml") && !has("xl/workbook.xml") {
            Kind::Ods
        } else {
            Kind::Xlsx
        });
    }
    Err(XlsxError::Corrupt(
        "neither an OLE compound file (.xls) nor a zip package (.xlsx, .xlsb, .ods)".into(),
    ))
}

fn open_error(e: impl std::fmt::Display) -> XlsxError {
    let msg = e.to_string();
    if msg.to_ascii_lowercase().contains("password") {
        XlsxError::Password
    } else {
        XlsxError::Corrupt(msg)
    }
}

/// Reads a workbook from its bytes. A panic inside calamine on a malformed part (fuzzing
/// found an overflowing cell reference, `A99999999999`) is the workbook's
/// [`XlsxError::Corrupt`], not a crash.
pub fn read(bytes: &[u8]) -> Result<Grid, XlsxError> {
    std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| {
        read_within(bytes, MAX_CELLS_PER_WORKBOOK as u64)
    }))
    .unwrap_or_else(|payload| {
        let msg = payload
            .downcast_ref::<&str>()
            .map(|s| s.to_string())
            .or_else(|| payload.downcast_ref::<String>().cloned())
            .unwrap_or_else(|| "unknown".into());
        Err(XlsxError::Corrupt(format!("workbook reader failed: {msg}")))
    })
}

/// Reads a workbook whose sheets may span `limit` cells in all.
fn read_within(bytes: &[u8], limit: u64) -> Result<Grid, XlsxError> {
    let cur = Cursor::new(bytes);
    let mut wb: Sheets<Cursor<&[u8]>> = match kind(bytes)? {
        Kind::Xls => Sheets::Xls(Xls::new(cur).map_err(open_error)?),
        Kind::Xlsx => Sheets::Xlsx(Xlsx::new(cur).map_err(open_error)?),
        Kind::Xlsb => Sheets::Xlsb(Xlsb::new(cur).map_err(open_error)?),
        Kind::Ods => Sheets::Ods(Ods::new(cur).map_err(open_error)?),
    };
    let names = wb.sheet_names();
    let mut rows = Vec::new();
    // Cells the sheets still to be read may span.
    let mut budget = limit;
    for name in names {
        let range =
            sheet_range(&mut wb, &name, budget, limit).map_err(|message| XlsxError::Sheet {
                sheet: name.clone(),
                message,
            })?;
        let (h, w) = range.get_size();
        let cells = (h as u64).saturating_mul(w as u64);
        if cells > budget {
            return Err(XlsxError::Sheet {
                sheet: name,
                message: over_limit(h as u64, w as u64, limit),
            });
        }
        budget -= cells;
        let (styles, merges) = match &mut wb {
            Sheets::Xlsx(x) => (x.worksheet_style(&name).ok(), merges_of(x, &name)),
            _ => (None, Vec::new()),
        };
        rows.extend(sheet_rows(&name, &range, styles.as_ref(), &merges));
    }
    Ok(Grid { rows })
}

/// A sheet's merged ranges, those that end before they start left out. calamine
/// subtracts a range's start from its end unchecked (fuzzing found `B2:A1`): a build
/// with overflow checks panics there, which costs the sheet its merges, not the
/// workbook; without them the range comes back reversed and is left out here.
fn merges_of(x: &mut Xlsx<Cursor<&[u8]>>, name: &str) -> Vec<calamine::Dimensions> {
    let all = std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| {
        x.merge_cells_by_sheet_name(name).unwrap_or_default()
    }))
    .unwrap_or_default();
    all.into_iter()
        .filter(|m| m.start.0 <= m.end.0 && m.start.1 <= m.end.1)
        .collect()
}

/// The bounding box of cell positions seen so far.
#[derive(Debug, Clone, Copy)]
struct Span {
    top: u32,
    left: u32,
    bottom: u32,
    right: u32,
}

impl Span {
    fn new() -> Span {
        Span {
            top: u32::MAX,
            left: u32::MAX,
            bottom: 0,
            right: 0,
        }
    }

    fn add(&mut self, (r, c): (u32, u32)) {
        self.top = self.top.min(r);
        self.left = self.left.min(c);
        self.bottom = self.bottom.max(r);
        self.right = self.right.max(c);
    }

    fn cells(&self) -> u64 {
        if self.top > self.bottom {
            return 0;
        }
        u64::from(self.bottom - self.top + 1) * u64::from(self.right - self.left + 1)
    }
}

/// The message of a workbook refused by its cell limit ([`MAX_CELLS_PER_WORKBOOK`]),
/// naming the sheet's span that went past it.
fn over_limit(rows: u64, cols: u64, limit: u64) -> String {
    format!("values span {rows} rows × {cols} columns, past the limit of {limit} cells a workbook")
}

/// Collects the cells that hold a value, refusing a sheet whose values span more than
/// `budget` cells (what the workbook's `limit` leaves after the sheets before it) before
/// anything of that size is allocated (two cells, `A1` and `XFD1048576`, span 17
/// billion).
fn bounded<'a>(
    budget: u64,
    limit: u64,
    mut next: impl FnMut() -> Result<Option<calamine::Cell<DataRef<'a>>>, String>,
) -> Result<Range<Data>, String> {
    let mut span = Span::new();
    let mut cells = Vec::new();
    while let Some(cell) = next()? {
        if matches!(cell.get_value(), DataRef::Empty) {
            continue;
        }
        let pos = cell.get_position();
        span.add(pos);
        if span.cells() > budget {
            return Err(over_limit(
                u64::from(span.bottom - span.top + 1),
                u64::from(span.right - span.left + 1),
                limit,
            ));
        }
        cells.push(calamine::Cell::new(
            pos,
            Data::from(cell.get_value().clone()),
        ));
    }
    Ok(Range::from_sparse(cells))
}

/// A sheet's values. `.xlsx` and `.xlsb` sheets are streamed cell by cell through
/// [`bounded`] against `budget` of the workbook's `limit` cells; `.xls` (at most 65,536 × 256 cells a sheet) and
/// `.ods` go through calamine whole and are checked after.
fn sheet_range(
    wb: &mut Sheets<Cursor<&[u8]>>,
    name: &str,
    budget: u64,
    limit: u64,
) -> Result<Range<Data>, String> {
    match wb {
        Sheets::Xlsx(x) => {
            let mut cells = match x.worksheet_cells_reader(name) {
                Ok(r) => r,
                Err(calamine::XlsxError::NotAWorksheet(_)) => return Ok(Range::empty()),
                Err(e) => return Err(e.to_string()),
            };
            bounded(budget, limit, || {
                cells.next_cell().map_err(|e| e.to_string())
            })
        }
        Sheets::Xlsb(x) => {
            let mut cells = x.worksheet_cells_reader(name).map_err(|e| e.to_string())?;
            bounded(budget, limit, || {
                cells.next_cell().map_err(|e| e.to_string())
            })
        }
        other => other.worksheet_range(name).map_err(|e| e.to_string()),
    }
}

/// An encrypted .xlsx is an OLE compound file holding an `EncryptedPackage` stream
/// (stream names are UTF-16LE in the directory).
fn is_encrypted_ooxml(bytes: &[u8]) -> bool {
    const OLE: [u8; 8] = [0xd0, 0xcf, 0x11, 0xe0, 0xa1, 0xb1, 0x1a, 0xe1];
    if !bytes.starts_with(&OLE) {
        return false;
    }
    let name: Vec<u8> = "EncryptedPackage"
        .encode_utf16()
        .flat_map(|u| u.to_le_bytes())
        .collect();
    bytes.windows(name.len()).any(|w| w == name.as_slice())
}

fn sheet_rows(
    name: &str,
    range: &Range<Data>,
    styles: Option<&StyleRange>,
    merges: &[calamine::Dimensions],
) -> Vec<Row> {
    let Some((r0, c0)) = range.start() else {
        return Vec::new();
    };
    let (height, width) = range.get_size();
    let merges: HashMap<(u32, u32), &calamine::Dimensions> =
        merges.iter().map(|m| (m.start, m)).collect();
    let mut out = Vec::with_capacity(height);
    for dr in 0..height {
        let r = r0 + dr as u32;
        let mut cells = Vec::with_capacity(width);
        for dc in 0..width {
            let c = c0 + dc as u32;
            let value = range.get((dr, dc)).unwrap_or(&Data::Empty);
            let format = styles
                .and_then(|s| s.get((r, c)))
                .and_then(|s| s.number_format.as_ref())
                .map(|f| f.format_code.as_str());
            let text = display(value, format);
            let mut cell = Cell::new(text, c as f32);
            if let Some(m) = merges.get(&(r, c)) {
                cell.col_span = m.end.1 - m.start.1 + 1;
                cell.row_span = m.end.0 - m.start.0 + 1;
            }
            cells.push(cell);
        }
        out.push(Row {
            cells,
            origin: Origin::Sheet {
                sheet: name.to_string(),
                row: r + 1,
            },
        });
    }
    out
}

/// The text Excel shows for a value under a number format.
pub fn display(value: &Data, format: Option<&str>) -> String {
    match value {
        Data::Empty => String::new(),
        Data::String(s) => s.clone(),
        Data::Bool(b) => if *b { "TRUE" } else { "FALSE" }.to_string(),
        Data::Int(i) => format_number(*i as f64, format),
        Data::Float(f) => format_number(*f, format),
        Data::DateTime(d) => date_text(d.as_f64(), format),
        Data::DateTimeIso(s) | Data::DurationIso(s) => s.clone(),
        Data::Error(e) => format!("#{e:?}"),
    }
}

/// The first section of a format code, without quoted text, escapes and colours.
fn section(code: &str) -> String {
    let first = code.split(';').next().unwrap_or("");
    let mut out = String::new();
    let mut quoted = false;
    let mut chars = first.chars();
    while let Some(ch) = chars.next() {
        match ch {
            '"' => quoted = !quoted,
            '\\' => {
                chars.next();
            }
            '[' if !quoted => {
                for c in chars.by_ref() {
                    if c == ']' {
                        break;
                    }
                }
            }
            _ if !quoted => out.push(ch),
            _ => {}
        }
    }
    out
}

fn is_date_format(code: &str) -> bool {
    let s = section(code).to_ascii_lowercase();
    s.contains('y') || s.contains('d') || (s.contains('m') && !s.contains('0'))
}

fn format_number(v: f64, format: Option<&str>) -> String {
    let code = format.unwrap_or("General");
    if code.eq_ignore_ascii_case("general") || code.is_empty() || code == "@" {
        return general(v);
    }
    if is_date_format(code) {
        return date_text(v, format);
    }
    let s = section(code);
    let decimals = s
        .split_once('.')
        .map(|(_, frac)| {
            frac.chars()
                .take_while(|c| matches!(c, '0' | '#' | '?'))
                .count()
        })
        .unwrap_or(0);
    let percent = s.contains('%');
    let grouped = s.contains(',');
    let x = if percent { v * 100.0 } else { v };
    let mut text = format!("{:.*}", decimals, x);
    if grouped {
        text = group_thousands(&text);
    }
    if percent {
        text.push('%');
    }
    text
}

/// Excel's General format: integers without a point, others with up to 10 significant
/// digits and no trailing zeros.
fn general(v: f64) -> String {
    if v.fract() == 0.0 && v.abs() < 1e15 {
        return format!("{v:.0}");
    }
    let digits = 10 - (v.abs().log10().floor() as i32 + 1).clamp(0, 10);
    let s = format!("{:.*}", digits.max(0) as usize, v);
    let s = s.trim_end_matches('0').trim_end_matches('.');
    s.to_string()
}

fn group_thousands(s: &str) -> String {
    let (sign, rest) = s.strip_prefix('-').map_or(("", s), |r| ("-", r));
    let (int, frac) = rest
        .split_once('.')
        .map_or((rest, None), |(i, f)| (i, Some(f)));
    let mut out = String::new();
    for (i, ch) in int.chars().enumerate() {
        if i > 0 && (int.len() - i) % 3 == 0 {
            out.push(',');
        }
        out.push(ch);
    }
    match frac {
        Some(f) => format!("{sign}{out}.{f}"),
        None => format!("{sign}{out}"),
    }
}

/// An Excel serial date as `YYYY-MM-DD` (with the time when the format shows one).
fn date_text(serial: f64, format: Option<&str>) -> String {
    // Days since 1899-12-30 (Excel's 1900 leap-year bug is absorbed by that epoch).
    let days = serial.floor() as i64;
    let (y, m, d) = civil_from_days(days - 25_569);
    let show_time = format.is_some_and(|f| {
        let s = section(f).to_ascii_lowercase();
        s.contains('h') || s.contains('s')
    });
    if show_time {
        let secs = ((serial - serial.floor()) * 86_400.0).round() as i64;
        format!(
            "{y:04}-{m:02}-{d:02} {:02}:{:02}:{:02}",
            secs / 3600,
            secs / 60 % 60,
            secs % 60
        )
    } else {
        format!("{y:04}-{m:02}-{d:02}")
    }
}

/// Days since 1970-01-01 to a civil date (Howard Hinnant's algorithm).
fn civil_from_days(z: i64) -> (i64, u32, u32) {
    let z = z + 719_468;
    let era = z.div_euclid(146_097);
    let doe = z.rem_euclid(146_097);
    let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365;
    let y = yoe + era * 400;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let d = (doy - (153 * mp + 2) / 5 + 1) as u32;
    let m = if mp < 10 { mp + 3 } else { mp - 9 } as u32;
    (if m <= 2 { y + 1 } else { y }, m, d)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_cell_limit_counts_the_sheets_of_a_workbook_together() {
        // Three sheets of 10 × 10: 300 cells in all.
        let wb = jixiao_mess::bombs::xlsx_sheets_of_numbers(3, 10, 10);
        let grid = read_within(&wb, 300).expect("300 cells within a limit of 300");
        assert_eq!(grid.rows.len(), 30);
        match read_within(&wb, 299) {
            Err(XlsxError::Sheet { sheet, message }) => {
                assert_eq!(sheet, "Sheet3");
                assert!(message.contains("past the limit of 299 cells"), "{message}");
            }
            other => panic!("{other:?}"),
        }
        // Refused while streaming, at the first row that goes past: the span named is
        // what had been read, not the whole sheet.
        match read_within(&wb, 250) {
            Err(XlsxError::Sheet { sheet, message }) => {
                assert_eq!(sheet, "Sheet3");
                assert!(
                    message.contains("values span 6 rows × 10 columns"),
                    "{message}"
                );
            }
            other => panic!("{other:?}"),
        }
    }

    #[test]
    fn shared_strings_are_each_cells_text() {
        let wb = jixiao_mess::bombs::xlsx_shared_text(2, 3, 5);
        let grid = read(&wb).expect("read");
        let texts: Vec<&str> = grid
            .rows
            .iter()
            .flat_map(|r| r.cells.iter().map(|c| c.text.as_str()))
            .collect();
        assert_eq!(texts, ["项目绩效项"; 6]);
    }

    #[test]
    fn numbers_display_as_formatted() {
        assert_eq!(format_number(1087.5, Some("#,##0.00")), "1,087.50");
        assert_eq!(format_number(0.4087, Some("0.00%")), "40.87%");
        assert_eq!(format_number(156.0, Some("0")), "156");
        assert_eq!(format_number(2990000.0, Some("#,##0.00")), "2,990,000.00");
        assert_eq!(format_number(-1234.5, Some("#,##0.0")), "-1,234.5");
        assert_eq!(format_number(0.1, None), "0.1");
        assert_eq!(format_number(42.0, Some("General")), "42");
        assert_eq!(format_number(12.345, Some("0.00\"元\"")), "12.35");
    }

    #[test]
    fn dates_display_as_iso() {
        assert_eq!(date_text(45658.0, Some("yyyy-mm-dd")), "2025-01-01");
        assert_eq!(format_number(45657.0, Some("yyyy/m/d")), "2024-12-31");
    }
}
