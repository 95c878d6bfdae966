//! The output directory as one unit: a dataset is written into a staging directory
//! beside OUTDIR and swapped in with two renames, so a run killed at any moment leaves
//! the previous dataset whole (a run killed between the two renames is recovered by
//! the next one). Also the manifest that incremental runs read.

use anyhow::{bail, Context, Result};
use serde::{Deserialize, Serialize};
use std::path::{Path, PathBuf};

/// The file that marks a directory as a jixiao dataset and lists what went into it.
pub const MANIFEST: &str = "manifest.json";

/// Version of the readers and parser ([`jixiao_pipeline::READER_VERSION`]: a hash of
/// their source); outputs of another version are not reused.
pub const READER_VERSION: &str = jixiao_pipeline::READER_VERSION;

/// What became of an input file, as the manifest says it (`"ok"`, `"error"`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum FileStatus {
    /// Read: its records are in the dataset (a file without forms too, when reading it
    /// raised no error).
    Ok,
    /// Gave no records and an entry in errors.jsonl says why.
    Error,
}

impl FileStatus {
    /// The status of a file that gave `records` and `errors`.
    pub fn of(records: usize, errors: usize) -> FileStatus {
        if records == 0 && errors > 0 {
            FileStatus::Error
        } else {
            FileStatus::Ok
        }
    }

    /// As the manifest and summaries spell it.
    pub fn as_str(self) -> &'static str {
        match self {
            FileStatus::Ok => "ok",
            FileStatus::Error => "error",
        }
    }
}

/// One input file of a dataset.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct FileEntry {
    /// Path as given on the command line / found in a directory.
    pub path: String,
    /// SHA-256 of the content (lowercase hex).
    pub sha256: String,
    /// Size in bytes.
    pub size: u64,
    /// What became of it.
    pub status: FileStatus,
    /// Forms found.
    pub records: usize,
    /// Findings on them (0 with --no-score).
    #[serde(default)]
    pub findings: usize,
    /// Modification time (nanoseconds since the Unix epoch) when the file was read:
    /// with the size, what an incremental run compares before hashing.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub mtime_ns: Option<i64>,
}

/// `manifest.json`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Manifest {
    /// [`READER_VERSION`] of the run that wrote the dataset.
    pub reader_version: String,
    /// [`jixiao_dataset::SCHEMA_VERSION`] of its tables (0: written before versions).
    #[serde(default)]
    pub schema_version: u32,
    /// What else shapes the outputs (a digest of the run's options, working directory
    /// and OUTDIR: see `extract::settings`); a run with other settings writes anew.
    #[serde(default)]
    pub settings: String,
    /// The files written beside the manifest, with their sizes: an incremental run
    /// that finds nothing changed keeps them when they are all still there.
    #[serde(default)]
    pub outputs: Vec<OutputFile>,
    /// Every input, in output order.
    pub files: Vec<FileEntry>,
}

/// A file of the dataset.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct OutputFile {
    /// Its name in OUTDIR.
    pub name: String,
    /// Its size in bytes.
    pub size: u64,
}

/// The files in `dir` (but the manifest), by name, with their sizes.
pub fn outputs_of(dir: &Path) -> Result<Vec<OutputFile>> {
    let mut v = Vec::new();
    for e in std::fs::read_dir(dir).with_context(|| format!("{}", dir.display()))? {
        let e = e.with_context(|| format!("{}", dir.display()))?;
        let name = e.file_name().to_string_lossy().into_owned();
        let meta = e.metadata().with_context(|| name.clone())?;
        if meta.is_file() && name != MANIFEST {
            v.push(OutputFile {
                name,
                size: meta.len(),
            });
        }
    }
    v.sort_by(|a, b| a.name.cmp(&b.name));
    Ok(v)
}

impl Manifest {
    /// Reads `DIR/manifest.json`, when there is a usable one.
    pub fn load(dir: &Path) -> Option<Manifest> {
        let text = std::fs::read_to_string(dir.join(MANIFEST)).ok()?;
        serde_json::from_str(&text).ok()
    }
}

fn sibling(out: &Path, tag: &str) -> PathBuf {
    let name = out
        .file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_else(|| "out".into());
    out.with_file_name(format!(".{name}.{tag}-{}", std::process::id()))
}

fn leftovers(out: &Path, tag: &str) -> Vec<PathBuf> {
    let Some(name) = out.file_name().map(|n| n.to_string_lossy().into_owned()) else {
        return Vec::new();
    };
    let parent = out
        .parent()
        .filter(|p| !p.as_os_str().is_empty())
        .unwrap_or(Path::new("."));
    let prefix = format!(".{name}.{tag}-");
    let mut v: Vec<PathBuf> = std::fs::read_dir(parent)
        .into_iter()
        .flatten()
        .filter_map(|e| e.ok())
        .filter(|e| e.file_name().to_string_lossy().starts_with(&prefix))
        .map(|e| e.path())
        .collect();
    v.sort();
    v
}

/// The lock of the run writing OUTDIR: the file `.NAME.lock` beside it, held with an
/// OS file lock (released when the process ends, however it ends — a run killed with
/// `kill -9` leaves at most an unlocked file, which the next run takes) and holding the
/// run's pid for the message a second run gets; removed when the run ends. Without it, a
/// second run would remove the first one's staging directory.
pub struct Lock {
    file: std::fs::File,
    path: PathBuf,
}

