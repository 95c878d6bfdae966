//! Parquet: one file per table, typed columns (text as UTF-8 strings, integers as int64,
//! money/rates/scores as decimal128(38, s) with the column's fixed scale, dates as
//! date32, page coordinates as float64), Snappy-compressed, the schema version in the
//! file's key-value metadata.

use crate::{Cell, DatasetError, Kind, Table};
use arrow_array::{ArrayRef, Date32Array, Decimal128Array, Float64Array, Int64Array, StringArray};
use arrow_schema::{DataType, Field, Schema};
use parquet::arrow::arrow_writer::{compute_leaves, ArrowColumnWriter, ArrowRowGroupWriterFactory};
use parquet::arrow::ArrowWriter;
use parquet::basic::Compression;
use parquet::column::writer::ColumnCloseResult;
use parquet::errors::ParquetError;
use parquet::file::metadata::{
    ColumnChunkMetaData, KeyValue, PageIndexPolicy, ParquetMetaDataReader, RowGroupMetaData,
};
use parquet::file::page_index::column_index::ColumnIndexMetaData;
use parquet::file::page_index::offset_index::OffsetIndexMetaData;
use parquet::file::properties::{EnabledStatistics, WriterProperties};
use parquet::file::statistics::Statistics;
use parquet::file::writer::SerializedFileWriter;
use std::path::Path;
use std::sync::Arc;

fn column(t: &Table, i: usize) -> (Field, ArrayRef) {
    let (name, kind) = (t.columns[i].name, t.columns[i].kind);
    let cells = t.rows.iter().map(|r| &r[i]);
    match kind {
        Kind::Text => {
            let a: StringArray = cells
                .map(|c| match c {
                    Cell::Text(v) => v.as_deref().map(std::borrow::Cow::Borrowed),
                    other => Some(std::borrow::Cow::Owned(other.csv())),
                })
                .collect();
            (Field::new(name, DataType::Utf8, true), Arc::new(a))
        }
        Kind::Int => {
            let a: Int64Array = cells
                .map(|c| match c {
                    Cell::Int(v) => *v,
                    _ => None,
                })
                .collect();
            (Field::new(name, DataType::Int64, true), Arc::new(a))
        }
        Kind::Float => {
            let a: Float64Array = cells
                .map(|c| match c {
                    Cell::Float(v) => *v,
                    _ => None,
                })
                .collect();
            (Field::new(name, DataType::Float64, true), Arc::new(a))
        }
        Kind::Date => {
            let a: Date32Array = cells
                .map(|c| match c {
                    Cell::Date(v) => *v,
                    _ => None,
                })
                .collect();
            (Field::new(name, DataType::Date32, true), Arc::new(a))
        }
        Kind::Decimal(scale) => {
            let values: Vec<Option<rust_decimal::Decimal>> = cells
                .map(|c| match c {
                    Cell::Decimal(v) => *v,
                    _ => None,
                })
                .collect();
            let a = values
                .iter()
                .map(|v| {
                    v.map(|d| {
                        let mut d = d.round_dp(scale);
                        d.rescale(scale);
                        d.mantissa()
                    })
                })
                .collect::<Decimal128Array>()
                .with_precision_and_scale(38, scale as i8)
                .unwrap_or_else(|_| Decimal128Array::from(vec![None::<i128>; values.len()]));
            (
                Field::new(name, DataType::Decimal128(38, scale as i8), true),
                Arc::new(a),
            )
        }
    }
}

/// Rows of a table held as cells before they are handed to the writer as one batch.
const BATCH: usize = 4_096;

/// A previous dataset's Parquet file of one table, whose row groups can be copied into a
/// new file as they are (their encoded pages, statistics and page indexes). A row
/// group's metadata is given up when it is copied (each is copied at most once: a chunk
/// of files appears once in a run), so the footer read at the start (~600 bytes a
/// column chunk) is freed as the run goes instead of staying beside the new file's.
pub(crate) struct OldParquet {
    file: std::fs::File,
    groups: Vec<Option<OldGroup>>,
}

/// One row group of an [`OldParquet`]: its metadata and page indexes.
struct OldGroup {
    meta: RowGroupMetaData,
    column_index: Option<Vec<ColumnIndexMetaData>>,
    offset_index: Option<Vec<OffsetIndexMetaData>>,
}

