//! JSON Lines, the format of `records.jsonl`, `errors.jsonl`, `findings.jsonl` and
//! `revisions.jsonl`: one writer that streams items to a temporary file and renames it
//! when complete (a killed run never leaves half a file under the real name) and counts
//! its bytes (an incremental run copies an input's earlier lines by their byte range, as
//! the dataset's row index keeps it), and one reader.

use serde::de::DeserializeOwned;
use serde::Serialize;
use std::io::{BufRead, BufWriter, Write};
use std::path::{Path, PathBuf};

/// What went wrong reading or writing a JSON Lines file.
#[derive(Debug, thiserror::Error)]
pub enum JsonlError {
    /// The file could not be read or written.
    #[error("{path}: {source}")]
    Io {
        /// The file.
        path: String,
        /// Why.
        source: std::io::Error,
    },
    /// A line is not the JSON of the expected item.
    #[error("{path}:{line}: not {what}: {source}")]
    Json {
        /// The file.
        path: String,
        /// 1-based line number.
        line: usize,
        /// What the line should have been (`a record`, `an error entry` …).
        what: &'static str,
        /// The parser's message.
        source: serde_json::Error,
    },
}

fn io(path: &Path) -> impl Fn(std::io::Error) -> JsonlError + '_ {
    move |source| JsonlError::Io {
        path: path.display().to_string(),
        source,
    }
}

/// Streams items to `PATH.tmp`, one JSON line each; [`JsonlWriter::finish`] renames it to
/// `PATH`. Memory: a 64 KiB buffer.
pub struct JsonlWriter {
    path: PathBuf,
    tmp: PathBuf,
    out: Counting<BufWriter<std::fs::File>>,
    lines: usize,
}

/// A writer that counts the bytes through it (where the next byte goes in its file).
#[derive(Debug)]
pub struct Counting<W> {
    /// The writer written through.
    pub inner: W,
    /// Bytes written so far.
    pub at: u64,
}

impl<W: Write> Write for Counting<W> {
    fn write(&mut self, buf: &[u8]) -> std::io::Result<usize> {
        let n = self.inner.write(buf)?;
        self.at += n as u64;
        Ok(n)
    }

    fn flush(&mut self) -> std::io::Result<()> {
        self.inner.flush()
    }
}

impl JsonlWriter {
    /// Creates the temporary file beside `path`.
    pub fn create(path: &Path) -> Result<JsonlWriter, JsonlError> {
        let tmp = path.with_extension("jsonl.tmp");
        let file = std::fs::File::create(&tmp).map_err(io(&tmp))?;
        Ok(JsonlWriter {
            path: path.to_path_buf(),
            tmp,
            out: Counting {
                inner: BufWriter::with_capacity(1 << 16, file),
                at: 0,
            },
            lines: 0,
        })
    }

    /// Appends one item as a line.
    pub fn push<T: Serialize>(&mut self, item: &T) -> Result<(), JsonlError> {
        serde_json::to_writer(&mut self.out, item).map_err(|e| JsonlError::Io {
            path: self.tmp.display().to_string(),
            source: e.into(),
        })?;
        self.out.write_all(b"\n").map_err(io(&self.tmp))?;
        self.lines += 1;
        Ok(())
    }

    /// Appends every item.
    pub fn extend<'a, T: Serialize + 'a>(
        &mut self,
        items: impl IntoIterator<Item = &'a T>,
    ) -> Result<(), JsonlError> {
        items.into_iter().try_for_each(|i| self.push(i))
    }

    /// Lines written so far.
    pub fn lines(&self) -> usize {
        self.lines
    }

    /// Bytes written so far: where the next line begins.
    pub fn position(&self) -> u64 {
        self.out.at
    }

    /// Appends `lines` lines as written before (`bytes`, each line ending in a newline).
    pub fn raw(&mut self, bytes: &[u8], lines: usize) -> Result<(), JsonlError> {
        self.out.write_all(bytes).map_err(io(&self.tmp))?;
        self.lines += lines;
        Ok(())
    }

    /// Flushes and renames the file to its name; returns the number of lines.
    pub fn finish(mut self) -> Result<usize, JsonlError> {
        self.out.flush().map_err(io(&self.tmp))?;
        std::fs::rename(&self.tmp, &self.path).map_err(io(&self.path))?;
        Ok(self.lines)
    }
}

/// Writes `items` to `path`, one line each, through a temporary file and a rename.
pub fn write_all<T: Serialize>(path: &Path, items: &[T]) -> Result<(), JsonlError> {
    let mut w = JsonlWriter::create(path)?;
    w.extend(items)?;
    w.finish().map(|_| ())
}

