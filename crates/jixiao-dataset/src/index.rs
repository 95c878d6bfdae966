//! The row index (`index.jsonl`): where each input file's results are in a dataset's
//! streamed files, so the next incremental run copies an unchanged file's lines and rows
//! as bytes instead of reading, parsing and writing them again.
//!
//! One line per input file, in the dataset's order: the byte range of its lines in
//! `records.jsonl`, `errors.jsonl`, `findings.jsonl` and each table's CSV, its rows per
//! table, and per record its id, its duplicate key ([`jixiao_record::DuplicateKey`]) and
//! the `duplicate_of` it was written with — what decides whether its lines can be copied
//! unchanged (an earlier copy of the same form that changed or went away changes
//! `duplicate_of`, and the record is written anew). Reading it keeps one offset per input
//! file in memory; a file's line is read when that file comes up.

use jixiao_record::DuplicateKey;
use serde::{Deserialize, Serialize};
use std::collections::{BTreeMap, HashMap};
use std::fs::File;
use std::io::BufRead;
use std::path::{Path, PathBuf};
use std::sync::{Arc, Mutex};

/// The index's file name in OUTDIR.
pub const INDEX: &str = "index.jsonl";
/// The records' file (a line each).
pub const RECORDS: &str = "records.jsonl";
/// The error entries' file (a line each).
pub const ERRORS: &str = "errors.jsonl";
/// The findings' file (a line each).
pub const FINDINGS: &str = "findings.jsonl";

/// Why the index or a previous dataset's bytes could not be read.
#[derive(Debug, thiserror::Error)]
pub enum IndexError {
    /// A file could not be read.
    #[error("{path}: {source}")]
    Io {
        /// The file.
        path: String,
        /// Why.
        source: std::io::Error,
    },
    /// A line of the index is not an index entry.
    #[error("{path}: {what}")]
    Bad {
        /// The file.
        path: String,
        /// What is wrong.
        what: String,
    },
}

/// Lines `[start, end)` (bytes) of one streamed file, `lines` of them.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Span {
    /// First byte.
    pub start: u64,
    /// One past the last byte.
    pub end: u64,
    /// Lines (or CSV rows) in it.
    pub lines: u64,
}

impl Span {
    /// Its length in bytes.
    pub fn len(&self) -> u64 {
        self.end - self.start
    }

    /// Whether it holds nothing.
    pub fn is_empty(&self) -> bool {
        self.end == self.start
    }
}

/// A record as the index keeps it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct FormRef {
    /// `record_id`.
    pub id: String,
    /// Its duplicate key as 32 hex digits (absent: no form key).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub key: Option<String>,
    /// The `duplicate_of` it was written with.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub duplicate_of: Option<String>,
}

impl FormRef {
    /// The entry of record `id` with duplicate key `key`, written with `duplicate_of`.
    pub fn new(id: &str, key: Option<DuplicateKey>, duplicate_of: Option<&str>) -> FormRef {
        FormRef {
            id: id.to_string(),
            key: key.map(|k| k.iter().map(|b| format!("{b:02x}")).collect()),
            duplicate_of: duplicate_of.map(str::to_string),
        }
    }

    /// Its duplicate key (`None` when it has none or it is not 32 hex digits).
    pub fn duplicate_key(&self) -> Option<DuplicateKey> {
        let hex = self.key.as_deref()?;
        if hex.len() != 32 {
            return None;
        }
        let mut k = [0u8; 16];
        for (i, b) in k.iter_mut().enumerate() {
            *b = u8::from_str_radix(hex.get(2 * i..2 * i + 2)?, 16).ok()?;
        }
        Some(k)
    }
}

/// Where a file's rows went in the Parquet files: its chunk (a row group per table,
/// see [`crate::DatasetWriter`]) and its place in it.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct ChunkPlace {
    /// The chunk's number in the run.
    pub chunk: u32,
    /// Files of the chunk before this one.
    pub files: u32,
    /// Row groups each table had before the chunk: the chunk's row group in a table
    /// where it has rows.
    pub groups: Vec<u32>,
    /// Whether the chunk ended with this file.
    #[serde(default, skip_serializing_if = "std::ops::Not::not")]
    pub last: bool,
}

/// One input file's line of the index.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct FileRows {
    /// The input file, as the manifest names it.
    pub path: String,
    /// Its lines in each streamed file, by the file's name (`records.jsonl`,
    /// `forms.csv` …).
    pub spans: BTreeMap<String, Span>,
    /// Its records, in order.
    pub forms: Vec<FormRef>,
    /// A digest of the web source its records were stamped with (`jixiao watch`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub web: Option<String>,
    /// Where its rows went in the Parquet files (absent without a dataset).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub parquet: Option<ChunkPlace>,
}