impl OldParquet {
    /// The file `DIR/<name>.parquet` with its footer (and page indexes, if it has any).
    pub fn open(dir: &Path, name: &str) -> Result<OldParquet, DatasetError> {
        let path = dir.join(format!("{name}.parquet"));
        let err = |e: &dyn std::fmt::Display| DatasetError::Parquet {
            path: path.display().to_string(),
            message: e.to_string(),
        };
        let file = std::fs::File::open(&path).map_err(|e| err(&e))?;
        let meta = ParquetMetaDataReader::new()
            .with_page_index_policy(PageIndexPolicy::Optional)
            .parse_and_finish(&file)
            .map_err(|e| err(&e))?;
        let mut parts = meta.into_builder();
        let mut column_index = parts.take_column_index();
        let mut offset_index = parts.take_offset_index();
        let groups = parts
            .take_row_groups()
            .into_iter()
            .enumerate()
            .map(|(i, meta)| {
                Some(OldGroup {
                    meta,
                    column_index: column_index
                        .as_mut()
                        .and_then(|c| c.get_mut(i))
                        .map(std::mem::take),
                    offset_index: offset_index
                        .as_mut()
                        .and_then(|o| o.get_mut(i))
                        .map(std::mem::take),
                })
            })
            .collect();
        Ok(OldParquet { file, groups })
    }

    /// Rows of row group `i` (`None`: no such row group, or copied already).
    pub fn rows(&self, i: usize) -> Option<u64> {
        let g = self.groups.get(i)?.as_ref()?;
        Some(g.meta.num_rows() as u64)
    }
}

/// A column chunk's metadata as the writer made it: read back, its statistics no longer
/// say that the deprecated `min`/`max` fields were written beside `min_value`/
/// `max_value`, which the writer does for columns of signed sort order; a copy must
/// write them again to be the same bytes.
fn as_written(cc: &ColumnChunkMetaData) -> Result<ColumnChunkMetaData, ParquetError> {
    let Some(stats) = cc.statistics().cloned() else {
        return Ok(cc.clone());
    };
    let signed = cc.column_descr().sort_order().is_signed();
    let stats = match stats {
        Statistics::Boolean(v) => Statistics::Boolean(v.with_backwards_compatible_min_max(signed)),
        Statistics::Int32(v) => Statistics::Int32(v.with_backwards_compatible_min_max(signed)),
        Statistics::Int64(v) => Statistics::Int64(v.with_backwards_compatible_min_max(signed)),
        Statistics::Int96(v) => Statistics::Int96(v.with_backwards_compatible_min_max(signed)),
        Statistics::Float(v) => Statistics::Float(v.with_backwards_compatible_min_max(signed)),
        Statistics::Double(v) => Statistics::Double(v.with_backwards_compatible_min_max(signed)),
        Statistics::ByteArray(v) => {
            Statistics::ByteArray(v.with_backwards_compatible_min_max(signed))
        }
        Statistics::FixedLenByteArray(v) => {
            Statistics::FixedLenByteArray(v.with_backwards_compatible_min_max(signed))
        }
    };
    cc.clone().into_builder().set_statistics(stats).build()
}

/// One table's Parquet file, written a row group at a time: rows are encoded into the
/// open row group as they come ([`ParquetStream::push`]) until the caller ends it
/// ([`ParquetStream::end_group`]), or a whole row group of an earlier file is copied in
/// ([`ParquetStream::copy_group`]). The open row group's encoded pages are in memory.
pub(crate) struct ParquetStream {
    path: String,
    writer: SerializedFileWriter<std::fs::File>,
    factory: ArrowRowGroupWriterFactory,
    /// The open row group's column writers and rows.
    open: Option<(Vec<ArrowColumnWriter>, usize)>,
    /// Row groups written.
    groups: usize,
    /// Of them, copied from an earlier file.
    copied: usize,
    pending: Table,
}

