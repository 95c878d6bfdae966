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
    /// Which of the four tables are written (their places in [`crate::tables`]).
    kept: Vec<usize>,
    csv: Vec<crate::csv_out::CsvStream>,
    parquet: Vec<crate::parquet_out::ParquetStream>,
    xlsx: Option<crate::xlsx_out::XlsxStream<'a>>,
    /// Data rows of all tables so far.
    rows: usize,
    /// The workbook's limit ([`DEFAULT_XLSX_MAX_ROWS`]; `None`: none).
    xlsx_limit: Option<usize>,
    /// Set when the workbook was given up for the limit.
    skipped: Option<XlsxSkipped>,
}

/// Data rows (all four tables together) past which the dataset workbook is not written:
/// Excel takes at most 1,048,576 rows a sheet and needs gigabytes and minutes to open
/// a workbook of millions (the tables continue on sheets of their own up to the limit);
/// the CSV and Parquet files hold every row at any size.
pub const DEFAULT_XLSX_MAX_ROWS: usize = 2_000_000;

/// Why the dataset workbook was not written: the tables passed its row limit.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct XlsxSkipped {
    /// The workbook that was not written.
    pub path: std::path::PathBuf,
    /// The limit.
    pub limit: usize,
}

impl std::fmt::Display for XlsxSkipped {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(
            f,
            "{} not written: the tables hold more than {} rows (--xlsx-max-rows); \
             use forms.csv, funds.csv, indicators.csv and findings.csv beside it, or the \
             .parquet files (pandas, polars and DuckDB read them at any size)",
            self.path.display(),
            self.limit
        )
    }
}

impl<'a> DatasetWriter<'a> {
    /// Creates `DIR/<table>.csv` and `.parquet` for the four tables and, given its path
    /// and the link-to-hyperlink function of [`crate::write_xlsx`], the workbook.
    pub fn create(
        dir: &Path,
        xlsx: Option<XlsxTarget<'_, 'a>>,
    ) -> Result<DatasetWriter<'a>, DatasetError> {
        let mut w = Self::tables_only(dir, &[])?;
        if let Some((path, url_of)) = xlsx {
            let empty = crate::tables(&[], &[]);
            w.xlsx = Some(crate::xlsx_out::XlsxStream::create(path, &empty, url_of)?);
        }
        Ok(w)
    }

    /// Creates `DIR/<table>.csv` and `.parquet` of the tables named in `names` (all four
    /// when empty; unknown names are none), without a workbook: what `jixiao score`
    /// writes (the findings table alone).
    pub fn tables_only(dir: &Path, names: &[&str]) -> Result<DatasetWriter<'a>, DatasetError> {
        let empty = crate::tables(&[], &[]);
        let kept: Vec<usize> = (0..empty.len())
            .filter(|&i| names.is_empty() || names.contains(&empty[i].name))
            .collect();
        Ok(DatasetWriter {
            csv: kept
                .iter()
                .map(|&i| crate::csv_out::CsvStream::create(dir, &empty[i]))
                .collect::<Result<_, _>>()?,
            parquet: kept
                .iter()
                .map(|&i| crate::parquet_out::ParquetStream::create(dir, &empty[i]))
                .collect::<Result<_, _>>()?,
            kept,
            xlsx: None,
            rows: 0,
            xlsx_limit: Some(DEFAULT_XLSX_MAX_ROWS),
            skipped: None,
        })
    }

    /// Sets the workbook's row limit (`None`: always write it).
    pub fn with_xlsx_limit(mut self, limit: Option<usize>) -> Self {
        self.xlsx_limit = limit;
        self
    }

    /// Adds the rows of `records` and of their `findings`.
    pub fn add(&mut self, records: &[Record], findings: &[Finding]) -> Result<(), DatasetError> {
        let tables = crate::tables(records, findings);
        self.rows += tables.iter().map(|t| t.rows.len()).sum::<usize>();
        if let (Some(limit), Some(x)) = (self.xlsx_limit, &self.xlsx) {
            if self.rows > limit {
                // Dropping the stream removes its temporary sheets; nothing was saved.
                self.skipped = Some(XlsxSkipped {
                    path: x.path().into(),
                    limit,
                });
                self.xlsx = None;
            }
        }
        for (k, &i) in self.kept.iter().enumerate() {
            self.csv[k].push(&tables[i].rows)?;
            self.parquet[k].push(&tables[i].rows)?;
        }
        if let Some(x) = &mut self.xlsx {
            for (i, t) in tables.iter().enumerate() {
                x.push(i, &t.rows)?;
            }
        }
        Ok(())
    }

    /// Writes what is buffered and closes every file; says so when the workbook was not
    /// written for its row limit.
    pub fn finish(self) -> Result<Option<XlsxSkipped>, DatasetError> {
        for c in self.csv {
            c.finish()?;
        }
        for p in self.parquet {
            p.finish()?;
        }
        if let Some(x) = self.xlsx {
            x.finish()?;
        }
        Ok(self.skipped)
    }
}
