//! CSV: one file per table, written a row at a time.

use crate::{Cell, DatasetError, Table};
use std::path::Path;

/// One table's CSV file, written a row at a time: UTF-8 with a byte-order mark (Excel
/// reads it as UTF-8), a header row, RFC 4180 quoting.
pub(crate) struct CsvStream {
    path: String,
    w: csv::Writer<std::io::BufWriter<std::fs::File>>,
}

impl CsvStream {
    pub fn create(dir: &Path, like: &Table) -> Result<CsvStream, DatasetError> {
        let path = dir.join(format!("{}.csv", like.name));
        let p = path.display().to_string();
        let io = |source| DatasetError::Io {
            path: p.clone(),
            source,
        };
        let mut file = std::fs::File::create(&path).map_err(io)?;
        std::io::Write::write_all(&mut file, "\u{feff}".as_bytes()).map_err(io)?;
        let mut w = csv::Writer::from_writer(std::io::BufWriter::new(file));
        w.write_record(like.columns.iter().map(|c| c.name))
            .map_err(|source| DatasetError::Csv {
                path: p.clone(),
                source,
            })?;
        Ok(CsvStream { path: p, w })
    }

    pub fn push(&mut self, rows: &[Vec<Cell>]) -> Result<(), DatasetError> {
        for row in rows {
            self.w
                .write_record(row.iter().map(Cell::csv))
                .map_err(|source| DatasetError::Csv {
                    path: self.path.clone(),
                    source,
                })?;
        }
        Ok(())
    }

    pub fn finish(mut self) -> Result<(), DatasetError> {
        self.w.flush().map_err(|source| DatasetError::Io {
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
