//! The store: every version of every document kept under its content's SHA-256
//! (`objects/3f/3f9a…c2.pdf`), and `store.json` saying, per URL, which version is
//! current, its earlier versions, the server's validators, when it was fetched and
//! whether the index pages still list it. Written through temporary files and renames.

use crate::links::{url_extension, DOCUMENT_EXTENSIONS};
use crate::FetchError;
use jixiao_record::revision::{Revision, Version};
use jixiao_record::WebSource;
use serde::{Deserialize, Serialize};
use sha2::{Digest, Sha256};
use std::collections::{BTreeMap, HashMap};
use std::io::Write;
use std::path::{Path, PathBuf};

/// The state file in the store.
pub const STATE: &str = "store.json";
/// The folder of document versions in the store.
pub const OBJECTS: &str = "objects";
/// Every revision found so far, one JSON line each, oldest first.
pub const HISTORY: &str = "revisions.jsonl";

/// What the store knows of one URL.
#[derive(Debug, Clone, Default, Serialize, Deserialize)]
pub(crate) struct Entry {
    /// The current version's file, relative to the store.
    pub file: String,
    pub etag: Option<String>,
    pub last_modified: Option<String>,
    pub sha256: String,
    pub size: u64,
    /// Where the current version came from after redirects, when not the URL.
    #[serde(default)]
    pub final_url: Option<String>,
    /// When the current version was downloaded.
    #[serde(default)]
    pub fetched_at: Option<String>,
    /// When the server was last asked.
    #[serde(default)]
    pub checked_at: Option<String>,
    /// The seed whose pages listed it (absent: given as a seed itself).
    #[serde(default)]
    pub listed_by: Option<String>,
    /// Date the seed's pages stopped listing it.
    #[serde(default)]
    pub withdrawn: Option<String>,
    /// Earlier versions, oldest first.
    #[serde(default)]
    pub versions: Vec<Version>,
}

#[derive(Debug, Clone, Default, Serialize, Deserialize)]
pub(crate) struct State {
    pub documents: BTreeMap<String, Entry>,
}

/// A document of the store as the extract run sees it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Document {
    /// Its URL.
    pub url: String,
    /// Its current version's file, relative to the store.
    pub file: String,
    /// SHA-256 of that file.
    pub sha256: String,
    /// Provenance for its records.
    pub web: WebSource,
}

pub(crate) fn store_err(path: &Path) -> impl Fn(std::io::Error) -> FetchError + '_ {
    move |source| FetchError::Store {
        path: path.display().to_string(),
        source,
    }
}

pub(crate) fn write_atomic(path: &Path, bytes: &[u8]) -> Result<(), FetchError> {
    if let Some(parent) = path.parent() {
        std::fs::create_dir_all(parent).map_err(store_err(parent))?;
    }
    let tmp = path.with_extension("part");
    std::fs::write(&tmp, bytes).map_err(store_err(&tmp))?;
    std::fs::rename(&tmp, path).map_err(store_err(path))
}

pub(crate) fn sha256_hex(bytes: &[u8]) -> String {
    Sha256::digest(bytes)
        .iter()
        .map(|b| format!("{b:02x}"))
        .collect()
}

/// Now, RFC 3339 in UTC to the second.
pub fn now() -> String {
    chrono::Utc::now().to_rfc3339_opts(chrono::SecondsFormat::Secs, true)
}

/// Today's date in UTC.
pub(crate) fn today() -> String {
    chrono::Utc::now().format("%Y-%m-%d").to_string()
}

/// Where a version is kept: `objects/<first two hex digits>/<sha256>.<ext>`, the
/// extension the URL's when the readers know it, else guessed from the bytes.
pub(crate) fn object_path(url: &str, sha256: &str, bytes: &[u8]) -> String {
    let ext = url_extension(url);
    let ext = if DOCUMENT_EXTENSIONS.contains(&ext.as_str()) {
        ext
    } else {
        guess_extension(bytes).to_string()
    };
    format!(
        "{OBJECTS}/{}/{sha256}.{ext}",
        &sha256[..2.min(sha256.len())]
    )
}

fn guess_extension(bytes: &[u8]) -> &'static str {
    let has = |needle: &[u8]| bytes.windows(needle.len()).any(|w| w == needle);
    if bytes.starts_with(b"%PDF") {
        "pdf"
    } else if bytes.starts_with(b"PK\x03\x04") {
        if has(b"word/") {
            "docx"
        } else if has(b"xl/") {
            "xlsx"
        } else {
            "zip"
        }
    } else if bytes.starts_with(&[0xd0, 0xcf, 0x11, 0xe0]) {
        "xls"
    } else {
        "txt"
    }
}

impl State {
    pub(crate) fn load(dir: &Path) -> State {
        std::fs::read_to_string(dir.join(STATE))
            .ok()
            .and_then(|t| serde_json::from_str(&t).ok())
            .unwrap_or_default()
    }

