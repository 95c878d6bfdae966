//! Form segmentation and parsing: a [`Grid`] in, one [`ParsedForm`] per form instance out.
//!
//! Owns everything that knows what a budget-performance form is: the three forms and
//! their titles, label vocabularies and OCR-tolerant matching ([`labels`]), value
//! parsing (`≥90.00(%)`, [`value`]), finding form instances by content ([`segment`]),
//! aligning shifted rows to their headers ([`align`]) and filling merged level labels.
//! It knows nothing about file formats: every reader hands it the same grid.

pub mod align;
pub mod explain;
pub mod labels;
mod parse;
pub mod repair;
pub mod segment;
pub mod value;

pub use parse::ParsedForm;

use jixiao_grid::Grid;

/// Finds and parses every form in the grid, in document order. Forms whose funds unit
/// or year is not printed take the unit / year most forms of the same file state.
pub fn parse_grid(grid: &Grid) -> Vec<ParsedForm> {
    parse_all(grid, None)
}

/// [`parse_grid`]; with `traces`, one [`explain::FormTrace`] per form says how it was read.
pub(crate) fn parse_all(
    grid: &Grid,
    mut traces: Option<&mut Vec<explain::FormTrace>>,
) -> Vec<ParsedForm> {
    let grid = &*repair::join_split_labels(grid);
    let year = parse::file_year(grid);
    let segs = segment::traced_segments(grid);
    let mut forms: Vec<ParsedForm> = segs
        .iter()
        .map(|s| parse::parse_form(grid, s, year, traces.as_deref_mut()))
        .collect();
    if let Some(traces) = traces {
        for (k, t) in traces.iter_mut().enumerate() {
            let last = t.ends.last.row;
            t.ends.reason = if grid.rows.get(last).is_some_and(segment::is_end_marker) {
                "at its closing row (评分等级 / 纠偏措施)".to_string()
            } else if let Some(next) = segs.get(k + 1) {
                format!(
                    "where the next form begins ({})",
                    explain::place(&grid.rows[next.rows.start].origin)
                )
            } else {
                "with the file".to_string()
            };
        }
    }
    let mut wan = 0;
    let mut yuan = 0;
    for f in &forms {
        match f.record.funds_unit.as_deref() {
            Some("万元") => wan += 1,
            Some("元") => yuan += 1,
            _ => {}
        }
    }
    let majority = match (wan, yuan) {
        (0, 0) => None,
        (w, y) if w >= y => Some("万元"),
        _ => Some("元"),
    };
    let mut years: Vec<i32> = forms.iter().filter_map(|f| f.record.year).collect();
    years.sort_unstable();
    let common_year = years
        .chunk_by(|a, b| a == b)
        .max_by_key(|c| c.len())
        .and_then(|c| c.first().copied());
    for f in &mut forms {
        if f.record.funds_unit.is_none() && !f.record.funds.is_empty() {
            f.record.funds_unit = majority.map(str::to_string);
        }
        if f.record.year.is_none() {
            f.record.year = common_year;
        }
    }
    forms
}
