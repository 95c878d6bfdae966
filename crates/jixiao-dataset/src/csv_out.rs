//! CSV: one file per table, written a row at a time.

use crate::{Cell, DatasetError, Table};
use jixiao_record::jsonl::Counting;
use std::path::Path;

/// One table's CSV file, written a file's rows at a time: UTF-8 with a byte-order mark
/// (Excel reads it as UTF-8), a header row, RFC 4180 quoting. Counts its bytes, so a
/// file's rows can be found again ([`crate::index`]) and copied in as they were.
pub(crate) struct CsvStream {
    path: String,
    /// Its file name (`forms.csv` …).
    name: String,
    out: Counting<std::io::BufWriter<std::fs::File>>,
    /// Data rows so far.
    rows: u64,
}

impl CsvStream {
    pub fn create(dir: &Path, like: &Table) -> Result<CsvStream, DatasetError> {
        let path = dir.join(format!("{}.csv", like.name));
        let p = path.display().to_string();
        let file = std::fs::File::create(&path).map_err(|source| DatasetError::Io {
            path: p.clone(),
            source,
        })?;
        let mut s = CsvStream {
            path: p,
            name: format!("{}.csv", like.name),
            out: Counting {
                inner: std::io::BufWriter::with_capacity(1 << 16, file),
                at: 0,
            },
            rows: 0,
        };
        s.raw("\u{feff}".as_bytes(), 0)?;
        let header = [like
            .columns
            .iter()
            .map(|c| Cell::Text(Some(c.name.into())))
            .collect()];
        s.push(&header)?;
        s.rows = 0;
        Ok(s)
    }

    /// Its file name (`forms.csv` …).
    pub fn name(&self) -> &str {
        &self.name
    }

    /// The file's path.
    pub fn path(&self) -> &str {
        &self.path
    }

    /// Bytes and data rows written so far.
    pub fn position(&self) -> (u64, u64) {
        (self.out.at, self.rows)
    }

    pub fn push(&mut self, rows: &[Vec<Cell>]) -> Result<(), DatasetError> {
        let err = |source| DatasetError::Csv {
            path: self.path.clone(),
            source,
        };
        let mut w = csv::WriterBuilder::new()
            .has_headers(false)
            .from_writer(&mut self.out);
        for row in rows {
            w.write_record(row.iter().map(Cell::csv)).map_err(err)?;
        }
        w.flush().map_err(|e| err(e.into()))?;
        drop(w);
        self.rows += rows.len() as u64;
        Ok(())
    }

    /// Appends `rows` rows as written before (bytes of an earlier file of this table).
    pub fn raw(&mut self, bytes: &[u8], rows: u64) -> Result<(), DatasetError> {
        std::io::Write::write_all(&mut self.out, bytes).map_err(|source| DatasetError::Io {
            path: self.path.clone(),
            source,
        })?;
        self.rows += rows;
        Ok(())
    }

    /// Appends `rows` rows as written before: the `len` bytes at `start` of `from` (an
    /// earlier file of this table, at `from_path`), copied file to file (by the kernel
    /// where it can: `copy_file_range` on Linux), not through memory.
    pub fn copy(
        &mut self,
        from: &std::fs::File,
        from_path: &str,
        (start, len): (u64, u64),
        rows: u64,
    ) -> Result<(), DatasetError> {
        use std::io::{Read, Seek, Write};
        let err = |source| DatasetError::Io {
            path: format!("{} (copying rows from {from_path})", self.path),
            source,
        };
        self.out.inner.flush().map_err(err)?;
        let mut src = from;
        src.seek(std::io::SeekFrom::Start(start)).map_err(err)?;
        let copied = std::io::copy(&mut src.take(len), self.out.inner.get_mut()).map_err(err)?;
        if copied != len {
            return Err(err(std::io::Error::new(
                std::io::ErrorKind::UnexpectedEof,
                format!("{copied} of {len} bytes at {start}"),
            )));
        }
        self.out.at += len;
        self.rows += rows;
        Ok(())
    }

    pub fn finish(mut self) -> Result<(), DatasetError> {
        std::io::Write::flush(&mut self.out).map_err(|source| DatasetError::Io {
            path: self.path,
            source,
        })
    }
}

/// Writes `DIR/<table>.csv` for every table: UTF-8 with a byte-order mark (Excel reads
/// it as UTF-8), a header row, RFC 4180 quoting.
pub fn write_csv(dir: &Path, tables: &[Table]) -> Result<(), DatasetError> {
    for t in tables {
        let mut w = CsvStream::create(dir, t)?;
        w.push(&t.rows)?;
        w.finish()?;
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn rows_are_copied_from_an_earlier_file_byte_for_byte() {
        let dir = tempfile::tempdir().unwrap_or_else(|e| panic!("{e}"));
        let like = &crate::tables(&[], &[])[0];
        let earlier = dir.path().join("earlier.csv");
        std::fs::write(&earlier, "xxa,1\nb,2\nyy").unwrap_or_else(|e| panic!("{e}"));
        let from = std::fs::File::open(&earlier).unwrap_or_else(|e| panic!("{e}"));
        let mut w = CsvStream::create(dir.path(), like).unwrap_or_else(|e| panic!("{e}"));
        let (head, _) = w.position();
        w.copy(&from, "earlier.csv", (2, 8), 2)
            .unwrap_or_else(|e| panic!("{e}"));
        assert_eq!(w.position(), (head + 8, 2));
        // Rows pushed after the copied ones follow them.
        let row = vec![Cell::Text(Some("c".into())); like.columns.len()];
        w.push(&[row]).unwrap_or_else(|e| panic!("{e}"));
        let (end, rows) = w.position();
        assert_eq!(rows, 3);
        // Past the end of the earlier file: an error naming both files and the shortfall.
        let e = match w.copy(&from, "earlier.csv", (8, 10), 1) {
            Err(e) => e.to_string(),
            Ok(()) => panic!("copied past the end"),
        };
        assert!(
            e.contains("forms.csv")
                && e.contains("earlier.csv")
                && e.contains("4 of 10 bytes at 8"),
            "{e}"
        );
        w.finish().unwrap_or_else(|e| panic!("{e}"));
        let written = std::fs::read(dir.path().join("forms.csv")).unwrap_or_else(|e| panic!("{e}"));
        let ours = &written[head as usize..end as usize];
        assert!(
            ours.starts_with(b"a,1\nb,2\nc,c,"),
            "{}",
            String::from_utf8_lossy(ours)
        );
    }
}
