//! The checks. Each function looks at one aspect of a record and pushes findings.

use crate::{link_for, rule, Finding, THRESHOLDS};
use jixiao_grid::Origin;
use jixiao_record::{FormKind, FundsRow, FundsRowKind, Indicator, Op, Record, Value};
use rust_decimal::{Decimal, RoundingStrategy};

/// All findings for one record, in rule order.
pub fn rescore(record: &Record) -> Vec<Finding> {
    let mut out = Findings {
        record,
        list: Vec::new(),
    };
    match record.form {
        FormKind::SelfEvaluation => {
            funds_rows(&mut out);
            budget_score(&mut out);
            funds_sum(&mut out);
            indicators(&mut out);
            weights(&mut out);
            total_and_grade(&mut out);
        }
        FormKind::Monitoring => {
            funds_rows(&mut out);
            funds_sum(&mut out);
            outlook(&mut out);
        }
        FormKind::TargetDeclaration => {
            funds_sum(&mut out);
            declaration(&mut out);
        }
    }
    ocr_confidence(&mut out);
    // Report in the order of the rule table.
    out.list.sort_by_key(|f| {
        (
            crate::RULES
                .iter()
                .position(|r| r.id == f.rule)
                .unwrap_or(usize::MAX),
            f.indicator,
        )
    });
    out.list
}

/// What a finding is about.
#[derive(Clone, Copy)]
enum At {
    /// The indicator at this 0-based index of `indicators`.
    Indicator(usize),
    /// A money row.
    Funds(FundsRowKind),
    /// The 总分 row (total and grade).
    Total,
    /// The form as a whole.
    Form,
}

/// A message in Chinese (for auditors) and English.
struct Msg {
    zh: String,
    en: String,
}

fn msg(zh: String, en: String) -> Msg {
    Msg { zh, en }
}

struct Findings<'a> {
    record: &'a Record,
    list: Vec<Finding>,
}

impl Findings<'_> {
    fn push(
        &mut self,
        rule_id: &str,
        at: At,
        published: Option<String>,
        expected: Option<String>,
        message: Msg,
    ) {
        let Some(rule) = rule(rule_id) else { return };
        let r = self.record;
        let (indicator, row_label, origin): (Option<usize>, Option<String>, Option<&Origin>) =
            match at {
                At::Indicator(i) => {
                    let ind = r.indicators.get(i);
                    (
                        Some(i + 1),
                        ind.and_then(|i| i.level3.clone()),
                        ind.map(|i| &i.source),
                    )
                }
                At::Funds(k) => (
                    None,
                    Some(row_name(k).to_string()),
                    r.funds
                        .iter()
                        .find(|f| f.row == k)
                        .and_then(|f| f.source.as_ref()),
                ),
                At::Total => (None, Some("总分".into()), r.total_source.as_ref()),
                At::Form => (None, None, None),
            };
        self.list.push(Finding {
            record_id: r.record_id.clone(),
            indicator,
            row_label,
            rule: rule.id.to_string(),
            severity: rule.severity,
            published,
            expected,
            message: message.zh,
            message_en: message.en,
            origin: origin.cloned(),
            link: link_for(r, origin),
        });
    }
}

fn round2(d: Decimal) -> Decimal {
    d.round_dp_with_strategy(2, RoundingStrategy::MidpointAwayFromZero)
}

fn differs(published: Decimal, expected: Decimal) -> bool {
    (published - expected).abs() > THRESHOLDS.tolerance
}

fn hundred() -> Decimal {
    Decimal::from(100)
}

/// The 年度资金总额 row.
fn total_row(record: &Record) -> Option<&FundsRow> {
    record.funds.iter().find(|f| f.row == FundsRowKind::Total)
}

/// The published 执行率, else the one the amounts give.
fn rate_of(f: &FundsRow) -> Option<Decimal> {
    f.rate_pct.or_else(|| match (f.budget, f.executed) {
        (Some(b), Some(e)) if b > Decimal::ZERO => Some(round2(e / b * hundred())),
        _ => None,
    })
}

