//! Watching publication sites: downloads the documents at given URLs, or linked from
//! given index pages, into a local store, skipping what has not changed.
//!
//! A seed URL that returns HTML is an index page: the documents it links to (by
//! extension: .pdf, .xlsx, .xls, .xlsm, .xlsb, .ods, .csv, .txt, .tsv) are fetched when
//! they lie under the seed's directory — nothing else is followed. A seed that returns
//! anything else is a document. Documents are fetched with `If-None-Match` /
//! `If-Modified-Since` from the previous run's ETag and Last-Modified; a `200` whose
//! SHA-256 equals the stored one is also unchanged. Every request has a time limit and
//! every body a size cap. The store keeps `store.json` (per URL: file, ETag,
//! Last-Modified, SHA-256, size) beside the files, all written through temporary files
//! and renames.

use regex::Regex;
use serde::{Deserialize, Serialize};
use sha2::{Digest, Sha256};
use std::collections::BTreeMap;
use std::path::Path;
use std::sync::LazyLock;
use std::time::Duration;

/// Extensions of the documents followed from index pages: what the readers take
/// (Word attachments and zip bundles of attachments included; `.doc` becomes an error
/// entry naming its format rather than a link passed over in silence).
pub const DOCUMENT_EXTENSIONS: [&str; 12] = [
    "pdf", "xlsx", "xls", "xlsm", "xlsb", "ods", "csv", "txt", "tsv", "docx", "doc", "zip",
];

/// The state file in the store.
pub const STATE: &str = "store.json";

/// Limits of a sync.
#[derive(Debug, Clone)]
pub struct Options {
    /// Time limit of each request, connection to last byte.
    pub timeout: Duration,
    /// Largest body accepted (bytes).
    pub max_bytes: u64,
    /// Most documents taken from one index page.
    pub max_links: usize,
}

impl Default for Options {
    fn default() -> Self {
        Options {
            timeout: Duration::from_secs(30),
            max_bytes: 200 * 1024 * 1024,
            max_links: 10_000,
        }
    }
}

/// Why the store could not be used at all (per-URL failures are in the [`Report`]).
#[derive(Debug, thiserror::Error)]
pub enum FetchError {
    /// The store directory or its state file could not be read or written.
    #[error("{path}: {source}")]
    Store {
        /// The path.
        path: String,
        /// The I/O error.
        source: std::io::Error,
    },
}

/// What happened to one URL.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(rename_all = "lowercase", tag = "status", content = "reason")]
pub enum Change {
    /// Not in the store before.
    New,
    /// In the store, with other content now.
    Changed,
    /// Not modified (304, or the same content).
    Unchanged,
    /// Could not be fetched (HTTP status, timeout, size cap, network).
    Failed(String),
}

/// One line of the report.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Item {
    /// The document's URL.
    pub url: String,
    /// What happened.
    #[serde(flatten)]
    pub change: Change,
    /// Where it is stored (relative to the store), when it is.
    pub file: Option<String>,
}

/// The outcome of a sync, in the order URLs were met.
#[derive(Debug, Clone, Default, Serialize)]
pub struct Report {
    /// Documents, and seeds that failed.
    pub items: Vec<Item>,
}

impl Report {
    /// How many items have this kind of change.
    pub fn count(&self, f: impl Fn(&Change) -> bool) -> usize {
        self.items.iter().filter(|i| f(&i.change)).count()
    }
}

#[derive(Debug, Clone, Default, Serialize, Deserialize)]
struct Entry {
    file: String,
    etag: Option<String>,
    last_modified: Option<String>,
    sha256: String,
    size: u64,
}

#[derive(Debug, Clone, Default, Serialize, Deserialize)]
struct State {
    documents: BTreeMap<String, Entry>,
}

fn store_err(path: &Path) -> impl Fn(std::io::Error) -> FetchError + '_ {
    move |source| FetchError::Store {
        path: path.display().to_string(),
        source,
    }
}

fn write_atomic(path: &Path, bytes: &[u8]) -> Result<(), FetchError> {
    if let Some(parent) = path.parent() {
        std::fs::create_dir_all(parent).map_err(store_err(parent))?;
    }
    let tmp = path.with_extension("part");
    std::fs::write(&tmp, bytes).map_err(store_err(&tmp))?;
    std::fs::rename(&tmp, path).map_err(store_err(path))
}

fn sha256_hex(bytes: &[u8]) -> String {
    Sha256::digest(bytes)
        .iter()
        .map(|b| format!("{b:02x}"))
        .collect()
}