impl Drop for Lock {
    fn drop(&mut self) {
        // Removed while still locked: a run waiting on this file finds it gone and
        // takes a new one (see `lock`).
        let _ = std::fs::remove_file(&self.path);
        let _ = self.file.unlock();
    }
}

/// The lock file of OUTDIR.
pub fn lock_path(out: &Path) -> PathBuf {
    let name = out
        .file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_else(|| "out".into());
    out.with_file_name(format!(".{name}.lock"))
}

/// True when `path` still names the file `file` is open on (the lock file was not
/// removed and made anew by a run that ended meanwhile).
fn still_there(file: &std::fs::File, path: &Path) -> bool {
    #[cfg(unix)]
    {
        use std::os::unix::fs::MetadataExt;
        match (file.metadata(), std::fs::metadata(path)) {
            (Ok(a), Ok(b)) => a.ino() == b.ino() && a.dev() == b.dev(),
            _ => false,
        }
    }
    #[cfg(not(unix))]
    {
        let _ = (file, path);
        true
    }
}

/// Takes OUTDIR's lock, or says which run holds it.
pub fn lock(out: &Path) -> Result<Lock> {
    use std::io::{Read, Seek, Write};
    let path = lock_path(out);
    if let Some(parent) = path.parent().filter(|p| !p.as_os_str().is_empty()) {
        std::fs::create_dir_all(parent)
            .with_context(|| format!("cannot create {}", parent.display()))?;
    }
    loop {
        let mut file = std::fs::OpenOptions::new()
            .read(true)
            .write(true)
            .create(true)
            .truncate(false)
            .open(&path)
            .with_context(|| format!("cannot open the lock {}", path.display()))?;
        match file.try_lock() {
            Ok(()) if !still_there(&file, &path) => continue,
            Ok(()) => {
                file.set_len(0)?;
                file.rewind()?;
                write!(file, "{}", std::process::id())?;
                file.flush()?;
                return Ok(Lock { file, path });
            }
            Err(std::fs::TryLockError::WouldBlock) => {
                let mut pid = String::new();
                let _ = file.read_to_string(&mut pid);
                let pid = pid.trim();
                bail!(
                    "{}: another jixiao run (pid {}) is writing this directory; wait for it to end or choose another with -o (lock: {})",
                    out.display(),
                    if pid.is_empty() { "unknown" } else { pid },
                    path.display()
                )
            }
            Err(std::fs::TryLockError::Error(e)) => {
                return Err(e).with_context(|| format!("cannot lock {}", path.display()))
            }
        }
    }
}

/// Prepares OUTDIR: finishes or undoes what a killed run left, checks that OUTDIR is a
/// dataset (or empty, or missing), and returns a fresh staging directory to write into.
pub fn begin(out: &Path) -> Result<PathBuf> {
    // A run killed between its two renames left the old dataset aside: put it back.
    let old = leftovers(out, "old");
    if !out.exists() {
        if let Some(last) = old.last() {
            std::fs::rename(last, out)
                .with_context(|| format!("cannot restore {}", last.display()))?;
            tracing::warn!("restored {} from an interrupted run", out.display());
        }
    }
    for p in leftovers(out, "old")
        .into_iter()
        .chain(leftovers(out, "tmp"))
    {
        let _ = std::fs::remove_dir_all(&p);
    }
    if out.exists() {
        if !out.is_dir() {
            bail!("{}: exists and is not a directory", out.display());
        }
        let empty = std::fs::read_dir(out)
            .with_context(|| format!("cannot read {}", out.display()))?
            .next()
            .is_none();
        if !empty && !out.join(MANIFEST).exists() {
            bail!(
                "{}: not a jixiao output directory (no {MANIFEST}); choose an empty or new directory with -o",
                out.display()
            );
        }
    }
    let staging = sibling(out, "tmp");
    std::fs::create_dir_all(&staging)
        .with_context(|| format!("cannot create {}", staging.display()))?;
    Ok(staging)
}

/// Swaps the staging directory in as OUTDIR.
pub fn commit(staging: &Path, out: &Path) -> Result<()> {
    if out.exists() {
        let old = sibling(out, "old");
        std::fs::rename(out, &old).with_context(|| format!("cannot move {}", out.display()))?;
        std::fs::rename(staging, out)
            .with_context(|| format!("cannot move {} to {}", staging.display(), out.display()))?;
        let _ = std::fs::remove_dir_all(&old);
    } else {
        if let Some(parent) = out.parent().filter(|p| !p.as_os_str().is_empty()) {
            std::fs::create_dir_all(parent)
                .with_context(|| format!("cannot create {}", parent.display()))?;
        }
        std::fs::rename(staging, out)
            .with_context(|| format!("cannot move {} to {}", staging.display(), out.display()))?;
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_file_is_an_error_only_when_it_gave_an_error_and_no_records() {
        assert_eq!(FileStatus::of(0, 1), FileStatus::Error);
        assert_eq!(FileStatus::of(0, 0), FileStatus::Ok);
        assert_eq!(FileStatus::of(3, 1), FileStatus::Ok);
        // The manifest spells them as it always has.
        for s in [FileStatus::Ok, FileStatus::Error] {
            let json = serde_json::to_string(&s).expect("json");
            assert_eq!(json, format!("\"{}\"", s.as_str()));
            assert_eq!(serde_json::from_str::<FileStatus>(&json).expect("back"), s);
        }
        assert!(serde_json::from_str::<FileStatus>("\"partial\"").is_err());
    }
}