fn row_name(k: FundsRowKind) -> &'static str {
    match k {
        FundsRowKind::Total => "年度资金总额",
        FundsRowKind::Fiscal => "财政资金",
        FundsRowKind::CurrentAppropriation => "当年财政拨款",
        FundsRowKind::Carryover => "上年结转资金",
        FundsRowKind::Other => "其他资金",
    }
}

// ---------------------------------------------------------------------------------------
// Funds

/// funds.rate, funds.over_budget, funds.unit_slip on every money row.
fn funds_rows(out: &mut Findings) {
    let unit = out.record.funds_unit.clone().unwrap_or_default();
    for f in &out.record.funds {
        let (Some(budget), Some(executed)) = (f.budget, f.executed) else {
            continue;
        };
        if budget <= Decimal::ZERO {
            continue;
        }
        let rate = round2(executed / budget * hundred());
        if let Some(published) = f.rate_pct {
            if differs(published, rate) {
                let row = row_name(f.row);
                out.push(
                    "funds.rate",
                    At::Funds(f.row),
                    Some(published.to_string()),
                    Some(rate.to_string()),
                    msg(
                        format!("{row}：公布执行率 {published}%，但执行数 {executed} ÷ 预算数 {budget} = {rate}%"),
                        format!("{row}: 执行率 {published} % but 执行数 {executed} / 预算数 {budget} is {rate} %"),
                    ),
                );
            }
        }
        let row = row_name(f.row);
        if executed >= budget * THRESHOLDS.unit_slip_factor {
            let times = (executed / budget).round();
            let (zh_unit, en_unit) = if unit.is_empty() {
                ("万元".to_string(), "万元".to_string())
            } else {
                (unit.clone(), unit.clone())
            };
            out.push(
                "funds.unit_slip",
                At::Funds(f.row),
                Some(executed.to_string()),
                Some(format!("≤ {budget}")),
                msg(
                    format!("{row}：执行数 {executed} 是预算数 {budget} 的 {times} 倍，疑似把以元计的金额填进了以{zh_unit}计的表"),
                    format!("{row}: 执行数 {executed} is {times}× the budget {budget}: amounts in 元 typed into a {en_unit} form?"),
                ),
            );
        } else if executed > budget {
            let unit_sp = if unit.is_empty() {
                String::new()
            } else {
                format!(" {unit}")
            };
            out.push(
                "funds.over_budget",
                At::Funds(f.row),
                Some(executed.to_string()),
                Some(format!("≤ {budget}")),
                msg(
                    format!("{row}：执行数 {executed} 超过预算数 {budget}{unit}"),
                    format!("{row}: 执行数 {executed} exceeds 预算数 {budget}{unit_sp}"),
                ),
            );
        }
    }
}

/// funds.score: the budget-execution score of the total row.
fn budget_score(out: &mut Findings) {
    let Some(total) = total_row(out.record) else {
        return;
    };
    let (Some(weight), Some(score)) = (total.weight, total.score) else {
        return;
    };
    let Some(rate) = rate_of(total) else { return };
    let expected = round2(weight * rate.min(hundred()) / hundred());
    if differs(score, expected) {
        out.push(
            "funds.score",
            At::Funds(FundsRowKind::Total),
            Some(score.to_string()),
            Some(expected.to_string()),
            msg(
                format!(
                    "预算执行得分公布为 {score}，但分值 {weight} × 执行率 {rate}% = {expected}"
                ),
                format!("budget-execution 得分 {score} but {weight} × {rate} % is {expected}"),
            ),
        );
    }
}

