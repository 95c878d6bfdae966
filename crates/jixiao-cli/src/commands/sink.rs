//! Where `jixiao extract` writes a run's results as files complete, in path order: each
//! file's lines (written, or copied as bytes from the previous dataset), its table rows,
//! its findings for the auditors' files and its line of the row index.

use super::extract::{input_of, summary_of, Done, ERRORS, FINDINGS, RECORDS};
use super::output::Manifest;
use anyhow::{Context, Result};
use jixiao_dataset::index::{FileRows, FormRef, Span};
use jixiao_pipeline::{ErrorEntry, FileSummary};
use jixiao_record::Record;
use std::collections::{BTreeMap, HashMap};

/// Where a run's results go as files complete, in path order: records, errors and
/// findings as JSON lines, the dataset's tables, the manifest's entries, and for the
/// auditors' files the findings with a slim copy of their records, spilled to a temporary
/// file ([`jixiao_report::FindingSpill`]); kept in memory are only what the end of the
/// run needs — error entries and per-file summaries.
pub(super) struct Sink<'a> {
    pub(super) records: jixiao_record::jsonl::JsonlWriter,
    pub(super) errors: jixiao_record::jsonl::JsonlWriter,
    /// The row index ([`jixiao_dataset::index`]): a line per input file.
    pub(super) index: jixiao_record::jsonl::JsonlWriter,
    pub(super) findings: Option<jixiao_record::jsonl::JsonlWriter>,
    pub(super) dataset: Option<jixiao_dataset::DatasetWriter>,
    pub(super) duplicates: jixiao_record::Duplicates,
    pub(super) web: Option<&'a jixiao_fetch::WebRun>,
    /// Records of the documents `web` says were revised (their new versions).
    pub(super) revised: HashMap<String, Vec<Record>>,
    pub(super) manifest: Manifest,
    pub(super) summaries: Vec<FileSummary>,
    pub(super) error_entries: Vec<ErrorEntry>,
    /// Findings with their records, for the auditors' files.
    pub(super) spill: Option<jixiao_report::FindingSpill>,
    pub(super) forms: usize,
    pub(super) reused: usize,
}

