//! The previous dataset of OUTDIR, for `extract --incremental`: its manifest, and its
//! row index ([`jixiao_dataset::index`]) of where each input's lines are in its streamed
//! files, so an unchanged file's results are read back one file at a time and its lines
//! copied as bytes (memory: the manifest and an offset per input file, not the records).

use super::extract::{name_of, Done, ERRORS, FINDINGS, RECORDS};
use super::output::{self, FileEntry, FileStatus, Manifest};
use jixiao_dataset::index::{FileRows, RowIndex};
use jixiao_pipeline::{ErrorEntry, ReadStats};
use jixiao_record::Record;
use jixiao_score::Finding;
use std::collections::{BTreeMap, HashMap, HashSet};
use std::path::{Path, PathBuf};
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
    /// Where each input's results are in the previous dataset's files.
    index: RowIndex,
    /// Files modified before this (ns since the epoch) are unchanged when their size
    /// and time match; `None` (--verify, or no time for the manifest): hash them all.
    settled_before: Option<i64>,
    /// Files taken as unchanged by size and time, without reading them.
    by_time: AtomicUsize,
    /// Chunks of the previous dataset (Parquet row groups) this run finds whole and
    /// unchanged ([`Previous::plan`]): their files' rows are not read, in the hope of
    /// copying their row groups. Other unchanged files' records are read where the files
    /// are (in parallel), for their rows to be encoded.
    clean: HashSet<u32>,
}

/// What an unchanged file's results are made of when copied from the previous dataset.
pub struct Copy {
    /// The file's line of the previous index.
    pub rows: FileRows,
    /// Its lines in each of the previous dataset's JSON Lines files, by file name (its
    /// CSV rows are copied from the previous files by [`jixiao_dataset::DatasetWriter`]).
    pub bytes: BTreeMap<String, Vec<u8>>,
    /// [`jixiao_report::slim`] copies of its records that have findings, in order: what
    /// the auditors' files need of them.
    pub slim: Vec<Record>,
}

impl Copy {
    /// Its records, read from their lines (for when they cannot be copied as they are).
    pub fn records(&self) -> Option<Vec<Record>> {
        lines(self.bytes.get(RECORDS)?)
    }
}

impl Previous {
    /// The dataset in `out` when it was written by reader `version` with the same
    /// `settings` (its lines and rows are copied as they were written: findings only
    /// with scoring, tables only with a dataset, the same limits) and is readable.
    pub fn load(out: &Path, version: &str, settings: &str, verify: bool) -> Option<Previous> {
        let settled_before = settled_before(out).filter(|_| !verify);
        let m = Manifest::load(out)?;
        if m.reader_version != version {
            tracing::info!(
                "previous dataset was written by reader {}; reading everything again",
                m.reader_version
            );
            return None;
        }
        if m.copy_settings != settings {
            tracing::info!(
                "previous dataset was written with other options; reading everything again"
            );
            return None;
        }
        // Lines are copied from these files by byte ranges: they must be as written.
        for o in &m.outputs {
            let size = std::fs::metadata(out.join(&o.name)).map(|m| m.len()).ok();
            if size != Some(o.size) {
                tracing::info!("{} is not as written; reading everything again", o.name);
                return None;
            }
        }
        let index = match RowIndex::open(out) {
            Ok(ix) => ix,
            Err(e) => {
                tracing::info!(
                    "previous dataset has no usable index ({e}); reading everything again"
                );
                return None;
            }
        };
        Some(Previous {
            files: m.files.into_iter().map(|f| (f.path.clone(), f)).collect(),
            index,
            settled_before,
            by_time: AtomicUsize::new(0),
            clean: HashSet::new(),
        })
    }

    /// Finds the previous chunks whose files are all among `inputs` (the run's, in its
    /// order), one after the other in the same order, and of the same size and
    /// modification time (with `--verify`, of the same size: hashing comes later).
    pub fn plan(&mut self, inputs: &[PathBuf]) {
        let mut seen: HashMap<u32, (u32, usize, usize)> = HashMap::new();
        let mut broken = HashSet::new();
        for (i, p) in inputs.iter().enumerate() {
            let name = name_of(p);
            let Some((chunk, at, _)) = self.index.chunk(&name) else {
                continue;
            };
            // Changed for sure when its size or time moved; a time too recent to vouch
            // for the content (or --verify) is taken as unchanged until hashed.
            let unchanged = self.files.get(&name).is_some_and(|f| {
                std::fs::metadata(p).is_ok_and(|m| {
                    m.len() == f.size
                        && (self.settled_before.is_none() || mtime_ns(&m) == f.mtime_ns)
                })
            });
            let s = seen.entry(chunk).or_insert((0, i, i));
            if !unchanged || at != s.0 {
                broken.insert(chunk);
            }
            s.0 += 1;
            s.2 = i;
        }
        self.clean = self
            .index
            .chunks()
            .into_iter()
            .filter(|(c, (files, last))| {
                *last
                    && !broken.contains(c)
                    && seen
                        .get(c)
                        .is_some_and(|s| s.0 == *files && s.2 - s.1 + 1 == *files as usize)
            })
            .map(|(c, _)| c)
            .collect();
        tracing::debug!("{} previous chunks whole and unchanged", self.clean.len());
    }