/// funds.sum, per amount column.
fn funds_sum(out: &mut Findings) {
    let funds = &out.record.funds;
    let get = |k: FundsRowKind| funds.iter().find(|f| f.row == k);
    let Some(total) = get(FundsRowKind::Total) else {
        return;
    };
    let parts: Vec<&FundsRow> = [
        FundsRowKind::CurrentAppropriation,
        FundsRowKind::Carryover,
        FundsRowKind::Other,
    ]
    .iter()
    .filter_map(|k| get(*k))
    .collect();
    if parts.len() < 2 {
        return;
    }
    type Col = fn(&FundsRow) -> Option<Decimal>;
    let columns: [(&str, Col); 3] = [
        ("年初预算数", |f| f.initial_budget),
        ("预算数", |f| f.budget),
        ("执行数", |f| f.executed),
    ];
    for (name, col) in columns {
        let Some(t) = col(total) else { continue };
        let values: Vec<Option<Decimal>> = parts.iter().map(|p| col(p)).collect();
        // A column whose parts are all blank states nothing to check.
        if values.iter().all(Option::is_none) {
            continue;
        }
        let sum: Decimal = values.iter().flatten().sum();
        if differs(t, sum) {
            out.push(
                "funds.sum",
                At::Funds(FundsRowKind::Total),
                Some(t.to_string()),
                Some(sum.to_string()),
                msg(
                    format!("{name}：年度资金总额 {t}，但其中各项之和为 {sum}"),
                    format!("{name}: 年度资金总额 {t} but its parts add up to {sum}"),
                ),
            );
        }
    }
}

// ---------------------------------------------------------------------------------------
// Indicators

/// A qualitative band: the share of the weight a result may score.
fn band(actual: &str) -> Option<(Decimal, Decimal, &'static str)> {
    let a = actual.replace(' ', "");
    let d = |n: i64| Decimal::new(n, 2);
    if a.starts_with("部分达成") {
        Some((d(60), d(80), "部分达成"))
    } else if a.starts_with("未达成") {
        Some((d(0), d(60), "未达成"))
    } else if a.starts_with("达成") {
        Some((d(80), d(100), "达成"))
    } else {
        None
    }
}

/// Whether a target counts as "at most" (≤, <, or = 0 such as incidents).
fn at_most(target: &Value) -> bool {
    match target.op {
        Some(Op::Le | Op::Lt) => true,
        Some(Op::Eq) | None => target.value == Some(Decimal::ZERO),
        _ => false,
    }
}

fn units_match(t: &Value, a: &Value) -> bool {
    match (&t.unit, &a.unit) {
        (Some(x), Some(y)) => x.replace(' ', "") == y.replace(' ', ""),
        _ => true,
    }
}

/// Met / not met for a quantitative target with a numeric actual value.
fn met(target: &Value, actual: &Value) -> Option<bool> {
    let (t, a) = (target.value?, actual.value?);
    if !units_match(target, actual) {
        return None;
    }
    Some(match target.op {
        Some(Op::Gt) => a > t,
        Some(Op::Lt) => a < t,
        Some(Op::Le) => a <= t,
        Some(Op::Ge) => a >= t,
        Some(Op::Eq) | None => {
            if t == Decimal::ZERO {
                a <= t
            } else {
                a >= t
            }
        }
    })
}

fn indicators(out: &mut Findings) {
    let record = out.record;
    for (i, ind) in record.indicators.iter().enumerate() {
        let (Some(w), Some(s)) = (ind.weight, ind.score) else {
            continue;
        };
        let name = ind.level3.clone().unwrap_or_default();
        if s > w + THRESHOLDS.tolerance {
            out.push(
                "ind.score_over_weight",
                At::Indicator(i),
                Some(s.to_string()),
                Some(format!("≤ {w}")),
                msg(
                    format!("“{name}”：得分 {s} 超过分值 {w}"),
                    format!("{name}: 得分 {s} exceeds 分值 {w}"),
                ),
            );
        }
        let deducted = s < w - THRESHOLDS.tolerance;
        let has_reason = ind
            .deviation_note
            .as_deref()
            .is_some_and(|n| !n.trim().is_empty());
        let before = out.list.len();
        quantitative(out, i, ind, w, s, &name, has_reason);
        qualitative(out, i, ind, w, s, &name);
        // A met target scored low already says what is wrong; no second finding.
        let explained = out.list[before..]
            .iter()
            .any(|f| f.rule == "ind.met_not_full");
        if deducted && !has_reason && !explained {
            out.push(
                "ind.no_reason",
                At::Indicator(i),
                Some(s.to_string()),
                Some(w.to_string()),
                msg(
                    format!("“{name}”：得分 {s}（分值 {w}）有扣分，但未填写偏差原因分析"),
                    format!("{name}: {s} of {w} with no 偏差原因分析"),
                ),
            );
        }
    }
}