impl Sink<'_> {
    /// Where the next file's lines begin in each streamed file, and the lines so far.
    fn positions(&self) -> BTreeMap<String, (u64, u64)> {
        let mut at = BTreeMap::new();
        let mut jsonl = |name: &str, w: &jixiao_record::jsonl::JsonlWriter| {
            at.insert(name.to_string(), (w.position(), w.lines() as u64));
        };
        jsonl(RECORDS, &self.records);
        jsonl(ERRORS, &self.errors);
        if let Some(w) = &self.findings {
            jsonl(FINDINGS, w);
        }
        if let Some(t) = &self.dataset {
            for (name, bytes, rows) in t.csv_positions() {
                at.insert(name, (bytes, rows));
            }
        }
        at
    }

    /// Writes one file's results (in path order).
    pub(super) fn take(&mut self, mut d: Done) -> Result<()> {
        self.summaries.push(summary_of(&d));
        self.reused += usize::from(d.reused);
        let path = d.entry.path.clone();
        let mut web_digest = None;
        if let Some(w) = self.web.and_then(|web| web.sources.get(path.as_str())) {
            let json = serde_json::to_vec(w).unwrap_or_default();
            web_digest = Some(jixiao_pipeline::sha256_hex(&json)[..16].to_string());
        }
        // Another publication of a form read earlier in the run (another format, another
        // file) points at it.
        let ids: Vec<String> = match &d.copy {
            Some(c) => c.rows.forms.iter().map(|k| k.id.clone()).collect(),
            None => d.records.iter().map(|r| r.record_id.clone()).collect(),
        };
        let dups: Vec<Option<String>> = ids
            .iter()
            .enumerate()
            .map(|(i, id)| {
                let key = d.keys.get(i).copied().flatten();
                self.duplicates.mark_key(id, key)
            })
            .collect();
        // An unchanged file's lines are copied as they were written, unless what they
        // were written with changed: which earlier record each form repeats, or the web
        // source its records name; then its records are read and written anew.
        let revised = self.revised.contains_key(&path);
        let copyable = d.copy.as_ref().is_some_and(|c| {
            !revised
                && c.rows.web == web_digest
                && c.rows.forms.len() == dups.len()
                && c.rows
                    .forms
                    .iter()
                    .zip(&dups)
                    .all(|(k, n)| k.duplicate_of == *n)
        });
        if !copyable {
            if let Some(c) = d.copy.take().filter(|_| d.records.is_empty()) {
                d.records = c.records().with_context(|| {
                    format!("{path}: its records in the previous dataset cannot be read back; run without --incremental")
                })?;
                d.tables = None;
            }
        }
        for (r, dup) in d.records.iter_mut().zip(&dups) {
            if r.duplicate_of != *dup {
                r.duplicate_of = dup.clone();
                // The rows made where the file was read have the old one.
                d.tables = None;
            }
        }
        if let Some(web) = self.web {
            for r in &mut d.records {
                match web.sources.get(input_of(&r.source.file)) {
                    Some(w) if r.source.web != *w => {
                        r.source.web = w.clone();
                        d.tables = None;
                    }
                    _ => {}
                }
            }
            if let Some(v) = self.revised.get_mut(&path) {
                v.extend(d.records.iter().cloned());
            }
        }
        let before = self.positions();
        let mut parquet = None;
        match &d.copy {
            Some(c) => {
                let raw = |w: &mut jixiao_record::jsonl::JsonlWriter, name: &str| {
                    let span = c.rows.spans.get(name).copied().unwrap_or_default();
                    let bytes = c.bytes.get(name).map(Vec::as_slice).unwrap_or_default();
                    w.raw(bytes, span.lines as usize)
                };
                raw(&mut self.records, RECORDS)?;
                raw(&mut self.errors, ERRORS)?;
                if let Some(w) = &mut self.findings {
                    raw(w, FINDINGS)?;
                }
            }
            None => {
                self.records.extend(&d.records)?;
                self.errors.extend(&d.errors)?;
                if let Some(w) = &mut self.findings {
                    w.extend(&d.findings)?;
                }
            }
        }
        if let Some(t) = &mut self.dataset {
            let csv_copied = d.copy.as_mut().filter(|c| t.copies_csv(&c.rows, &c.bytes));
            // The rows made where the file was read, else made here.
            let made = |tables: &mut Option<_>, records: &[Record], findings: &[_]| {
                tables
                    .take()
                    .unwrap_or_else(|| jixiao_dataset::tables(records, findings))
            };
            parquet = Some(match csv_copied {
                Some(c) if d.records.is_empty() => t.add_copied(&c.rows, &mut c.bytes, None)?,
                Some(c) => t.add_copied(
                    &c.rows,
                    &mut c.bytes,
                    Some(made(&mut d.tables, &d.records, &d.findings)),
                )?,
                None => {
                    if let Some(c) = &d.copy {
                        // Copied lines, but the previous dataset had no tables.
                        d.records = c.records().context("previous records")?;
                        d.tables = None;
                    }
                    t.add_tables(&path, made(&mut d.tables, &d.records, &d.findings))?
                }
            });
        }
        if let Some(s) = &mut self.spill {
            match &d.copy {
                Some(c) => s.add(&c.slim, &d.findings)?,
                None => s.add(&d.records, &d.findings)?,
            }
        }
        let after = self.positions();
        let spans = after
            .into_iter()
            .map(|(name, (end, n))| {
                let (start, m) = before.get(&name).copied().unwrap_or((end, n));
                let span = Span {
                    start,
                    end,
                    lines: n - m,
                };
                (name, span)
            })
            .collect();
        let forms = ids
            .iter()
            .zip(&dups)
            .enumerate()
            .map(|(i, (id, dup))| {
                let key = d.keys.get(i).copied().flatten();
                FormRef::new(id, key, dup.as_deref())
            })
            .collect();
        self.index.push(&FileRows {
            path,
            spans,
            forms,
            web: web_digest,
            parquet,
        })?;
        self.forms += ids.len();
        self.error_entries.append(&mut d.errors);
        self.manifest.files.push(d.entry);
        Ok(())
    }
}
