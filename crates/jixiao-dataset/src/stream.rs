//! The dataset's tables written as records arrive.

use crate::{DatasetError, Table};
use jixiao_record::Record;
use jixiao_score::Finding;
use std::path::{Path, PathBuf};
use std::sync::mpsc::{sync_channel, SyncSender};
use std::thread::JoinHandle;

/// The function that turns a record's `link` into its hyperlink (see
/// [`crate::write_xlsx`]); owned, since the workbook is written by a thread of its own.
pub type UrlOf = Box<dyn Fn(&str) -> String + Send>;

/// The workbook's path and the function that turns a record's `link` into its
/// hyperlink.
pub type XlsxTarget<'p> = (&'p Path, UrlOf);

/// Files' tables the workbook's thread may have waiting (each one file's rows).
const XLSX_QUEUE: usize = 64;

/// What the workbook's thread is sent.
enum XlsxJob {
    /// A file's tables, to append.
    Rows(Vec<Table>),
    /// Give the workbook up: nothing is saved.
    Abandon,
}

/// The workbook, written by a thread of its own as the tables arrive: compressing it is
/// the largest part of writing the dataset, and the other tables need not wait for it.
struct XlsxThread {
    path: PathBuf,
    jobs: Option<SyncSender<XlsxJob>>,
    thread: Option<JoinHandle<Result<(), DatasetError>>>,
}

impl XlsxThread {
    fn start(path: &Path, url_of: UrlOf) -> Result<XlsxThread, DatasetError> {
        let (jobs, queue) = sync_channel::<XlsxJob>(XLSX_QUEUE);
        let at = path.to_path_buf();
        let thread = std::thread::Builder::new()
            .name("jixiao-xlsx".into())
            .spawn(move || {
                let empty = crate::tables(&[], &[]);
                let mut x = crate::xlsx_out::XlsxStream::create(&at, &empty, &*url_of)?;
                for job in queue {
                    match job {
                        XlsxJob::Rows(tables) => {
                            for (i, t) in tables.iter().enumerate() {
                                x.push(i, &t.rows)?;
                            }
                        }
                        // Dropping the stream removes its temporary sheets.
                        XlsxJob::Abandon => return Ok(()),
                    }
                }
                x.finish()
            })
            .map_err(|e| DatasetError::Xlsx {
                path: path.display().to_string(),
                message: format!("cannot start the workbook's thread: {e}"),
            })?;
        Ok(XlsxThread {
            path: path.to_path_buf(),
            jobs: Some(jobs),
            thread: Some(thread),
        })
    }

    /// What the thread ended with (a panic is an error naming the workbook).
    fn join(&mut self) -> Result<(), DatasetError> {
        self.jobs = None;
        match self.thread.take().map(JoinHandle::join) {
            None | Some(Ok(Ok(()))) => Ok(()),
            Some(Ok(Err(e))) => Err(e),
            Some(Err(_)) => Err(DatasetError::Xlsx {
                path: self.path.display().to_string(),
                message: "the workbook's thread panicked".into(),
            }),
        }
    }

    /// Hands a file's tables over; the thread's error when it has stopped.
    fn send(&mut self, tables: Vec<Table>) -> Result<(), DatasetError> {
        let sent = self
            .jobs
            .as_ref()
            .is_some_and(|j| j.send(XlsxJob::Rows(tables)).is_ok());
        if sent {
            return Ok(());
        }
        self.join()?;
        Err(DatasetError::Xlsx {
            path: self.path.display().to_string(),
            message: "the workbook's thread stopped".into(),
        })
    }

    /// Gives the workbook up: nothing is saved.
    fn abandon(&mut self) {
        if let Some(j) = self.jobs.take() {
            let _ = j.send(XlsxJob::Abandon);
        }
        let _ = self.join();
    }
}

impl Drop for XlsxThread {
    /// A writer dropped unfinished (an error elsewhere) saves no workbook.
    fn drop(&mut self) {
        if self.thread.is_some() {
            self.abandon();
        }
    }
}

/// The four tables written as records arrive: CSV rows streamed, Parquet a row group at
/// a time (65,536 rows, handed over 4,096 at a time), the workbook in constant-memory mode — so
/// the memory a dataset costs does not grow with the corpus. Files are complete only
/// after [`DatasetWriter::finish`].
pub struct DatasetWriter {
    /// Which of the four tables are written (their places in [`crate::tables`]).
    kept: Vec<usize>,
    csv: Vec<crate::csv_out::CsvStream>,
    parquet: Vec<crate::parquet_out::ParquetStream>,
    xlsx: Option<XlsxThread>,
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

impl DatasetWriter {
    /// Creates `DIR/<table>.csv` and `.parquet` for the four tables and, given its path
    /// and the link-to-hyperlink function of [`crate::write_xlsx`], the workbook (written
    /// by a thread of its own).
    pub fn create(dir: &Path, xlsx: Option<XlsxTarget<'_>>) -> Result<DatasetWriter, DatasetError> {
        let mut w = Self::tables_only(dir, &[])?;
        if let Some((path, url_of)) = xlsx {
            w.xlsx = Some(XlsxThread::start(path, url_of)?);
        }
        Ok(w)
    }

    /// Creates `DIR/<table>.csv` and `.parquet` of the tables named in `names` (all four
    /// when empty; unknown names are none), without a workbook: what `jixiao score`
    /// writes (the findings table alone).
    pub fn tables_only(dir: &Path, names: &[&str]) -> Result<DatasetWriter, DatasetError> {
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
        if let (Some(limit), Some(x)) = (self.xlsx_limit, &mut self.xlsx) {
            if self.rows > limit {
                // Nothing was saved; the stream's temporary sheets go with it.
                x.abandon();
                self.skipped = Some(XlsxSkipped {
                    path: x.path.clone(),
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
            x.send(tables)?;
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
        if let Some(mut x) = self.xlsx {
            x.join()?;
        }
        Ok(self.skipped)
    }
}
