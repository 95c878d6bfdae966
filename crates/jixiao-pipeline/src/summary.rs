//! Per-file and per-run summaries: the `-v` line of each file and `--summary-json`.

use crate::ReadStats;
use serde::Serialize;

/// What one input gave, for a person (`-v`) or a dashboard (`--summary-json`).
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct FileSummary {
    /// Path as given.
    pub path: String,
    /// `ok` or `error` (as in the manifest).
    pub status: String,
    /// Taken from the previous dataset (`--incremental`), not read again.
    pub reused: bool,
    /// What was read (zero for reused files).
    #[serde(flatten)]
    pub stats: ReadStats,
    /// Forms found.
    pub forms: usize,
    /// Findings of those forms.
    pub findings: usize,
    /// Error messages (the file's, or its bundle members').
    pub errors: Vec<String>,
    /// Seconds spent on it.
    pub seconds: f64,
}

fn count(n: usize, one: &str, many: &str) -> String {
    format!("{n} {}", if n == 1 { one } else { many })
}

impl FileSummary {
    /// One line: `a.pdf: pdf, 3 pages, 2 forms, 5 findings, 0.12 s, OCR 100% of rows`.
    pub fn line(&self) -> String {
        let s = &self.stats;
        let mut parts: Vec<String> = Vec::new();
        if self.reused {
            parts.push("unchanged (reused)".into());
        } else {
            parts.push(if s.format.is_empty() { "-" } else { &s.format }.to_string());
            if s.members > 0 {
                parts.push(count(s.members, "member", "members"));
            }
            if s.pages > 0 {
                parts.push(count(s.pages, "page", "pages"));
            }
            if s.sheets > 0 {
                parts.push(count(s.sheets, "sheet", "sheets"));
            }
            if s.lines > 0 {
                parts.push(count(s.lines, "line", "lines"));
            }
        }
        parts.push(count(self.forms, "form", "forms"));
        parts.push(count(self.findings, "finding", "findings"));
        parts.push(format!("{:.2} s", self.seconds));
        if let Some(share) = s.ocr_share() {
            parts.push(format!("OCR {:.0}% of rows", share * 100.0));
        }
        if let Some(r) = s.text_recovery {
            parts.push(format!("{:.1}% of glyphs read from outlines", r * 100.0));
        }
        if !s.missed.is_empty() {
            parts.push(count(
                s.missed.len(),
                "form seen but not read",
                "forms seen but not read",
            ));
        }
        if !self.errors.is_empty() {
            parts.push(count(self.errors.len(), "error", "errors"));
        }
        format!("{}: {}", self.path, parts.join(", "))
    }
}

/// Totals of a run.
#[derive(Debug, Clone, Default, PartialEq, Serialize)]
pub struct Totals {
    /// Inputs.
    pub files: usize,
    /// Inputs that failed as a whole.
    pub failed: usize,
    /// Inputs reused from the previous dataset.
    pub reused: usize,
    /// Forms found.
    pub forms: usize,
    /// Findings.
    pub findings: usize,
    /// Error entries.
    pub errors: usize,
    /// PDF pages and page images read.
    pub pages: usize,
    /// Of the rows read, those read by OCR.
    pub ocr_rows: usize,
    /// Rows read.
    pub rows: usize,
    /// Forms seen but not read.
    pub missed: usize,
    /// Seconds spent on files, summed over threads.
    pub file_seconds: f64,
    /// Files passed over while walking directories, by extension
    /// ([`crate::inputs::Inputs::skipped`]).
    pub skipped: std::collections::BTreeMap<String, usize>,
}

/// The summary of a run: every file, then the totals.
#[derive(Debug, Clone, Default, PartialEq, Serialize)]
pub struct RunSummary {
    /// Per input, in path order.
    pub files: Vec<FileSummary>,
    /// Sums.
    pub totals: Totals,
}

impl RunSummary {
    /// Sums the files.
    pub fn of(files: Vec<FileSummary>) -> RunSummary {
        let mut t = Totals {
            files: files.len(),
            ..Totals::default()
        };
        for f in &files {
            t.failed += usize::from(f.status == "error");
            t.reused += usize::from(f.reused);
            t.forms += f.forms;
            t.findings += f.findings;
            t.errors += f.errors.len();
            t.pages += f.stats.pages;
            t.ocr_rows += f.stats.ocr_rows;
            t.rows += f.stats.rows;
            t.missed += f.stats.missed.len();
            t.file_seconds += f.seconds;
        }
        RunSummary { files, totals: t }
    }
}
