//! What auditors open: the findings workbook (`findings.xlsx`) and a static report
//! (`report.html`) with a picture of every printed row a finding names.
//!
//! Owns the auditors' view of a dataset: Chinese headings and labels, the summary by
//! district × 主管部门 × rule × severity, the order findings are read in (severity, then
//! department, `info` apart), links from each finding to the page, sheet cell or line
//! it was printed on ([`Links`]), and the crops ([`crop`]). It does not extract or
//! score: records, findings and the run's errors in, files out.

mod chunks;
pub mod crop;
mod html;
pub mod links;
pub mod pdfium;
mod slim;
pub mod store;
mod workbook;

pub use html::write_report;
pub use links::Links;
pub use pdfium::{Pdfium, PdfiumError};
pub use slim::{slim, slim_of_line};
pub use store::{FindingSpill, FindingStore};
pub use workbook::{write_workbook, MAX_LINKS};

use jixiao_pipeline::ErrorEntry;
use jixiao_record::{FormKind, FundsRowKind, Record};
use jixiao_score::{Finding, Severity};
use rust_decimal::Decimal;
use std::collections::HashMap;

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
#[derive(Clone, Copy)]
pub struct Audit<'a> {
    /// The findings with their records (slim copies), on disk.
    pub findings: &'a FindingStore,
    /// Forms in the dataset (what the report counts; most have no findings).
    pub forms: usize,
    /// Files that could not be read.
    pub errors: &'a [ErrorEntry],
    /// Every input file.
    pub files: &'a [FileRow],
    /// Documents the publishing site revised (`jixiao watch`), oldest first.
    pub revisions: &'a [jixiao_record::revision::Revision],
}

/// The input file a record names: a bundle member's (`bundle.zip!/member.pdf`) is the
/// bundle, as the manifest lists it.
pub fn input_of(file: &str) -> &str {
    file.split("!/").next().unwrap_or(file)
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
///
/// The findings are sorted by the row they count in and then by record, so each row's
/// findings, and each form's within it, come together and a row is summed as it is
/// passed: memory is one number per finding, not a set of forms per row.
pub fn summary(store: &FindingStore) -> Vec<SummaryRow> {
    // Each rule's place in the list of rules, by the store's rule number.
    let mut rule_pos: HashMap<u32, usize> = HashMap::new();
    for i in 0..store.len() as u32 {
        rule_pos.entry(store.rule_number(i)).or_insert_with(|| {
            let rule = store.rule(i);
            jixiao_score::RULES
                .iter()
                .position(|r| r.id == rule)
                .unwrap_or(usize::MAX)
        });
    }
    let pos = |i: u32| rule_pos.get(&store.rule_number(i)).copied();
    let row_of = |a: u32, b: u32| {
        store
            .order_key(a)
            .cmp(&store.order_key(b))
            .then_with(|| pos(a).cmp(&pos(b)))
            .then_with(|| store.rule(a).cmp(store.rule(b)))
    };
    let mut order: Vec<u32> = (0..store.len() as u32).collect();
    order.sort_unstable_by(|&a, &b| {
        row_of(a, b).then_with(|| store.record_id(a).cmp(store.record_id(b)))
    });
    let mut rows = Vec::new();
    for row in order.chunk_by(|&a, &b| row_of(a, b).is_eq()) {
        let i = row[0];
        let mut amount_yuan = Decimal::ZERO;
        let mut forms = 0;
        for form in row.chunk_by(|&a, &b| store.record_id(a) == store.record_id(b)) {
            forms += 1;
            // Each form once; its amount is on every finding of it.
            if let Some(a) = form.iter().find_map(|&f| store.amount(f)) {
                amount_yuan += a;
            }
        }
        rows.push(SummaryRow {
            district: store.district(i).to_string(),
            department: store.department(i).unwrap_or_default().to_string(),
            rule: store.rule(i).to_string(),
            severity: severity_of_rank(store.rank(i)),
            findings: row.len(),
            forms,
            amount_yuan,
        });
    }
    rows
}

/// The severity of a rank ([`severity_rank`]).
pub fn severity_of_rank(rank: u8) -> Severity {
    match rank {
        0 => Severity::Error,
        1 => Severity::Warning,
        2 => Severity::Review,
        _ => Severity::Info,
    }
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
    // The two are written side by side: each reads the findings' lines through its
    // own cursor.
    let (workbook, html) = rayon::join(
        || write_workbook(&dir.join("findings.xlsx"), audit, links),
        || match report {
            true => write_report(&dir.join("report.html"), audit, links, runner).map(Some),
            false => Ok(None),
        },
    );
    workbook?;
    html
}

pub use crop::{page_pictures, PageJob, Picture};
pub use html::{ReportStats, Runner, MAX_LISTED, MAX_PICTURES};

#[cfg(test)]
mod fixtures;
#[cfg(test)]
mod summary_tests;
