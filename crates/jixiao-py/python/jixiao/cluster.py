"""Reading an archive that outgrows one machine: files spread over a Dask cluster.

    python -m jixiao.cluster PATH... -o OUTDIR [--scheduler ADDRESS | --workers N]
                             [--ocr auto|always|never]

Every file is read by a Dask worker (`jixiao.tables` on it: the Rust readers, OCR
included, run in the worker's process with the interpreter lock released); the driver
writes the same dataset `jixiao extract` writes, as partitioned Parquet — one directory
per table, one part per input file (`OUTDIR/forms/part-00012.parquet`) — plus
`errors.jsonl` and `manifest.json`. Read it back with
`pyarrow.dataset.dataset("OUTDIR/forms")`, `pandas.read_parquet("OUTDIR/forms")` or
DuckDB's `read_parquet('OUTDIR/forms/*.parquet')`. Rows are the single-machine run's:
`duplicate_of` is marked across all files by the driver, in path order.

Why Dask: a pure-Python install from PyPI (no daemon, no 100 MB wheel), `Client.map`
over files is the whole scheduling model this needs, and the same code runs on a laptop
(`LocalCluster`) and on a real cluster (`dask scheduler` on one machine, `dask worker
tcp://SCHEDULER:8786 --nthreads 1` on every other, then `--scheduler
tcp://SCHEDULER:8786` here). Workers need `pip install jixiao` and the input files at
the same paths (a shared file system); the driver needs pyarrow and write access to
OUTDIR.
"""

import argparse
import json
import os
import sys

# The formats `jixiao extract` reads when it walks a directory.
READ = {
    "txt", "tsv", "csv", "xlsx", "xlsm", "xlsb", "xls", "ods", "pdf", "html", "htm",
    "docx", "doc", "zip", "png", "jpg", "jpeg", "tif", "tiff",
}
TABLES = ("forms", "funds", "indicators", "findings")


def collect(paths):
    """The readable files under `paths`, sorted per directory as `jixiao extract` does."""
    out = []
    for p in paths:
        if os.path.isdir(p):
            found = []
            for root, dirs, files in os.walk(p):
                dirs[:] = [d for d in dirs if not d.startswith(".")]
                for f in files:
                    if f.startswith("."):
                        continue
                    if f.rsplit(".", 1)[-1].lower() in READ:
                        found.append(os.path.join(root, f).replace("\\", "/"))
            out.extend(sorted(found))
        elif os.path.exists(p):
            out.append(p)
        else:
            raise FileNotFoundError(f"{p}: no such file or directory")
    return out


def _read(path, ocr):
    import jixiao

    t = jixiao.tables([path], ocr=ocr)
    return path, {k: t[k] for k in TABLES}, t["errors"], t["keys"]


def run(paths, out, client=None, workers=2, ocr="auto"):
    """Reads `paths` on the cluster of `client` (or a local cluster of `workers`
    processes) and writes the partitioned dataset to `out`. Returns the number of
    forms."""
    import pyarrow as pa
    import pyarrow.parquet as pq

    own = None
    if client is None:
        from dask.distributed import Client, LocalCluster

        cluster = LocalCluster(n_workers=workers, threads_per_worker=1, processes=True)
        own = client = Client(cluster)
    try:
        files = collect(paths)
        futures = client.map(_read, files, ocr=ocr, pure=False)
        results = client.gather(futures)
    finally:
        if own is not None:
            own.close()
            own.cluster.close()
    # Another publication of a form read earlier (in path order) points at it.
    first, dup = {}, {}
    for _, _, _, keys in results:
        for record_id, form_key, digest in keys:
            if form_key is None:
                continue
            k = (form_key, digest)
            if k in first:
                dup[record_id] = first[k]
            else:
                first[k] = record_id
    for name in TABLES:
        os.makedirs(os.path.join(out, name), exist_ok=True)
    errors, manifest, forms = [], [], 0
    schemas = {}
    for i, (path, tables, errs, keys) in enumerate(results):
        errors.extend(errs)
        forms += tables["forms"].num_rows
        manifest.append({"path": path, "records": tables["forms"].num_rows,
                         "status": "ok" if tables["forms"].num_rows or not errs else "error"})
        f = tables["forms"]
        ids = f.column("record_id").to_pylist()
        col = f.schema.get_field_index("duplicate_of")
        tables["forms"] = f.set_column(
            col, f.schema.field(col), pa.array([dup.get(r) for r in ids], pa.string()))
        for name in TABLES:
            schemas.setdefault(name, tables[name].schema)
            if tables[name].num_rows:
                pq.write_table(tables[name], os.path.join(out, name, f"part-{i:05}.parquet"))
    # A table without rows still has its schema on disk.
    for name, schema in schemas.items():
        d = os.path.join(out, name)
        if not os.listdir(d):
            pq.write_table(schema.empty_table(), os.path.join(d, "part-00000.parquet"))
    with open(os.path.join(out, "errors.jsonl"), "w", encoding="utf-8") as fh:
        for e in errors:
            fh.write(json.dumps(e, ensure_ascii=False) + "\n")
    meta = next(iter(schemas.values())).metadata or {}
    version = meta.get(b"jixiao.schema_version", b"?")
    with open(os.path.join(out, "manifest.json"), "w", encoding="utf-8") as fh:
        json.dump({"schema_version": int(version) if version.isdigit() else None,
                   "files": manifest}, fh, ensure_ascii=False, indent=2)
    return forms


def main(argv=None):
    ap = argparse.ArgumentParser(prog="python -m jixiao.cluster", description=__doc__.split("\n\n")[0])
    ap.add_argument("paths", nargs="+", help="files and directories to read")
    ap.add_argument("-o", "--output", required=True, help="directory of the partitioned dataset")
    ap.add_argument("--scheduler", help="address of a running Dask scheduler (tcp://host:8786)")
    ap.add_argument("--workers", type=int, default=2, help="local worker processes when no scheduler is given")
    ap.add_argument("--ocr", default="auto", choices=["auto", "always", "never"])
    a = ap.parse_args(argv)
    client = None
    if a.scheduler:
        from dask.distributed import Client

        client = Client(a.scheduler)
    n = run(a.paths, a.output, client=client, workers=a.workers, ocr=a.ocr)
    print(f"jixiao.cluster: {n} forms → {a.output}", file=sys.stderr)
    return 0


if __name__ == "__main__":
    sys.exit(main())
