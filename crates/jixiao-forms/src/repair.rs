//! Labels split over cells, joined again before parsing.
//!
//! Exports and OCR cut a label over two or three neighbouring cells (`项目 | 名称`,
//! `年度资金 | 总额`, `产出 | 指标`). Every step of the parser looks for labels in one
//! cell, so a row whose neighbouring cells together spell a label of the forms — exactly,
//! on their keys — gets the joined label in its first cell and the others blanked (cells
//! keep their places, so columns and cell indices do not move). Nothing else is joined:
//! no part may be a label on its own, and the parts must spell the label exactly.

use crate::labels::{LEVEL1, LEVEL2};
use crate::parse::header::{head_key_exact, head_tokens, Tok};
use crate::segment::is_indicator_header;
use crate::value::parse_amount;
use jixiao_grid::{Cell, Grid, Row};
use std::borrow::Cow;

/// Labels of the three forms (header, funds, indicator table, closing rows), as keys.
/// The goals block's labels (预期目标, 实际完成情况 …) are left split: where OCR cut them,
/// the cells they cover tell how far the plan's text reaches (see `parse::goals`).
const LABELS: [&str; 37] = [
    "项目名称",
    "主管部门",
    "实施单位",
    "项目性质",
    "项目类别",
    "计划开始日期",
    "计划完成日期",
    "跟踪时段",
    "项目资金",
    "年度资金总额",
    "年度资金申请总额",
    "项目资金总额",
    "其中当年财政拨款",
    "当年财政拨款",
    "上年结转资金",
    "其他资金",
    "其中财政资金",
    "财政资金",
    "年初预算数",
    "全年预算数",
    "全年执行数",
    "跟踪期预算数",
    "跟踪期执行数",
    "执行率",
    "分值",
    "分数",
    "得分",
    "绩效指标",
    "一级指标",
    "二级指标",
    "三级指标",
    "年度指标值",
    "实际完成值",
    "偏差原因分析及改进措施",
    "总分",
    "评分等级",
    "纠偏措施",
];

/// Most cells one label is split over.
const MAX_PARTS: usize = 3;

/// Longest label, in characters (longer cells are not parts of one).
const MAX_LABEL_CHARS: usize = 12;

fn is_level(k: &str) -> bool {
    LEVEL1.contains(&k) || LEVEL2.iter().any(|(n, _)| *n == k)
}

fn is_label(k: &str) -> bool {
    LABELS.contains(&k) || is_level(k)
}

/// True when the cell at `col` of `row`, with a cell of the same column above or below,
/// spells a level name: the label is wrapped down its column (`质量` over `指标`), so its
/// piece is not part of a label across the row (`产出 | 指标` there is two labels' halves).
fn wraps_down(k: &str, col: f32, near: [Option<&Row>; 2]) -> bool {
    near.iter().flatten().any(|r| {
        r.cells.iter().any(|c| {
            (c.col - col).abs() < 0.5 && {
                let q = c.key();
                !q.is_empty() && (is_level(&format!("{q}{k}")) || is_level(&format!("{k}{q}")))
            }
        })
    })
}

/// The grid with split labels joined; borrowed unchanged when there are none.
pub fn join_split_labels(grid: &Grid) -> Cow<'_, Grid> {
    let mut out: Option<Grid> = None;
    for (ri, row) in grid.rows.iter().enumerate() {
        let near = [
            ri.checked_sub(1).and_then(|i| grid.rows.get(i)),
            grid.rows.get(ri + 1),
        ];
        if let Some(fixed) = join_row(row, near) {
            out.get_or_insert_with(|| grid.clone()).rows[ri] = fixed;
        }
    }
    // Then labels wrapped onto the next line of their cell (`年度资金申` over `请总额：`).
    for ri in 0..grid.rows.len().saturating_sub(1) {
        let g = out.as_ref().unwrap_or(grid);
        if is_indicator_header(&g.rows[ri]) {
            continue;
        }
        let joins = wrapped_labels(&g.rows[ri], &g.rows[ri + 1]);
        if joins.is_empty() {
            continue;
        }
        join_down(
            &mut out.get_or_insert_with(|| grid.clone()).rows,
            ri,
            &joins,
        );
    }
    // Then values of the header's label–value rows printed as a paragraph centred on
    // their row's line, its first line on the row above (a long 项目名称 overflowing a
    // row too low for it, on a page without lines).
    for ri in 1..grid.rows.len().saturating_sub(1) {
        let g = out.as_ref().unwrap_or(grid);
        let joins = value_paragraph(&g.rows[ri - 1], &g.rows[ri], &g.rows[ri + 1]);
        if joins.is_empty() {
            continue;
        }
        let rows = &mut out.get_or_insert_with(|| grid.clone()).rows;
        for (above, at) in joins {
            let (a, v) = (&rows[ri - 1].cells[above], &rows[ri].cells[at]);
            let mut joined = Cell::new(format!("{}{}", a.text.trim(), v.text.trim()), v.col);
            joined.col_span = v.col_span;
            joined.row_span = v.row_span;
            joined.bbox = Cell::union_bbox(a.bbox, v.bbox);
            let col = a.col;
            rows[ri].cells[at] = joined;
            rows[ri - 1].cells[above] = Cell::new("", col);
        }
    }
    // Then values of the header's label–value rows wrapped onto a line of their own.
    for ri in 0..grid.rows.len().saturating_sub(1) {
        let g = out.as_ref().unwrap_or(grid);
        let joins = value_continuation(&g.rows[ri], &g.rows[ri + 1]);
        if joins.is_empty() {
            continue;
        }
        join_down(
            &mut out.get_or_insert_with(|| grid.clone()).rows,
            ri,
            &joins,
        );
    }
    match out {
        Some(g) => Cow::Owned(g),
        None => Cow::Borrowed(grid),
    }
}

