//! The goals block: 预期目标 / 实际完成情况 (self-evaluation), 年度总体目标 and 项目总目标
//! (declarations), 年度目标 (monitoring).

use crate::parse::pieces::{join, non_empty, pieces_with_debris, Piece};
use crate::segment::{is_indicator_header, row_key};
use jixiao_grid::text::key;
use jixiao_grid::Row;
use jixiao_record::FormKind;

/// The header row of the goals block (预期目标 / 实际完成情况 / 年度总体目标 …), also when
/// OCR has cut its labels (`预 | i期目标 | 实 | 际完成情`).
pub(crate) fn is_goal_header(row: &Row) -> bool {
    let k = row_key(row);
    k.contains("期目标")
        || k.contains("总体目标")
        || k.contains("项目总目标")
        || k.contains("完成情况")
        || k.contains("绩效目标")
        || k.contains("际完成情")
}

pub(crate) fn is_goal_label(text: &str) -> bool {
    let k = key(text);
    let n = k.chars().count();
    n > 0 && n <= 8 && k.chars().all(|c| "年度总体目标项目绩效预期".contains(c))
}

/// Goal texts between the funds block and the indicator table:
/// (planned, actual, project-level goal of declarations).
pub(crate) fn goals(
    rows: &[Row],
    kind: FormKind,
) -> (Option<String>, Option<String>, Option<String>) {
    let Some(h) = rows.iter().position(is_goal_header) else {
        return (None, None, None);
    };
    let hp = pieces_with_debris(&rows[h]);
    let mut planned: Vec<String> = Vec::new();
    let mut actual: Vec<String> = Vec::new();
    let mut project: Vec<String> = Vec::new();
    let split_col: Option<f32> = if kind == FormKind::TargetDeclaration {
        hp.iter()
            .filter(|p| key(&p.text).contains("年度总体目标"))
            .map(|p| p.col)
            .next_back()
    } else {
        hp.iter()
            .find(|p| {
                let k = key(&p.text);
                k.contains("实际完成") || k.contains("完成情") || k.starts_with('实')
            })
            .map(|p| p.col)
    };
    // OCR splits centred labels over cells (`预 | i期目标`): the plan's region then
    // extends as far right of its label's centre as it starts left of it.
    let planned_cells: Vec<f32> = hp
        .iter()
        .filter(|p| {
            let k = key(&p.text);
            k.contains("预") || k.contains("期目标")
        })
        .map(|p| p.col)
        .collect();
    let split_col = match (split_col, planned_cells.first(), planned_cells.last()) {
        (Some(a), Some(&p0), Some(&p1)) if kind != FormKind::TargetDeclaration && p1 > p0 => {
            let centre = (p0 + p1) / 2.0;
            let first_content = rows[h + 1..]
                .iter()
                .take_while(|r| !is_indicator_header(r))
                .flat_map(pieces_with_debris)
                .filter(|p| !is_goal_label(&p.text))
                .map(|p| p.col)
                .fold(f32::INFINITY, f32::min);
            if first_content.is_finite() {
                Some(a.min((2.0 * centre - first_content + 1.0).max(p1 + 1.0)))
            } else {
                Some(a)
            }
        }
        (s, _, _) => s,
    };
    // Where the header's cells span columns (a PDF's lattice, a workbook's merges), the
    // two goal columns below it part halfway between their labels' centres, and a text
    // goes by its own cell's centre: a borderless page's implied lattice gives a
    // centred label a narrower cell than the text under it (`4[1x2]:年度总体目标` over
    // `3[1x4]:…`).
    let (first_label, second_label): (&[&str], &[&str]) = if kind == FormKind::TargetDeclaration {
        (&["项目总目标"], &["年度总体目标"])
    } else {
        (&["预期目标"], &["实际完成情况", "完成情况"])
    };
    let label_centre = |names: &[&str]| {
        hp.iter()
            .find(|p| {
                names
                    .iter()
                    .any(|n| key(&p.text) == *n || key(&p.text).ends_with(n))
            })
            .map(|p| centre_of(&rows[h], p.col))
    };
    let spanned = rows[h].cells.iter().any(|c| c.col_span > 1);
    let halfway = match (label_centre(first_label), label_centre(second_label)) {
        (Some(a), Some(b)) if spanned && b > a => Some((a + b) / 2.0),
        _ => None,
    };
    let min_content_col = hp
        .iter()
        .find(|p| {
            let k = key(&p.text);
            k.contains("期目标") || k.contains("项目总目标") || k.starts_with('预')
        })
        .map(|p| p.col);
    let mut mode_actual = false;
    for (i, row) in rows.iter().enumerate().skip(h) {
        if is_indicator_header(row) {
            break;
        }
        let ps: Vec<Piece> = pieces_with_debris(row)
            .into_iter()
            .map(|mut p| {
                // A goal label printed as the first paragraph of its own cell.
                for label in ["预期目标", "实际完成情况", "年度总体目标", "项目总目标"]
                {
                    if let Some(rest) = p.text.strip_prefix(label) {
                        if !rest.trim().is_empty() {
                            p.text = rest.trim().to_string();
                        }
                    }
                }
                p
            })
            .collect();
        // Two texts in a row shifted against its header: the first is the plan, the
        // second the outcome, whatever their columns.
        let texts: Vec<&Piece> = ps
            .iter()
            .filter(|p| !is_goal_label(&p.text) && key(&p.text).chars().count() > 12)
            .collect();
        if i > h
            && kind != FormKind::TargetDeclaration
            && texts.len() == 2
            && ps.len() == 2
            && split_col.is_some_and(|c| {
                texts.iter().all(|p| p.col < c) || texts.iter().all(|p| p.col >= c)
            })
        {
            planned.push(texts[0].text.clone());
            actual.push(texts[1].text.clone());
            continue;
        }
        if ps.len() == 1 {
            let k = key(&ps[0].text);
            if k == "预期目标" || k == "年度总体目标" {
                mode_actual = false;
                continue;
            }
            if k.contains("实际完成情况") && k.chars().count() <= 10 {
                mode_actual = true;
                continue;
            }
        }
        for p in &ps {
            let k = key(&p.text);
            if i == h {
                // Header row: labels only, unless a long text sits in it.
                if k.chars().count() <= 12 {
                    continue;
                }
            }
            if is_goal_label(&p.text) {
                continue;
            }
            // OCR debris of the 年度总体目标 label in the row's first cell (`左座`).
            let first_in_row = ps.first().is_some_and(|f| (f.col - p.col).abs() < 0.01);
            if first_in_row && min_content_col.is_some_and(|m| p.col < m) && k.chars().count() <= 3
            {
                continue;
            }
            let target = if ps.len() == 1 && split_col.is_none_or(|_| row.cells.len() <= 1) {
                if mode_actual {
                    &mut actual
                } else {
                    &mut planned
                }
            } else {
                // (Labels beside the texts, in their own row, part them by the old rule.)
                let second = match halfway {
                    Some(m) if i > h => centre_of(row, p.col) >= m,
                    _ => split_col.is_some_and(|c| p.col >= c),
                };
                match split_col {
                    Some(_) if second => {
                        if kind == FormKind::TargetDeclaration {
                            &mut planned
                        } else {
                            &mut actual
                        }
                    }
                    _ => {
                        if kind == FormKind::TargetDeclaration {
                            &mut project
                        } else {
                            &mut planned
                        }
                    }
                }
            };
            target.push(p.text.clone());
        }
    }
    (
        non_empty(join(&planned)),
        non_empty(join(&actual)),
        non_empty(join(&project)),
    )
}