fn quantitative(
    out: &mut Findings,
    i: usize,
    ind: &Indicator,
    w: Decimal,
    s: Decimal,
    name: &str,
    has_reason: bool,
) {
    let (Some(target), Some(actual)) = (&ind.target, &ind.actual) else {
        return;
    };
    let Some(is_met) = met(target, actual) else {
        return;
    };
    let (Some(t), Some(a)) = (target.value, actual.value) else {
        return;
    };
    if is_met {
        if s < w - THRESHOLDS.tolerance && !has_reason {
            let (tt, at) = (&target.text, &actual.text);
            out.push(
                "ind.met_not_full",
                At::Indicator(i),
                Some(s.to_string()),
                Some(w.to_string()),
                msg(
                    format!("“{name}”：目标 {tt} 已完成（实际 {at}），却只得 {s} 分（分值 {w}），也未说明扣分原因"),
                    format!("{name}: target {tt} met ({at}) but scored {s} of {w} with no reason"),
                ),
            );
        }
        return;
    }
    if !differs(s, w) {
        let (tt, at) = (&target.text, &actual.text);
        out.push(
            "ind.full_score_unmet",
            At::Indicator(i),
            Some(s.to_string()),
            None,
            msg(
                format!("“{name}”：目标 {tt} 未完成（实际 {at}），却得满分 {s}"),
                format!("{name}: target {tt} not met ({at}) yet full marks {s}"),
            ),
        );
        return;
    }
    let expected = if at_most(target) {
        (a > Decimal::ZERO && t > Decimal::ZERO).then(|| round2(w * t / a))
    } else {
        (t > Decimal::ZERO).then(|| round2((w * a / t).max(Decimal::ZERO)))
    };
    if let Some(e) = expected {
        let e = e.min(w);
        if differs(s, e) {
            let (tt, at) = (&target.text, &actual.text);
            let (zh_ratio, en_ratio) = if at_most(target) {
                ("目标值 ÷ 实际值", "target / actual")
            } else {
                ("实际值 ÷ 目标值", "actual / target")
            };
            out.push(
                "ind.proportional",
                At::Indicator(i),
                Some(s.to_string()),
                Some(e.to_string()),
                msg(
                    format!("“{name}”：目标 {tt}，实际 {at}，按比例应得 分值 {w} × {zh_ratio} = {e}，公布为 {s}"),
                    format!("{name}: target {tt} reached {at}, so {w} × {en_ratio} = {e}, published {s}"),
                ),
            );
        }
    }
}

fn qualitative(out: &mut Findings, i: usize, ind: &Indicator, w: Decimal, s: Decimal, name: &str) {
    let Some(actual) = &ind.actual else { return };
    if actual.value.is_some() {
        return;
    }
    let Some((lo, hi, label)) = band(&actual.text) else {
        return;
    };
    let (min, max) = (round2(w * lo), round2(w * hi));
    if s < min - THRESHOLDS.tolerance || s > max + THRESHOLDS.tolerance {
        out.push(
            "ind.band",
            At::Indicator(i),
            Some(s.to_string()),
            Some(format!("{min}–{max}")),
            msg(
                format!("“{name}”：“{label}”应得 {min}–{max} 分（分值 {w}），公布为 {s}"),
                format!("{name}: {label} scores {min}–{max} of {w}, published {s}"),
            ),
        );
    }
}

// ---------------------------------------------------------------------------------------
// Weights, total, grade