/// Joins each (cell of row `ri`, cell of the row below) pair: the upper cell gets both
/// texts and one more row of span, the lower one is blanked in place.
fn join_down(rows: &mut [Row], ri: usize, joins: &[(usize, usize)]) {
    for &(upper, lower) in joins {
        let below = rows[ri + 1].cells[lower].text.trim().to_string();
        let cell = &rows[ri].cells[upper];
        let mut joined = Cell::new(format!("{}{below}", cell.text.trim()), cell.col);
        joined.col_span = cell.col_span;
        joined.row_span = cell.row_span + 1;
        joined.bbox = Cell::union_bbox(cell.bbox, rows[ri + 1].cells[lower].bbox);
        rows[ri].cells[upper] = joined;
        let lower_col = rows[ri + 1].cells[lower].col;
        rows[ri + 1].cells[lower] = Cell::new("", lower_col);
    }
}

/// When `next` is nothing but the rest of the values of the header row `row` (项目名称,
/// 主管部门, 实施单位 … with their values), wrapped onto a line of its own: (the value's
/// cell in `row`, its continuation's cell in `next`) for each. Every filled cell of
/// `next` must be text under a value cell of `row` (not under a label), and `next`
/// holds no label and no number.
fn value_continuation(row: &Row, next: &Row) -> Vec<(usize, usize)> {
    let toks = head_tokens(row);
    let keyed = toks.iter().any(|t| matches!(t, Tok::Key(_)));
    if !keyed || !toks.iter().any(|t| matches!(t, Tok::Val(_))) || next.is_blank() {
        return Vec::new();
    }
    if head_tokens(next).iter().any(|t| matches!(t, Tok::Key(_))) {
        return Vec::new();
    }
    let mut out = Vec::new();
    for (j, d) in next.cells.iter().enumerate() {
        if d.is_blank() {
            continue;
        }
        let k = d.key();
        let text = k.chars().any(|c| c.is_alphabetic()) && parse_amount(d.cleaned()).is_none();
        let above = row
            .cells
            .iter()
            .position(|c| (c.col - d.col).abs() < 0.5 && !c.is_blank());
        let Some(i) = above.filter(|&i| {
            let c = row.cells[i].key();
            head_key_exact(c).is_none() && !is_wrappable(c)
        }) else {
            return Vec::new();
        };
        if !text || is_wrappable(k) || is_level(k) {
            return Vec::new();
        }
        out.push((i, j));
    }
    out
}

