//! After the indicator table: 总分 and 评分等级 (self-evaluation), the outlook and
//! 纠偏措施 (monitoring).

use crate::labels;
use crate::parse::pieces::{join, non_empty, pieces};
use crate::segment::{is_end_marker, is_title_key, keys, row_key};
use crate::value::parse_amount;
use jixiao_grid::text::{clean, key};
use jixiao_grid::{Origin, Row};
use rust_decimal::Decimal;

/// 总分, where it was printed, and 评分等级.
pub(crate) fn total_and_grade(rows: &[Row]) -> (Option<Decimal>, Option<Origin>, Option<String>) {
    let mut total = None;
    let mut at = None;
    let mut grade = None;
    for row in rows {
        let ps = pieces(row);
        let toks: Vec<String> = ps
            .iter()
            .flat_map(|p| p.raw.split_whitespace().map(clean).collect::<Vec<_>>())
            .filter(|t| !t.is_empty())
            .collect();
        let nums: Vec<Decimal> = toks.iter().filter_map(|t| parse_amount(t)).collect();
        let k = row_key(row);
        let labelled_total = k.contains("总分");
        let grade_row = k.contains("评分等") || is_end_marker(row);
        let total_row = (nums.len() >= 2 && (labelled_total || grade_row || toks.len() <= 4))
            || (labelled_total && nums.len() == 1);
        if total.is_none() && total_row {
            total = nums.last().copied();
            at = total.map(|_| row.origin.clone());
        }
        if grade_row && grade.is_none() {
            grade = toks
                .iter()
                .find(|t| labels::GRADES.contains(&t.as_str()))
                .cloned()
                .or_else(|| {
                    toks.iter().find_map(|t| {
                        let last = t.chars().last()?.to_string();
                        (labels::GRADES.contains(&last.as_str()) && key(t).starts_with("评分等级"))
                            .then_some(last)
                    })
                });
        }
    }
    (total, at, grade)
}

/// The text after the first piece whose key satisfies `is_label`; a form title there is
/// the next form's (a borderless page's row lines put it on the tall row of the last
/// label), not the value.
pub(crate) fn after_label(row: &Row, is_label: impl Fn(&str) -> bool) -> Option<String> {
    let ps = pieces(row);
    let i = ps.iter().position(|p| is_label(&key(&p.text)))?;
    let rest: Vec<String> = ps[i + 1..]
        .iter()
        .filter(|p| {
            let k = key(&p.text);
            !k.contains("可能性") && !is_title_key(&k)
        })
        .map(|p| p.text.clone())
        .collect();
    non_empty(join(&rest))
}

pub(crate) fn is_corrective_label(k: &str) -> bool {
    k.starts_with("纠偏") || k.starts_with("纠错") || k.contains("纠偏措施")
}

/// A judgement question of the overall-judgement block (年度项目预算完成可能性 …).
pub(crate) fn is_judgement_label(k: &str) -> bool {
    k.chars().count() >= 6 && (k.contains("可能性") || k.ends_with('性')) && !k.contains("总体")
}

/// Monitoring forms end with two judgements (budget, goals) and corrective actions.
/// Labels vary between producers, so a judgement about 目标 is the goals outlook and
/// the other is the budget outlook, in order.
pub(crate) fn monitoring_tail(rows: &[Row]) -> (Option<String>, Option<String>, Option<String>) {
    let mut budget: Option<Option<String>> = None;
    let mut goals: Option<Option<String>> = None;
    let mut actions = None;
    for row in rows {
        let ks = keys(row);
        if ks.iter().any(|k| is_corrective_label(k)) {
            if actions.is_none() {
                actions = after_label(row, is_corrective_label);
            }
            continue;
        }
        let Some(label) = ks.iter().find(|k| is_judgement_label(k)) else {
            continue;
        };
        let value = after_label(row, is_judgement_label);
        if label.contains("目标") && goals.is_none() {
            goals = Some(value);
        } else if budget.is_none() && !label.contains("目标") {
            budget = Some(value);
        } else if goals.is_none() {
            goals = Some(value);
        }
    }
    (budget.flatten(), goals.flatten(), actions)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_total_and_the_grade_are_read_from_the_closing_rows() {
        let g = jixiao_text::parse("总分\t\t100.00\t95.50\t\n评分等级\t优\n");
        let (total, at, grade) = total_and_grade(&g.rows);
        assert_eq!(total, Some(Decimal::new(9550, 2)));
        assert!(at.is_some());
        assert_eq!(grade.as_deref(), Some("优"));
    }

    #[test]
    fn the_judgements_and_corrective_actions_of_a_monitoring_form() {
        let g = jixiao_text::parse(
            "绩效跟踪 总体判断\t年度项目预算完成可能性\t确定能完成\n\
             \t年度绩效目标完成可能性\t可能完成\n\
             纠偏措施\t加快支付进度\n",
        );
        let (budget, goals, actions) = monitoring_tail(&g.rows);
        assert_eq!(budget.as_deref(), Some("确定能完成"));
        assert_eq!(goals.as_deref(), Some("可能完成"));
        assert_eq!(actions.as_deref(), Some("加快支付进度"));
    }

    #[test]
    fn the_next_forms_title_on_the_last_labels_line_is_no_value() {
        // Without ruling lines, an empty 纠偏措施's tall row takes in the next title.
        let g = jixiao_text::parse(
            "纠偏措施			财政项目支出绩效跟踪表
",
        );
        assert_eq!(monitoring_tail(&g.rows).2, None);
        let g = jixiao_text::parse(
            "纠偏措施	按跟踪表调整进度
",
        );
        assert_eq!(
            monitoring_tail(&g.rows).2.as_deref(),
            Some("按跟踪表调整进度")
        );
    }
}