fn weights(out: &mut Findings) {
    let record = out.record;
    if record.indicators.iter().all(|i| i.weight.is_none()) {
        return;
    }
    let budget_w = total_row(record).and_then(|f| f.weight).unwrap_or_default();
    let sum: Decimal = record
        .indicators
        .iter()
        .filter_map(|i| i.weight)
        .sum::<Decimal>()
        + budget_w;
    if differs(sum, hundred()) {
        out.push(
            "weights.sum",
            At::Form,
            Some(sum.to_string()),
            Some("100".into()),
            msg(
                format!("各项分值合计 {sum}（含预算执行 {budget_w}），不等于 100"),
                format!("分值 sum to {sum} (budget execution {budget_w} included), not 100"),
            ),
        );
    }
    let by = |names: &[&str]| -> Decimal {
        record
            .indicators
            .iter()
            .filter(|i| i.level1.as_deref().is_some_and(|l| names.contains(&l)))
            .filter_map(|i| i.weight)
            .sum()
    };
    let split = [
        (
            "产出指标（含成本指标）",
            "产出指标 (incl. 成本指标)",
            by(&["产出指标", "成本指标"]),
            THRESHOLDS.default_output,
        ),
        (
            "效益指标",
            "效益指标",
            by(&["效益指标"]),
            THRESHOLDS.default_benefit,
        ),
        (
            "满意度指标",
            "满意度指标",
            by(&["满意度指标"]),
            THRESHOLDS.default_satisfaction,
        ),
    ];
    let off: Vec<_> = split
        .iter()
        .filter(|(_, _, got, want)| differs(*got, *want))
        .collect();
    if !off.is_empty() {
        let zh: Vec<String> = off
            .iter()
            .map(|(n, _, got, want)| format!("{n} {got}（默认 {want}）"))
            .collect();
        let en: Vec<String> = off
            .iter()
            .map(|(_, n, got, want)| format!("{n} {got} (default {want})"))
            .collect();
        out.push(
            "weights.level1",
            At::Form,
            Some(
                split
                    .iter()
                    .map(|(_, _, g, _)| g.to_string())
                    .collect::<Vec<_>>()
                    .join("/"),
            ),
            Some("50/30/10".into()),
            msg(
                format!("一级指标权重与默认分配不同：{}", zh.join("，")),
                format!(
                    "weights per 一级指标 differ from the default split: {}",
                    en.join(", ")
                ),
            ),
        );
    }
}

/// The grade a total earns.
pub fn grade_of(total: Decimal) -> &'static str {
    if total >= Decimal::from(90) {
        "优"
    } else if total >= Decimal::from(80) {
        "良"
    } else if total >= Decimal::from(60) {
        "中"
    } else {
        "差"
    }
}

fn total_and_grade(out: &mut Findings) {
    let record = out.record;
    let Some(total) = record.total_score else {
        return;
    };
    let budget_s = total_row(record).and_then(|f| f.score);
    let scores: Vec<Decimal> = record.indicators.iter().filter_map(|i| i.score).collect();
    if let Some(b) = budget_s {
        if !scores.is_empty() {
            let sum = b + scores.iter().copied().sum::<Decimal>();
            // Each published score is rounded, so allow the rounding of every addend.
            let slack =
                THRESHOLDS.tolerance + Decimal::new(5, 3) * Decimal::from(scores.len() as i64 + 1);
            if (total - sum).abs() > slack {
                out.push(
                    "total.sum",
                    At::Total,
                    Some(total.to_string()),
                    Some(sum.to_string()),
                    msg(
                        format!("总分公布为 {total}，但预算执行得分 {b} 与各指标得分之和为 {sum}"),
                        format!(
                            "总分 {total} but budget execution {b} plus indicator scores is {sum}"
                        ),
                    ),
                );
            }
        }
    }
    if let Some(grade) = record.grade.as_deref() {
        let want = grade_of(total);
        if grade != want {
            out.push(
                "grade.band",
                At::Total,
                Some(grade.to_string()),
                Some(want.to_string()),
                msg(
                    format!("评分等级为“{grade}”，但总分 {total} 对应“{want}”"),
                    format!("评分等级 {grade} but 总分 {total} earns {want}"),
                ),
            );
        }
    }
}