/// Header values printed as a paragraph of three or more lines centred on their row's
/// line, the first line on the row above and the last on the row below (both rows
/// without labels): (the first line's cell in `above`, the value's cell in `row`) for
/// each. The lines must be lines of one paragraph by where they were printed (cell
/// boxes): at one pitch, less than [`MAX_LINE_PITCH`] lines, above and below, and
/// centred on the value or flush with it. The line below is left to
/// [`value_continuation`].
fn value_paragraph(above: &Row, row: &Row, below: &Row) -> Vec<(usize, usize)> {
    let toks = head_tokens(row);
    if !toks.iter().any(|t| matches!(t, Tok::Key(_)))
        || [above, below]
            .iter()
            .any(|r| head_tokens(r).iter().any(|t| matches!(t, Tok::Key(_))))
    {
        return Vec::new();
    }
    let same_col = |r: &Row, col: f32| -> Option<usize> {
        r.cells
            .iter()
            .position(|c| (c.col - col).abs() < 0.5 && !c.is_blank())
    };
    let texty = |c: &Cell| {
        let k = c.key();
        k.chars().any(char::is_alphabetic)
            && parse_amount(c.cleaned()).is_none()
            && !is_label(k)
            && head_key_exact(k).is_none()
    };
    let mut out = Vec::new();
    for (i, v) in row.cells.iter().enumerate() {
        if v.is_blank() || !texty(v) {
            continue;
        }
        let (Some(a), Some(b)) = (same_col(above, v.col), same_col(below, v.col)) else {
            continue;
        };
        let (ca, cb) = (&above.cells[a], &below.cells[b]);
        let (Some(va), Some(aa), Some(bb)) = (v.bbox, ca.bbox, cb.bbox) else {
            continue;
        };
        if !texty(ca) || !texty(cb) {
            continue;
        }
        let h = va[3] - va[1];
        let cy = |b: [f32; 4]| (b[1] + b[3]) / 2.0;
        let cx = |b: [f32; 4]| (b[0] + b[2]) / 2.0;
        let (up, down) = (cy(va) - cy(aa), cy(bb) - cy(va));
        let one_pitch = up > h && up < MAX_LINE_PITCH * h && (up - down).abs() < PITCH_SLACK * h;
        let aligned = |f: &dyn Fn([f32; 4]) -> f32| {
            (f(aa) - f(va)).abs() < ALIGN_SLACK * h && (f(bb) - f(va)).abs() < ALIGN_SLACK * h
        };
        if one_pitch && (aligned(&cx) || aligned(&|b: [f32; 4]| b[0])) {
            out.push((a, i));
        }
    }
    out
}

/// A paragraph's lines are less than this many line heights apart (LibreOffice sets CJK
/// lines about 1.45 apart).
const MAX_LINE_PITCH: f32 = 1.8;
/// Lines of one paragraph are evenly spaced within this share of a line's height.
const PITCH_SLACK: f32 = 0.15;
/// Lines of one centred (or left-aligned) paragraph share their centre (left edge)
/// within this share of a line's height.
const ALIGN_SLACK: f32 = 0.5;

/// Labels a narrow cell wraps (`跟踪期实` over `际完成情况`), joined only down a cell:
/// across cells the goals block's labels stay split (see [`LABELS`]). The row labels
/// 年度总体目标 / 项目总目标 are not among them (the goals code reads their pieces), nor
/// is the indicator table's header, whose second line `indicators` reads itself.
const WRAPPED_LABELS: [&str; 5] = [
    "实际完成情况",
    "跟踪期实际完成情况",
    "预期目标",
    "年度项目预算完成可能性",
    "年度绩效目标完成可能性",
];

fn is_wrappable(k: &str) -> bool {
    LABELS.contains(&k) || WRAPPED_LABELS.contains(&k)
}

/// Labels whose cells wrapped onto the next row: (a cell in `row`, the continuation's
/// cell in `next`) for each. Level names are left alone: their merged
/// cells wrap down their regions, which the level filling reads as such.
fn wrapped_labels(row: &Row, next: &Row) -> Vec<(usize, usize)> {
    let mut out = Vec::new();
    for (i, c) in row.cells.iter().enumerate() {
        let u = c.key();
        if u.is_empty() || u.chars().count() >= MAX_LABEL_CHARS || is_wrappable(u) {
            continue;
        }
        // Only the head of a label can wrap (and the search below costs a row's width).
        let head = |l: &&str| l.len() > u.len() && l.starts_with(u);
        if !LABELS.iter().any(head) && !WRAPPED_LABELS.iter().any(head) {
            continue;
        }
        let Some(j) = next
            .cells
            .iter()
            .position(|d| (d.col - c.col).abs() < 0.5 && !d.is_blank())
        else {
            continue;
        };
        let l = next.cells[j].key();
        let whole = format!("{u}{l}");
        // The head is no label (checked above), so a label under it is its tail
        // (`其中：` over `当年财政拨款`), not a label of its own.
        if is_wrappable(&whole) {
            out.push((i, j));
        }
    }
    out
}