/// What [`RowIndex`] keeps of an input file's line.
#[derive(Debug, Clone, Copy)]
struct Entry {
    offset: u64,
    len: u32,
    rows: u64,
    /// Its chunk, its place in it, and whether the chunk ended with it.
    chunk: Option<(u32, u32, bool)>,
}

/// The previous dataset's index and its streamed files, read at the byte ranges the
/// index gives.
#[derive(Debug)]
pub struct RowIndex {
    dir: PathBuf,
    /// Per input file: where its line is in the index, its table rows and its chunk.
    at: HashMap<String, Entry>,
    /// The dataset's files read so far, by name, each opened once: threads read them at
    /// once, each at its own offset ([`read_at`]).
    open: Mutex<HashMap<String, Arc<File>>>,
}

fn io(path: &Path) -> impl Fn(std::io::Error) -> IndexError + '_ {
    move |source| IndexError::Io {
        path: path.display().to_string(),
        source,
    }
}

/// Reads `len` bytes at `offset` of `file`, without moving a cursor other threads
/// share (one positioned read where the system has them).
fn read_at(file: &File, offset: u64, len: u64) -> std::io::Result<Vec<u8>> {
    let mut buf = vec![0u8; len as usize];
    #[cfg(unix)]
    std::os::unix::fs::FileExt::read_exact_at(file, &mut buf, offset)?;
    // (A cloned handle would share the cursor: Windows reads at an offset too.)
    #[cfg(windows)]
    {
        let mut done = 0;
        while done < buf.len() {
            let at = offset + done as u64;
            match std::os::windows::fs::FileExt::seek_read(file, &mut buf[done..], at)? {
                0 => return Err(std::io::ErrorKind::UnexpectedEof.into()),
                n => done += n,
            }
        }
    }
    #[cfg(not(any(unix, windows)))]
    {
        let _ = (file, offset);
        return Err(std::io::ErrorKind::Unsupported.into());
    }
    Ok(buf)
}

impl RowIndex {
    /// The index of the dataset in `dir` (memory: an offset per input file).
    pub fn open(dir: &Path) -> Result<RowIndex, IndexError> {
        #[derive(Deserialize)]
        struct Head {
            path: String,
            #[serde(default)]
            spans: BTreeMap<String, Span>,
            #[serde(default)]
            parquet: Option<ChunkPlace>,
        }
        let path = dir.join(INDEX);
        let index = std::fs::File::open(&path).map_err(io(&path))?;
        let mut reader = std::io::BufReader::with_capacity(1 << 16, &index);
        let mut at = HashMap::new();
        let mut offset = 0u64;
        let mut line = String::new();
        loop {
            line.clear();
            let n = reader.read_line(&mut line).map_err(io(&path))?;
            if n == 0 {
                break;
            }
            let head: Head = serde_json::from_str(&line).map_err(|e| IndexError::Bad {
                path: path.display().to_string(),
                what: e.to_string(),
            })?;
            let rows = head
                .spans
                .iter()
                .filter(|(name, _)| name.ends_with(".csv"))
                .map(|(_, s)| s.lines)
                .sum();
            let entry = Entry {
                offset,
                len: n as u32,
                rows,
                chunk: head.parquet.map(|p| (p.chunk, p.files, p.last)),
            };
            at.insert(head.path, entry);
            offset += n as u64;
        }
        Ok(RowIndex {
            dir: dir.to_path_buf(),
            at,
            open: Mutex::default(),
        })
    }

    /// Reads `len` bytes at `offset` of the dataset's file `name`, opening it the first
    /// time.
    fn read(&self, name: &str, offset: u64, len: u64) -> std::io::Result<Vec<u8>> {
        let file = {
            let mut open = self
                .open
                .lock()
                .map_err(|_| std::io::Error::other("a thread reading the index failed"))?;
            match open.get(name) {
                Some(f) => Arc::clone(f),
                None => {
                    let f = Arc::new(File::open(self.dir.join(name))?);
                    open.insert(name.to_string(), Arc::clone(&f));
                    f
                }
            }
        };
        read_at(&file, offset, len)
    }

    /// Whether the index has a line for `path`.
    pub fn contains(&self, path: &str) -> bool {
        self.at.contains_key(path)
    }

    /// The table rows (all tables together) input `path` gave (0 when none or unknown).
    pub fn rows(&self, path: &str) -> u64 {
        self.at.get(path).map_or(0, |a| a.rows)
    }

    /// Input `path`'s chunk (the chunk's number, the files before it in the chunk, and
    /// whether the chunk ended with it), when it had one.
    pub fn chunk(&self, path: &str) -> Option<(u32, u32, bool)> {
        self.at.get(path)?.chunk
    }

