//! The input files of a run: directories walked for the files the readers take, in a
//! deterministic order, with a count of what was passed over.
//!
//! [`READABLE`] is the one list of extensions a directory walk takes (formats are still
//! told apart by content once a file is read). The output directory is never walked
//! (`jixiao extract . -o out` must not read its own earlier tables), hidden files are
//! passed over silently, and every other file passed over is counted by its extension
//! ([`Inputs::skipped`]) so the summary can say `skipped: 3 .dat, 1 .mp4`.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

/// Extensions taken when a directory is walked (lowercase, no dot). A file named on the
/// command line is read whatever its name.
pub const READABLE: [&str; 19] = [
    "txt", "tsv", "csv", "xlsx", "xlsm", "xlsb", "xls", "ods", "pdf", "html", "htm", "docx", "doc",
    "zip", "png", "jpg", "jpeg", "tif", "tiff",
];

/// What the walk passed over without an extension.
pub const NO_EXTENSION: &str = "(no extension)";

/// Why the inputs could not be collected.
#[derive(Debug, thiserror::Error)]
pub enum InputError {
    /// A path named does not exist.
    #[error("{0}: no such file or directory")]
    NotFound(PathBuf),
}

/// The files of a run and what the walk passed over.
#[derive(Debug, Default, Clone, PartialEq)]
pub struct Inputs {
    /// Files to read: each directory's in path order, directories in the order given.
    pub files: Vec<PathBuf>,
    /// Files found in directories but not taken, by lowercase extension (with its dot,
    /// or [`NO_EXTENSION`]); hidden files are not counted.
    pub skipped: BTreeMap<String, usize>,
}

impl Inputs {
    /// `3 .dat, 1 .mp4`: the skipped files, most first; `None` when nothing was skipped.
    pub fn skipped_line(&self) -> Option<String> {
        if self.skipped.is_empty() {
            return None;
        }
        let mut by: Vec<(&String, &usize)> = self.skipped.iter().collect();
        by.sort_by(|a, b| b.1.cmp(a.1).then(a.0.cmp(b.0)));
        Some(
            by.iter()
                .map(|(ext, n)| format!("{n} {ext}"))
                .collect::<Vec<_>>()
                .join(", "),
        )
    }
}

fn extension(p: &Path) -> Option<String> {
    p.extension()
        .and_then(|x| x.to_str())
        .map(str::to_ascii_lowercase)
}

/// Expands directories of `paths` into their readable files (files named are taken as
/// they are); the directory `skip` (the run's output) is never entered.
pub fn collect(paths: &[PathBuf], skip: &Path) -> Result<Inputs, InputError> {
    let skip = std::fs::canonicalize(skip).ok();
    let mut out = Inputs::default();
    for p in paths {
        if p.is_dir() {
            let mut found: Vec<PathBuf> = Vec::new();
            let walk = walkdir::WalkDir::new(p)
                .follow_links(false)
                .into_iter()
                .filter_entry(|e| {
                    !e.file_type().is_dir()
                        || skip.is_none()
                        || std::fs::canonicalize(e.path()).ok() != skip
                });
            for e in walk.filter_map(Result::ok) {
                if !e.file_type().is_file() || e.file_name().to_string_lossy().starts_with('.') {
                    continue;
                }
                match extension(e.path()) {
                    Some(ext) if READABLE.contains(&ext.as_str()) => found.push(e.into_path()),
                    Some(ext) => *out.skipped.entry(format!(".{ext}")).or_default() += 1,
                    None => *out.skipped.entry(NO_EXTENSION.into()).or_default() += 1,
                }
            }
            found.sort();
            out.files.extend(found);
        } else if p.exists() {
            out.files.push(p.clone());
        } else {
            return Err(InputError::NotFound(p.clone()));
        }
    }
    Ok(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn touch(dir: &Path, name: &str) {
        let p = dir.join(name);
        std::fs::create_dir_all(p.parent().expect("parent")).expect("dir");
        std::fs::write(p, b"x").expect("write");
    }

    #[test]
    fn walks_readable_files_in_order_and_counts_the_rest() {
        let tmp = tempfile::tempdir().expect("tmp");
        let d = tmp.path();
        for name in [
            "b/form.PDF",
            "a.txt",
            "b/a.xlsx",
            "notes.dat",
            "more.DAT",
            "video.mp4",
            "README",
            ".hidden.pdf",
            "out/records.csv",
        ] {
            touch(d, name);
        }
        let got = collect(&[d.to_path_buf()], &d.join("out")).expect("collect");
        let names: Vec<String> = got
            .files
            .iter()
            .map(|p| {
                p.strip_prefix(d)
                    .expect("under")
                    .to_string_lossy()
                    .into_owned()
            })
            .collect();
        assert_eq!(names, ["a.txt", "b/a.xlsx", "b/form.PDF"]);
        assert_eq!(got.skipped.get(".dat"), Some(&2));
        assert_eq!(got.skipped.get(".mp4"), Some(&1));
        assert_eq!(got.skipped.get(NO_EXTENSION), Some(&1));
        assert_eq!(got.skipped.len(), 3, "{:?}", got.skipped);
        assert_eq!(
            got.skipped_line().as_deref(),
            Some("2 .dat, 1 (no extension), 1 .mp4")
        );
    }

    #[test]
    fn named_files_are_taken_whatever_their_name_and_missing_ones_are_errors() {
        let tmp = tempfile::tempdir().expect("tmp");
        touch(tmp.path(), "export.dat");
        let named = tmp.path().join("export.dat");
        let got = collect(std::slice::from_ref(&named), &tmp.path().join("out")).expect("ok");
        assert_eq!(got.files, vec![named]);
        assert_eq!(got.skipped_line(), None);
        let missing = tmp.path().join("nope.pdf");
        let err = collect(&[missing], tmp.path()).expect_err("missing");
        assert!(err.to_string().contains("nope.pdf: no such file"), "{err}");
    }
}
