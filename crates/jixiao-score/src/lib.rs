//! Re-scoring: recomputes every published number of a record that the national rules
//! determine, and lists what does not add up as [`Finding`]s.
//!
//! Owns the scoring rules (财预〔2020〕10号 notes to the self-evaluation form, as restated
//! in `shared/spec/DOMAIN.md`) and the audit checks derived from them. All rules and
//! their thresholds are in one table, [`RULES`] and [`THRESHOLDS`]; each check is a small
//! function below. It does not parse or write files: records in, findings out.

mod rules;

use jixiao_grid::Origin;
use jixiao_record::{FormKind, Record};
use rayon::prelude::*;
use rust_decimal::Decimal;
use serde::{Deserialize, Serialize};

pub use rules::rescore;

/// How serious a finding is.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Severity {
    /// The published numbers contradict each other or the rules.
    Error,
    /// Likely wrong, or against the rules' intent; worth a look.
    Warning,
    /// Noteworthy, allowed by the rules.
    Info,
    /// Not a contradiction: a value read by OCR with low confidence, to be checked
    /// against the printed page.
    Review,
}

/// One rule: what it checks and where the rule comes from.
#[derive(Debug, Clone, Copy)]
pub struct Rule {
    /// Stable id used in `findings.jsonl`.
    pub id: &'static str,
    /// Severity of its findings.
    pub severity: Severity,
    /// Forms it applies to.
    pub forms: &'static [FormKind],
    /// Its name for auditors, in Chinese (sheet and report headings).
    pub title: &'static str,
    /// What it checks, in one line.
    pub checks: &'static str,
    /// Source of the rule.
    pub source: &'static str,
    /// Source of the rule, in Chinese (the report and the workbook print it).
    pub basis: &'static str,
}

const SE: &[FormKind] = &[FormKind::SelfEvaluation];
const SE_MON: &[FormKind] = &[FormKind::SelfEvaluation, FormKind::Monitoring];
const ALL: &[FormKind] = &[
    FormKind::SelfEvaluation,
    FormKind::Monitoring,
    FormKind::TargetDeclaration,
];
const MON: &[FormKind] = &[FormKind::Monitoring];
const DECL: &[FormKind] = &[FormKind::TargetDeclaration];

const RULE_1: &str = "财预〔2020〕10号 self-evaluation form notes, rule 1 (budget execution)";
const RULE_3: &str =
    "财预〔2020〕10号 self-evaluation form notes, rule 3 (quantitative indicators)";
const RULE_4: &str = "财预〔2020〕10号 self-evaluation form notes, rule 4 (qualitative bands)";

