//! The record model: one [`Record`] per form instance, exactly the field names and
//! meanings of `shared/spec/RECORDS.md`. Money, rates, weights and scores are
//! [`rust_decimal::Decimal`] and serialise as decimal strings with their published scale.
//!
//! This crate owns the shape of the output, not how it is parsed or written.

pub use jixiao_grid::Origin;
use rust_decimal::Decimal;
use serde::{Deserialize, Serialize};

pub mod jsonl;
pub mod revision;

/// Marks every record that repeats an earlier one: the same `form_key` and the same
/// [`Record::content`] as a record before it in `records` gets that record's id in
/// `duplicate_of` (the first publication stays null). Deterministic for a given order.
pub fn mark_duplicates(records: &mut [Record]) {
    let mut seen = Duplicates::default();
    for r in records.iter_mut() {
        seen.mark(r);
    }
}

/// [`mark_duplicates`] one record at a time, for records that stream past: remembers the
/// first record of each `form_key` and content by 16 bytes of the SHA-256 of both (a
/// collision is as likely as a random 128-bit match) and that record's id, packed into
/// 8 bytes when it has the usual shape (`Record::make_id`): 41 bytes a distinct form and
/// the hash table's free room, never the record (a million distinct forms: 104 MB peak,
/// against 449 MB when the key and the id were kept as strings beside the whole digest).
#[derive(Debug, Default)]
pub struct Duplicates {
    first: std::collections::HashMap<[u8; 16], FirstId>,
}

/// The id of the first record of a form key and content.
#[derive(Debug)]
enum FirstId {
    /// `{12 hex digits}-{ordinal, 3 digits or more}`: the digits' value and the ordinal.
    Packed(u64),
    /// Any other id (records read from elsewhere), as it was.
    Other(Box<str>),
}

impl FirstId {
    fn of(id: &str) -> FirstId {
        let packed = id.split_once('-').and_then(|(hex, n)| {
            let hex = u64::from_str_radix(hex, 16).ok()?;
            let n: u16 = n.parse().ok()?;
            let p = (hex << 16) | u64::from(n);
            (hex < 1 << 48 && FirstId::Packed(p).text() == id).then_some(p)
        });
        match packed {
            Some(p) => FirstId::Packed(p),
            None => FirstId::Other(id.into()),
        }
    }

    fn text(&self) -> String {
        match self {
            FirstId::Packed(p) => format!("{:012x}-{:03}", p >> 16, p & 0xffff),
            FirstId::Other(s) => s.to_string(),
        }
    }
}

/// What [`Duplicates`] tells records apart by: 16 bytes of the SHA-256 of a record's
/// `form_key` and [`Record::content`] (`None` for a record without a form key, which is
/// nobody's duplicate). Pure, so it can be computed where the record is read, and kept
/// beside a dataset so a later run need not read the record again.
pub type DuplicateKey = [u8; 16];

impl Duplicates {
    /// The key [`Duplicates`] compares `r` by.
    pub fn key(r: &Record) -> Option<DuplicateKey> {
        use sha2::Digest;
        let key = r.form_key.as_ref()?;
        let mut h = sha2::Sha256::new();
        h.update(key.as_bytes());
        h.update([0]);
        h.update(r.content().as_bytes());
        let digest: [u8; 32] = h.finalize().into();
        let mut k = [0u8; 16];
        k.copy_from_slice(&digest[..16]);
        Some(k)
    }

    /// Sets `r.duplicate_of` to the first earlier record with its form key and content
    /// (null when `r` is the first).
    pub fn mark(&mut self, r: &mut Record) {
        let key = Self::key(r);
        r.duplicate_of = self.mark_key(&r.record_id, key);
    }