/// `scheme://host[:port]` and the path of a URL (without query or fragment).
fn split(url: &str) -> Option<(String, String)> {
    let (scheme, rest) = url.split_once("://")?;
    if scheme != "http" && scheme != "https" {
        return None;
    }
    let rest = rest.split(['#', '?']).next().unwrap_or("");
    let (host, path) = match rest.find('/') {
        Some(i) => (&rest[..i], &rest[i..]),
        None => (rest, "/"),
    };
    Some((format!("{scheme}://{host}"), path.to_string()))
}

/// Resolves `href` against the page at `base`; `None` for other schemes.
pub fn resolve(base: &str, href: &str) -> Option<String> {
    let href = href.trim();
    if href.starts_with("javascript:") || href.starts_with("mailto:") {
        return None;
    }
    let (origin, base_path) = split(base)?;
    let joined = if href.contains("://") {
        return split(href).map(|(o, p)| format!("{o}{}", normalise(&p)));
    } else if let Some(rest) = href.strip_prefix("//") {
        let scheme = &origin[..origin.find(':')?];
        return resolve(base, &format!("{scheme}://{rest}"));
    } else if href.starts_with('/') {
        href.to_string()
    } else {
        let dir = &base_path[..base_path.rfind('/').map_or(0, |i| i + 1)];
        format!("{dir}{href}")
    };
    // The fragment is the browser's; the query names the document (`a.pdf?v=2`).
    let joined = joined.split('#').next().unwrap_or("");
    let (path, query) = match joined.split_once('?') {
        Some((p, q)) => (p, format!("?{q}")),
        None => (joined, String::new()),
    };
    Some(format!("{origin}{}{query}", normalise(path)))
}

/// The extension of a URL's last path segment (lowercase; empty without one).
fn url_extension(url: &str) -> String {
    let path = url.split(['#', '?']).next().unwrap_or("");
    path.rsplit('/')
        .next()
        .and_then(|n| n.rsplit_once('.'))
        .map(|(_, e)| e.to_ascii_lowercase())
        .unwrap_or_default()
}

fn normalise(path: &str) -> String {
    let mut out: Vec<&str> = Vec::new();
    for seg in path.split('/') {
        match seg {
            "" | "." => {}
            ".." => {
                out.pop();
            }
            s => out.push(s),
        }
    }
    let trailing = path.ends_with('/') && !out.is_empty();
    format!("/{}{}", out.join("/"), if trailing { "/" } else { "" })
}

/// The directory of a URL (up to and including the last `/` of its path): the prefix
/// links must start with to be followed.
pub fn scope(url: &str) -> Option<String> {
    let (origin, path) = split(url)?;
    let dir = &path[..path.rfind('/').map_or(0, |i| i + 1)];
    Some(format!("{origin}{}", normalise(dir)))
}

static HREF: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(r#"(?i)href\s*=\s*(?:"([^"]*)"|'([^']*)'|([^\s>]+))"#).expect("href regex")
});

/// Document links of an index page, resolved, under `scope`, deduplicated, in order.
pub fn document_links(base: &str, html: &str, scope: &str) -> Vec<String> {
    let mut out: Vec<String> = Vec::new();
    for c in HREF.captures_iter(html) {
        let href = c
            .get(1)
            .or(c.get(2))
            .or(c.get(3))
            .map_or("", |m| m.as_str());
        let href = href.replace("&amp;", "&");
        let Some(url) = resolve(base, &href) else {
            continue;
        };
        let ext = url_extension(&url);
        if url.starts_with(scope)
            && DOCUMENT_EXTENSIONS.contains(&ext.as_str())
            && !out.contains(&url)
        {
            out.push(url);
        }
    }
    out
}

/// Where a URL is stored: `host/path`, each segment reduced to safe characters, with
/// an extension from the content when the name has none the readers know. A query is
/// kept in the name, made safe and followed by the first 8 hex digits of its SHA-256,
/// so `a.pdf?v=1` and `a.pdf?v_1` are two files (`a_v_1_….pdf`), neither of them `a.pdf`.
fn store_path(url: &str, bytes: &[u8]) -> String {
    let (origin, path) = split(url).unwrap_or_default();
    let query = url
        .split('#')
        .next()
        .and_then(|u| u.split_once('?'))
        .map(|(_, q)| q)
        .filter(|q| !q.is_empty());
    let path = normalise(&path);
    let host = origin
        .rsplit("//")
        .next()
        .unwrap_or("host")
        .replace(':', "_");
    let safe = |s: &str| -> String {
        s.chars()
            .map(|c| {
                if c.is_alphanumeric() || "._-%".contains(c) {
                    c
                } else {
                    '_'
                }
            })
            .collect()
    };
    let mut segs: Vec<String> = vec![safe(&host)];
    segs.extend(
        path.split('/')
            .filter(|s| !s.is_empty() && *s != "." && *s != "..")
            .map(safe),
    );
    if segs.len() == 1 {
        segs.push("index".into());
    }
    if let Some(q) = query {
        let tag = format!("_{}_{}", safe(q), &sha256_hex(q.as_bytes())[..8]);
        if let Some(last) = segs.last_mut() {
            *last = match last.rsplit_once('.') {
                Some((stem, ext)) if !stem.is_empty() => format!("{stem}{tag}.{ext}"),
                _ => format!("{last}{tag}"),
            };
        }
    }
    let mut p = segs.join("/");
    let ext = p
        .rsplit_once('.')
        .map(|(_, e)| e.to_ascii_lowercase())
        .unwrap_or_default();
    if !DOCUMENT_EXTENSIONS.contains(&ext.as_str()) {
        let guess = if bytes.starts_with(b"%PDF") {
            "pdf"
        } else if bytes.starts_with(b"PK\x03\x04") {
            "xlsx"
        } else if bytes.starts_with(&[0xd0, 0xcf, 0x11, 0xe0]) {
            "xls"
        } else {
            "txt"
        };
        p = format!("{p}.{guess}");
    }
    p
}