/// Every rule, in the order findings are reported.
pub const RULES: &[Rule] = &[
    Rule {
        id: "funds.rate",
        title: "执行率与执行数/预算数不符",
        severity: Severity::Error,
        forms: SE_MON,
        checks: "执行率 equals 执行数 / 预算数 × 100 at 2 decimals",
        source: RULE_1,
        basis: "《项目支出绩效评价管理办法》（财预〔2020〕10号）自评表填表说明第1条：预算执行率=执行数/预算数",
    },
    Rule {
        id: "funds.score",
        title: "预算执行得分计算有误",
        severity: Severity::Error,
        forms: SE,
        checks: "budget-execution 得分 equals 分值 × min(执行率, 100) / 100 at 2 decimals",
        source: RULE_1,
        basis: "财预〔2020〕10号自评表填表说明第1条：预算执行得分=分值×执行率（超过100%按100%计）",
    },
    Rule {
        id: "funds.over_budget",
        title: "执行数超过预算数",
        severity: Severity::Warning,
        forms: SE_MON,
        checks: "执行数 does not exceed 预算数",
        source: "预算法 (spending within the budget); DOMAIN.md audit list",
        basis: "《中华人民共和国预算法》：支出不得超出预算；DOMAIN.md 审核清单",
    },
    Rule {
        id: "funds.unit_slip",
        title: "执行数为预算数百倍以上（疑似元/万元单位错误）",
        severity: Severity::Error,
        forms: SE_MON,
        checks: "执行数 is not ≥ 100 × 预算数 (元 typed into a 万元 form)",
        source: "DOMAIN.md audit list (executed far above budget)",
        basis: "DOMAIN.md 审核清单：执行数远超预算数",
    },
    Rule {
        id: "funds.sum",
        title: "年度资金总额与其中各项之和不符",
        severity: Severity::Error,
        forms: ALL,
        checks: "年度资金总额 equals 当年财政拨款 + 上年结转资金 + 其他资金, column by column",
        source: "form definition (其中 rows are parts of the total)",
        basis: "表式定义：当年财政拨款、上年结转资金、其他资金为年度资金总额的组成部分",
    },
    Rule {
        id: "ind.score_over_weight",
        title: "指标得分超过分值",
        severity: Severity::Error,
        forms: SE,
        checks: "an indicator's 得分 does not exceed its 分值",
        source: RULE_3,
        basis: "财预〔2020〕10号自评表填表说明第3条（定量指标）",
    },
    Rule {
        id: "ind.full_score_unmet",
        title: "未完成目标仍得满分",
        severity: Severity::Error,
        forms: SE,
        checks: "a quantitative target that was not met does not get full marks",
        source: RULE_3,
        basis: "财预〔2020〕10号自评表填表说明第3条：未完成的定量指标按比例得分",
    },
    Rule {
        id: "ind.proportional",
        title: "未完成目标的得分未按比例计算",
        severity: Severity::Warning,
        forms: SE,
        checks: "an unmet quantitative target scores 分值 × actual / target (target / actual for at-most targets)",
        source: RULE_3,
        basis: "财预〔2020〕10号自评表填表说明第3条：得分=分值×实际值/目标值（反向指标为目标值/实际值）",
    },
    Rule {
        id: "ind.met_not_full",
        title: "完成目标却未得满分且无说明",
        severity: Severity::Warning,
        forms: SE,
        checks: "a met quantitative target scores full marks (a moderate deduction is allowed for targets set too low, with a reason)",
        source: RULE_3,
        basis: "财预〔2020〕10号自评表填表说明第3条：完成目标得满分（目标设定偏低的可酌情扣分并说明）",
    },
    Rule {
        id: "ind.band",
        title: "定性指标得分超出档次区间",
        severity: Severity::Error,
        forms: SE,
        checks: "a qualitative result scores inside its band: 达成 80–100 %, 部分达成 60–80 %, 未达成 0–60 % of 分值",
        source: RULE_4,
        basis: "财预〔2020〕10号自评表填表说明第4条：达成80%–100%、部分达成60%–80%、未达成0–60%",
    },
    Rule {
        id: "ind.no_reason",
        title: "扣分未说明偏差原因",
        severity: Severity::Warning,
        forms: SE,
        checks: "every deduction (得分 < 分值) comes with a 偏差原因分析",
        source: "财预〔2020〕10号 self-evaluation form notes, rule 7",
        basis: "财预〔2020〕10号自评表填表说明第7条：未完成目标的须说明偏差原因",
    },
    Rule {
        id: "weights.sum",
        title: "分值合计不等于100",
        severity: Severity::Error,
        forms: SE,
        checks: "分值 of budget execution and all indicators sum to 100",
        source: "财预〔2020〕10号 self-evaluation form notes, rule 2",
        basis: "财预〔2020〕10号自评表填表说明第2条：总分值为100分",
    },
    Rule {
        id: "weights.level1",
        title: "一级指标权重与默认分配不同",
        severity: Severity::Info,
        forms: SE,
        checks: "indicator weights per 一级指标 follow the default split (产出 incl. 成本 50, 效益 30, 满意度 10)",
        source: "财预〔2020〕10号 self-evaluation form notes, rule 2 (departments may shift it)",
        basis: "财预〔2020〕10号自评表填表说明第2条（产出50、效益30、满意度10，部门可调整）",
    },
    Rule {
        id: "total.sum",
        title: "总分与各项得分之和不符",
        severity: Severity::Error,
        forms: SE,
        checks: "总分 equals the budget-execution score plus all indicator scores",
        source: "财预〔2020〕10号 self-evaluation form notes, rule 5",
        basis: "财预〔2020〕10号自评表填表说明第5条：总分为各项得分之和",
    },
    Rule {
        id: "grade.band",
        title: "评分等级与总分不符",
        severity: Severity::Error,
        forms: SE,
        checks: "评分等级 matches 总分: 优 ≥ 90, 良 80–<90, 中 60–<80, 差 < 60",
        source: "财预〔2020〕10号 self-evaluation form notes, rule 6",
        basis: "财预〔2020〕10号自评表填表说明第6条：优≥90，良80–90，中60–80，差<60",
    },
    Rule {
        id: "mon.outlook",
        title: "执行进度明显滞后却填“确定能完成”",
        severity: Severity::Warning,
        forms: MON,
        checks: "a budget outlook of 确定能完成 is not given while execution is far behind the share of the year elapsed",
        source: "财政项目支出绩效运行监控 guidance (outlook must follow the figures)",
        basis: "财政项目支出绩效运行监控要求：完成可能性须与执行数据相符",
    },
    Rule {
        id: "decl.level1_missing",
        title: "缺少一级指标",
        severity: Severity::Warning,
        forms: DECL,
        checks: "a declaration has indicators under each of 产出指标, 效益指标, 满意度指标",
        source: "财预〔2020〕10号 indicator framework (required 一级指标)",
        basis: "财预〔2020〕10号绩效指标体系：产出、效益、满意度指标均须设置",
    },
    Rule {
        id: "decl.unmeasurable",
        title: "目标值不可量化",
        severity: Severity::Info,
        forms: DECL,
        checks: "a declared target has a measurable value (a number), not only words",
        source: "财预〔2020〕10号: targets should be quantified where possible",
        basis: "财预〔2020〕10号：绩效指标应尽可能细化、量化",
    },
    Rule {
        id: "ocr.low_confidence",
        title: "OCR 识别置信度低，请核对原件",
        severity: Severity::Review,
        forms: ALL,
        checks: "an indicator row read by OCR (a scanned page, or glyphs of a font without a Unicode map recognised from their outlines) was recognised with confidence below the review threshold (check its values on the page: link and bbox)",
        source: "jixiao OCR (the recogniser's own probability; numbers are never corrected)",
        basis: "jixiao OCR（识别器自身的概率；数值从不自动更正）",
    },
];

