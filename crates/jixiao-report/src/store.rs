//! The findings of a run kept on disk, not in memory: what lets the auditors' files of
//! millions of forms be written with memory that does not grow with the records.
//!
//! [`FindingSpill`] takes each file's records and findings as the run reads them and
//! writes, per record with findings, one line to an anonymous temporary file: the
//! record's [`slim`] copy and its findings. In memory stay only what orders
//! and counts them — per finding 16 bytes (severity, rule, where its line is), per
//! record with findings its district, department, input file, amount and id.
//! [`FindingStore`] (the finished spill) sorts in memory and reads a record's line back
//! when a writer needs its text ([`Cursor`]).

use crate::chunks::{Chunks, TextRef, Texts};
use crate::{amount_yuan, district_of, severity_rank, slim, ReportError};
use jixiao_record::Record;
use jixiao_score::{Finding, Severity};
use rust_decimal::Decimal;
use std::collections::HashMap;
use std::io::{BufWriter, Read, Seek, SeekFrom, Write};
use std::sync::{Arc, Mutex};

/// Which record each finding is on (an index into `records`), or `None` for a finding of
/// a record not among them.
///
/// A finding names its record by `record_id`, which is the file's hash and the form's
/// ordinal: byte-identical files at two paths (a loose attachment and the same one inside
/// a bundle) give records of equal ids. Findings come in record order (as `rescore_all`
/// and `extract` give them), so each is matched to the next record of its id at or after
/// the previous finding's; out-of-order findings fall back to the first record of the id.
pub fn pairs(records: &[Record], findings: &[Finding]) -> Vec<Option<usize>> {
    let mut first: HashMap<&str, usize> = HashMap::new();
    for (i, r) in records.iter().enumerate() {
        first.entry(r.record_id.as_str()).or_insert(i);
    }
    let mut at = 0usize;
    findings
        .iter()
        .map(|f| {
            let next = records[at.min(records.len())..]
                .iter()
                .position(|r| r.record_id == f.record_id)
                .map(|p| p + at);
            let j = next.or_else(|| first.get(f.record_id.as_str()).copied())?;
            at = j;
            Some(j)
        })
        .collect()
}

/// Strings that repeat (districts, departments, files, rules), each kept once.
#[derive(Default)]
struct Names {
    list: Vec<String>,
    ids: HashMap<String, u32>,
}

impl Names {
    fn id(&mut self, s: &str) -> u32 {
        if let Some(&i) = self.ids.get(s) {
            return i;
        }
        let i = self.list.len() as u32;
        self.list.push(s.to_string());
        self.ids.insert(s.to_string(), i);
        i
    }
}

/// A record with findings: where its line is, and what orders and counts it.
struct Group {
    offset: u64,
    len: u32,
    district: u32,
    department: Option<u32>,
    file: u32,
    record_id: TextRef,
    amount: Option<Decimal>,
}

/// A finding: its record's group, its place among that record's findings, severity and
/// rule.
#[derive(Clone, Copy)]
struct Meta {
    group: u32,
    index: u32,
    rule: u32,
    rank: u8,
}

/// One line of the spill.
#[derive(serde::Serialize)]
struct LineOut<'a> {
    record: &'a Record,
    findings: &'a [Finding],
}

#[derive(serde::Deserialize)]
struct LineIn {
    record: Record,
    findings: Vec<Finding>,
}

fn io(what: &str, source: std::io::Error) -> ReportError {
    ReportError::Io {
        path: format!("findings spill ({what})"),
        source,
    }
}

/// Takes findings as a run reads files; [`finish`](FindingSpill::finish) gives the
/// [`FindingStore`] the auditors' files are written from.
pub struct FindingSpill {
    out: BufWriter<std::fs::File>,
    file: std::fs::File,
    at: u64,
    names: Names,
    /// Record ids of `groups`.
    ids: Texts,
    groups: Chunks<Group>,
    metas: Chunks<Meta>,
}

impl FindingSpill {
    /// A spill in an anonymous temporary file in `dir` (removed when the store is
    /// dropped, or by the system if the process dies).
    pub fn in_dir(dir: &std::path::Path) -> Result<FindingSpill, ReportError> {
        let file = tempfile::tempfile_in(dir).map_err(|e| io("create", e))?;
        let out = BufWriter::new(file.try_clone().map_err(|e| io("create", e))?);
        let mut names = Names::default();
        // The empty name first: a record without department sorts as "".
        names.id("");
        Ok(FindingSpill {
            out,
            file,
            at: 0,
            names,
            ids: Texts::default(),
            groups: Chunks::default(),
            metas: Chunks::default(),
        })
    }

    /// Adds the findings of `records` (one file's, or a whole dataset's), in record
    /// order; records without findings take no room.
    pub fn add(&mut self, records: &[Record], findings: &[Finding]) -> Result<(), ReportError> {
        let on = pairs(records, findings);
        let mut i = 0;
        while i < findings.len() {
            let Some(r) = on[i] else {
                i += 1;
                continue;
            };
            let mut j = i + 1;
            while j < findings.len() && on[j] == Some(r) {
                j += 1;
            }
            self.group(&records[r], &findings[i..j])?;
            i = j;
        }
        Ok(())
    }

