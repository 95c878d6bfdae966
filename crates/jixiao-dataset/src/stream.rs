//! The dataset's tables written as records arrive.

use crate::index::ChunkPlace;
use crate::{DatasetError, Table};
use jixiao_record::Record;
use jixiao_score::Finding;
use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::sync::mpsc::{sync_channel, SyncSender};
use std::thread::JoinHandle;

/// The function that turns a record's `link` into its hyperlink (see
/// [`crate::write_xlsx`]); owned, since the workbook is written by a thread of its own.
pub type UrlOf = Box<dyn Fn(&str) -> String + Send>;

/// The workbook's path and the function that turns a record's `link` into its
/// hyperlink.
pub type XlsxTarget<'p> = (&'p Path, UrlOf);

/// Files' tables the workbook's thread may have waiting (each one file's rows, cloned
/// for it). Enough to even out files of different sizes; an incremental run copies rows
/// faster than the workbook takes them, so the queue stays full: at 64 it held 21 MB of
/// the 55 MB heap peak of the 1k bench's 1 %-changed run (heaptrack).
const XLSX_QUEUE: usize = 4;

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
/// a time (rows handed over 4,096 at a time), the workbook in constant-memory mode — so
/// the memory a dataset costs does not grow with the corpus. Files are complete only
/// after [`DatasetWriter::finish`].
///
/// Parquet row groups are cut between input files, where [`ends_chunk`] says (a rule
/// that looks at the file alone), so a run over the same files cuts them at the same
/// places, and an incremental run copies the row groups of unchanged stretches of files
/// from the previous dataset as they are ([`DatasetWriter::add_copied`]) instead of
/// encoding their rows again.
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
    /// The open chunk: its rows per table, its number and files so far.
    chunk: Chunk,
    /// The previous dataset's Parquet files, one per kept table, to copy row groups from.
    previous: Option<Vec<crate::parquet_out::OldParquet>>,
    /// The previous dataset's CSV files (with their paths), one per kept table, to copy
    /// unchanged files' rows from.
    previous_csv: Option<Vec<(std::fs::File, String)>>,
    /// Files of the open chunk copied from one chunk of the previous dataset, their rows
    /// not yet encoded (they need not be, if the chunk turns out to be that one whole).
    copying: Option<Copying>,
    /// Rows a chunk holds on average ([`CHUNK_ROWS`]).
    chunk_rows: u64,
}

/// The open chunk of files (a row group per table).
#[derive(Default)]
struct Chunk {
    number: u32,
    files: u32,
    rows: Vec<u64>,
    /// Row groups each table had when it began.
    groups: Vec<u32>,
}

/// Files copied from the previous chunk `from.chunk`, in its order from its first.
struct Copying {
    from: ChunkPlace,
    files: Vec<Deferred>,
}

/// A copied file's lines, kept in case its rows must be encoded after all.
struct Deferred {
    records: Vec<u8>,
    findings: Vec<u8>,
    /// Whether its chunk ended with it in the previous dataset.
    last: bool,
}

impl Deferred {
    /// The tables of the file's records and findings, read back from its lines.
    fn tables(&self, path: String) -> Result<Vec<Table>, DatasetError> {
        fn items<T: serde::de::DeserializeOwned>(
            bytes: &[u8],
            path: &str,
        ) -> Result<Vec<T>, DatasetError> {
            bytes
                .split(|&b| b == b'\n')
                .filter(|l| !l.iter().all(u8::is_ascii_whitespace))
                .map(|l| {
                    serde_json::from_slice(l).map_err(|e| DatasetError::Previous {
                        path: path.to_string(),
                        message: e.to_string(),
                    })
                })
                .collect()
        }
        let records: Vec<Record> = items(&self.records, &path)?;
        let findings: Vec<Finding> = items(&self.findings, &path)?;
        Ok(crate::tables(&records, &findings))
    }
}

