//! The output directory as one unit: a dataset is written into a staging directory
//! beside OUTDIR and swapped in with two renames, so a run killed at any moment leaves
//! the previous dataset whole (a run killed between the two renames is recovered by
//! the next one); the lock that keeps a second run out of it; and the manifest that
//! lists what went into it, which incremental runs read.

use serde::{Deserialize, Serialize};
use std::path::{Path, PathBuf};

/// Why OUTDIR could not be prepared, locked or swapped in.
#[derive(Debug, thiserror::Error)]
pub enum OutdirError {
    /// A file system operation failed.
    #[error("{what}: {source}")]
    Io {
        /// What could not be done, with its paths (`cannot create out/`).
        what: String,
        /// The I/O error.
        source: std::io::Error,
    },
    /// Another run holds OUTDIR's lock.
    #[error("{}: another jixiao run (pid {pid}) is writing this directory; wait for it to end or choose another with -o (lock: {})", out.display(), lock.display())]
    Busy {
        /// OUTDIR.
        out: PathBuf,
        /// The other run's pid as its lock file says it (`unknown` when it says none).
        pid: String,
        /// The lock file.
        lock: PathBuf,
    },
    /// OUTDIR exists and is a file.
    #[error("{}: exists and is not a directory", .0.display())]
    NotADirectory(PathBuf),
    /// OUTDIR holds files but no manifest: it is not a dataset, and would be replaced.
    #[error("{}: not a jixiao output directory (no {MANIFEST}); choose an empty or new directory with -o", .0.display())]
    NotADataset(PathBuf),
}

/// An [`OutdirError::Io`]: `what` could not be done to `path`.
fn io(what: &str, path: &Path) -> impl FnOnce(std::io::Error) -> OutdirError {
    let what = format!("{what} {}", path.display());
    move |source| OutdirError::Io { what, source }
}

