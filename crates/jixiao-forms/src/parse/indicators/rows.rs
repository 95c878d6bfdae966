//! Rows of the indicator table before levels are filled: the raw values of one row,
//! where the table ends, and wrapped rows merged into their indicator.

use crate::align::{Item, Kind};
use crate::parse::indicators::fields::Ind;
use crate::parse::pieces::{join, Piece};
use crate::segment::{is_end_marker, keys};
use crate::value::parse_amount;
use jixiao_grid::text::is_cjk;
use jixiao_grid::{Origin, Row};
use rust_decimal::Decimal;

#[derive(Debug, Default, Clone)]
pub(crate) struct RawInd {
    pub(crate) l1: Vec<String>,
    pub(crate) l2: Vec<String>,
    /// Where each of `l1`'s and `l2`'s cells was printed, when known.
    pub(crate) l1_boxes: Vec<Option<[f32; 4]>>,
    pub(crate) l2_boxes: Vec<Option<[f32; 4]>>,
    pub(crate) l3: Vec<String>,
    pub(crate) target: Option<String>,
    pub(crate) planned: Option<String>,
    pub(crate) actual: Option<String>,
    pub(crate) weight: Option<String>,
    pub(crate) score: Option<String>,
    pub(crate) note: Vec<String>,
    /// The row (index into the form's rows) this was read from, rows merged into it,
    /// and rows whose text went to its note: for the explanation.
    pub(crate) row: usize,
    pub(crate) parts: Vec<usize>,
    pub(crate) notes: Vec<usize>,
    /// The field and column of each cell of its own row.
    pub(crate) cols: Vec<(Ind, f32)>,
}

impl RawInd {
    pub(crate) fn has_value(&self) -> bool {
        self.target.is_some() || self.planned.is_some() || self.actual.is_some()
    }
}

pub(crate) fn is_table_end(row: &Row) -> bool {
    let ks = keys(row);
    let first = ks.first().map(String::as_str).unwrap_or("");
    let all = ks.concat();
    first.starts_with("总分")
        || ks.iter().any(|k| k == "总分")
        || is_end_marker(row)
        || all.contains("总体判断")
        || all.contains("总体评价")
        || first.starts_with("纠错")
        || all.contains("完成可能性")
        || all.contains("绩效跟踪")
}

/// Rows with more filled cells than this are not indicator rows.
pub(crate) const MAX_ROW_CELLS: usize = 40;

/// In a self-evaluation every indicator has 分值 and 得分. A row with neither is part
/// of a neighbouring indicator whose text wrapped onto its own line (scans centre a
/// row's numbers between its wrapped lines): it joins the previous indicator when that
/// one has room for what the row holds (an empty target or actual), else the next.
pub(crate) fn merge_weightless_rows(
    raws: Vec<(usize, Origin, RawInd)>,
) -> Vec<(usize, Origin, RawInd)> {
    fn cat(a: Option<String>, b: Option<String>) -> Option<String> {
        match (a, b) {
            (Some(a), Some(b)) => Some(join(&[a, b])),
            (a, b) => a.or(b),
        }
    }
    fn absorb(into: &mut RawInd, mut part: RawInd, part_first: bool) {
        // Lines of dots, dashes and stars are scan noise, not text of the indicator.
        let chinese = |t: &String| t.chars().any(is_cjk);
        // A wrapped line carries words; a bare number on it is noise.
        let value = |t: &String| {
            t.chars().any(|c| is_cjk(c) || c.is_ascii_digit()) && parse_amount(t).is_none()
        };
        into.parts.push(part.row);
        into.parts.append(&mut part.parts);
        into.notes.append(&mut part.notes);
        part.l3.retain(chinese);
        part.note.retain(chinese);
        part.target = part.target.filter(value);
        part.actual = part.actual.filter(value);
        if part_first {
            into.l3 = part.l3.into_iter().chain(into.l3.drain(..)).collect();
            into.note = part.note.into_iter().chain(into.note.drain(..)).collect();
            into.target = cat(part.target, into.target.take());
            into.actual = cat(part.actual, into.actual.take());
        } else {
            into.l3.extend(part.l3);
            into.note.extend(part.note);
            into.target = cat(into.target.take(), part.target);
            into.actual = cat(into.actual.take(), part.actual);
        }
    }
    let mut out: Vec<(usize, Origin, RawInd)> = Vec::new();
    let mut pending: Option<RawInd> = None;
    for (t, origin, raw) in raws {
        // A weight or score is at most 100; a larger number is noise in those columns.
        let number = |v: &Option<String>| {
            v.as_deref()
                .and_then(parse_amount)
                .is_some_and(|d| d <= Decimal::from(100))
        };
        if !number(&raw.weight) && !number(&raw.score) {
            let fits_previous = pending.is_none()
                && out.last().is_some_and(|(_, _, prev)| {
                    (raw.target.is_none() || prev.target.is_none())
                        && (raw.actual.is_none() || prev.actual.is_none())
                });
            if fits_previous {
                if let Some((_, _, prev)) = out.last_mut() {
                    absorb(prev, raw, false);
                }
            } else {
                match pending.as_mut() {
                    Some(p) => absorb(p, raw, false),
                    None => pending = Some(raw),
                }
            }
            continue;
        }
        let mut raw = raw;
        if let Some(p) = pending.take() {
            absorb(&mut raw, p, true);
        }
        out.push((t, origin, raw));
    }
    if let (Some(p), Some((_, _, last))) = (pending, out.last_mut()) {
        absorb(last, p, false);
    }
    out
}

/// A row of exactly two plain numbers, the first the weight sum (100), and no values:
/// the 总分 row with its label lost.
pub(crate) fn is_unlabelled_total(ps: &[Piece], items: &[Item]) -> bool {
    let nums: Vec<Decimal> = ps.iter().filter_map(|p| parse_amount(&p.text)).collect();
    nums.len() == 2
        && nums[0] >= Decimal::from(99)
        && nums[0] <= Decimal::from(101)
        && !items.iter().any(|i| {
            matches!(
                i.kind,
                Kind::Measure | Kind::Band | Kind::Level1 | Kind::Level2
            )
        })
}
