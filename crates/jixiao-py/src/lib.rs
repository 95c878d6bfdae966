//! Python bindings: `import jixiao`.
//!
//! - `jixiao.extract(source, name=None, ocr="auto", password=None) -> list[dict]`: the
//!   records of one file (a path or its bytes), exactly as `jixiao extract` writes them
//!   to `records.jsonl` for that file.
//! - `jixiao.tables(sources, ocr="auto", password=None) -> dict[str, pyarrow.Table]`:
//!   the four dataset tables (`forms`, `funds`, `indicators`, `findings`) with the
//!   Parquet schemas of `jixiao extract` (see `docs/datasets.md`).
//! - Files that give no record raise `jixiao.ExtractError` with `file`, `place` and
//!   `message` (and `errors`, every error entry of the file).
//!
//! The interpreter lock is released while files are read. Everything here is glue: the
//! work is `jixiao_pipeline`'s, `jixiao_score`'s and `jixiao_dataset`'s.

#![allow(unsafe_code)] // pyo3's generated module glue.

use jixiao_pipeline::{ErrorEntry, Options};
use jixiao_record::Record;
use pyo3::exceptions::PyException;
use pyo3::prelude::*;
use pyo3::types::{PyBytes, PyDict};
use std::path::{Path, PathBuf};

pyo3::create_exception!(
    _jixiao,
    ExtractError,
    PyException,
    "A file gave no record: `file`, `place` (line, page … when known), `message`, and `errors` (every error entry of the file, as dicts)."
);

fn options(ocr: &str, password: Option<String>) -> PyResult<Options> {
    let ocr = match ocr {
        "auto" => jixiao_pdf::OcrMode::Auto,
        "always" => jixiao_pdf::OcrMode::Always,
        "never" => jixiao_pdf::OcrMode::Never,
        other => {
            return Err(pyo3::exceptions::PyValueError::new_err(format!(
                "ocr must be 'auto', 'always' or 'never', not {other:?}"
            )))
        }
    };
    Ok(Options { ocr, password })
}

/// A source's bytes and the name its records carry.
fn source_of(source: &Bound<'_, PyAny>, name: Option<String>) -> PyResult<(Vec<u8>, String)> {
    if let Ok(b) = source.cast::<PyBytes>() {
        return Ok((
            b.as_bytes().to_vec(),
            name.unwrap_or_else(|| "<bytes>".into()),
        ));
    }
    let path: PathBuf = source.extract()?;
    let name = name.unwrap_or_else(|| path.to_string_lossy().replace('\\', "/"));
    let bytes = std::fs::read(&path).map_err(|e| {
        let err = ExtractError::new_err(format!("{name}: cannot read: {e}"));
        set_details(
            source.py(),
            &err,
            &name,
            None,
            &format!("{name}: cannot read: {e}"),
            &[],
        );
        err
    })?;
    Ok((bytes, name))
}

fn set_details(
    py: Python<'_>,
    err: &PyErr,
    file: &str,
    place: Option<&str>,
    message: &str,
    errors: &[ErrorEntry],
) {
    let v = err.value(py);
    let _ = v.setattr("file", file);
    let _ = v.setattr("place", place);
    let _ = v.setattr("message", message);
    let list: Vec<String> = errors
        .iter()
        .filter_map(|e| serde_json::to_string(e).ok())
        .collect();
    let json = format!("[{}]", list.join(","));
    let _ = json_loads(py, &json).and_then(|e| v.setattr("errors", e));
}

fn json_loads<'py>(py: Python<'py>, json: &str) -> PyResult<Bound<'py, PyAny>> {
    py.import("json")?.call_method1("loads", (json,))
}

/// One file's records (duplicates within it marked, as `jixiao extract` does), or its
/// errors when it gave none.
fn read(
    py: Python<'_>,
    bytes: &[u8],
    name: &str,
    opts: &Options,
) -> Result<Vec<Record>, Vec<ErrorEntry>> {
    let report = py.detach(|| {
        let sha = jixiao_pipeline::sha256_hex(bytes);
        jixiao_pipeline::extract_report(bytes, &sha, Path::new(name), name, opts)
    });
    let errors: Vec<ErrorEntry> = report.errors.iter().map(ErrorEntry::from).collect();
    if report.records.is_empty() && !errors.is_empty() {
        return Err(errors);
    }
    let mut records = report.records;
    jixiao_record::mark_duplicates(&mut records);
    Ok(records)
}

