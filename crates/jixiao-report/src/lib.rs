//! What auditors open: the findings workbook (`findings.xlsx`) and a static report
//! (`report.html`) with a picture of every printed row a finding names.
//!
//! Owns the auditors' view of a dataset: Chinese headings and labels, the summary by
//! district × 主管部门 × rule × severity, the order findings are read in (severity, then
//! department, `info` apart), links from each finding to the page, sheet cell or line
//! it was printed on ([`Links`]), and the crops ([`crop`]). It does not extract or
//! score: records, findings and the run's errors in, files out.

pub mod crop;
mod html;
pub mod links;
pub mod pdfium;
mod workbook;

pub use html::write_report;
pub use links::Links;
pub use pdfium::{Pdfium, PdfiumError};
pub use workbook::write_workbook;

use jixiao_pipeline::ErrorEntry;
use jixiao_record::{FormKind, FundsRowKind, Record};
use jixiao_score::{Finding, Severity};
use rust_decimal::Decimal;
use std::collections::{BTreeMap, BTreeSet, HashMap};

/// Why an auditors' file could not be written.
#[derive(Debug, thiserror::Error)]
pub enum ReportError {
    /// Writing a file failed.
    #[error("{path}: {source}")]
    Io {
        /// The file.
        path: String,
        /// The I/O error.
        source: std::io::Error,
    },
    /// The workbook writer failed.
    #[error("{path}: {message}")]
    Xlsx {
        /// The file.
        path: String,
        /// What failed.
        message: String,
    },
}

/// One input file of the run, as the workbook's file sheet lists it.
#[derive(Debug, Clone, PartialEq)]
pub struct FileRow {
    /// Path as given.
    pub path: String,
    /// `ok` or `error`.
    pub status: String,
    /// Forms found.
    pub forms: usize,
}

/// Everything the auditors' files show.
#[derive(Debug, Clone, Copy)]
pub struct Audit<'a> {
    /// The records the findings are on, in dataset order (the dataset's records, or only
    /// those with findings: a run of millions of forms keeps just these, see
    /// [`slim`]).
    pub records: &'a [Record],
    /// Forms in the dataset (what the report counts; `records` may hold fewer).
    pub forms: usize,
    /// Their findings.
    pub findings: &'a [Finding],
    /// Files that could not be read.
    pub errors: &'a [ErrorEntry],
    /// Every input file.
    pub files: &'a [FileRow],
    /// Documents the publishing site revised (`jixiao watch`), oldest first.
    pub revisions: &'a [jixiao_record::revision::Revision],
}

/// What the auditors' files need of a record with findings: its header, funds and
/// provenance, without indicator rows and long texts (a fraction of its size), so a run
/// keeps these instead of its records.
pub fn slim(r: &Record) -> Record {
    Record {
        indicators: Vec::new(),
        goal_planned: None,
        goal_actual: None,
        goal_project: None,
        corrective_actions: None,
        outlook_budget: None,
        outlook_goals: None,
        ..r.clone()
    }
}

/// Severity in Chinese.
pub fn severity_zh(s: Severity) -> &'static str {
    match s {
        Severity::Error => "错误",
        Severity::Warning => "警告",
        Severity::Review => "待核对",
        Severity::Info => "提示",
    }
}

/// The order severities are read in: errors first, `info` last.
pub fn severity_rank(s: Severity) -> u8 {
    match s {
        Severity::Error => 0,
        Severity::Warning => 1,
        Severity::Review => 2,
        Severity::Info => 3,
    }
}

/// The form's name in Chinese.
pub fn form_zh(f: FormKind) -> &'static str {
    match f {
        FormKind::SelfEvaluation => "绩效自评表",
        FormKind::Monitoring => "绩效跟踪表",
        FormKind::TargetDeclaration => "绩效目标申报表",
    }
}

/// A district for grouping: the record's, else `市级` (municipal bodies name none).
pub fn district_of(r: &Record) -> &str {
    r.district.as_deref().unwrap_or("市级")
}

/// The money a form is about: its 年度资金总额 (budget) in 元, when printed.
pub fn amount_yuan(r: &Record) -> Option<Decimal> {
    r.funds
        .iter()
        .find(|f| f.row == FundsRowKind::Total)
        .and_then(|f| f.budget_yuan)
}

/// A finding with its record, in reading order.
#[derive(Debug, Clone, Copy)]
pub struct Item<'a> {
    /// The finding.
    pub finding: &'a Finding,
    /// Its record (findings of records not in the dataset are left out).
    pub record: &'a Record,
}

