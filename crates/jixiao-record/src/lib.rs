//! The record model: one [`Record`] per form instance, exactly the field names and
//! meanings of `shared/spec/RECORDS.md`. Money, rates, weights and scores are
//! [`rust_decimal::Decimal`] and serialise as decimal strings with their published scale.
//!
//! This crate owns the shape of the output, not how it is parsed or written.

pub use jixiao_grid::Origin;
use rust_decimal::Decimal;
use serde::{Deserialize, Serialize};

/// Which of the three published forms a record is.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum FormKind {
    /// 财政项目支出绩效自评表 (also 自评 / 自评价 / 自我评价).
    SelfEvaluation,
    /// 财政项目支出绩效跟踪表.
    Monitoring,
    /// 财政项目支出绩效目标申报表.
    TargetDeclaration,
}

/// A monitoring period (跟踪时段), months as `YYYY-MM`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Period {
    /// First month, e.g. `2024-01`.
    pub start: String,
    /// Last month, e.g. `2024-08`.
    pub end: String,
}

/// Which money row of the funds block.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum FundsRowKind {
    /// 年度资金总额 / 年度资金申请总额.
    Total,
    /// 其中：财政资金 (declarations).
    Fiscal,
    /// 其中：当年财政拨款.
    CurrentAppropriation,
    /// 上年结转资金.
    Carryover,
    /// 其他资金.
    Other,
}

/// One money row; every amount as published (thousands separators removed).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct FundsRow {
    /// Which row this is.
    pub row: FundsRowKind,
    /// 年初预算数.
    #[serde(with = "rust_decimal::serde::str_option")]
    pub initial_budget: Option<Decimal>,
    /// 全年预算数 / 跟踪期预算数 / 年度资金申请总额.
    #[serde(with = "rust_decimal::serde::str_option")]
    pub budget: Option<Decimal>,
    /// 全年执行数 / 跟踪期执行数.
    #[serde(with = "rust_decimal::serde::str_option")]
    pub executed: Option<Decimal>,
    /// 执行率 in percent as published.
    #[serde(with = "rust_decimal::serde::str_option")]
    pub rate_pct: Option<Decimal>,
    /// 分值 / 分数 of the budget-execution line.
    #[serde(with = "rust_decimal::serde::str_option")]
    pub weight: Option<Decimal>,
    /// 得分 of the budget-execution line.
    #[serde(with = "rust_decimal::serde::str_option")]
    pub score: Option<Decimal>,
}

/// Comparison operator of a target value, normalised.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub enum Op {
    /// `=`
    #[serde(rename = "=")]
    Eq,
    /// `>` / `＞`
    #[serde(rename = ">")]
    Gt,
    /// `>=` / `≥`
    #[serde(rename = ">=")]
    Ge,
    /// `<` / `＜`
    #[serde(rename = "<")]
    Lt,
    /// `<=` / `≤`
    #[serde(rename = "<=")]
    Le,
}

/// A parsed indicator value (`≥90.00(%)`, `86.00(%)`, `及时`).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Value {
    /// Cleaned text as published.
    pub text: String,
    /// Comparison operator, if the text is a comparison.
    pub op: Option<Op>,
    /// The number, if the text is a number or comparison.
    #[serde(with = "rust_decimal::serde::str_option")]
    pub value: Option<Decimal>,
    /// What follows the number (`%`, `人次`, `元/人/年`).
    pub unit: Option<String>,
}

/// One indicator row.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Indicator {
    /// 一级指标, filled down from merged cells.
    pub level1: Option<String>,
    /// 二级指标, filled down from merged cells.
    pub level2: Option<String>,
    /// 三级指标.
    pub level3: Option<String>,
    /// 年度指标值 (declarations: 年度(/项目)指标值).
    pub target: Option<Value>,
    /// 跟踪期计划完成值 (monitoring only).
    pub planned_to_date: Option<Value>,
    /// 实际完成值 / 跟踪期实际完成值.
    pub actual: Option<Value>,
    /// 分值 (self-evaluations).
    #[serde(with = "rust_decimal::serde::str_option")]
    pub weight: Option<Decimal>,
    /// 得分 (self-evaluations).
    #[serde(with = "rust_decimal::serde::str_option")]
    pub score: Option<Decimal>,
    /// 偏差原因分析(及改进措施).
    pub deviation_note: Option<String>,
    /// Where the row was printed.
    pub source: Origin,
}

/// Where a record came from.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct RecordSource {
    /// Path as given on the command line (relative paths kept relative).
    pub file: String,
    /// SHA-256 of the file's bytes, lowercase hex.
    pub sha256: String,
    /// `text`, `xlsx`, `pdf` …
    pub format: String,
    /// 1-based pages the form spans (empty for sources without pages).
    pub pages: Vec<u32>,
    /// Link that opens the form's first place: `file.txt#L120`, `file.pdf#page=3`.
    pub link: String,
    /// First and last line of the form (text exports), 1-based.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub lines: Option<[u32; 2]>,
    /// PDFs whose fonts map glyphs to no Unicode (Type 3 fonts, subsets without
    /// `ToUnicode`): the share (0–1) of the file's text-layer glyphs whose text was
    /// recognised from their outlines by OCR. Absent when no glyph needed it.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub text_recovery: Option<f32>,
}