    pub(crate) fn save(&self, dir: &Path) -> Result<(), FetchError> {
        let json = serde_json::to_string_pretty(self).unwrap_or_default();
        write_atomic(&dir.join(STATE), json.as_bytes())
    }
}

/// The documents of the store at `dir`, by URL: the current version of each, withdrawn
/// ones included (marked). An empty list when the store has no state yet.
pub fn documents(dir: &Path) -> Vec<Document> {
    State::load(dir)
        .documents
        .into_iter()
        .filter(|(_, e)| !e.file.is_empty())
        .map(|(url, e)| Document {
            web: WebSource {
                url: Some(url.clone()),
                final_url: e.final_url,
                fetched_at: e.fetched_at,
                etag: e.etag,
                last_modified: e.last_modified,
                withdrawn: e.withdrawn,
            },
            url,
            file: e.file,
            sha256: e.sha256,
        })
        .collect()
}

/// Every revision recorded in the store at `dir`, oldest first (lines that do not parse
/// are passed over with a warning).
pub fn history(dir: &Path) -> Vec<Revision> {
    let Ok(text) = std::fs::read_to_string(dir.join(HISTORY)) else {
        return Vec::new();
    };
    text.lines()
        .filter(|l| !l.trim().is_empty())
        .filter_map(|l| match serde_json::from_str(l) {
            Ok(r) => Some(r),
            Err(e) => {
                tracing::warn!("{}: a line that is not a revision: {e}", HISTORY);
                None
            }
        })
        .collect()
}

/// Adds revisions to the store's history.
pub fn record_revisions(dir: &Path, revisions: &[Revision]) -> Result<(), FetchError> {
    if revisions.is_empty() {
        return Ok(());
    }
    let path = dir.join(HISTORY);
    let mut f = std::fs::OpenOptions::new()
        .create(true)
        .append(true)
        .open(&path)
        .map_err(store_err(&path))?;
    let mut text = String::new();
    for r in revisions {
        text.push_str(&serde_json::to_string(r).unwrap_or_default());
        text.push('\n');
    }
    f.write_all(text.as_bytes()).map_err(store_err(&path))
}

/// A document whose content changed in this sync.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Revised {
    /// Its URL.
    pub url: String,
    /// The version before (`file` named as the extract run names it).
    pub old: Version,
    /// The version now.
    pub new: Version,
}

/// What an extract run over the store needs to know of the web.
#[derive(Debug, Clone, Default)]
pub struct WebRun {
    /// The current version of every document (withdrawn ones too), once each.
    pub files: Vec<PathBuf>,
    /// Where each file came from, by its name in records (`/`-separated path).
    pub sources: HashMap<String, WebSource>,
    /// Documents revised in this sync.
    pub revised: Vec<Revised>,
    /// Revisions found by earlier syncs, oldest first.
    pub history: Vec<Revision>,
}

/// A path as records name it.
fn name(p: &Path) -> String {
    p.to_string_lossy().replace('\\', "/")
}

/// The [`WebRun`] of the store at `dir` after a sync that gave `report`.
pub fn web_run(dir: &Path, report: &crate::Report) -> WebRun {
    let mut run = WebRun {
        history: history(dir),
        ..WebRun::default()
    };
    for d in documents(dir) {
        let path = dir.join(&d.file);
        let key = name(&path);
        if !run.sources.contains_key(&key) {
            run.files.push(path);
            run.sources.insert(key, d.web);
        }
    }
    let version = |v: &Version| Version {
        file: name(&dir.join(&v.file)),
        ..v.clone()
    };
    for it in &report.items {
        if let (crate::Change::Changed, Some(prev), Some(file), Some(sha)) =
            (&it.change, &it.previous, &it.file, &it.sha256)
        {
            let key = name(&dir.join(file));
            run.revised.push(Revised {
                url: it.url.clone(),
                old: version(prev),
                new: Version {
                    sha256: sha.clone(),
                    fetched_at: run.sources.get(&key).and_then(|w| w.fetched_at.clone()),
                    file: key,
                },
            });
        }
    }
    run
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn versions_are_kept_by_content_with_a_readable_extension() {
        let sha = sha256_hex(b"%PDF-1.7");
        assert_eq!(
            object_path("http://h.org/download?id=3", &sha, b"%PDF-1.7"),
            format!("objects/{}/{sha}.pdf", &sha[..2])
        );
        assert!(object_path("http://h.org/a.xlsx?v=1", &sha, b"PK\x03\x04").ends_with(".xlsx"));
        assert!(
            object_path("http://h.org/get", &sha, b"PK\x03\x04..word/document.xml")
                .ends_with(".docx")
        );
        assert!(object_path("http://h.org/get", &sha, b"PK\x03\x04..").ends_with(".zip"));
        assert!(object_path("http://h.org/表.txt", &sha, b"x").ends_with(".txt"));
    }
}
