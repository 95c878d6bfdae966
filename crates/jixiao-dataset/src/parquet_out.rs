//! Parquet: one file per table, typed columns (text as UTF-8 strings, integers as int64,
//! money/rates/scores as decimal128(38, s) with the column's fixed scale, dates as
//! date32, page coordinates as float64), Snappy-compressed, the schema version in the
//! file's key-value metadata.

use crate::{Cell, DatasetError, Kind, Table};
use arrow_array::{
    ArrayRef, Date32Array, Decimal128Array, Float64Array, Int64Array, RecordBatch, StringArray,
};
use arrow_schema::{DataType, Field, Schema};
use parquet::arrow::ArrowWriter;
use parquet::basic::Compression;
use parquet::file::metadata::KeyValue;
use parquet::file::properties::WriterProperties;
use std::path::Path;
use std::sync::Arc;

fn column(t: &Table, i: usize) -> (Field, ArrayRef) {
    let (name, kind) = (t.columns[i].name, t.columns[i].kind);
    let cells = t.rows.iter().map(|r| &r[i]);
    match kind {
        Kind::Text => {
            let a: StringArray = cells
                .map(|c| match c {
                    Cell::Text(v) => v.clone(),
                    other => Some(other.csv()),
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

/// Rows of a Parquet row group. The writer keeps the open row group's encoded pages in
/// memory, so memory stays bounded by this many (compressed) rows per table.
pub(crate) const ROW_GROUP: usize = 65_536;
/// Rows of a table held as cells before they are handed to the writer as one batch.
const BATCH: usize = 4_096;

/// One table's Parquet file, written a row group at a time.
pub(crate) struct ParquetStream {
    path: String,
    writer: ArrowWriter<std::fs::File>,
    schema: Arc<Schema>,
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
            .set_created_by("jixiao".to_string())
            .set_max_row_group_size(ROW_GROUP)
            .set_key_value_metadata(Some(vec![KeyValue::new(
                "jixiao.schema_version".to_string(),
                crate::SCHEMA_VERSION.to_string(),
            )]))
            .build();
        let writer =
            ArrowWriter::try_new(file, schema.clone(), Some(props)).map_err(|e| err(&e))?;
        Ok(ParquetStream {
            path: p,
            writer,
            schema,
            pending: empty,
        })
    }

    fn err(&self, e: &dyn std::fmt::Display) -> DatasetError {
        DatasetError::Parquet {
            path: self.path.clone(),
            message: e.to_string(),
        }
    }

    fn flush(&mut self) -> Result<(), DatasetError> {
        if self.pending.rows.is_empty() {
            return Ok(());
        }
        let arrays: Vec<ArrayRef> = (0..self.pending.columns.len())
            .map(|i| column(&self.pending, i).1)
            .collect();
        let batch = RecordBatch::try_new(self.schema.clone(), arrays).map_err(|e| self.err(&e))?;
        self.writer.write(&batch).map_err(|e| self.err(&e))?;
        self.pending.rows.clear();
        Ok(())
    }

    /// Adds rows; a full row group is written out.
    pub fn push(&mut self, rows: &[Vec<Cell>]) -> Result<(), DatasetError> {
        for row in rows {
            self.pending.rows.push(row.clone());
            if self.pending.rows.len() >= BATCH {
                self.flush()?;
            }
        }
        Ok(())
    }

    /// Writes what is left and the footer.
    pub fn finish(mut self) -> Result<(), DatasetError> {
        self.flush()?;
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
        w.push(&t.rows)?;
        w.finish()?;
    }
    Ok(())
}