    /// [`Duplicates::mark`] of a record by its id and its [`Duplicates::key`] (computed
    /// earlier): the id of the first record seen with this key, or `None` (the record
    /// is the first, and is remembered as it).
    pub fn mark_key(&mut self, record_id: &str, key: Option<DuplicateKey>) -> Option<String> {
        let k = key?;
        match self.first.entry(k) {
            std::collections::hash_map::Entry::Occupied(e) => Some(e.get().text()),
            std::collections::hash_map::Entry::Vacant(e) => {
                e.insert(FirstId::of(record_id));
                None
            }
        }
    }
}

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
    #[serde(default, with = "rust_decimal::serde::str_option")]
    pub initial_budget: Option<Decimal>,
    /// 全年预算数 / 跟踪期预算数 / 年度资金申请总额.
    #[serde(default, with = "rust_decimal::serde::str_option")]
    pub budget: Option<Decimal>,
    /// 全年执行数 / 跟踪期执行数.
    #[serde(default, with = "rust_decimal::serde::str_option")]
    pub executed: Option<Decimal>,
    /// 执行率 in percent as published.
    #[serde(default, with = "rust_decimal::serde::str_option")]
    pub rate_pct: Option<Decimal>,
    /// 分值 / 分数 of the budget-execution line.
    #[serde(default, with = "rust_decimal::serde::str_option")]
    pub weight: Option<Decimal>,
    /// 得分 of the budget-execution line.
    #[serde(default, with = "rust_decimal::serde::str_option")]
    pub score: Option<Decimal>,
    /// `initial_budget` in 元 (converted from 万元 where the form prints 万元; null when
    /// the form names no unit). An addition to the contract, like the other `_yuan`s.
    #[serde(default, with = "rust_decimal::serde::str_option")]
    pub initial_budget_yuan: Option<Decimal>,
    /// `budget` in 元.
    #[serde(default, with = "rust_decimal::serde::str_option")]
    pub budget_yuan: Option<Decimal>,
    /// `executed` in 元.
    #[serde(default, with = "rust_decimal::serde::str_option")]
    pub executed_yuan: Option<Decimal>,
    /// Where the row was printed (an addition to the contract: findings about the row
    /// point here). Absent in records written before it was kept.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub source: Option<jixiao_grid::Origin>,
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
    #[serde(default, with = "rust_decimal::serde::str_option")]
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
    #[serde(default, with = "rust_decimal::serde::str_option")]
    pub weight: Option<Decimal>,
    /// 得分 (self-evaluations).
    #[serde(default, with = "rust_decimal::serde::str_option")]
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
    /// Where the file was fetched from, for files `jixiao watch` downloaded.
    #[serde(flatten, default)]
    pub web: WebSource,
}

/// Where a downloaded file came from (`source.url`, `source.fetched_at` …); every
/// field is absent for files read from disk.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct WebSource {
    /// The URL the document was listed at or given as.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub url: Option<String>,
    /// The URL that answered, after redirects (absent when it is `url`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub final_url: Option<String>,
    /// When this content was first downloaded (RFC 3339, UTC).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub fetched_at: Option<String>,
    /// The server's ETag for this content.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub etag: Option<String>,
    /// The server's Last-Modified for this content.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub last_modified: Option<String>,
    /// The date (YYYY-MM-DD, UTC) the index pages stopped listing the document.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub withdrawn: Option<String>,
}

/// A record as JSON without its provenance — `record_id`, `source`, `total_source` and
/// the `source` of every funds row and indicator — so the same form read from two
/// renderings compares equal. Other values are returned unchanged.
pub fn strip_provenance(mut v: serde_json::Value) -> serde_json::Value {
    if let Some(o) = v.as_object_mut() {
        for k in ["record_id", "source", "total_source"] {
            o.remove(k);
        }
        for list in ["indicators", "funds"] {
            if let Some(serde_json::Value::Array(rows)) = o.get_mut(list) {
                for r in rows {
                    if let Some(r) = r.as_object_mut() {
                        r.remove("source");
                    }
                }
            }
        }
    }
    v
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
    #[serde(default, with = "rust_decimal::serde::str_option")]
    pub total_score: Option<Decimal>,
    /// 评分等级.
    pub grade: Option<String>,
    /// Where 总分 was printed (an addition to the contract: findings about the total
    /// and the grade point here).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub total_source: Option<jixiao_grid::Origin>,
    /// 年度项目预算完成可能性 (monitoring).
    pub outlook_budget: Option<String>,
    /// 年度绩效目标完成可能性 (monitoring).
    pub outlook_goals: Option<String>,
    /// 纠偏措施 (monitoring).
    pub corrective_actions: Option<String>,
    /// 项目总目标 (declarations; an addition to the contract).
    #[serde(default)]
    pub goal_project: Option<String>,
    /// Cross-year key of the project: normalised district, department, implementer and
    /// project name, see [`Record::derive_project_key`] (an addition to the contract).
    #[serde(default)]
    pub project_key: Option<String>,
    /// Key shared by every publication of the same form — as text, workbook, PDF or scan,
    /// in one file or another: form kind, year, period and `project_key`, see
    /// [`Record::derive_form_key`] (an addition to the contract).
    #[serde(default)]
    pub form_key: Option<String>,
    /// The `record_id` of the first record of the dataset with the same `form_key` and
    /// the same content (provenance aside): this record is another publication of that
    /// form. Null for the first (an addition to the contract; see [`mark_duplicates`]).
    #[serde(default)]
    pub duplicate_of: Option<String>,
    /// Where the form came from.
    pub source: RecordSource,
}