    fn group(&mut self, r: &Record, fs: &[Finding]) -> Result<(), ReportError> {
        let slim = slim(r);
        let mut line = serde_json::to_vec(&LineOut {
            record: &slim,
            findings: fs,
        })
        .map_err(|e| io("write", std::io::Error::other(e)))?;
        line.push(b'\n');
        self.out.write_all(&line).map_err(|e| io("write", e))?;
        let g = self.groups.len() as u32;
        self.groups.push(Group {
            offset: self.at,
            len: line.len() as u32,
            district: self.names.id(district_of(r)),
            department: r.department.as_deref().map(|d| self.names.id(d)),
            file: self.names.id(crate::input_of(&r.source.file)),
            record_id: self.ids.push(&r.record_id),
            amount: amount_yuan(r),
        });
        self.at += line.len() as u64;
        for (k, f) in fs.iter().enumerate() {
            let rule = self.names.id(&f.rule);
            self.metas.push(Meta {
                group: g,
                index: k as u32,
                rule,
                rank: severity_rank(f.severity),
            });
        }
        Ok(())
    }

    /// The store to write from.
    pub fn finish(mut self) -> Result<FindingStore, ReportError> {
        self.out.flush().map_err(|e| io("write", e))?;
        // The auditors' files are written with these in memory.
        self.groups.shrink_to_fit();
        self.metas.shrink_to_fit();
        let mut order: Vec<u32> = (0..self.names.list.len() as u32).collect();
        order.sort_by(|a, b| self.names.list[*a as usize].cmp(&self.names.list[*b as usize]));
        let mut sorted = vec![0u32; order.len()];
        for (rank, id) in order.into_iter().enumerate() {
            sorted[id as usize] = rank as u32;
        }
        Ok(FindingStore {
            file: Mutex::new(self.file),
            names: self.names.list,
            ids: self.ids,
            sorted,
            groups: self.groups,
            metas: self.metas,
        })
    }
}

/// The findings of a run, on disk, with what orders and counts them in memory. A
/// finding is named by its place in the order findings were added (`u32`).
pub struct FindingStore {
    file: Mutex<std::fs::File>,
    names: Vec<String>,
    /// Each name's place in string order.
    sorted: Vec<u32>,
    /// Record ids of `groups`.
    ids: Texts,
    groups: Chunks<Group>,
    metas: Chunks<Meta>,
}

impl FindingStore {
    /// A store of `findings` on `records` (both in memory already: `jixiao score`,
    /// tests), spilled to the system's temporary directory.
    pub fn of(records: &[Record], findings: &[Finding]) -> Result<FindingStore, ReportError> {
        let mut s = FindingSpill::in_dir(&std::env::temp_dir())?;
        s.add(records, findings)?;
        s.finish()
    }

    /// Findings held (those whose record was given).
    pub fn len(&self) -> usize {
        self.metas.len()
    }

    /// Whether it holds none.
    pub fn is_empty(&self) -> bool {
        self.metas.is_empty()
    }

    fn meta(&self, i: u32) -> Meta {
        self.metas[i as usize]
    }

    fn group_of(&self, i: u32) -> &Group {
        &self.groups[self.meta(i).group as usize]
    }

    /// The `i`-th finding's severity rank ([`severity_rank`]).
    pub fn rank(&self, i: u32) -> u8 {
        self.meta(i).rank
    }

    /// Whether the `i`-th finding is `info`.
    pub fn is_info(&self, i: u32) -> bool {
        self.rank(i) == severity_rank(Severity::Info)
    }

    /// Findings of severity `s`.
    pub fn count(&self, s: Severity) -> usize {
        let r = severity_rank(s);
        self.metas.iter().filter(|m| m.rank == r).count()
    }

    /// The `i`-th finding's rule id.
    pub fn rule(&self, i: u32) -> &str {
        &self.names[self.meta(i).rule as usize]
    }

    /// Its record's district ([`district_of`]).
    pub fn district(&self, i: u32) -> &str {
        &self.names[self.group_of(i).district as usize]
    }

    /// Its record's 主管部门.
    pub fn department(&self, i: u32) -> Option<&str> {
        self.group_of(i)
            .department
            .map(|d| self.names[d as usize].as_str())
    }

    /// Its record's input file (a bundle member's bundle).
    pub fn file(&self, i: u32) -> &str {
        &self.names[self.group_of(i).file as usize]
    }

    /// Its record's id.
    pub fn record_id(&self, i: u32) -> &str {
        self.ids.get(self.group_of(i).record_id)
    }

    /// Its record's 年度资金总额 in 元 ([`amount_yuan`]).
    pub fn amount(&self, i: u32) -> Option<Decimal> {
        self.group_of(i).amount
    }

    /// Its record's group (findings with equal group share one record).
    pub fn group(&self, i: u32) -> u32 {
        self.meta(i).group
    }

    fn name_rank(&self, id: Option<u32>) -> u32 {
        // No department sorts as the empty name (id 0).
        self.sorted[id.unwrap_or(0) as usize]
    }