/// Every item of `path` (blank lines skipped); a line that is not `what` is an error
/// naming the file and line. Holds them all: for files of any size, [`items`].
pub fn read_all<T: DeserializeOwned>(
    path: &Path,
    what: &'static str,
) -> Result<Vec<T>, JsonlError> {
    items(path, what)?.collect()
}

/// The items of `path` one at a time, as they are read (blank lines skipped): memory is
/// one line, whatever the file's size. A line that is not `what` is an error naming the
/// file and line; reading may go on past it.
pub fn items<T: DeserializeOwned>(path: &Path, what: &'static str) -> Result<Items<T>, JsonlError> {
    let file = std::fs::File::open(path).map_err(io(path))?;
    Ok(Items {
        path: path.to_path_buf(),
        what,
        reader: std::io::BufReader::with_capacity(1 << 16, file),
        line: String::new(),
        number: 0,
        bytes: 0,
        item: std::marker::PhantomData,
    })
}

/// The items of a JSON Lines file, read one line at a time ([`items`]).
pub struct Items<T> {
    path: PathBuf,
    what: &'static str,
    reader: std::io::BufReader<std::fs::File>,
    line: String,
    number: usize,
    bytes: u64,
    item: std::marker::PhantomData<fn() -> T>,
}

impl<T> Items<T> {
    /// Bytes of the file read so far (for progress against its size).
    pub fn bytes_read(&self) -> u64 {
        self.bytes
    }
}

impl<T: DeserializeOwned> Iterator for Items<T> {
    type Item = Result<T, JsonlError>;

    fn next(&mut self) -> Option<Self::Item> {
        loop {
            self.line.clear();
            self.number += 1;
            match self.reader.read_line(&mut self.line) {
                Ok(0) => return None,
                Ok(n) => self.bytes += n as u64,
                Err(e) => return Some(Err(io(&self.path)(e))),
            }
            if self.line.trim().is_empty() {
                continue;
            }
            return Some(
                serde_json::from_str(&self.line).map_err(|source| JsonlError::Json {
                    path: self.path.display().to_string(),
                    line: self.number,
                    what: self.what,
                    source,
                }),
            );
        }
    }
}

#[cfg(test)]
#[allow(clippy::unwrap_used)]
mod tests {
    use super::*;

    #[derive(serde::Serialize, serde::Deserialize, Debug, PartialEq)]
    struct Item {
        file: String,
        n: u32,
    }

    fn item(file: &str, n: u32) -> Item {
        Item {
            file: file.into(),
            n,
        }
    }

    #[test]
    fn written_lines_read_back_and_a_bad_line_is_named() {
        let dir = std::env::temp_dir().join(format!("jixiao-jsonl-{}", std::process::id()));
        std::fs::create_dir_all(&dir).unwrap();
        let path = dir.join("x.jsonl");
        let items = vec![item("a", 1), item("a", 2), item("b", 3), item("a", 4)];
        let mut w = JsonlWriter::create(&path).unwrap();
        w.extend(&items).unwrap();
        assert!(
            !path.exists(),
            "only the temporary file exists before finish"
        );
        assert_eq!(w.finish().unwrap(), 4);
        assert_eq!(read_all::<Item>(&path, "an item").unwrap(), items);
        std::fs::write(&path, "{\"file\":\"a\",\"n\":1}\nnot json\n").unwrap();
        let e = read_all::<Item>(&path, "an item").unwrap_err().to_string();
        assert!(e.contains("x.jsonl:2: not an item"), "{e}");
        std::fs::remove_dir_all(&dir).unwrap();
    }

    #[test]
    fn items_come_one_line_at_a_time_and_a_bad_line_is_named() {
        let dir = std::env::temp_dir().join(format!("jixiao-items-{}", std::process::id()));
        std::fs::create_dir_all(&dir).unwrap();
        let path = dir.join("y.jsonl");
        std::fs::write(
            &path,
            "{\"file\":\"a\",\"n\":1}\n\n  \r\n{\"file\":\"b\",\"n\":2}\r\n{\"file\":3}\n{\"file\":\"c\",\"n\":4}",
        )
        .unwrap();
        let mut it = items::<Item>(&path, "an item").unwrap();
        assert_eq!(it.next().unwrap().unwrap(), item("a", 1));
        // Blank lines are skipped but counted: the bad line is the file's fifth.
        assert_eq!(it.next().unwrap().unwrap(), item("b", 2));
        let e = it.next().unwrap().unwrap_err().to_string();
        assert!(e.contains("y.jsonl:5: not an item"), "{e}");
        // The last line needs no newline; after it, nothing.
        assert_eq!(it.next().unwrap().unwrap(), item("c", 4));
        assert!(it.next().is_none());
        assert_eq!(it.bytes_read(), std::fs::metadata(&path).unwrap().len());
        assert!(items::<Item>(&dir.join("none.jsonl"), "an item").is_err());
        std::fs::remove_dir_all(&dir).unwrap();
    }
}
