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
                match split_col {
                    Some(c) if p.col >= c => {
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
}