/// Thresholds of the rules, in one place.
#[derive(Debug, Clone, Copy)]
pub struct Thresholds {
    /// Allowed difference between a published and a recomputed 2-decimal number.
    pub tolerance: Decimal,
    /// `funds.unit_slip` fires when executed ≥ this × budget.
    pub unit_slip_factor: Decimal,
    /// `mon.outlook` fires when the rate is below this share of the elapsed-time share.
    pub outlook_behind: Decimal,
    /// Default weights per 一级指标 for `weights.level1` (产出 includes 成本).
    pub default_output: Decimal,
    /// Default weight of 效益指标.
    pub default_benefit: Decimal,
    /// Default weight of 满意度指标.
    pub default_satisfaction: Decimal,
    /// `ocr.low_confidence` fires below this recognition confidence (0–1): on the
    /// sample scans, rows read wrongly sit below 0.9 far more often than right ones.
    pub ocr_review_below: f32,
}

/// The thresholds in force.
pub const THRESHOLDS: Thresholds = Thresholds {
    tolerance: Decimal::from_parts(15, 0, 0, false, 3),
    unit_slip_factor: Decimal::from_parts(100, 0, 0, false, 0),
    outlook_behind: Decimal::from_parts(5, 0, 0, false, 1),
    default_output: Decimal::from_parts(50, 0, 0, false, 0),
    default_benefit: Decimal::from_parts(30, 0, 0, false, 0),
    default_satisfaction: Decimal::from_parts(10, 0, 0, false, 0),
    ocr_review_below: 0.9,
};

/// The rule with this id.
pub fn rule(id: &str) -> Option<&'static Rule> {
    RULES.iter().find(|r| r.id == id)
}

/// One thing that does not add up.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Finding {
    /// The record it is about.
    pub record_id: String,
    /// 1-based position of the indicator it is about among the record's `indicators`
    /// (the `ordinal` of the indicators table), when it is about one indicator.
    pub indicator: Option<usize>,
    /// The printed label of the row it is about: the indicator's level-3 name, the funds
    /// row (`年度资金总额`), or `总分`; null for the form as a whole.
    #[serde(default)]
    pub row_label: Option<String>,
    /// Rule id (see [`RULES`]).
    pub rule: String,
    /// Severity of the rule.
    pub severity: Severity,
    /// The published value, as printed.
    pub published: Option<String>,
    /// The recomputed value, or the allowed range (`4.00–5.00`).
    pub expected: Option<String>,
    /// What is wrong, in Chinese, as an auditor reads it.
    pub message: String,
    /// The same in English.
    #[serde(default)]
    pub message_en: String,
    /// Where the row it names was printed (page and bbox, sheet row, line); the form's
    /// first row when it is about the form as a whole and no row is known.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub origin: Option<Origin>,
    /// Link to where it was printed (`file.txt#L130`, `file.pdf#page=3`,
    /// `file.xlsx#'Sheet 1'!A17`).
    pub link: String,
}

/// Link to a row ([`Origin::link`]), else to the form.
pub fn link_for(record: &Record, origin: Option<&Origin>) -> String {
    origin.map_or_else(
        || record.source.link.clone(),
        |o| o.link(&record.source.file),
    )
}

/// Re-scores all records in parallel; findings come out in record order, then rule order.
pub fn rescore_all(records: &[Record]) -> Vec<Finding> {
    records.par_iter().flat_map_iter(rescore).collect()
}