fn raise(py: Python<'_>, errors: &[ErrorEntry]) -> PyErr {
    let first = &errors[0];
    let err = ExtractError::new_err(first.message.clone());
    set_details(
        py,
        &err,
        &first.file,
        first.place.as_deref(),
        &first.message,
        errors,
    );
    err
}

/// The records of one file — a path (`str` or `os.PathLike`) or the file's `bytes` —
/// as dicts, exactly as `jixiao extract` writes them to `records.jsonl`. `name` is the
/// file name records carry (default: the path as given, or `<bytes>`). Raises
/// `jixiao.ExtractError` when the file gives no record.
#[pyfunction]
#[pyo3(signature = (source, name=None, ocr="auto", password=None))]
fn extract<'py>(
    py: Python<'py>,
    source: &Bound<'py, PyAny>,
    name: Option<String>,
    ocr: &str,
    password: Option<String>,
) -> PyResult<Bound<'py, PyAny>> {
    let opts = options(ocr, password)?;
    let (bytes, name) = source_of(source, name)?;
    let records = read(py, &bytes, &name, &opts).map_err(|e| raise(py, &e))?;
    let json = serde_json::to_string(&records)
        .map_err(|e| PyException::new_err(format!("records to JSON: {e}")))?;
    json_loads(py, &json)
}

/// The dataset tables of one or more files (paths), as `jixiao extract` writes them to
/// Parquet: a dict of `forms`, `funds`, `indicators`, `findings` → `pyarrow.Table`.
/// Files that give no record are skipped; their error entries are in the result's
/// `"errors"` (a list of dicts), and `"keys"` lists every record's `(record_id,
/// form_key, content digest)`. Needs `pyarrow`.
#[pyfunction]
#[pyo3(signature = (sources, ocr="auto", password=None))]
fn tables<'py>(
    py: Python<'py>,
    sources: &Bound<'py, PyAny>,
    ocr: &str,
    password: Option<String>,
) -> PyResult<Bound<'py, PyDict>> {
    let opts = options(ocr, password)?;
    let list: Vec<Bound<'py, PyAny>> = if sources.extract::<PathBuf>().is_ok() {
        vec![sources.clone()]
    } else {
        sources.try_iter()?.collect::<PyResult<_>>()?
    };
    let mut records = Vec::new();
    let mut errors = Vec::new();
    for s in &list {
        let (bytes, name) = source_of(s, None)?;
        match read(py, &bytes, &name, &opts) {
            Ok(r) => records.extend(r),
            Err(e) => errors.extend(e),
        }
    }
    jixiao_record::mark_duplicates(&mut records);
    let dir = tempfile::tempdir().map_err(|e| PyException::new_err(e.to_string()))?;
    py.detach(|| {
        let findings: Vec<_> = records.iter().flat_map(jixiao_score::rescore).collect();
        let t = jixiao_dataset::tables(&records, &findings);
        jixiao_dataset::write_parquet(dir.path(), &t)
    })
    .map_err(|e| PyException::new_err(e.to_string()))?;
    let pq = py.import("pyarrow.parquet")?;
    let out = PyDict::new(py);
    for name in ["forms", "funds", "indicators", "findings"] {
        let path = dir.path().join(format!("{name}.parquet"));
        let table = pq.call_method1("read_table", (path.to_string_lossy().to_string(),))?;
        out.set_item(name, table)?;
    }
    let errs: Vec<String> = errors
        .iter()
        .filter_map(|e| serde_json::to_string(e).ok())
        .collect();
    out.set_item("errors", json_loads(py, &format!("[{}]", errs.join(",")))?)?;
    // What marks duplicates across calls (jixiao.cluster): each record's id, form key and
    // a digest of its content.
    let keys: Vec<(String, Option<String>, String)> = records
        .iter()
        .map(|r| {
            let digest = jixiao_pipeline::sha256_hex(r.content().as_bytes());
            (r.record_id.clone(), r.form_key.clone(), digest)
        })
        .collect();
    out.set_item("keys", keys)?;
    Ok(out)
}

/// The `jixiao._jixiao` extension module.
#[pymodule]
fn _jixiao(m: &Bound<'_, PyModule>) -> PyResult<()> {
    m.add_function(wrap_pyfunction!(extract, m)?)?;
    m.add_function(wrap_pyfunction!(tables, m)?)?;
    m.add("ExtractError", m.py().get_type::<ExtractError>())?;
    m.add("__version__", env!("CARGO_PKG_VERSION"))?;
    Ok(())
}