/// The centre of the cell of `row` that starts at column `col` (columns of a cell
/// spanning `n` run from `col` to `col + n - 1`), or `col` when none starts there.
fn centre_of(row: &Row, col: f32) -> f32 {
    row.cells
        .iter()
        .find(|c| (c.col - col).abs() < 0.01)
        .map_or(col, |c| c.col + (c.col_span.max(1) - 1) as f32 / 2.0)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn plan_and_outcome_are_read_by_their_header_columns() {
        let g = jixiao_text::parse(
            "年度总体目标\t预期目标\t\t实际完成情况\t\n\
             \t完成培训200人次，\t\t完成培训210人次，\t\n\
             \t满意度达90%。\t\t满意度达95%。\t\n\
             一级指标\t二级指标\t三级指标\t年度指标值\t实际完成值\n",
        );
        let (planned, actual, project) = goals(&g.rows, FormKind::SelfEvaluation);
        assert_eq!(planned.as_deref(), Some("完成培训200人次，满意度达90%。"));
        assert_eq!(actual.as_deref(), Some("完成培训210人次，满意度达95%。"));
        assert_eq!(project, None);
        assert!(is_goal_header(&g.rows[0]) && !is_goal_header(&g.rows[1]));
    }

    /// A row of (text, first column, columns spanned) cells.
    fn spanned(cells: &[(&str, f32, u32)]) -> Row {
        Row {
            cells: cells
                .iter()
                .map(|&(t, col, span)| {
                    let mut c = jixiao_grid::Cell::new(t, col);
                    c.col_span = span;
                    c
                })
                .collect(),
            origin: jixiao_grid::Origin::Line { line: 1 },
        }
    }

    #[test]
    fn a_text_under_spanned_labels_goes_by_its_cells_centre() {
        // A borderless page's implied lattice: the centred 年度总体目标 label gets a
        // narrower cell (columns 4–5) than the text under it (3–6), which starts left of
        // the label; by its centre (4.5) it is the annual goal, not the project's.
        let annual = "系统正常运行，满足使用者相关需要；有效地解决日常升级服务、突发事件。";
        let rows = vec![
            spanned(&[("项目总目标", 1.0, 2), ("年度总体目标", 4.0, 2)]),
            spanned(&[("项目绩效目标", 0.0, 1), (annual, 3.0, 4)]),
            spanned(&[
                ("一级指标", 0.0, 1),
                ("二级指标", 1.0, 1),
                ("三级指标", 3.0, 1),
            ]),
        ];
        let (planned, _, project) = goals(&rows, FormKind::TargetDeclaration);
        assert_eq!(planned.as_deref(), Some(annual));
        assert_eq!(project, None);
        // Without spans (a text export) the old rule stands: columns from the label's.
        let flat = vec![
            spanned(&[("项目总目标", 1.0, 1), ("年度总体目标", 3.0, 1)]),
            spanned(&[("项目绩效目标", 0.0, 1), (annual, 2.0, 1)]),
            spanned(&[
                ("一级指标", 0.0, 1),
                ("二级指标", 1.0, 1),
                ("三级指标", 3.0, 1),
            ]),
        ];
        let (planned, _, project) = goals(&flat, FormKind::TargetDeclaration);
        assert_eq!((planned, project.as_deref()), (None, Some(annual)));
    }
}
