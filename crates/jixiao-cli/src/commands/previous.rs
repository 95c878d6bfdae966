//! The previous dataset of OUTDIR, for `extract --incremental`: its manifest, and an
//! index of where each input's lines are in its records.jsonl and errors.jsonl, so an
//! unchanged file's results are read back one file at a time (memory: the manifest and a
//! few bytes per line, not the records).

use super::extract::{input_of, Done};
use super::output::{self, FileEntry, FileStatus, Manifest};
use jixiao_pipeline::{ErrorEntry, ReadStats};
use jixiao_record::jsonl::{self, LineIndex};
use jixiao_record::Record;
use std::collections::HashMap;
use std::path::Path;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::time::UNIX_EPOCH;

/// Nanoseconds since the Unix epoch of a file's modification time.
pub fn mtime_ns(m: &std::fs::Metadata) -> Option<i64> {
    let d = m.modified().ok()?.duration_since(UNIX_EPOCH).ok()?;
    i64::try_from(d.as_nanos()).ok()
}

/// How much older than the previous manifest a file's modification time must be for
/// the time to vouch for its content: file systems keep times as coarse as 2 s (FAT),
/// so a file written in the same tick as it was read could have changed unseen.
const SETTLED_NS: i64 = 2_000_000_000;

/// Files modified before this (ns since the epoch) may be taken as unchanged by size and
/// time: the previous manifest's time less [`SETTLED_NS`].
fn settled_before(out: &Path) -> Option<i64> {
    std::fs::metadata(out.join(output::MANIFEST))
        .ok()
        .as_ref()
        .and_then(mtime_ns)
        .map(|t| t - SETTLED_NS)
}

/// Whether `meta` (the file now) has the size and settled modification time of `f`.
fn same_by_time(f: &FileEntry, meta: &std::fs::Metadata, settled: i64) -> bool {
    mtime_ns(meta).is_some_and(|t| f.mtime_ns == Some(t) && t < settled)
        && f.size == meta.len()
        && !f.sha256.is_empty()
}

/// OUTDIR's manifest when its dataset is already what this run would write: the same
/// reader version and settings, the same inputs in the same order, each unchanged by
/// size and modification time (see [`SETTLED_NS`]; with `verify`, by SHA-256), and every
/// output the manifest lists still there at its size. Reads the manifest and the
/// inputs' metadata only.
pub fn kept(
    out: &Path,
    version: &str,
    settings: &str,
    inputs: &[(&Path, String)],
    verify: bool,
) -> Option<Manifest> {
    let settled = settled_before(out);
    let m = Manifest::load(out)?;
    if m.reader_version != version
        || m.settings.is_empty()
        || m.settings != settings
        || m.outputs.is_empty()
        || m.files.len() != inputs.len()
    {
        return None;
    }
    for o in &m.outputs {
        if std::fs::metadata(out.join(&o.name)).ok()?.len() != o.size {
            return None;
        }
    }
    for ((p, name), f) in inputs.iter().zip(&m.files) {
        if *name != f.path || f.sha256.is_empty() {
            return None;
        }
        let meta = std::fs::metadata(p).ok()?;
        if meta.len() != f.size {
            return None;
        }
        if verify {
            let bytes = std::fs::read(p).ok()?;
            if jixiao_pipeline::sha256_hex(&bytes) != f.sha256 {
                return None;
            }
        } else if !same_by_time(f, &meta, settled?) {
            return None;
        }
    }
    Some(m)
}

/// The previous dataset of OUTDIR.
pub struct Previous {
    files: HashMap<String, FileEntry>,
    records: LineIndex,
    errors: LineIndex,
    /// Files modified before this (ns since the epoch) are unchanged when their size
    /// and time match; `None` (--verify, or no time for the manifest): hash them all.
    settled_before: Option<i64>,
    /// Files taken as unchanged by size and time, without reading them.
    by_time: AtomicUsize,
}

impl Previous {
    /// The dataset in `out` when it was written by reader `version` and is readable.
    pub fn load(out: &Path, version: &str, verify: bool) -> Option<Previous> {
        let settled_before = settled_before(out).filter(|_| !verify);
        let m = Manifest::load(out)?;
        if m.reader_version != version {
            tracing::info!(
                "previous dataset was written by reader {}; reading everything again",
                m.reader_version
            );
            return None;
        }
        let of_input = |f: String| input_of(&f).to_string();
        let records = LineIndex::build(&out.join("records.jsonl"), |l| {
            jsonl::record_file(l).map(of_input)
        })
        .ok()?;
        let errors = LineIndex::build(&out.join("errors.jsonl"), |l| {
            jsonl::entry_file(l).map(of_input)
        })
        .ok()?;
        Some(Previous {
            files: m.files.into_iter().map(|f| (f.path.clone(), f)).collect(),
            records,
            errors,
            settled_before,
            by_time: AtomicUsize::new(0),
        })
    }

    /// Files taken as unchanged by size and modification time so far.
    pub fn by_time(&self) -> usize {
        self.by_time.load(Ordering::Relaxed)
    }

    /// The previous records of input `file` (none when it had none or they cannot be
    /// read).
    pub fn records_of(&self, file: &str) -> Option<Vec<Record>> {
        if !self.records.contains(file) {
            return None;
        }
        self.records.read(file, "a record").ok()
    }

    /// The previous results of `p` when its size and modification time say it has not
    /// changed since it was read (see [`SETTLED_NS`]), without reading it.
    pub fn unchanged(&self, p: &Path, name: &str) -> Option<Done> {
        let settled = self.settled_before?;
        let f = self.files.get(name)?;
        let meta = std::fs::metadata(p).ok()?;
        if !same_by_time(f, &meta, settled) {
            return None;
        }
        let done = self.reuse(name, &f.sha256, f.size)?;
        self.by_time.fetch_add(1, Ordering::Relaxed);
        Some(done)
    }

    /// The previous results of `path` when it had this content.
    pub fn reuse(&self, path: &str, sha256: &str, size: u64) -> Option<Done> {
        let f = self.files.get(path)?;
        if f.sha256 != sha256 || f.size != size {
            return None;
        }
        let records: Vec<Record> = self.records.read(path, "a record").ok()?;
        let errors: Vec<ErrorEntry> = self.errors.read(path, "an error entry").ok()?;
        // The dataset must hold what the manifest says, else read the file again.
        if records.len() != f.records || f.status != FileStatus::of(records.len(), errors.len()) {
            return None;
        }
        Some(Done {
            entry: f.clone(),
            records,
            errors,
            reused: true,
            stats: ReadStats::default(),
            seconds: 0.0,
            findings: Vec::new(),
        })
    }
}