/// Rows (all tables together) a chunk of files holds on average: a row group of each
/// table per chunk. Smaller chunks let an incremental run copy more of the Parquet files
/// (a changed file costs its chunk's encoding); larger ones make fewer row groups.
pub const CHUNK_ROWS: u64 = 8_192;
/// Rows (all tables together) past which a chunk ends whatever its files: bounds the
/// memory of the open row groups' encoded pages.
pub const CHUNK_CAP: u64 = 8 * CHUNK_ROWS;

/// Whether a chunk ends after input file `path`, which gave `rows` rows: it does with
/// probability `rows / chunk_rows` ([`CHUNK_ROWS`]), decided by a hash of the path
/// alone, so every run over the same files ends chunks after the same files, and a
/// changed file moves no other chunk's end.
pub fn ends_chunk(path: &str, rows: u64, chunk_rows: u64) -> bool {
    // FNV-1a, 64 bits: the same on every platform and build.
    let mut h: u64 = 0xcbf2_9ce4_8422_2325;
    for b in path.bytes() {
        h ^= u64::from(b);
        h = h.wrapping_mul(0x0000_0100_0000_01b3);
    }
    // h / 2^64 < rows / chunk_rows
    u128::from(h) * u128::from(chunk_rows.max(1)) < u128::from(rows) << 64
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
            chunk: Chunk {
                rows: vec![0; kept.len()],
                groups: vec![0; kept.len()],
                ..Chunk::default()
            },
            kept,
            xlsx: None,
            rows: 0,
            xlsx_limit: Some(DEFAULT_XLSX_MAX_ROWS),
            skipped: None,
            previous: None,
            previous_csv: None,
            copying: None,
            chunk_rows: CHUNK_ROWS,
        })
    }

    /// Sets the workbook's row limit (`None`: always write it).
    pub fn with_xlsx_limit(mut self, limit: Option<usize>) -> Self {
        self.xlsx_limit = limit;
        self
    }

    /// Sets the rows a chunk of files (a row group per table) holds on average
    /// ([`CHUNK_ROWS`]; at least 1).
    pub fn with_chunk_rows(mut self, rows: u64) -> Self {
        self.chunk_rows = rows.max(1);
        self
    }

    /// Copies row groups from the Parquet files of the dataset in `dir` where
    /// [`DatasetWriter::add_copied`] allows; without them (or unreadable), rows are
    /// encoded.
    pub fn with_previous(mut self, dir: &Path) -> Self {
        let names = crate::tables(&[], &[]);
        let old: Result<Vec<_>, _> = self
            .kept
            .iter()
            .map(|&i| crate::parquet_out::OldParquet::open(dir, names[i].name))
            .collect();
        match old {
            Ok(old) => self.previous = Some(old),
            Err(e) => tracing::info!("Parquet row groups are encoded anew: {e}"),
        }
        let csv: Result<Vec<_>, std::io::Error> = self
            .csv
            .iter()
            .map(|c| {
                let path = dir.join(c.name());
                std::fs::File::open(&path).map(|f| (f, path.display().to_string()))
            })
            .collect();
        match csv {
            Ok(csv) => self.previous_csv = Some(csv),
            Err(e) => tracing::info!("CSV rows are written anew: {e}"),
        }
        self
    }

    /// Whether [`DatasetWriter::add_copied`] can copy the CSV rows of the file whose
    /// line of the previous index is `old`, given its lines in `bytes` (by file name) or
    /// else the previous dataset's CSV files.
    pub fn copies_csv(
        &self,
        old: &crate::index::FileRows,
        bytes: &BTreeMap<String, Vec<u8>>,
    ) -> bool {
        self.csv.iter().all(|c| {
            bytes.contains_key(c.name())
                || (self.previous_csv.is_some() && old.spans.contains_key(c.name()))
        })
    }

    /// Gives the workbook at `path` up before it begins: the tables are known to pass
    /// `limit` rows ([`DatasetWriter::finish`] says so as when they pass it).
    pub fn without_xlsx(mut self, path: &Path, limit: usize) -> Self {
        if let Some(mut x) = self.xlsx.take() {
            x.abandon();
        }
        self.skipped = Some(XlsxSkipped {
            path: path.to_path_buf(),
            limit,
        });
        self
    }

    /// [`DatasetWriter::without_xlsx`] with the limit `limit` holds.
    pub fn without_xlsx_if(self, limit: Option<usize>, path: &Path) -> Self {
        match limit {
            Some(n) => self.without_xlsx(path, n),
            None => self,
        }
    }

    /// [`DatasetWriter::with_previous`] when `reuse` holds.
    pub fn with_previous_if(self, reuse: bool, dir: &Path) -> Self {
        match reuse {
            true => self.with_previous(dir),
            false => self,
        }
    }

    /// Adds the rows of `records` and of their `findings` (all in one chunk: `jixiao
    /// score`).
    pub fn add(&mut self, records: &[Record], findings: &[Finding]) -> Result<(), DatasetError> {
        self.add_file("", records, findings).map(|_| ())
    }

    /// Adds input file `path`'s rows: those of its `records` and of their `findings`.
    /// Says where they went in the Parquet files (for [`crate::index`]).
    pub fn add_file(
        &mut self,
        path: &str,
        records: &[Record],
        findings: &[Finding],
    ) -> Result<ChunkPlace, DatasetError> {
        self.add_tables(path, crate::tables(records, findings))
    }

    /// [`DatasetWriter::add_file`] of the rows [`crate::tables`] made of input file
    /// `path`'s records and findings (made elsewhere: where the file was read).
    pub fn add_tables(
        &mut self,
        path: &str,
        tables: Vec<Table>,
    ) -> Result<ChunkPlace, DatasetError> {
        self.materialise()?;
        let counts: Vec<u64> = self
            .kept
            .iter()
            .map(|&i| tables[i].rows.len() as u64)
            .collect();
        for (k, &i) in self.kept.iter().enumerate() {
            self.csv[k].push(&tables[i].rows)?;
        }
        self.encode(tables)?;
        self.after_file(path, &counts)
    }

    /// [`DatasetWriter::add_file`] of a file unchanged since the previous dataset, whose
    /// lines there are `bytes` (by file name: `records.jsonl` and `findings.jsonl`, and
    /// `forms.csv` … when given) and whose line of that dataset's index is `old`. CSV
    /// rows are appended as they were: from `bytes`, else copied file to file from the
    /// previous dataset's CSV files (see [`DatasetWriter::copies_csv`]). Parquet row
    /// groups are copied when the chunk turns out to be one of the previous dataset's,
    /// whole, and encoded from the records otherwise.
    /// The lines of `records.jsonl` and `findings.jsonl` are taken out of `bytes` (kept
    /// until the chunk is known), not copied.
    ///
    /// With `read` (the [`crate::tables`] of the file's records and findings, read
    /// already), those rows are encoded: its chunk is known not to be a previous one
    /// whole.
    pub fn add_copied(
        &mut self,
        old: &crate::index::FileRows,
        bytes: &mut BTreeMap<String, Vec<u8>>,
        read: Option<Vec<Table>>,
    ) -> Result<ChunkPlace, DatasetError> {
        let mut counts = Vec::with_capacity(self.kept.len());
        for (k, c) in self.csv.iter_mut().enumerate() {
            let span = old.spans.get(c.name()).copied().unwrap_or_default();
            let from = self.previous_csv.as_ref().and_then(|p| p.get(k));
            let len = span.end.checked_sub(span.start);
            match (bytes.get(c.name()), from, len) {
                (Some(b), _, _) => c.raw(b, span.lines)?,
                (None, Some((file, path)), Some(len)) => {
                    c.copy(file, path, (span.start, len), span.lines)?
                }
                _ => {
                    return Err(DatasetError::Previous {
                        path: c.path().to_string(),
                        message: format!("no rows of {} to copy", old.path),
                    })
                }
            }
            counts.push(span.lines);
        }
        let mut take = |name: &str| bytes.remove(name).unwrap_or_default();
        let deferred = Deferred {
            records: take(crate::index::RECORDS),
            findings: take(crate::index::FINDINGS),
            last: old.parquet.as_ref().is_some_and(|p| p.last),
        };
        // Copying goes on while the files are the previous chunk's, in order, from its
        // first; the workbook needs every file's rows anyway.
        let continues = match (&old.parquet, &self.copying) {
            _ if self.previous.is_none() || self.xlsx.is_some() || read.is_some() => false,
            (Some(p), None) => self.chunk.files == 0 && p.files == 0,
            (Some(p), Some(c)) => p.chunk == c.from.chunk && p.files as usize == c.files.len(),
            (None, _) => false,
        };
        match (continues, &old.parquet) {
            (true, Some(p)) => {
                let c = self.copying.get_or_insert_with(|| Copying {
                    from: p.clone(),
                    files: Vec::new(),
                });
                c.files.push(deferred);
                self.rows += counts.iter().sum::<u64>() as usize;
            }
            _ => {
                self.materialise()?;
                let tables = match read {
                    Some(tables) => tables,
                    None => deferred.tables(self.csv_path(0))?,
                };
                self.encode(tables)?;
            }
        }
        self.after_file(&old.path, &counts)
    }

    fn csv_path(&self, k: usize) -> String {
        self.csv
            .get(k)
            .map(|c| c.path().to_string())
            .unwrap_or_default()
    }

    /// Hands a file's tables to the Parquet files and the workbook.
    fn encode(&mut self, mut tables: Vec<Table>) -> Result<(), DatasetError> {
        self.rows += self
            .kept
            .iter()
            .map(|&i| tables[i].rows.len())
            .sum::<usize>();
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
        let for_xlsx = self.xlsx.as_ref().map(|_| tables.clone());
        for (k, &i) in self.kept.iter().enumerate() {
            self.parquet[k].push(std::mem::take(&mut tables[i].rows))?;
        }
        if let (Some(x), Some(t)) = (&mut self.xlsx, for_xlsx) {
            x.send(t)?;
        }
        Ok(())
    }

    /// Encodes the rows of the files being copied after all.
    fn materialise(&mut self) -> Result<(), DatasetError> {
        let Some(c) = self.copying.take() else {
            return Ok(());
        };
        for d in c.files {
            let tables = d.tables(self.csv_path(0))?;
            let n: usize = self.kept.iter().map(|&i| tables[i].rows.len()).sum();
            // Counted when the file was copied.
            self.rows -= n;
            self.encode(tables)?;
        }
        Ok(())
    }

    /// Counts a file's rows into the open chunk and ends the chunk where
    /// [`ends_chunk`] (or [`CHUNK_CAP`]) says.
    fn after_file(&mut self, path: &str, counts: &[u64]) -> Result<ChunkPlace, DatasetError> {
        let mut place = ChunkPlace {
            chunk: self.chunk.number,
            files: self.chunk.files,
            groups: self.chunk.groups.clone(),
            last: false,
        };
        for (r, n) in self.chunk.rows.iter_mut().zip(counts) {
            *r += n;
        }
        self.chunk.files += 1;
        let rows: u64 = counts.iter().sum();
        let ends = (!path.is_empty() && ends_chunk(path, rows, self.chunk_rows))
            || self.chunk.rows.iter().sum::<u64>() >= CHUNK_CAP.max(8 * self.chunk_rows);
        if !ends {
            return Ok(place);
        }
        self.end_chunk()?;
        place.last = true;
        Ok(place)
    }

    /// Ends the open chunk: its row groups copied (when it is a previous chunk, whole)
    /// or encoded.
    fn end_chunk(&mut self) -> Result<(), DatasetError> {
        let whole = self.copying.as_ref().is_some_and(|c| {
            c.files.last().is_some_and(|d| d.last)
                && self.previous.as_ref().is_some_and(|old| {
                    (0..self.kept.len()).all(|k| {
                        let rows = self.chunk.rows[k];
                        let g = c.from.groups.get(k).map(|&g| g as usize);
                        rows == 0 || g.and_then(|g| old[k].rows(g)) == Some(rows)
                    })
                })
        });
        if whole {
            if let (Some(c), Some(old)) = (self.copying.take(), &mut self.previous) {
                let tables = self.parquet.iter_mut().zip(old).zip(&self.chunk.rows);
                for (((p, old), &rows), &g) in tables.zip(&c.from.groups) {
                    if rows > 0 {
                        p.copy_group(old, g as usize)?;
                    }
                }
            }
        } else {
            self.materialise()?;
        }
        for p in &mut self.parquet {
            p.end_group()?;
        }
        self.chunk = Chunk {
            number: self.chunk.number + 1,
            files: 0,
            rows: vec![0; self.kept.len()],
            groups: self.parquet.iter().map(|p| p.groups() as u32).collect(),
        };
        Ok(())
    }

    /// Each CSV file's name (`forms.csv` …), its bytes and its data rows so far: where
    /// the rows of the next file will begin.
    pub fn csv_positions(&self) -> Vec<(String, u64, u64)> {
        self.csv
            .iter()
            .map(|c| {
                let (at, rows) = c.position();
                (c.name().to_string(), at, rows)
            })
            .collect()
    }

    /// Rows given so far, all tables together.
    pub fn rows(&self) -> usize {
        self.rows
    }

    /// Writes what is buffered and closes every file; says so when the workbook was not
    /// written for its row limit.
    pub fn finish(mut self) -> Result<Option<XlsxSkipped>, DatasetError> {
        // A chunk the input ends in is encoded: whether the previous one ended there
        // too is not known.
        self.materialise()?;
        for p in &mut self.parquet {
            p.end_group()?;
        }
        let copied: usize = self.parquet.iter().map(|p| p.copied()).sum();
        let groups: usize = self.parquet.iter().map(|p| p.groups()).sum();
        if self.previous.is_some() {
            tracing::info!(
                "Parquet: {copied} row groups copied from the previous dataset, {} encoded",
                groups - copied
            );
        }
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

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn chunks_end_by_each_file_alone_about_as_often_as_its_rows_say() {
        let paths: Vec<String> = (0..20_000)
            .map(|i| format!("d{}/f{i}.pdf", i % 7))
            .collect();
        // A file of no rows never ends a chunk; one of a chunk's rows or more always does.
        assert!(paths.iter().all(|p| !ends_chunk(p, 0, 1000)));
        assert!(paths
            .iter()
            .all(|p| ends_chunk(p, 1000, 1000) && ends_chunk(p, 5000, 1000)));
        // Files of 100 rows end one in ten chunks of 1,000 rows (within 10 %).
        let ends = paths.iter().filter(|p| ends_chunk(p, 100, 1000)).count();
        assert!((1800..=2200).contains(&ends), "{ends} of 20000");
        // The decision is the path's: the same every time, another for another path.
        let again = paths.iter().filter(|p| ends_chunk(p, 100, 1000)).count();
        assert_eq!(ends, again);
        let other = paths
            .iter()
            .filter(|p| ends_chunk(&format!("x/{p}"), 100, 1000))
            .count();
        let both = paths
            .iter()
            .filter(|p| ends_chunk(p, 100, 1000) && ends_chunk(&format!("x/{p}"), 100, 1000))
            .count();
        assert!(other > 1500 && both < other / 4, "{other} {both}");
    }
}