fn looks_html(content_type: &str, body: &[u8]) -> bool {
    if content_type.to_ascii_lowercase().contains("text/html") {
        return true;
    }
    let head: Vec<u8> = body
        .iter()
        .skip_while(|b| b.is_ascii_whitespace())
        .take(15)
        .map(u8::to_ascii_lowercase)
        .collect();
    head.starts_with(b"<!doctype html") || head.starts_with(b"<html")
}

struct Fetched {
    status: u16,
    body: Vec<u8>,
    content_type: String,
    etag: Option<String>,
    last_modified: Option<String>,
}

fn get(agent: &ureq::Agent, url: &str, prev: Option<&Entry>, max: u64) -> Result<Fetched, String> {
    let mut req = agent.get(url);
    if let Some(p) = prev {
        if let Some(e) = &p.etag {
            req = req.header("If-None-Match", e);
        }
        if let Some(m) = &p.last_modified {
            req = req.header("If-Modified-Since", m);
        }
    }
    let mut resp = req.call().map_err(|e| match e {
        ureq::Error::Timeout(_) => "timed out".to_string(),
        e => e.to_string(),
    })?;
    let status = resp.status().as_u16();
    let header = |name: &str| {
        resp.headers()
            .get(name)
            .and_then(|v| v.to_str().ok())
            .map(str::to_string)
    };
    let (etag, last_modified) = (header("etag"), header("last-modified"));
    let content_type = header("content-type").unwrap_or_default();
    let body = if status == 200 {
        resp.body_mut()
            .with_config()
            .limit(max)
            .read_to_vec()
            .map_err(|e| match e {
                ureq::Error::BodyExceedsLimit(n) => format!("larger than the {n}-byte cap"),
                ureq::Error::Timeout(_) => "timed out".to_string(),
                e => e.to_string(),
            })?
    } else {
        Vec::new()
    };
    Ok(Fetched {
        status,
        body,
        content_type,
        etag,
        last_modified,
    })
}

/// Fetches every seed into the store at `dir` and reports what changed.
pub fn sync(seeds: &[String], dir: &Path, opts: &Options) -> Result<Report, FetchError> {
    std::fs::create_dir_all(dir).map_err(store_err(dir))?;
    let state_path = dir.join(STATE);
    let mut state: State = std::fs::read_to_string(&state_path)
        .ok()
        .and_then(|t| serde_json::from_str(&t).ok())
        .unwrap_or_default();
    let agent: ureq::Agent = ureq::Agent::config_builder()
        .timeout_global(Some(opts.timeout))
        .http_status_as_error(false)
        .max_redirects(5)
        .user_agent(concat!("jixiao/", env!("CARGO_PKG_VERSION")))
        .build()
        .into();
    let mut report = Report::default();
    for seed in seeds {
        let Some(seed_scope) = scope(seed) else {
            report.items.push(Item {
                url: seed.clone(),
                change: Change::Failed("not an http(s) URL".into()),
                file: None,
            });
            continue;
        };
        let prev = state.documents.get(seed).cloned();
        let first = match get(&agent, seed, prev.as_ref(), opts.max_bytes) {
            Ok(f) => f,
            Err(e) => {
                report.items.push(Item {
                    url: seed.clone(),
                    change: Change::Failed(e),
                    file: prev.map(|p| p.file),
                });
                continue;
            }
        };
        if first.status == 200 && looks_html(&first.content_type, &first.body) {
            let html = String::from_utf8_lossy(&first.body);
            let links = document_links(seed, &html, &seed_scope);
            tracing::info!(seed, links = links.len(), "index page");
            for url in links.into_iter().take(opts.max_links) {
                let prev = state.documents.get(&url).cloned();
                let r = get(&agent, &url, prev.as_ref(), opts.max_bytes);
                report.items.push(store(dir, &mut state, &url, prev, r)?);
            }
        } else {
            report
                .items
                .push(store(dir, &mut state, seed, prev, Ok(first))?);
        }
    }
    let json = serde_json::to_string_pretty(&state).unwrap_or_default();
    write_atomic(&state_path, json.as_bytes())?;
    Ok(report)
}