/// The row with its split labels joined, when it has any; `near` are the rows above and
/// below.
fn join_row(row: &Row, near: [Option<&Row>; 2]) -> Option<Row> {
    let filled: Vec<usize> = (0..row.cells.len())
        .filter(|&i| !row.cells[i].is_blank())
        .collect();
    let mut fixed: Option<Row> = None;
    let mut k = 0;
    while k < filled.len() {
        let mut joined = false;
        for n in (2..=MAX_PARTS).rev() {
            let Some(parts) = filled.get(k..k + n) else {
                continue;
            };
            // Neighbours only: the parts sit in consecutive cells.
            if parts.windows(2).any(|w| w[1] != w[0] + 1) {
                continue;
            }
            let keys: Vec<&str> = parts.iter().map(|&i| row.cells[i].key()).collect();
            if keys.iter().any(|k| k.is_empty() || is_label(k)) {
                continue;
            }
            let whole: String = keys.concat();
            if whole.chars().count() > MAX_LABEL_CHARS || !is_label(&whole) {
                continue;
            }
            if is_level(&whole)
                && parts
                    .iter()
                    .zip(&keys)
                    .any(|(&i, k)| wraps_down(k, row.cells[i].col, near))
            {
                continue;
            }
            let r = fixed.get_or_insert_with(|| row.clone());
            let first = &row.cells[parts[0]];
            let text: String = parts.iter().map(|&i| row.cells[i].text.trim()).collect();
            let mut cell = Cell::new(text, first.col);
            cell.col_span = parts.iter().map(|&i| row.cells[i].col_span).sum();
            cell.row_span = first.row_span;
            cell.bbox = parts
                .iter()
                .fold(None, |b, &i| Cell::union_bbox(b, row.cells[i].bbox));
            r.cells[parts[0]] = cell;
            for &i in &parts[1..] {
                let blank = Cell::new("", row.cells[i].col);
                r.cells[i] = blank;
            }
            k += n;
            joined = true;
            break;
        }
        if !joined {
            k += 1;
        }
    }
    fixed
}

#[cfg(test)]
mod tests {
    use super::*;
    use jixiao_grid::Origin;

    fn row(cells: &[&str]) -> Row {
        Row {
            cells: cells
                .iter()
                .enumerate()
                .map(|(i, t)| Cell::new(*t, i as f32))
                .collect(),
            origin: Origin::Line { line: 1 },
        }
    }

    fn join_row_alone(r: &Row) -> Option<Row> {
        join_row(r, [None, None])
    }

    fn texts(r: &Row) -> Vec<String> {
        r.cells.iter().map(|c| c.text.clone()).collect()
    }

    #[test]
    fn neighbours_that_spell_a_label_are_joined_in_place() {
        let r = join_row_alone(&row(&["项目", "名称", "", "某项目"])).expect("joined");
        assert_eq!(texts(&r), ["项目名称", "", "", "某项目"]);
        let r = join_row_alone(&row(&["", "年度资", "金总", "额：", "10.00"])).expect("joined");
        assert_eq!(texts(&r), ["", "年度资金总额：", "", "", "10.00"]);
        assert_eq!(r.cells[1].col_span, 3);
        let r = join_row_alone(&row(&["产出", "指标", "数量", "指标", "人数"])).expect("joined");
        assert_eq!(texts(&r), ["产出指标", "", "数量指标", "", "人数"]);
    }

    #[test]
    fn level_names_wrapped_down_their_columns_are_not_joined_across() {
        // 质量 over 指标 in the level-2 column, 产出 over 指标 in the level-1 column.
        let above = row(&["", "质量", "决策支持"]);
        let here = row(&["产出", "指标", "人社任务"]);
        let below = row(&["指标", "", "及时"]);
        assert!(join_row(&here, [Some(&above), Some(&below)]).is_none());
        assert!(join_row_alone(&here).is_some());
    }

    #[test]
    fn labels_wrapped_onto_the_next_line_are_joined_up() {
        let g = Grid {
            rows: vec![
                row(&["项目资金", "年度资金申", "", "464,000.00"]),
                row(&["", "请总额：", "", ""]),
                row(&["", "其中：当", "", "464,000.00"]),
                row(&["", "年财政拨款", "", ""]),
                row(&["产出", "数量", "培训人数", "≥90"]),
                row(&["指标", "指标", "", ""]),
            ],
        };
        let j = join_split_labels(&g);
        assert_eq!(texts(&j.rows[0])[1], "年度资金申请总额：");
        assert_eq!(texts(&j.rows[1])[1], "");
        assert_eq!(texts(&j.rows[2])[1], "其中：当年财政拨款");
        // Level names wrapped down their columns stay as they are.
        assert_eq!(j.rows[4].cells[0].text, "产出");
        assert_eq!(j.rows[5].cells[0].text, "指标");
    }

    #[test]
    fn nothing_else_is_joined() {
        // Parts that are labels on their own, cells apart, or a label plus more.
        assert!(join_row_alone(&row(&["一级指标", "二级指标"])).is_none());
        assert!(join_row_alone(&row(&["项目", "", "名称"])).is_none());
        assert!(join_row_alone(&row(&["项目", "名称表"])).is_none());
        assert!(join_row_alone(&row(&["培训", "人数"])).is_none());
        let g = Grid {
            rows: vec![row(&["总分", "100"])],
        };
        assert!(matches!(join_split_labels(&g), Cow::Borrowed(_)));
    }