    /// The `i`-th finding's severity rank and the places of its district and department
    /// in string order (no department sorts as the empty name): how findings are
    /// ordered for reading and summed.
    pub(crate) fn order_key(&self, i: u32) -> (u8, u32, u32) {
        let m = self.meta(i);
        let g = &self.groups[m.group as usize];
        (
            m.rank,
            self.name_rank(Some(g.district)),
            self.name_rank(g.department),
        )
    }

    /// The `i`-th finding's rule as a number (equal rules, equal numbers).
    pub(crate) fn rule_number(&self, i: u32) -> u32 {
        self.meta(i).rule
    }

    /// Every finding, sorted by severity, district, department, then the order they
    /// were added (file, then document order): the order auditors read them in.
    pub fn reading_order(&self) -> Vec<u32> {
        let mut v: Vec<u32> = (0..self.metas.len() as u32).collect();
        v.sort_by_key(|&i| (self.order_key(i), i));
        v
    }

    /// Reads group `g`'s record and findings back.
    fn load(&self, g: u32) -> Result<(Arc<Record>, Vec<Finding>), ReportError> {
        let grp = &self.groups[g as usize];
        let mut buf = vec![0u8; grp.len as usize];
        {
            let mut f = self
                .file
                .lock()
                .map_err(|_| io("read", std::io::Error::other("poisoned")))?;
            f.seek(SeekFrom::Start(grp.offset))
                .map_err(|e| io("read", e))?;
            f.read_exact(&mut buf).map_err(|e| io("read", e))?;
        }
        let line: LineIn =
            serde_json::from_slice(&buf).map_err(|e| io("read", std::io::Error::other(e)))?;
        Ok((Arc::new(line.record), line.findings))
    }

    /// A reader of findings with their records that keeps the last record read.
    pub fn cursor(&self) -> Cursor<'_> {
        Cursor {
            store: self,
            at: None,
        }
    }
}

/// Reads findings with their records back from a [`FindingStore`], keeping the last
/// record read (findings of one record come together in every order the writers use).
pub struct Cursor<'a> {
    store: &'a FindingStore,
    at: Option<(u32, Arc<Record>, Vec<Finding>)>,
}

impl Cursor<'_> {
    /// The `i`-th finding and its (slim) record.
    pub fn get(&mut self, i: u32) -> Result<(&Finding, &Arc<Record>), ReportError> {
        let m = self.store.meta(i);
        if self.at.as_ref().map(|a| a.0) != Some(m.group) {
            let (r, fs) = self.store.load(m.group)?;
            self.at = Some((m.group, r, fs));
        }
        match &self.at {
            Some((_, r, fs)) => match fs.get(m.index as usize) {
                Some(f) => Ok((f, r)),
                None => Err(io("read", std::io::Error::other("finding out of range"))),
            },
            None => Err(io("read", std::io::Error::other("nothing read"))),
        }
    }
}

#[cfg(test)]
#[allow(clippy::unwrap_used)]
mod tests {
    use super::*;

    fn record(id: &str, district: Option<&str>) -> Record {
        crate::fixtures::record(id, district, None, None)
    }

    use crate::fixtures::finding;

    #[test]
    fn findings_are_read_back_with_their_records_in_reading_order() {
        let records = vec![
            record("a", Some("乙区")),
            record("b", None),
            record("c", Some("甲区")),
        ];
        let findings = vec![
            finding("a", "r1", Severity::Info),
            finding("a", "r2", Severity::Error),
            finding("c", "r3", Severity::Error),
            finding("x", "r4", Severity::Error), // no such record: left out
        ];
        let store = FindingStore::of(&records, &findings).unwrap();
        assert_eq!(store.len(), 3);
        assert_eq!(store.count(Severity::Error), 2);
        // Errors first, by district in string order (乙 U+4E59 before 甲 U+7532); info
        // last.
        let order = store.reading_order();
        let mut cur = store.cursor();
        let got: Vec<(String, String)> = order
            .iter()
            .map(|&i| {
                let (f, r) = cur.get(i).unwrap();
                (f.rule.clone(), r.record_id.clone())
            })
            .collect();
        let want = [("r2", "a"), ("r3", "c"), ("r1", "a")];
        let want: Vec<(String, String)> = want
            .iter()
            .map(|(a, b)| (a.to_string(), b.to_string()))
            .collect();
        assert_eq!(got, want);
        assert_eq!(store.district(order[0]), "乙区");
        assert_eq!(store.rule(order[2]), "r1");
    }

    #[test]
    fn findings_pair_with_the_next_record_of_their_id() {
        // The same file at two paths gives records of equal ids: a finding goes to the
        // record at or after the previous finding's; out of order, to the first.
        let records = vec![record("a", None), record("b", None), record("a", None)];
        let findings = vec![
            finding("b", "r1", Severity::Error),
            finding("a", "r2", Severity::Error),
            finding("b", "r3", Severity::Error),
            finding("z", "r4", Severity::Error),
        ];
        assert_eq!(
            pairs(&records, &findings),
            vec![Some(1), Some(2), Some(1), None]
        );
    }
}
