//! Watching publication sites: downloads the documents at given URLs, or linked from
//! given index pages, into a local store, keeping every version and saying what changed.
//!
//! A seed URL that returns HTML is an index page. Its documents (links by extension:
//! [`DOCUMENT_EXTENSIONS`]) are fetched when they are on the same site; its `下一页` /
//! `rel=next` pages are followed as more of the same list; other pages of the site under
//! the seed's directory (an article holding the attachments) are followed to
//! [`Options::depth`] links away. Nothing on another site is fetched (such links are
//! reported). A seed that returns anything else is a document.
//!
//! Documents are fetched with `If-None-Match` / `If-Modified-Since` from the previous
//! run's ETag and Last-Modified; a `200` whose SHA-256 equals the stored one is also
//! unchanged. A changed document keeps its earlier versions (the store is content
//! addressed, see [`store`]); a document its seed's pages stop listing is marked
//! withdrawn with the date, never deleted. Requests follow robots.txt, wait their turn per
//! site, and retry server errors with backoff (see [`Options`]); every request has a time
//! limit and every body a size cap.

mod client;
pub mod links;
pub mod store;

pub use client::ROBOTS_AGENT;
use client::{Client, Fetched};
use jixiao_record::revision::Version;
pub use links::DOCUMENT_EXTENSIONS;
use serde::Serialize;
use std::collections::{HashSet, VecDeque};
use std::path::Path;
use std::time::Duration;
pub use store::now;
pub use store::{
    documents, history, record_revisions, web_run, Document, Revised, WebRun, HISTORY, OBJECTS,
    STATE,
};
use store::{object_path, sha256_hex, store_err, today, write_atomic, Entry, State};

/// The User-Agent sent: the tool, its version, and what it does.
pub const USER_AGENT: &str = concat!(
    "jixiao/",
    env!("CARGO_PKG_VERSION"),
    " (budget-performance table reader; polite crawler, honours robots.txt)"
);

/// Limits of a sync.
#[derive(Debug, Clone)]
pub struct Options {
    /// Time limit of each request, connection to last byte.
    pub timeout: Duration,
    /// Largest body accepted (bytes).
    pub max_bytes: u64,
    /// Most documents taken from one seed's pages.
    pub max_links: usize,
    /// How many links away from a seed other pages of the site are followed (0: the
    /// seed and its next pages only; 1: also the pages it links to, such as articles).
    pub depth: u32,
    /// Most pages read for one seed (next pages included).
    pub max_pages: usize,
    /// Least time between two requests to one site (robots.txt `Crawl-delay` can make
    /// it longer). One request at a time per site.
    pub interval: Duration,
    /// Retries of a request that met a 5xx, a 429 or a timeout.
    pub retries: u32,
    /// Wait before the first retry; doubled for each next one (a `Retry-After` in
    /// seconds wins; at most 60 s).
    pub backoff: Duration,
    /// The User-Agent header.
    pub user_agent: String,
}