    /// Table rows of the inputs among `inputs` that size and modification time say are
    /// unchanged: at least what this run's tables will hold (each such file gives the
    /// rows it gave), so a workbook past its row limit can be given up before it begins.
    pub fn rows_at_least(&self, inputs: &[PathBuf]) -> u64 {
        let Some(settled) = self.settled_before else {
            return 0;
        };
        inputs
            .iter()
            .filter_map(|p| {
                let name = name_of(p);
                let f = self.files.get(&name)?;
                let meta = std::fs::metadata(p).ok()?;
                same_by_time(f, &meta, settled).then(|| self.index.rows(&name))
            })
            .sum()
    }

    /// Files taken as unchanged by size and modification time so far.
    pub fn by_time(&self) -> usize {
        self.by_time.load(Ordering::Relaxed)
    }

    /// The previous records of input `file` (none when it had none or they cannot be
    /// read).
    pub fn records_of(&self, file: &str) -> Option<Vec<Record>> {
        let rows = self.index.get(file).ok()??;
        let span = rows.spans.get(RECORDS).copied().unwrap_or_default();
        self.index.items(RECORDS, span).ok()
    }

    /// The previous results of `p` when its size and modification time say it has not
    /// changed since it was read (see [`SETTLED_NS`]), without reading it.
    pub fn unchanged(&self, p: &Path, name: &str, score: bool) -> Option<Done> {
        let settled = self.settled_before?;
        let f = self.files.get(name)?;
        let meta = std::fs::metadata(p).ok()?;
        if !same_by_time(f, &meta, settled) {
            return None;
        }
        let done = self.reuse(name, &f.sha256, f.size, score)?;
        self.by_time.fetch_add(1, Ordering::Relaxed);
        Some(done)
    }

    /// The previous results of `path` when it had this content: its errors, (when
    /// `score`) its findings with slim copies of the records they are on, and the bytes
    /// of its lines to copy. Its records are not read: they are copied as bytes.
    pub fn reuse(&self, path: &str, sha256: &str, size: u64, score: bool) -> Option<Done> {
        let f = self.files.get(path)?;
        if f.sha256 != sha256 || f.size != size {
            return None;
        }
        let rows = self.index.get(path).ok()??;
        // A run that scores takes findings from a dataset that has them.
        if score && !rows.spans.contains_key(FINDINGS) {
            return None;
        }
        // The tables' CSV rows are copied file to file where they are written, not read.
        let mut bytes = BTreeMap::new();
        for (name, span) in rows.spans.iter().filter(|(n, _)| !n.ends_with(".csv")) {
            bytes.insert(name.clone(), self.index.bytes(name, *span).ok()?);
        }
        let errors: Vec<ErrorEntry> = match bytes.get(ERRORS) {
            Some(b) => lines(b)?,
            None => Vec::new(),
        };
        // The dataset must hold what the manifest and the index say, else read the file
        // again.
        let n = rows.forms.len();
        let written = rows.spans.get(RECORDS).map(|s| s.lines as usize);
        if n != f.records || written != Some(n) || f.status != FileStatus::of(n, errors.len()) {
            return None;
        }
        let (findings, slim) = match score {
            true => {
                let findings: Vec<Finding> = lines(bytes.get(FINDINGS)?)?;
                let on: HashSet<&str> = findings.iter().map(|f| f.record_id.as_str()).collect();
                let slim: Option<Vec<Record>> = bytes
                    .get(RECORDS)?
                    .split(|&b| b == b'\n')
                    .filter(|l| !l.iter().all(u8::is_ascii_whitespace))
                    .zip(&rows.forms)
                    .filter(|(_, k)| on.contains(k.id.as_str()))
                    .map(|(line, _)| jixiao_report::slim_of_line(line).ok())
                    .collect();
                (findings, slim?)
            }
            false => (Vec::new(), Vec::new()),
        };
        // Rows of a chunk that cannot be copied whole are encoded: read its records here.
        let clean = self
            .index
            .chunk(path)
            .is_some_and(|c| self.clean.contains(&c.0));
        let records = match clean {
            true => Vec::new(),
            false => lines(bytes.get(RECORDS)?)?,
        };
        let mut entry = f.clone();
        entry.findings = findings.len();
        Some(Done {
            entry,
            keys: rows.forms.iter().map(|k| k.duplicate_key()).collect(),
            records,
            errors,
            reused: true,
            stats: ReadStats::default(),
            seconds: 0.0,
            findings,
            copy: Some(Copy { rows, bytes, slim }),
            tables: None,
        })
    }
}

/// The items of JSON Lines `bytes` (`None` when a line is not one).
fn lines<T: serde::de::DeserializeOwned>(bytes: &[u8]) -> Option<Vec<T>> {
    bytes
        .split(|&b| b == b'\n')
        .filter(|l| !l.iter().all(u8::is_ascii_whitespace))
        .map(|l| serde_json::from_slice(l).ok())
        .collect()
}
