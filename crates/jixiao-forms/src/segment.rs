//! Finding form instances in a grid.
//!
//! Every form has exactly one funds block whose total row (年度资金总额 /
//! 年度资金申请总额) is the *anchor*. Between two anchors the boundary is taken by
//! content: just after the earlier form's closing row (评分等级, 纠偏措施) when there is
//! one, else at the first title or 项目名称 row after the earlier form's indicator table,
//! else at the run of header rows right before the later anchor. No line counts, no
//! column positions.

use jixiao_grid::{Grid, Row};
use regex::Regex;
use std::ops::Range;
use std::sync::LazyLock;

static YEAR_LINE: LazyLock<Regex> =
    LazyLock::new(|| Regex::new(r"^\(?（?(20\d{2})年度\)?）?$").expect("static regex"));

/// Keys of the cells of a row (blank cells skipped).
pub(crate) fn keys(row: &Row) -> Vec<String> {
    row.filled().map(|c| c.key().to_string()).collect()
}

/// The row's text as one key.
pub(crate) fn row_key(row: &Row) -> String {
    keys(row).concat()
}

/// True for the total row of a funds block (the anchor of a form).
pub(crate) fn is_anchor(row: &Row) -> bool {
    keys(row).iter().any(|k| {
        k.chars().count() <= 16 && (k.contains("年度资金总额") || k.contains("年度资金申请总额"))
    })
}

/// True for the row that closes a form: 评分等级 (self-evaluation) or 纠偏措施 (monitoring).
pub(crate) fn is_end_marker(row: &Row) -> bool {
    let ks = keys(row);
    let first = ks.first().map(String::as_str).unwrap_or("");
    first.starts_with("评分等")
        || first.starts_with("纠偏措施")
        || first.starts_with("纠错措施")
        || ks.concat().contains("评分等级")
}

/// True for a form title line (any of the three forms, under any of their titles).
pub(crate) fn is_title(row: &Row) -> bool {
    is_title_key(&row_key(row))
}

/// True for the key of a form title (`财政项目支出绩效跟踪表`, …自评表, …目标申报表).
pub(crate) fn is_title_key(k: &str) -> bool {
    k.chars().count() <= 40
        && (k.contains("绩效自评")
            || k.contains("自我评价")
            || k.contains("绩效跟踪表")
            || k.contains("目标申报表")
            || k.starts_with("财政项目支出绩效"))
}

/// True for a stand-alone year line such as `(2024年度)`.
pub(crate) fn year_line(row: &Row) -> Option<i32> {
    let k: String = row
        .filled()
        .map(|c| jixiao_grid::text::clean(&c.text).replace(' ', ""))
        .collect();
    YEAR_LINE
        .captures(&k)
        .and_then(|c| c.get(1))
        .and_then(|m| m.as_str().parse().ok())
}

/// True for a row that begins a form: title, year line, 跟踪时段 or 项目名称.
pub(crate) fn is_start_marker(row: &Row) -> bool {
    if is_title(row) || year_line(row).is_some() {
        return true;
    }
    let ks = keys(row);
    let first = ks.first().map(String::as_str).unwrap_or("");
    first.starts_with("跟踪时段") || first.starts_with("项目名称")
}

/// True for the header row of an indicator table.
pub(crate) fn is_indicator_header(row: &Row) -> bool {
    let k = row_key(row);
    (k.contains("一级") && k.contains("二级")) || k.contains("三级指标") || k.contains("年度指标值")
}

/// Words of the indicator table's header labels.
const HEADER_WORDS: [&str; 7] = ["一级", "二级", "三级", "指标值", "完成值", "分值", "得分"];

/// Longest header label cell, in characters (longer cells are text that mentions them).
const HEADER_CELL_CHARS: usize = 10;

/// Header cells a row needs to be an indicator table's header here.
const HEADER_CELLS: usize = 3;

/// An indicator table's header row, told strictly: several short cells that are header
/// labels (a goal text that mentions 一级 and 二级 is no header).
pub(crate) fn is_table_header(row: &Row) -> bool {
    row.filled()
        .filter(|c| {
            let k = c.key();
            k.chars().count() <= HEADER_CELL_CHARS && HEADER_WORDS.iter().any(|w| k.contains(w))
        })
        .count()
        >= HEADER_CELLS
}

fn is_preamble_like(row: &Row) -> bool {
    if row.is_blank() || is_start_marker(row) {
        return true;
    }
    let k = row_key(row);
    [
        "年初预算数",
        "主管",
        "部门",
        "实施单",
        "名称",
        "项目资金",
        "计划开始",
        "项目性质",
    ]
    .iter()
    .any(|p| k.contains(p))
}

/// Why a form's row range begins where it does.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Begin {
    /// The first form begins with the grid.
    GridStart,
    /// Just after the earlier form's closing row (评分等级, 纠偏措施) at this grid row.
    AfterClosingRow(usize),
    /// At this title, year, 跟踪时段 or 项目名称 row after the earlier form's indicator
    /// table.
    StartMarker(usize),
    /// At the run of header rows right before the anchor, this grid row being its first.
    HeaderRun(usize),
}

/// One form instance: its rows, its anchor and why it begins there (it ends where the
/// next one begins, or with the grid).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Segment {
    /// Grid rows of the form (leading and trailing blank rows left out).
    pub rows: Range<usize>,
    /// Grid row of the funds block's total row (年度资金总额 / 年度资金申请总额).
    pub anchor: usize,
    /// Why the range begins there.
    pub begin: Begin,
}

/// Splits the grid into one row range per form instance, in document order.
pub fn segments(grid: &Grid) -> Vec<Range<usize>> {
    traced_segments(grid).into_iter().map(|s| s.rows).collect()
}

/// [`segments`] with each form's anchor and the reason for its first row.
pub fn traced_segments(grid: &Grid) -> Vec<Segment> {
    let rows = &grid.rows;
    let mut anchors: Vec<usize> = Vec::new();
    for (i, r) in rows.iter().enumerate() {
        if is_anchor(r) && anchors.last().is_none_or(|&a| i > a + 1) {
            anchors.push(i);
        }
    }
    if anchors.is_empty() {
        return Vec::new();
    }
    let mut starts = vec![(0usize, Begin::GridStart)];
    for w in anchors.windows(2) {
        let (a, b) = (w[0], w[1]);
        let between = a + 1..b;
        let boundary = if let Some(e) = between.clone().rev().find(|&i| is_end_marker(&rows[i])) {
            (e + 1, Begin::AfterClosingRow(e))
        } else {
            let header = between
                .clone()
                .find(|&i| is_indicator_header(&rows[i]))
                .unwrap_or(a);
            if let Some(s) = (header + 1..b).find(|&i| is_start_marker(&rows[i])) {
                (s, Begin::StartMarker(s))
            } else {
                let mut s = b;
                while s > header + 1 && is_preamble_like(&rows[s - 1]) {
                    s -= 1;
                }
                (s, Begin::HeaderRun(s))
            }
        };
        starts.push(boundary);
    }
    let mut out = Vec::with_capacity(starts.len());
    for (k, &(s, begin)) in starts.iter().enumerate() {
        let end = starts.get(k + 1).map_or(rows.len(), |n| n.0);
        // Skip leading blank rows so a form's first line is its first text.
        let mut s = s;
        while s < end && rows[s].is_blank() {
            s += 1;
        }
        let mut e = end;
        while e > s && rows[e - 1].is_blank() {
            e -= 1;
        }
        out.push(Segment {
            rows: s..e,
            anchor: anchors[k],
            begin,
        });
    }
    out
}