impl Default for Options {
    fn default() -> Self {
        Options {
            timeout: Duration::from_secs(30),
            max_bytes: 200 * 1024 * 1024,
            max_links: 10_000,
            depth: 1,
            max_pages: 500,
            interval: Duration::from_secs(1),
            retries: 3,
            backoff: Duration::from_secs(2),
            user_agent: USER_AGENT.to_string(),
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
    /// In the store, with other content now (the earlier version is kept).
    Changed,
    /// Not modified (304, or the same content).
    Unchanged,
    /// Its seed's pages no longer list it (kept, marked with the date).
    Withdrawn,
    /// Not requested (robots.txt disallows it).
    Skipped(String),
    /// Could not be fetched (HTTP status, timeout, size cap, network).
    Failed(String),
}

/// One line of the report.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Item {
    /// The document's (or failed page's) URL.
    pub url: String,
    /// What happened.
    #[serde(flatten)]
    pub change: Change,
    /// Where its current version is stored (relative to the store), when it is.
    pub file: Option<String>,
    /// SHA-256 of that version.
    pub sha256: Option<String>,
    /// The version it replaced (changed documents).
    pub previous: Option<Version>,
}

/// The outcome of a sync, in the order URLs were met.
#[derive(Debug, Clone, Default, Serialize)]
pub struct Report {
    /// Documents, and seeds and pages that failed.
    pub items: Vec<Item>,
    /// Pages read (seeds and the pages followed from them).
    pub pages: usize,
    /// Document links to other sites, not followed.
    pub elsewhere: Vec<String>,
}

impl Report {
    /// How many items have this kind of change.
    pub fn count(&self, f: impl Fn(&Change) -> bool) -> usize {
        self.items.iter().filter(|i| f(&i.change)).count()
    }
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

fn item(url: &str, change: Change, entry: Option<&Entry>) -> Item {
    Item {
        url: url.to_string(),
        change,
        file: entry.map(|e| e.file.clone()),
        sha256: entry.map(|e| e.sha256.clone()),
        previous: None,
    }
}

/// The directory of a URL (up to and including the last `/` of its path): pages
/// followed by depth must lie under the seed's.
fn directory(url: &str) -> Option<String> {
    let (origin, path) = links::split(url)?;
    let dir = &path[..path.rfind('/').map_or(0, |i| i + 1)];
    Some(format!("{origin}{}", links::normalise(dir)))
}

/// What the crawl of one seed found.
struct Crawl {
    /// Documents listed, in order.
    documents: Vec<String>,
    /// Whether every page was read (only then can a missing link mean withdrawn).
    complete: bool,
}

/// Fetches every seed into the store at `dir` and reports what changed.
pub fn sync(seeds: &[String], dir: &Path, opts: &Options) -> Result<Report, FetchError> {
    std::fs::create_dir_all(dir).map_err(store_err(dir))?;
    let mut state = State::load(dir);
    let mut client = Client::new(opts);
    let mut report = Report::default();
    let mut done: HashSet<String> = HashSet::new();
    for seed in seeds {
        let Some(crawl) = crawl(seed, dir, &mut state, &mut client, opts, &mut report)? else {
            continue;
        };
        for url in crawl.documents.iter().take(opts.max_links) {
            if !done.insert(url.clone()) {
                continue;
            }
            let prev = state.documents.get(url).cloned();
            let it = match client.allowed(url) {
                Err(why) if why.starts_with("disallowed") => {
                    item(url, Change::Skipped(why), prev.as_ref())
                }
                Err(why) => item(url, Change::Failed(why), prev.as_ref()),
                Ok(()) => {
                    let r = client.get(
                        url,
                        prev.as_ref().and_then(|p| p.etag.as_deref()),
                        prev.as_ref().and_then(|p| p.last_modified.as_deref()),
                    );
                    store(dir, &mut state, url, prev, r)?
                }
            };
            if let Some(e) = state.documents.get_mut(url) {
                e.listed_by = Some(seed.clone());
                e.withdrawn = None;
            }
            report.items.push(it);
        }
        if crawl.complete {
            let listed: HashSet<&String> = crawl.documents.iter().collect();
            for (url, e) in state.documents.iter_mut() {
                if e.listed_by.as_deref() == Some(seed.as_str())
                    && !listed.contains(url)
                    && e.withdrawn.is_none()
                {
                    e.withdrawn = Some(today());
                    report.items.push(item(url, Change::Withdrawn, Some(e)));
                }
            }
        }
    }
    state.save(dir)?;
    Ok(report)
}

/// Reads a seed's pages: the documents they list (a seed that is itself a document is
/// stored here, and `None` returned).
fn crawl(
    seed: &str,
    dir: &Path,
    state: &mut State,
    client: &mut Client,
    opts: &Options,
    report: &mut Report,
) -> Result<Option<Crawl>, FetchError> {
    let Some(scope) = directory(seed) else {
        report.items.push(item(
            seed,
            Change::Failed("not an http(s) URL".into()),
            None,
        ));
        return Ok(None);
    };
    let mut found = Crawl {
        documents: Vec::new(),
        complete: true,
    };
    let mut queue: VecDeque<(String, u32)> = VecDeque::from([(seed.to_string(), 0)]);
    let mut seen: HashSet<String> = HashSet::from([seed.to_string()]);
    let mut pages = 0;
    while let Some((page, depth)) = queue.pop_front() {
        if pages >= opts.max_pages {
            tracing::warn!(
                "{seed}: stopped after {pages} pages (the limit); {} more not read",
                queue.len() + 1
            );
            found.complete = false;
            break;
        }
        let is_seed = page == seed;
        let prev = is_seed
            .then(|| state.documents.get(seed).cloned())
            .flatten();
        if let Err(why) = client.allowed(&page) {
            let change = if why.starts_with("disallowed") {
                Change::Skipped(why)
            } else {
                Change::Failed(why)
            };
            report.items.push(item(&page, change, prev.as_ref()));
            found.complete = false;
            continue;
        }
        let r = client.get(
            &page,
            prev.as_ref().and_then(|p| p.etag.as_deref()),
            prev.as_ref().and_then(|p| p.last_modified.as_deref()),
        );
        pages += 1;
        report.pages += 1;
        let html = matches!(&r, Ok(f) if f.status == 200 && looks_html(&f.content_type, &f.body));
        if !html {
            if is_seed {
                report.items.push(store(dir, state, seed, prev, r)?);
                return Ok(None);
            }
            match r {
                // A page link that answered with a document: the document.
                Ok(f) if f.status == 200 => {
                    if !found.documents.contains(&page) {
                        found.documents.push(page);
                    }
                }
                Ok(f) => {
                    found.complete = false;
                    report.items.push(item(
                        &page,
                        Change::Failed(format!("HTTP {}", f.status)),
                        None,
                    ));
                }
                Err(e) => {
                    found.complete = false;
                    report.items.push(item(&page, Change::Failed(e), None));
                }
            }
            continue;
        }
        let Ok(f) = r else { continue };
        let l = links::links(&f.final_url, &f.body);
        tracing::info!(
            page,
            documents = l.documents.len(),
            next = l.next.len(),
            pages = l.pages.len(),
            "index page"
        );
        for d in l.documents {
            if !found.documents.contains(&d) {
                found.documents.push(d);
            }
        }
        for e in l.elsewhere {
            tracing::info!("{e}: on another site, not fetched (linked from {page})");
            if !report.elsewhere.contains(&e) {
                report.elsewhere.push(e);
            }
        }
        for n in l.next {
            if seen.insert(n.clone()) {
                queue.push_back((n, depth));
            }
        }
        if depth < opts.depth {
            for p in l.pages.into_iter().filter(|p| p.starts_with(&scope)) {
                if seen.insert(p.clone()) {
                    queue.push_back((p, depth + 1));
                }
            }
        }
    }
    Ok(Some(found))
}

fn store(
    dir: &Path,
    state: &mut State,
    url: &str,
    prev: Option<Entry>,
    fetched: Result<Fetched, String>,
) -> Result<Item, FetchError> {
    let f = match fetched {
        Ok(f) => f,
        Err(e) => return Ok(item(url, Change::Failed(e), prev.as_ref())),
    };
    let checked_at = now();
    match (f.status, prev) {
        (304, Some(mut p)) => {
            p.checked_at = Some(checked_at);
            let it = item(url, Change::Unchanged, Some(&p));
            state.documents.insert(url.to_string(), p);
            Ok(it)
        }
        (200, prev) => {
            let sha256 = sha256_hex(&f.body);
            let final_url = Some(f.final_url).filter(|u| u != url);
            if let Some(mut p) = prev
                .clone()
                .filter(|p| p.sha256 == sha256 && !p.file.is_empty() && dir.join(&p.file).exists())
            {
                p.etag = f.etag;
                p.last_modified = f.last_modified;
                p.checked_at = Some(checked_at);
                let it = item(url, Change::Unchanged, Some(&p));
                state.documents.insert(url.to_string(), p);
                return Ok(it);
            }
            let file = object_path(url, &sha256, &f.body);
            if !dir.join(&file).exists() {
                write_atomic(&dir.join(&file), &f.body)?;
            }
            let mut versions = prev
                .as_ref()
                .map(|p| p.versions.clone())
                .unwrap_or_default();
            let previous = prev.as_ref().map(|p| Version {
                sha256: p.sha256.clone(),
                file: p.file.clone(),
                fetched_at: p.fetched_at.clone(),
            });
            versions.extend(previous.clone());
            let entry = Entry {
                file,
                etag: f.etag,
                last_modified: f.last_modified,
                sha256,
                size: f.body.len() as u64,
                final_url,
                fetched_at: Some(checked_at.clone()),
                checked_at: Some(checked_at),
                listed_by: prev.as_ref().and_then(|p| p.listed_by.clone()),
                withdrawn: None,
                versions,
            };
            let mut it = item(
                url,
                if prev.is_some() {
                    Change::Changed
                } else {
                    Change::New
                },
                Some(&entry),
            );
            it.previous = previous;
            state.documents.insert(url.to_string(), entry);
            Ok(it)
        }
        (s, prev) => Ok(item(
            url,
            Change::Failed(format!("HTTP {s}")),
            prev.as_ref(),
        )),
    }
}
