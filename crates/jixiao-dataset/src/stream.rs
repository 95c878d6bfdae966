//! The dataset's tables written as records arrive.

use crate::DatasetError;
use jixiao_record::Record;
use jixiao_score::Finding;
use std::path::Path;

/// The workbook's path and the function that turns a record's `link` into its
/// hyperlink (see [`crate::write_xlsx`]).
pub type XlsxTarget<'p, 'a> = (&'p Path, &'a dyn Fn(&str) -> String);

/// The four tables written as records arrive: CSV rows streamed, Parquet a row group at
/// a time (65,536 rows, handed over 4,096 at a time), the workbook in constant-memory mode — so
/// the memory a dataset costs does not grow with the corpus. Files are complete only
/// after [`DatasetWriter::finish`].
pub struct DatasetWriter<'a> {
    csv: Vec<crate::csv_out::CsvStream>,
    parquet: Vec<crate::parquet_out::ParquetStream>,
    xlsx: Option<crate::xlsx_out::XlsxStream<'a>>,
}

impl<'a> DatasetWriter<'a> {
    /// Creates `DIR/<table>.csv` and `.parquet` for the four tables and, given its path
    /// and the link-to-hyperlink function of [`crate::write_xlsx`], the workbook.
    pub fn create(
        dir: &Path,
        xlsx: Option<XlsxTarget<'_, 'a>>,
    ) -> Result<DatasetWriter<'a>, DatasetError> {
        let empty = crate::tables(&[], &[]);
        Ok(DatasetWriter {
            csv: empty
                .iter()
                .map(|t| crate::csv_out::CsvStream::create(dir, t))
                .collect::<Result<_, _>>()?,
            parquet: empty
                .iter()
                .map(|t| crate::parquet_out::ParquetStream::create(dir, t))
                .collect::<Result<_, _>>()?,
            xlsx: match xlsx {
                Some((path, url_of)) => {
                    Some(crate::xlsx_out::XlsxStream::create(path, &empty, url_of)?)
                }
                None => None,
            },
        })
    }

    /// Adds the rows of `records` and of their `findings`.
    pub fn add(&mut self, records: &[Record], findings: &[Finding]) -> Result<(), DatasetError> {
        for (i, t) in crate::tables(records, findings).iter().enumerate() {
            self.csv[i].push(&t.rows)?;
            self.parquet[i].push(&t.rows)?;
            if let Some(x) = &mut self.xlsx {
                x.push(i, &t.rows)?;
            }
        }
        Ok(())
    }

    /// Writes what is buffered and closes every file.
    pub fn finish(self) -> Result<(), DatasetError> {
        for c in self.csv {
            c.finish()?;
        }
        for p in self.parquet {
            p.finish()?;
        }
        if let Some(x) = self.xlsx {
            x.finish()?;
        }
        Ok(())
    }
}

/// Writes the four tables of `records` and their `findings` (in their records' order, as
/// extract and score give them) `chunk` records at a time.
pub fn write_streamed(
    dir: &Path,
    xlsx: Option<XlsxTarget<'_, '_>>,
    records: &[Record],
    findings: &[Finding],
    chunk: usize,
) -> Result<(), DatasetError> {
    let mut w = DatasetWriter::create(dir, xlsx)?;
    // Each chunk takes the run of findings that names its records, the last chunk
    // whatever is left, so no row moves or is lost.
    let mut at = 0;
    let chunks: Vec<&[Record]> = records.chunks(chunk.max(1)).collect();
    for (k, part) in chunks.iter().enumerate() {
        let ids: std::collections::HashSet<&str> =
            part.iter().map(|r| r.record_id.as_str()).collect();
        let mut end = at;
        while end < findings.len()
            && (k + 1 == chunks.len() || ids.contains(findings[end].record_id.as_str()))
        {
            end += 1;
        }
        w.add(part, &findings[at..end])?;
        at = end;
    }
    if at < findings.len() {
        w.add(&[], &findings[at..])?;
    }
    w.finish()
}