    #[test]
    fn header_values_wrapped_onto_a_line_of_their_own_are_joined_up() {
        let g = Grid {
            rows: vec![
                row(&["项目名称", "", "南科创实训", ""]),
                row(&["", "", "基地工作", ""]),
                row(&["主管部门", "上海市某局", "实施单位", "上海市某"]),
                row(&["", "", "", "中心"]),
                row(&["年度", "预期目标", "", "跟踪期实"]),
                row(&["", "", "", "际完成情况"]),
                row(&["", "其中：", "", "10.00"]),
                row(&["", "当年财政拨款", "", ""]),
            ],
        };
        let j = join_split_labels(&g);
        assert_eq!(texts(&j.rows[0])[2], "南科创实训基地工作");
        assert!(j.rows[1].is_blank());
        assert_eq!(texts(&j.rows[2])[3], "上海市某中心");
        assert_eq!(texts(&j.rows[4])[3], "跟踪期实际完成情况");
        assert_eq!(texts(&j.rows[6])[1], "其中：当年财政拨款");
    }

    #[test]
    fn lines_under_labels_or_with_numbers_are_no_continuations() {
        let g = Grid {
            rows: vec![
                row(&["项目名称", "", "某项目", ""]),
                // Under the label, not the value.
                row(&["上海市某局", "", "", ""]),
                row(&["主管部门", "", "上海市某局", ""]),
                // A number under the value.
                row(&["", "", "2024", ""]),
            ],
        };
        assert!(matches!(join_split_labels(&g), Cow::Borrowed(_)));
    }

    /// A row of cells `(text, printed box)` at columns 0, 1, 2 …; boxes `None` for blank
    /// cells.
    fn boxed(cells: &[(&str, Option<[f32; 4]>)]) -> Row {
        Row {
            cells: cells
                .iter()
                .enumerate()
                .map(|(i, &(t, b))| {
                    let mut c = Cell::new(t, i as f32);
                    c.bbox = b;
                    c
                })
                .collect(),
            origin: Origin::Pdf {
                page: 1,
                bbox: [0.0, 0.0, 500.0, 10.0],
                confidence: None,
            },
        }
    }

    #[test]
    fn a_value_centred_on_its_row_over_three_lines_reads_whole() {
        // A long 项目名称 overflowing its row on a page without lines: three centred lines
        // 13.3 apart (9.2 high), the first sharing the year's line, the last alone.
        let g = Grid {
            rows: vec![
                boxed(&[
                    ("", None),
                    ("网络信息系统开发、", Some([92.0, 414.6, 174.9, 423.8])),
                    ("(2025年度)", Some([260.0, 414.6, 310.0, 423.8])),
                ]),
                boxed(&[
                    ("项目名称", Some([40.0, 427.9, 77.0, 437.1])),
                    ("升级、建设 (历年已批", Some([88.0, 427.9, 179.0, 437.1])),
                    ("项目性质", Some([260.0, 427.9, 297.0, 437.1])),
                ]),
                boxed(&[
                    ("", None),
                    ("复)", Some([124.0, 441.3, 142.0, 450.5])),
                    ("", None),
                ]),
            ],
        };
        let j = join_split_labels(&g);
        assert_eq!(
            texts(&j.rows[1])[1],
            "网络信息系统开发、升级、建设 (历年已批复)"
        );
        assert_eq!(texts(&j.rows[0]), ["", "", "(2025年度)"]);
        // Lines not one pitch apart, or not aligned, are other rows' text.
        let mut far = g.clone();
        far.rows[0].cells[1].bbox = Some([92.0, 408.0, 174.9, 417.2]);
        assert_eq!(
            texts(&join_split_labels(&far).rows[0])[1],
            "网络信息系统开发、"
        );
        let mut aside = g.clone();
        aside.rows[0].cells[1].bbox = Some([150.0, 414.6, 232.9, 423.8]);
        assert_eq!(
            texts(&join_split_labels(&aside).rows[0])[1],
            "网络信息系统开发、"
        );
        // Without boxes (a text export) nothing is read by position.
        let mut plain = g;
        for r in &mut plain.rows {
            for c in &mut r.cells {
                c.bbox = None;
            }
        }
        assert_eq!(
            texts(&join_split_labels(&plain).rows[0])[1],
            "网络信息系统开发、"
        );
    }
}