/// One form instance.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Record {
    /// First 12 hex digits of the file's SHA-256, `-`, the 1-based ordinal (3 digits).
    pub record_id: String,
    /// Which form.
    pub form: FormKind,
    /// Fiscal year the form is about.
    pub year: Option<i32>,
    /// Monitoring period (跟踪时段).
    pub period: Option<Period>,
    /// 项目名称.
    pub project_name: Option<String>,
    /// 主管部门.
    pub department: Option<String>,
    /// 实施单位.
    pub implementer: Option<String>,
    /// District named in department or implementer (`嘉定区` …); null for municipal bodies.
    pub district: Option<String>,
    /// 项目性质 (declarations).
    pub project_nature: Option<String>,
    /// 项目类别 (declarations).
    pub project_category: Option<String>,
    /// 计划开始日期, ISO (declarations).
    pub planned_start: Option<String>,
    /// 计划完成日期, ISO (declarations).
    pub planned_end: Option<String>,
    /// `万元` or `元`.
    pub funds_unit: Option<String>,
    /// Money rows.
    pub funds: Vec<FundsRow>,
    /// 预期目标 / 年度总体目标.
    pub goal_planned: Option<String>,
    /// 实际完成情况 / 跟踪期实际完成情况.
    pub goal_actual: Option<String>,
    /// Indicator rows in document order.
    pub indicators: Vec<Indicator>,
    /// 总分.
    #[serde(with = "rust_decimal::serde::str_option")]
    pub total_score: Option<Decimal>,
    /// 评分等级.
    pub grade: Option<String>,
    /// 年度项目预算完成可能性 (monitoring).
    pub outlook_budget: Option<String>,
    /// 年度绩效目标完成可能性 (monitoring).
    pub outlook_goals: Option<String>,
    /// 纠偏措施 (monitoring).
    pub corrective_actions: Option<String>,
    /// 项目总目标 (declarations; an addition to the contract).
    #[serde(default)]
    pub goal_project: Option<String>,
    /// Cross-year key of the project: normalised department and project name, see
    /// [`Record::derive_project_key`] (an addition to the contract).
    #[serde(default)]
    pub project_key: Option<String>,
    /// Where the form came from.
    pub source: RecordSource,
}

impl Record {
    /// The key that joins the same project across years, files and formats: the
    /// department and the project name, each normalised (full-width folded to ASCII,
    /// lower case, everything but letters and digits dropped), joined by `|`
    /// (`上海市人社局|老干部工作经费2024`). None without a project name.
    pub fn derive_project_key(&self) -> Option<String> {
        fn normalise(t: &str) -> String {
            t.chars()
                .map(|c| match c as u32 {
                    0xFF01..=0xFF5E => char::from_u32(c as u32 - 0xFEE0).unwrap_or(c),
                    _ => c,
                })
                .filter(|c| c.is_alphanumeric())
                .flat_map(char::to_lowercase)
                .collect()
        }
        let name = normalise(self.project_name.as_deref()?);
        if name.is_empty() {
            return None;
        }
        let dept = self
            .department
            .as_deref()
            .map(normalise)
            .unwrap_or_default();
        Some(format!("{dept}|{name}"))
    }

    /// The record id for ordinal `n` (1-based) of a file with this SHA-256 hex digest.
    pub fn make_id(sha256_hex: &str, n: usize) -> String {
        let prefix: String = sha256_hex.chars().take(12).collect();
        format!("{prefix}-{n:03}")
    }
}

#[cfg(test)]
mod key_tests {
    use super::*;

    #[test]
    fn project_key_folds_width_case_and_punctuation() {
        let mut r: Record = serde_json::from_str(
            r#"{"record_id":"a-001","form":"self_evaluation","year":2024,"period":null,
            "project_name":"老干部 工作经费（２０２４）Ab","department":"上海市 人社局",
            "implementer":null,"district":null,"project_nature":null,"project_category":null,
            "planned_start":null,"planned_end":null,"funds_unit":null,"funds":[],
            "goal_planned":null,"goal_actual":null,"indicators":[],"total_score":null,
            "grade":null,"outlook_budget":null,"outlook_goals":null,"corrective_actions":null,
            "source":{"file":"x.txt","sha256":"ab","format":"text","pages":[],"link":"x.txt#L1"}}"#,
        )
        .expect("record");
        let key = Some("上海市人社局|老干部工作经费2024ab".to_string());
        assert_eq!(r.derive_project_key(), key);
        r.project_name = Some("老干部工作经费(2024)AB".into());
        r.department = Some("上海市人社局".into());
        assert_eq!(r.derive_project_key(), key);
        r.project_name = None;
        assert_eq!(r.derive_project_key(), None);
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::str::FromStr;

    #[test]
    fn decimals_keep_published_scale_as_strings() {
        let row = FundsRow {
            row: FundsRowKind::CurrentAppropriation,
            initial_budget: Decimal::from_str("159.50").ok(),
            budget: None,
            executed: Decimal::from_str("156").ok(),
            rate_pct: None,
            weight: None,
            score: None,
        };
        let j = serde_json::to_string(&row).expect("json");
        assert!(j.contains(r#""row":"current_appropriation""#), "{j}");
        assert!(j.contains(r#""initial_budget":"159.50""#), "{j}");
        assert!(j.contains(r#""executed":"156""#), "{j}");
        assert!(j.contains(r#""budget":null"#), "{j}");
        let back: FundsRow = serde_json::from_str(&j).expect("back");
        assert_eq!(back, row);
    }

    #[test]
    fn ids_are_prefix_and_ordinal() {
        assert_eq!(Record::make_id("3f9a1c2b7d0e99", 7), "3f9a1c2b7d0e-007");
    }
}