impl Audit<'_> {
    /// Findings with their records, sorted by severity, district, department, file,
    /// then document order.
    ///
    /// A finding names its record by `record_id`, which is the file's hash and the
    /// form's ordinal: byte-identical files at two paths (a loose attachment and the same
    /// one inside a bundle) give records of equal ids. Findings come in record order (as
    /// `rescore_all` and `extract` write them), so each is matched to the next record of
    /// its id at or after the previous finding's; out-of-order findings fall back to the
    /// first record of the id.
    pub fn items(&self) -> Vec<Item<'_>> {
        let mut first: HashMap<&str, usize> = HashMap::new();
        for (i, r) in self.records.iter().enumerate() {
            first.entry(r.record_id.as_str()).or_insert(i);
        }
        let mut at = 0usize;
        let mut v: Vec<(usize, Item)> = Vec::with_capacity(self.findings.len());
        for (i, f) in self.findings.iter().enumerate() {
            let next = self.records[at.min(self.records.len())..]
                .iter()
                .position(|r| r.record_id == f.record_id)
                .map(|p| p + at);
            let Some(j) = next.or_else(|| first.get(f.record_id.as_str()).copied()) else {
                continue;
            };
            at = j;
            v.push((
                i,
                Item {
                    finding: f,
                    record: &self.records[j],
                },
            ));
        }
        v.sort_by(|(i, a), (j, b)| {
            (
                severity_rank(a.finding.severity),
                district_of(a.record),
                a.record.department.as_deref().unwrap_or(""),
                *i,
            )
                .cmp(&(
                    severity_rank(b.finding.severity),
                    district_of(b.record),
                    b.record.department.as_deref().unwrap_or(""),
                    *j,
                ))
        });
        v.into_iter().map(|(_, it)| it).collect()
    }
}

/// One line of the summary: findings of one rule and severity in one district and
/// department.
#[derive(Debug, Clone, PartialEq)]
pub struct SummaryRow {
    /// District (`市级` for municipal bodies).
    pub district: String,
    /// 主管部门 as printed (empty when not read).
    pub department: String,
    /// Rule id.
    pub rule: String,
    /// Severity.
    pub severity: Severity,
    /// Findings.
    pub findings: usize,
    /// Distinct forms they are on.
    pub forms: usize,
    /// Sum of those forms' 年度资金总额 in 元 (each form once).
    pub amount_yuan: Decimal,
}

/// The summary by district × department × rule × severity, in reading order.
pub fn summary(items: &[Item]) -> Vec<SummaryRow> {
    type Key = (u8, String, String, usize, String);
    let mut groups: BTreeMap<Key, (Severity, usize, BTreeSet<&str>)> = BTreeMap::new();
    let mut amounts: HashMap<&str, Decimal> = HashMap::new();
    for it in items {
        let f = it.finding;
        let rule_pos = jixiao_score::RULES
            .iter()
            .position(|r| r.id == f.rule)
            .unwrap_or(usize::MAX);
        let key = (
            severity_rank(f.severity),
            district_of(it.record).to_string(),
            it.record.department.clone().unwrap_or_default(),
            rule_pos,
            f.rule.clone(),
        );
        let e = groups
            .entry(key)
            .or_insert_with(|| (f.severity, 0, BTreeSet::new()));
        e.1 += 1;
        e.2.insert(&it.record.record_id);
        if let Some(a) = amount_yuan(it.record) {
            amounts.insert(&it.record.record_id, a);
        }
    }
    groups
        .into_iter()
        .map(
            |((_, district, department, _, rule), (severity, n, forms))| {
                let amount_yuan = forms.iter().filter_map(|id| amounts.get(id)).sum();
                SummaryRow {
                    district,
                    department,
                    rule,
                    severity,
                    findings: n,
                    forms: forms.len(),
                    amount_yuan,
                }
            },
        )
        .collect()
}

/// What a finding's row is called on the printed form: `第3个指标“…”`, the funds row
/// or `总分`; `表整体` for the form as a whole.
pub fn row_zh(f: &Finding) -> String {
    match (f.indicator, &f.row_label) {
        (Some(n), Some(l)) => format!("第{n}个指标“{l}”"),
        (Some(n), None) => format!("第{n}个指标"),
        (None, Some(l)) => l.clone(),
        (None, None) => "表整体".into(),
    }
}

/// Where it was printed, in words: `第3页`, `工作表“…”第7行`, `第130行`.
pub fn place_zh(f: &Finding, r: &Record) -> String {
    match &f.origin {
        Some(jixiao_grid::Origin::Pdf { page, .. }) => format!("第{page}页"),
        Some(jixiao_grid::Origin::Sheet { sheet, row }) => format!("“{sheet}”第{row}行"),
        Some(jixiao_grid::Origin::Line { line }) => format!("第{line}行"),
        None => match r.source.pages.first() {
            Some(p) => format!("第{p}页（表首）"),
            None => "表首".into(),
        },
    }
}

/// The auditors' files in `dir`: `findings.xlsx` always, `report.html` when `report`
/// (its pictures take a page rendering each, through `runner` when given). Links are
/// made for OUTDIR by `links`.
pub fn write_audit(
    dir: &std::path::Path,
    audit: &Audit,
    links: &Links,
    report: bool,
    runner: Option<html::Runner>,
) -> Result<Option<html::ReportStats>, ReportError> {
    write_workbook(&dir.join("findings.xlsx"), audit, links)?;
    if report {
        return write_report(&dir.join("report.html"), audit, links, runner).map(Some);
    }
    Ok(None)
}

pub use crop::{page_pictures, PageJob, Picture};
pub use html::{ReportStats, Runner, MAX_PICTURES};