// ---------------------------------------------------------------------------------------
// Monitoring and declarations

fn months(p: &str) -> Option<i64> {
    let (y, m) = p.split_once('-')?;
    Some(y.parse::<i64>().ok()? * 12 + m.parse::<i64>().ok()?)
}

fn outlook(out: &mut Findings) {
    let record = out.record;
    let Some(period) = &record.period else { return };
    let (Some(a), Some(b)) = (months(&period.start), months(&period.end)) else {
        return;
    };
    let elapsed = Decimal::from((b - a + 1).clamp(1, 12)) / Decimal::from(12);
    let Some(total) = total_row(record) else {
        return;
    };
    let Some(rate) = rate_of(total) else { return };
    let floor = round2(elapsed * THRESHOLDS.outlook_behind * hundred());
    let confident = record
        .outlook_budget
        .as_deref()
        .is_some_and(|o| o.contains("确定能完成"));
    if confident && rate < floor {
        let share = round2(elapsed * hundred());
        let end = &period.end;
        let end_zh = match end.split_once('-') {
            Some((y, m)) => format!("{y}年{}月", m.trim_start_matches('0')),
            None => end.clone(),
        };
        out.push(
            "mon.outlook",
            At::Funds(FundsRowKind::Total),
            Some(format!(
                "{rate} %, {}",
                record.outlook_budget.clone().unwrap_or_default()
            )),
            Some(format!("≥ {floor} % for 确定能完成")),
            msg(
                format!("截至{end_zh}（时间进度 {share}%）预算执行率仅 {rate}%，低于时间进度的一半，“年度项目预算完成可能性”却填“确定能完成”"),
                format!("{rate} % executed by {end} ({share} % of the year elapsed) yet 年度项目预算完成可能性 is 确定能完成"),
            ),
        );
    }
}

fn declaration(out: &mut Findings) {
    let record = out.record;
    for need in ["产出指标", "效益指标", "满意度指标"] {
        if !record
            .indicators
            .iter()
            .any(|i| i.level1.as_deref() == Some(need))
        {
            out.push(
                "decl.level1_missing",
                At::Form,
                None,
                Some(need.to_string()),
                msg(
                    format!("未设置{need}"),
                    format!("no indicator under {need}"),
                ),
            );
        }
    }
    for (i, ind) in record.indicators.iter().enumerate() {
        if let Some(t) = &ind.target {
            if t.value.is_none() {
                let name = ind.level3.clone().unwrap_or_default();
                let tt = &t.text;
                out.push(
                    "decl.unmeasurable",
                    At::Indicator(i),
                    Some(tt.clone()),
                    None,
                    msg(
                        format!("“{name}”：目标值“{tt}”没有可衡量的数值"),
                        format!("{name}: target {tt} has no measurable value"),
                    ),
                );
            }
        }
    }
}

/// `ocr.low_confidence`: indicator rows whose OCR confidence is below the threshold.
fn ocr_confidence(out: &mut Findings) {
    for (i, ind) in out.record.indicators.iter().enumerate() {
        let jixiao_grid::Origin::Pdf {
            confidence: Some(c),
            bbox,
            ..
        } = &ind.source
        else {
            continue;
        };
        if *c >= THRESHOLDS.ocr_review_below {
            continue;
        }
        let name = ind.level3.as_deref().unwrap_or("?");
        let [x0, y0, x1, y1] = bbox;
        out.push(
            "ocr.low_confidence",
            At::Indicator(i),
            Some(format!("{c:.2}")),
            Some(format!("≥ {:.2}", THRESHOLDS.ocr_review_below)),
            msg(
                format!("“{name}”：OCR 识别置信度 {c:.2}，请对照原件核对本行数值（页面区域 {x0:.0},{y0:.0}–{x1:.0},{y1:.0}）"),
                format!("“{name}”: OCR confidence {c:.2}; check this row's values against the page (region {x0:.0},{y0:.0}–{x1:.0},{y1:.0})"),
            ),
        );
    }
}