impl ParquetStream {
    /// Creates `DIR/<name>.parquet` for a table of these columns.
    pub fn create(dir: &Path, like: &Table) -> Result<ParquetStream, DatasetError> {
        let path = dir.join(format!("{}.parquet", like.name));
        let p = path.display().to_string();
        let err = |e: &dyn std::fmt::Display| DatasetError::Parquet {
            path: p.clone(),
            message: e.to_string(),
        };
        let empty = Table {
            rows: Vec::new(),
            ..like.clone()
        };
        let fields: Vec<Field> = (0..empty.columns.len())
            .map(|i| column(&empty, i).0)
            .collect();
        // The version is in the Arrow schema's metadata (what pyarrow, polars and DuckDB
        // show) and in the file's key-value metadata.
        let meta = std::collections::HashMap::from([(
            "jixiao.schema_version".to_string(),
            crate::SCHEMA_VERSION.to_string(),
        )]);
        let schema = Arc::new(Schema::new(fields).with_metadata(meta));
        let file = std::fs::File::create(&path).map_err(|source| DatasetError::Io {
            path: p.clone(),
            source,
        })?;
        let props = WriterProperties::builder()
            .set_compression(Compression::SNAPPY)
            // Statistics per column chunk, no page indexes: a row group here is a chunk of
            // input files (a few thousand rows, mostly one page a column), so page-level
            // minima and maxima would repeat the chunk's, and the writer keeps every page
            // index in memory until the footer — memory that grows with the corpus.
            .set_statistics_enabled(EnabledStatistics::Chunk)
            .set_offset_index_disabled(true)
            .set_created_by("jixiao".to_string())
            .set_key_value_metadata(Some(vec![KeyValue::new(
                "jixiao.schema_version".to_string(),
                crate::SCHEMA_VERSION.to_string(),
            )]))
            .build();
        let arrow = ArrowWriter::try_new(file, schema.clone(), Some(props)).map_err(|e| err(&e))?;
        let (writer, factory) = arrow.into_serialized_writer().map_err(|e| err(&e))?;
        Ok(ParquetStream {
            path: p,
            writer,
            factory,
            open: None,
            groups: 0,
            copied: 0,
            pending: empty,
        })
    }

    fn err(&self, e: &dyn std::fmt::Display) -> DatasetError {
        DatasetError::Parquet {
            path: self.path.clone(),
            message: e.to_string(),
        }
    }

    /// Row groups written so far.
    pub fn groups(&self) -> usize {
        self.groups
    }

    /// Row groups copied from an earlier file so far.
    pub fn copied(&self) -> usize {
        self.copied
    }

    fn flush(&mut self) -> Result<(), DatasetError> {
        if self.pending.rows.is_empty() {
            return Ok(());
        }
        let (fields, arrays): (Vec<Field>, Vec<ArrayRef>) = (0..self.pending.columns.len())
            .map(|i| column(&self.pending, i))
            .unzip();
        let n = self.pending.rows.len();
        if self.open.is_none() {
            let writers = self
                .factory
                .create_column_writers(self.groups)
                .map_err(|e| self.err(&e))?;
            self.open = Some((writers, 0));
        }
        let mut failed = None;
        if let Some((writers, rows)) = &mut self.open {
            for ((w, f), a) in writers.iter_mut().zip(&fields).zip(&arrays) {
                let leaves = compute_leaves(f, a);
                let written = leaves.and_then(|l| l.iter().try_for_each(|leaf| w.write(leaf)));
                if let Err(e) = written {
                    failed = Some(e);
                    break;
                }
            }
            *rows += n;
        }
        if let Some(e) = failed {
            return Err(self.err(&e));
        }
        self.pending.rows.clear();
        Ok(())
    }

    /// Adds rows to the open row group.
    pub fn push(&mut self, rows: Vec<Vec<Cell>>) -> Result<(), DatasetError> {
        for row in rows {
            self.pending.rows.push(row);
            if self.pending.rows.len() >= BATCH {
                self.flush()?;
            }
        }
        Ok(())
    }

    /// Ends the open row group (none is written when it has no rows).
    pub fn end_group(&mut self) -> Result<(), DatasetError> {
        self.flush()?;
        let Some((writers, rows)) = self.open.take() else {
            return Ok(());
        };
        if rows == 0 {
            return Ok(());
        }
        let path = &self.path;
        let err = |e: ParquetError| DatasetError::Parquet {
            path: path.clone(),
            message: e.to_string(),
        };
        let mut group = self.writer.next_row_group().map_err(err)?;
        for w in writers {
            w.close()
                .and_then(|c| c.append_to_row_group(&mut group))
                .map_err(err)?;
        }
        group.close().map_err(err)?;
        self.groups += 1;
        Ok(())
    }

    /// Copies row group `i` of `old` in as it is (after ending the open one), and gives
    /// up `old`'s metadata of it.
    pub fn copy_group(&mut self, old: &mut OldParquet, i: usize) -> Result<(), DatasetError> {
        self.end_group()?;
        let path = &self.path;
        let err = |e: ParquetError| DatasetError::Parquet {
            path: path.clone(),
            message: e.to_string(),
        };
        let Some(g) = old.groups.get_mut(i).and_then(Option::take) else {
            return Err(err(ParquetError::General(format!(
                "row group {i} of the previous file is not there (or was copied already)"
            ))));
        };
        let rg = &g.meta;
        let mut group = self.writer.next_row_group().map_err(err)?;
        for (j, cc) in rg.columns().iter().enumerate() {
            let close = ColumnCloseResult {
                bytes_written: cc.compressed_size() as u64,
                rows_written: rg.num_rows() as u64,
                metadata: as_written(cc).map_err(err)?,
                bloom_filter: None,
                column_index: g
                    .column_index
                    .as_ref()
                    .and_then(|c| c.get(j))
                    .filter(|c| !matches!(c, ColumnIndexMetaData::NONE))
                    .cloned(),
                offset_index: g.offset_index.as_ref().and_then(|o| o.get(j)).cloned(),
            };
            group.append_column(&old.file, close).map_err(err)?;
        }
        group.close().map_err(err)?;
        self.groups += 1;
        self.copied += 1;
        Ok(())
    }