/// A printed name in the form keys compare: full-width ASCII folded to ASCII
/// (`（２０２４）` → `(2024)`), lower case, and everything but letters and digits dropped
/// (spaces, brackets of either width, punctuation), so `某局（汇总）` and `某局(汇总)`
/// are one name. CJK characters are letters and are kept as printed.
pub fn normalise_name(t: &str) -> String {
    t.chars()
        .map(|c| match c as u32 {
            0xFF01..=0xFF5E => char::from_u32(c as u32 - 0xFEE0).unwrap_or(c),
            _ => c,
        })
        .filter(|c| c.is_alphanumeric())
        .flat_map(char::to_lowercase)
        .collect()
}

impl Record {
    /// The key that joins the same project across years, files and formats: district,
    /// department, implementer and project name, each normalised ([`normalise_name`];
    /// empty when not printed), joined by `|`
    /// (`嘉定区|上海市嘉定区人社局|上海市嘉定区就业促进中心|宣传与推广`). Two projects of
    /// the same name run by different implementers get different keys. None without a
    /// project name.
    pub fn derive_project_key(&self) -> Option<String> {
        let name = normalise_name(self.project_name.as_deref()?);
        if name.is_empty() {
            return None;
        }
        let part = |v: &Option<String>| v.as_deref().map(normalise_name).unwrap_or_default();
        Some(format!(
            "{}|{}|{}|{name}",
            part(&self.district),
            part(&self.department),
            part(&self.implementer)
        ))
    }

    /// The key of this form, shared by all its publications: form kind, year, period
    /// (`2024-01..2024-08`, empty when none) and [`Record::derive_project_key`], joined by
    /// `|` (`self_evaluation|2024||嘉定区|…`). None without a project key.
    pub fn derive_form_key(&self) -> Option<String> {
        let project = self
            .project_key
            .clone()
            .or_else(|| self.derive_project_key())?;
        let kind = match self.form {
            FormKind::SelfEvaluation => "self_evaluation",
            FormKind::Monitoring => "monitoring",
            FormKind::TargetDeclaration => "target_declaration",
        };
        let year = self.year.map(|y| y.to_string()).unwrap_or_default();
        let period = self
            .period
            .as_ref()
            .map(|p| format!("{}..{}", p.start, p.end))
            .unwrap_or_default();
        Some(format!("{kind}|{year}|{period}|{project}"))
    }

    /// Fills the `_yuan` amounts of the funds rows from the published ones and
    /// `funds_unit` (万元 × 10,000; 元 as published; null when the unit is not printed).
    pub fn fill_yuan(&mut self) {
        let factor = match self.funds_unit.as_deref() {
            Some("万元") => Some(Decimal::from(10_000)),
            Some("元") => Some(Decimal::ONE),
            _ => None,
        };
        // The published decimals are kept (`0.00` 万元 is `0.00` 元, not `0`).
        let yuan = |v: Option<Decimal>| {
            let (k, v) = (factor?, v?);
            let mut y = v.checked_mul(k)?;
            y.rescale(v.scale());
            Some(y)
        };
        for f in &mut self.funds {
            f.initial_budget_yuan = yuan(f.initial_budget);
            f.budget_yuan = yuan(f.budget);
            f.executed_yuan = yuan(f.executed);
        }
    }

