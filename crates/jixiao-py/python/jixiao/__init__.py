"""jixiao: budget-performance forms (财政项目支出绩效 自评表 / 跟踪表 / 目标申报表) from PDF,
scans, workbooks, Word, HTML and text exports into records.

    import jixiao
    records = jixiao.extract("samples/text/001_7f02990d5c4f7ac6.txt")   # list[dict]
    t = jixiao.tables(["a.pdf", "b.xlsx"])       # dict of pyarrow.Table (needs pyarrow)

Records are exactly the lines `jixiao extract` writes to records.jsonl; tables have the
Parquet schemas of its dataset (docs/datasets.md). A file that gives no record raises
`jixiao.ExtractError` (with `file`, `place`, `message`, `errors`). `jixiao.cluster`
spreads a directory of files over a Dask cluster.
"""

from ._jixiao import ExtractError, __version__, extract, tables

__all__ = ["ExtractError", "extract", "tables", "__version__"]