    /// Ends the open row group and writes the footer.
    pub fn finish(mut self) -> Result<(), DatasetError> {
        self.end_group()?;
        let path = self.path;
        self.writer.close().map_err(|e| DatasetError::Parquet {
            path,
            message: e.to_string(),
        })?;
        Ok(())
    }
}

/// Writes `DIR/<table>.parquet` for every table.
pub fn write_parquet(dir: &Path, tables: &[Table]) -> Result<(), DatasetError> {
    for t in tables {
        let mut w = ParquetStream::create(dir, t)?;
        w.push(t.rows.clone())?;
        w.finish()?;
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn rows(like: &Table, n: usize, text: &str) -> Vec<Vec<Cell>> {
        (0..n)
            .map(|_| vec![Cell::Text(Some(text.into())); like.columns.len()])
            .collect()
    }

    #[test]
    fn a_copied_row_group_is_the_same_bytes_and_its_old_metadata_is_given_up() {
        let (a, b) = (tempfile::tempdir(), tempfile::tempdir());
        let (a, b) = (
            a.unwrap_or_else(|e| panic!("{e}")),
            b.unwrap_or_else(|e| panic!("{e}")),
        );
        let like = &crate::tables(&[], &[])[3];
        // Earlier: two row groups of 3 and 5 rows.
        let mut w = ParquetStream::create(a.path(), like).unwrap_or_else(|e| panic!("{e}"));
        for (n, text) in [(3, "x"), (5, "y")] {
            w.push(rows(like, n, text))
                .unwrap_or_else(|e| panic!("{e}"));
            w.end_group().unwrap_or_else(|e| panic!("{e}"));
        }
        w.finish().unwrap_or_else(|e| panic!("{e}"));
        let mut old = OldParquet::open(a.path(), like.name).unwrap_or_else(|e| panic!("{e}"));
        assert_eq!(
            (old.rows(0), old.rows(1), old.rows(2)),
            (Some(3), Some(5), None)
        );
        // Now: the second copied, then the first encoded again.
        let mut w = ParquetStream::create(b.path(), like).unwrap_or_else(|e| panic!("{e}"));
        w.copy_group(&mut old, 1).unwrap_or_else(|e| panic!("{e}"));
        assert_eq!((old.rows(0), old.rows(1)), (Some(3), None));
        let again = w.copy_group(&mut old, 1).map(|_| ());
        assert!(again.is_err_and(|e| e.to_string().contains("row group 1")));
        w.push(rows(like, 3, "x")).unwrap_or_else(|e| panic!("{e}"));
        w.finish().unwrap_or_else(|e| panic!("{e}"));
        let new = OldParquet::open(b.path(), like.name).unwrap_or_else(|e| panic!("{e}"));
        assert_eq!(
            (new.rows(0), new.rows(1), new.rows(2)),
            (Some(5), Some(3), None)
        );
        // The copied group's column chunks are the earlier file's bytes.
        let bytes = |dir: &Path| std::fs::read(dir.join(format!("{}.parquet", like.name)));
        let (earlier, now) = (bytes(a.path()), bytes(b.path()));
        let (earlier, now) = (earlier.unwrap_or_default(), now.unwrap_or_default());
        let chunk = |m: &OldParquet, i: usize, file: &[u8]| -> Vec<u8> {
            let g = m.groups[i].as_ref().map(|g| &g.meta);
            g.iter()
                .flat_map(|g| g.columns())
                .flat_map(|c| {
                    let (start, len) = c.byte_range();
                    file[start as usize..(start + len) as usize].to_vec()
                })
                .collect()
        };
        let old_again = OldParquet::open(a.path(), like.name).unwrap_or_else(|e| panic!("{e}"));
        let copied = chunk(&new, 0, &now);
        assert!(!copied.is_empty());
        assert_eq!(copied, chunk(&old_again, 1, &earlier));
        assert_ne!(chunk(&new, 1, &now), chunk(&old_again, 1, &earlier));
    }
}