/// The file that marks a directory as a jixiao dataset and lists what went into it.
pub const MANIFEST: &str = "manifest.json";

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
    /// The readers' version of the run that wrote the dataset (`jixiao_pipeline::READER_VERSION`).
    pub reader_version: String,
    /// [`crate::SCHEMA_VERSION`] of its tables (0: written before versions).
    #[serde(default)]
    pub schema_version: u32,
    /// What else shapes the outputs (a digest of the run's options, working directory
    /// and OUTDIR: see `extract::settings`); a run with other settings writes anew.
    #[serde(default)]
    pub settings: String,
    /// A digest of the options that shape what an incremental run copies from the
    /// dataset (scoring, tables, reading limits): a run with others reads every file
    /// again.
    #[serde(default)]
    pub copy_settings: String,
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
pub fn outputs_of(dir: &Path) -> Result<Vec<OutputFile>, OutdirError> {
    let mut v = Vec::new();
    for e in std::fs::read_dir(dir).map_err(io("cannot read", dir))? {
        let e = e.map_err(io("cannot read", dir))?;
        let name = e.file_name().to_string_lossy().into_owned();
        let meta = e.metadata().map_err(io("cannot read", &e.path()))?;
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

/// OUTDIR's own name (`out` for a path without one), which its siblings are named after.
fn name_of(out: &Path) -> String {
    out.file_name()
        .map_or_else(|| "out".into(), |n| n.to_string_lossy().into_owned())
}

fn sibling(out: &Path, tag: &str) -> PathBuf {
    out.with_file_name(format!(".{}.{tag}-{}", name_of(out), std::process::id()))
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
    out.with_file_name(format!(".{}.lock", name_of(out)))
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
pub fn lock(out: &Path) -> Result<Lock, OutdirError> {
    use std::io::{Read, Seek, Write};
    let path = lock_path(out);
    if let Some(parent) = path.parent().filter(|p| !p.as_os_str().is_empty()) {
        std::fs::create_dir_all(parent).map_err(io("cannot create", parent))?;
    }
    loop {
        let mut file = std::fs::OpenOptions::new()
            .read(true)
            .write(true)
            .create(true)
            .truncate(false)
            .open(&path)
            .map_err(io("cannot open the lock", &path))?;
        match file.try_lock() {
            Ok(()) if !still_there(&file, &path) => continue,
            Ok(()) => {
                file.set_len(0)
                    .and_then(|()| file.rewind())
                    .and_then(|()| write!(file, "{}", std::process::id()))
                    .and_then(|()| file.flush())
                    .map_err(io("cannot write the lock", &path))?;
                return Ok(Lock { file, path });
            }
            Err(std::fs::TryLockError::WouldBlock) => {
                let mut pid = String::new();
                let _ = file.read_to_string(&mut pid);
                let pid = pid.trim();
                return Err(OutdirError::Busy {
                    out: out.to_path_buf(),
                    pid: if pid.is_empty() { "unknown" } else { pid }.to_string(),
                    lock: path,
                });
            }
            Err(std::fs::TryLockError::Error(e)) => return Err(io("cannot lock", &path)(e)),
        }
    }
}

/// Prepares OUTDIR: finishes or undoes what a killed run left, checks that OUTDIR is a
/// dataset (or empty, or missing), and returns a fresh staging directory to write into.
pub fn begin(out: &Path) -> Result<PathBuf, OutdirError> {
    // A run killed between its two renames left the old dataset aside: put it back.
    let old = leftovers(out, "old");
    if !out.exists() {
        if let Some(last) = old.last() {
            std::fs::rename(last, out).map_err(io("cannot restore", last))?;
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
            return Err(OutdirError::NotADirectory(out.to_path_buf()));
        }
        let empty = std::fs::read_dir(out)
            .map_err(io("cannot read", out))?
            .next()
            .is_none();
        if !empty && !out.join(MANIFEST).exists() {
            return Err(OutdirError::NotADataset(out.to_path_buf()));
        }
    }
    let staging = sibling(out, "tmp");
    std::fs::create_dir_all(&staging).map_err(io("cannot create", &staging))?;
    Ok(staging)
}

/// Swaps the staging directory in as OUTDIR.
pub fn commit(staging: &Path, out: &Path) -> Result<(), OutdirError> {
    let moved = || {
        let what = format!("cannot move {} to {}", staging.display(), out.display());
        move |source| OutdirError::Io { what, source }
    };
    if out.exists() {
        let old = sibling(out, "old");
        std::fs::rename(out, &old).map_err(io("cannot move", out))?;
        std::fs::rename(staging, out).map_err(moved())?;
        let _ = std::fs::remove_dir_all(&old);
    } else {
        if let Some(parent) = out.parent().filter(|p| !p.as_os_str().is_empty()) {
            std::fs::create_dir_all(parent).map_err(io("cannot create", parent))?;
        }
        std::fs::rename(staging, out).map_err(moved())?;
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

    #[test]
    fn a_dataset_is_staged_beside_outdir_and_swapped_in_whole() {
        let dir = tempfile::tempdir().expect("tmp");
        let out = dir.path().join("nested/out");
        let staging = begin(&out).expect("begin");
        assert_eq!(staging.parent(), out.parent());
        std::fs::write(staging.join(MANIFEST), "{}").expect("write");
        std::fs::write(staging.join("records.jsonl"), "a\n").expect("write");
        commit(&staging, &out).expect("commit");
        assert!(!staging.exists());
        let names: Vec<String> = outputs_of(&out)
            .expect("outputs")
            .into_iter()
            .map(|o| format!("{} {}", o.name, o.size))
            .collect();
        assert_eq!(names, ["records.jsonl 2"], "the manifest is not an output");
        // A second run replaces it.
        let again = begin(&out).expect("begin");
        std::fs::write(again.join(MANIFEST), "{}").expect("write");
        commit(&again, &out).expect("commit");
        assert!(outputs_of(&out).expect("outputs").is_empty());
        assert!(leftovers(&out, "old").is_empty() && leftovers(&out, "tmp").is_empty());
    }

    #[test]
    fn a_run_killed_between_its_renames_is_repaired_and_strangers_are_refused() {
        let dir = tempfile::tempdir().expect("tmp");
        let out = dir.path().join("out");
        // The old dataset moved aside, the new one not yet in place: put back.
        let aside = dir.path().join(".out.old-99999");
        std::fs::create_dir_all(&aside).expect("mkdir");
        std::fs::write(aside.join(MANIFEST), "{}").expect("write");
        let staging = begin(&out).expect("begin");
        assert!(out.join(MANIFEST).exists() && !aside.exists());
        std::fs::remove_dir_all(&staging).expect("rm");
        // A directory of other files is not replaced, nor is a file.
        let other = dir.path().join("photos");
        std::fs::create_dir_all(&other).expect("mkdir");
        std::fs::write(other.join("a.jpg"), "x").expect("write");
        let e = begin(&other).expect_err("not a dataset");
        assert!(matches!(e, OutdirError::NotADataset(_)), "{e}");
        assert!(
            e.to_string().contains("not a jixiao output directory"),
            "{e}"
        );
        let file = dir.path().join("file");
        std::fs::write(&file, "x").expect("write");
        assert!(matches!(begin(&file), Err(OutdirError::NotADirectory(_))));
    }

    #[test]
    fn a_second_lock_names_the_run_holding_the_first() {
        let dir = tempfile::tempdir().expect("tmp");
        let out = dir.path().join("out");
        let first = lock(&out).expect("lock");
        let e = match lock(&out) {
            Err(e) => e,
            Ok(_) => panic!("a second lock was taken"),
        };
        let pid = std::process::id().to_string();
        assert!(
            matches!(&e, OutdirError::Busy { pid: p, .. } if *p == pid),
            "{e}"
        );
        assert!(e.to_string().contains(&format!("(pid {pid})")), "{e}");
        drop(first);
        assert!(!lock_path(&out).exists(), "released and removed");
        let _again = lock(&out).expect("free again");
    }
}