fn store(
    dir: &Path,
    state: &mut State,
    url: &str,
    prev: Option<Entry>,
    fetched: Result<Fetched, String>,
) -> Result<Item, FetchError> {
    let failed = |reason: String, prev: Option<Entry>| Item {
        url: url.to_string(),
        change: Change::Failed(reason),
        file: prev.map(|p| p.file),
    };
    let f = match fetched {
        Ok(f) => f,
        Err(e) => return Ok(failed(e, prev)),
    };
    match (f.status, &prev) {
        (304, Some(p)) => {
            return Ok(Item {
                url: url.to_string(),
                change: Change::Unchanged,
                file: Some(p.file.clone()),
            })
        }
        (200, _) => {}
        (s, _) => return Ok(failed(format!("HTTP {s}"), prev)),
    }
    let sha256 = sha256_hex(&f.body);
    let file = prev
        .as_ref()
        .map(|p| p.file.clone())
        .unwrap_or_else(|| store_path(url, &f.body));
    let change = match &prev {
        Some(p) if p.sha256 == sha256 && dir.join(&p.file).exists() => Change::Unchanged,
        Some(_) => Change::Changed,
        None => Change::New,
    };
    if change != Change::Unchanged {
        write_atomic(&dir.join(&file), &f.body)?;
    }
    state.documents.insert(
        url.to_string(),
        Entry {
            file: file.clone(),
            etag: f.etag,
            last_modified: f.last_modified,
            sha256,
            size: f.body.len() as u64,
        },
    );
    Ok(Item {
        url: url.to_string(),
        change,
        file: Some(file),
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn resolves_and_scopes_links() {
        let base = "http://example.org/gov/2024/index.html";
        assert_eq!(
            resolve(base, "a/b.pdf").as_deref(),
            Some("http://example.org/gov/2024/a/b.pdf")
        );
        assert_eq!(
            resolve(base, "../x.pdf").as_deref(),
            Some("http://example.org/gov/x.pdf")
        );
        assert_eq!(
            resolve(base, "/top.xlsx?v=1#p").as_deref(),
            Some("http://example.org/top.xlsx?v=1")
        );
        assert_eq!(
            resolve(base, "../a/./b.pdf?id=3&t=x").as_deref(),
            Some("http://example.org/gov/a/b.pdf?id=3&t=x")
        );
        assert_eq!(resolve(base, "mailto:a@b.c"), None);
        let html = r#"<a href="a.pdf">A</a> <a href='sub/b.xlsx'>B</a> <a href=../up.pdf>U</a>
            <a href="http://other.org/gov/2024/c.pdf">C</a> <a href="page.html">P</a>
            <a href="a.pdf">again</a> <a href="a.pdf?v=2">v2</a> <a href="附件/表.docx">W</a>
            <a href="all.ZIP">Z</a>"#;
        let s = scope(base).expect("scope");
        assert_eq!(s, "http://example.org/gov/2024/");
        assert_eq!(
            document_links(base, html, &s),
            vec![
                "http://example.org/gov/2024/a.pdf".to_string(),
                "http://example.org/gov/2024/sub/b.xlsx".to_string(),
                "http://example.org/gov/2024/a.pdf?v=2".to_string(),
                "http://example.org/gov/2024/附件/表.docx".to_string(),
                "http://example.org/gov/2024/all.ZIP".to_string(),
            ]
        );
    }

    #[test]
    fn store_paths_are_safe_and_keep_a_readable_extension() {
        assert_eq!(
            store_path("http://h.org:8080/a/../b/报告 1.pdf", b"%PDF"),
            "h.org_8080/b/报告_1.pdf"
        );
        // A query stays in the name, made unique by its hash.
        let q = |q: &str| sha256_hex(q.as_bytes())[..8].to_string();
        assert_eq!(
            store_path("http://h.org/download?id=3", b"%PDF-1.7"),
            format!("h.org/download_id_3_{}.pdf", q("id=3"))
        );
        let (a, b) = (
            store_path("http://h.org/d/declaration_004.pdf?v=1", b"%PDF"),
            store_path("http://h.org/d/declaration_004.pdf?v_1", b"%PDF"),
        );
        assert_eq!(a, format!("h.org/d/declaration_004_v_1_{}.pdf", q("v=1")));
        assert_ne!(a, b);
        assert_ne!(a, store_path("http://h.org/d/declaration_004.pdf", b"%PDF"));
    }
}