    /// What two publications of the same form share: the record as JSON without its
    /// id, provenance (file, pages, lines, link, bounding boxes) and `duplicate_of`, and
    /// with white space dropped from every text (renderings wrap and space the same
    /// printed text differently: `建设(运维)` in a text export is `建设 (运维)` in a PDF).
    pub fn content(&self) -> String {
        fn squeeze(v: &mut serde_json::Value) {
            match v {
                serde_json::Value::String(s) => s.retain(|c| !c.is_whitespace()),
                serde_json::Value::Array(a) => a.iter_mut().for_each(squeeze),
                serde_json::Value::Object(o) => o.values_mut().for_each(squeeze),
                _ => {}
            }
        }
        let mut v = serde_json::to_value(self).unwrap_or_default();
        if let Some(o) = v.as_object_mut() {
            o.remove("duplicate_of");
        }
        let mut v = strip_provenance(v);
        squeeze(&mut v);
        v.to_string()
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

    /// A self-evaluation record of 2024 with this id, project and department, the rest
    /// empty.
    fn record(id: &str, project: &str, department: &str) -> Record {
        let mut r: Record = serde_json::from_str(
            r#"{"record_id":"","form":"self_evaluation","year":2024,"period":null,
            "project_name":null,"department":null,
            "implementer":null,"district":null,"project_nature":null,"project_category":null,
            "planned_start":null,"planned_end":null,"funds_unit":null,"funds":[],
            "goal_planned":null,"goal_actual":null,"indicators":[],"total_score":null,
            "grade":null,"outlook_budget":null,"outlook_goals":null,"corrective_actions":null,
            "source":{"file":"x.txt","sha256":"ab","format":"text","pages":[],"link":"x.txt#L1"}}"#,
        )
        .expect("record");
        r.record_id = id.into();
        r.project_name = Some(project.into());
        r.department = Some(department.into());
        r
    }

    #[test]
    fn a_repeated_form_names_the_first_one_whatever_its_id() {
        let r = record("3f9a1c2b7d0e-007", "老干部工作经费", "上海市人社局");
        let with = |id: &str, key: Option<&str>, name: &str| {
            let mut o = r.clone();
            o.record_id = id.into();
            o.form_key = key.map(str::to_string);
            o.project_name = Some(name.into());
            o
        };
        let mut rs = vec![
            with("3f9a1c2b7d0e-007", Some("k"), "甲"),
            with("form one", Some("k2"), "甲"),
            with("aaaaaaaaaaaa-001", Some("k"), "甲"),
            with("bbbbbbbbbbbb-001", Some("k2"), "甲"),
            // Same content under another key, other content under the same key, no key.
            with("cccccccccccc-001", Some("k3"), "甲"),
            with("dddddddddddd-001", Some("k"), "乙"),
            with("eeeeeeeeeeee-001", None, "甲"),
            with("ffffffffffff-002", None, "甲"),
        ];
        mark_duplicates(&mut rs);
        let got: Vec<Option<&str>> = rs.iter().map(|r| r.duplicate_of.as_deref()).collect();
        assert_eq!(
            got,
            [
                None,
                None,
                Some("3f9a1c2b7d0e-007"),
                Some("form one"),
                None,
                None,
                None,
                None
            ]
        );
    }

    #[test]
    fn first_ids_are_kept_exactly_packed_or_not() {
        for id in [
            "3f9a1c2b7d0e-007",
            "000000000000-001",
            "ffffffffffff-65535",
            "3f9a1c2b7d0e-1234",
        ] {
            assert!(matches!(FirstId::of(id), FirstId::Packed(_)), "{id}");
            assert_eq!(FirstId::of(id).text(), id);
        }
        // Shapes that would not come back the same stay text.
        for id in [
            "3F9A1C2B7D0E-007",
            "3f9a1c2b7d0e-07",
            "3f9a1c2b7d0e-0007",
            "3f9a1c2b7d0-007",
            "13f9a1c2b7d0e-007",
            "3f9a1c2b7d0e-65536",
            "form-1",
            "",
        ] {
            assert!(matches!(FirstId::of(id), FirstId::Other(_)), "{id}");
            assert_eq!(FirstId::of(id).text(), id);
        }
    }

    #[test]
    fn project_key_folds_width_case_and_punctuation() {
        let mut r = record("a-001", "老干部 工作经费（２０２４）Ab", "上海市 人社局");
        let key = Some("|上海市人社局||老干部工作经费2024ab".to_string());
        assert_eq!(r.derive_project_key(), key);
        r.project_name = Some("老干部工作经费(2024)AB".into());
        r.department = Some("上海市人社局".into());
        assert_eq!(r.derive_project_key(), key);
        // The implementer and district are part of the key.
        r.implementer = Some("上海市就业促进中心".into());
        assert_ne!(r.derive_project_key(), key);
        r.district = Some("嘉定区".into());
        assert_eq!(
            r.derive_project_key().as_deref(),
            Some("嘉定区|上海市人社局|上海市就业促进中心|老干部工作经费2024ab")
        );
        r.project_name = None;
        assert_eq!(r.derive_project_key(), None);
        assert_eq!(normalise_name("某局（汇总）"), normalise_name("某局(汇总)"));
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
            initial_budget_yuan: None,
            budget_yuan: None,
            executed_yuan: None,
            source: None,
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