    /// Each chunk's number and how many files it had, and whether it ended by
    /// [`crate::ends_chunk`] (a chunk the input ended in did not).
    pub fn chunks(&self) -> HashMap<u32, (u32, bool)> {
        let mut out: HashMap<u32, (u32, bool)> = HashMap::new();
        for (chunk, _, last) in self.at.values().filter_map(|e| e.chunk) {
            let c = out.entry(chunk).or_default();
            c.0 += 1;
            c.1 |= last;
        }
        out
    }

    /// The line of input `path`.
    pub fn get(&self, path: &str) -> Result<Option<FileRows>, IndexError> {
        let Some(&Entry { offset, len, .. }) = self.at.get(path) else {
            return Ok(None);
        };
        let p = self.dir.join(INDEX);
        let bytes = self.read(INDEX, offset, u64::from(len)).map_err(io(&p))?;
        serde_json::from_slice(&bytes)
            .map(Some)
            .map_err(|e| IndexError::Bad {
                path: p.display().to_string(),
                what: e.to_string(),
            })
    }

    /// The bytes `span` of the previous dataset's file `name`.
    pub fn bytes(&self, name: &str, span: Span) -> Result<Vec<u8>, IndexError> {
        let path = self.dir.join(name);
        if span.is_empty() {
            return Ok(Vec::new());
        }
        self.read(name, span.start, span.len())
            .map_err(|source| match source.kind() {
                std::io::ErrorKind::UnexpectedEof => IndexError::Bad {
                    path: path.display().to_string(),
                    what: format!(
                        "the index names bytes {}..{} past its end",
                        span.start, span.end
                    ),
                },
                _ => IndexError::Io {
                    path: path.display().to_string(),
                    source,
                },
            })
    }

    /// The items of `name` (a JSON Lines file) in `span`.
    pub fn items<T: serde::de::DeserializeOwned>(
        &self,
        name: &str,
        span: Span,
    ) -> Result<Vec<T>, IndexError> {
        let bytes = self.bytes(name, span)?;
        let mut out = Vec::with_capacity(span.lines as usize);
        for line in bytes.split(|&b| b == b'\n') {
            if line.iter().all(u8::is_ascii_whitespace) {
                continue;
            }
            out.push(serde_json::from_slice(line).map_err(|e| IndexError::Bad {
                path: self.dir.join(name).display().to_string(),
                what: e.to_string(),
            })?);
        }
        Ok(out)
    }
}

#[cfg(test)]
#[allow(clippy::unwrap_used)]
mod tests {
    use super::*;

    #[test]
    fn keys_round_trip_and_bad_keys_are_none() {
        let k = [7u8, 255, 0, 16, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12];
        let f = FormRef::new("abc-001", Some(k), Some("def-002"));
        assert_eq!(f.duplicate_key(), Some(k));
        let back: FormRef = serde_json::from_str(&serde_json::to_string(&f).unwrap()).unwrap();
        assert_eq!(back, f);
        let none = FormRef::new("abc-001", None, None);
        assert_eq!(none.duplicate_key(), None);
        assert_eq!(serde_json::to_string(&none).unwrap(), r#"{"id":"abc-001"}"#);
        let bad = FormRef {
            key: Some("zz".repeat(16)),
            ..f
        };
        assert_eq!(bad.duplicate_key(), None);
    }

    #[test]
    fn lines_are_found_by_path_and_spans_read_back() {
        let dir = tempfile::tempdir().unwrap();
        std::fs::write(
            dir.path().join("records.jsonl"),
            "{\"a\":1}\n{\"a\":2}\n{\"a\":3}\n",
        )
        .unwrap();
        let rows = |path: &str, start, end, lines| FileRows {
            path: path.into(),
            spans: BTreeMap::from([("records.jsonl".to_string(), Span { start, end, lines })]),
            ..Default::default()
        };
        let (a, b) = (rows("x/a.txt", 0, 8, 1), rows("x/b.txt", 8, 24, 2));
        let text = format!(
            "{}\n{}\n",
            serde_json::to_string(&a).unwrap(),
            serde_json::to_string(&b).unwrap()
        );
        std::fs::write(dir.path().join(INDEX), text).unwrap();
        let ix = RowIndex::open(dir.path()).unwrap();
        assert!(ix.contains("x/b.txt") && !ix.contains("x/c.txt"));
        assert_eq!(ix.get("x/b.txt").unwrap(), Some(b.clone()));
        assert_eq!(ix.get("x/c.txt").unwrap(), None);
        let items: Vec<serde_json::Value> =
            ix.items("records.jsonl", b.spans["records.jsonl"]).unwrap();
        assert_eq!(
            items,
            vec![serde_json::json!({"a": 2}), serde_json::json!({"a": 3})]
        );
        // A span past the file's end is an error naming the file, not a short read.
        let past = Span {
            start: 8,
            end: 99,
            lines: 1,
        };
        let e = ix.bytes("records.jsonl", past).unwrap_err().to_string();
        assert!(e.contains("records.jsonl") && e.contains("8..99"), "{e}");
    }
}
