#!/usr/bin/env python3
"""Throughput of `jixiao extract` on the digital sample PDFs against two peers, measured
in the same run on the same files:

  * pdfplumber: open each PDF and call page.extract_tables() on every page (tables as
    cells only; no form parsing, stitching or values);
  * pdftotext -layout (poppler): plain text of every page, one process per file.

jixiao runs `extract FILES --no-score --no-dataset -o OUT` with -j 1 (and -j 2): read every page,
build cells, stitch forms across pages, parse every form, write records.jsonl.
Best of REPEAT for jixiao and pdftotext; pdfplumber once per repeat as well (it is slow,
and the best-of rule is the same for all). Prints pages/s and ratios.

usage: cargo build --release && python3 scripts/bench_pdf.py [REPEAT]
Needs pdfplumber (installed with pip if missing) and poppler-utils.
"""
import glob, os, shutil, subprocess, sys, tempfile, time

ROOT = os.path.abspath(os.path.join(os.path.dirname(__file__), ".."))
repeat = int(sys.argv[1]) if len(sys.argv) > 1 else 3
try:
    import pdfplumber
except ImportError:
    subprocess.run([sys.executable, "-m", "pip", "install", "-q", "pdfplumber"], check=True)
    import pdfplumber
if not shutil.which("pdftotext"):
    sys.exit("pdftotext not found: apt-get install poppler-utils poppler-data")

files = sorted(
    f for d in ("pdf-lo", "pdf-chromium", "pdf-cid")
    for f in glob.glob(os.path.join(ROOT, "samples", d, "*.pdf"))
)
binary = os.path.join(ROOT, "target", "release", "jixiao")
out = tempfile.mkdtemp()
pages = 0
for f in files:
    with pdfplumber.open(f) as pdf:
        pages += len(pdf.pages)


def jixiao(threads):
    t = time.perf_counter()
    subprocess.run([binary, "extract", *files, "--no-score", "--no-dataset", "-j", str(threads), "-o", out],
                   check=True, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    return time.perf_counter() - t


def pdftotext():
    t = time.perf_counter()
    for f in files:
        subprocess.run(["pdftotext", "-layout", f, os.path.join(out, "t.txt")], check=True,
                       stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    return time.perf_counter() - t


def plumber():
    t = time.perf_counter()
    n = 0
    for f in files:
        with pdfplumber.open(f) as pdf:
            for p in pdf.pages:
                n += len(p.extract_tables())
    return time.perf_counter() - t


best = {"jixiao -j1": [], "jixiao -j2": [], "pdftotext -layout": [], "pdfplumber extract_tables": []}
for _ in range(repeat):
    best["jixiao -j1"].append(jixiao(1))
    best["jixiao -j2"].append(jixiao(2))
    best["pdftotext -layout"].append(pdftotext())
    best["pdfplumber extract_tables"].append(plumber())
t = {k: min(v) for k, v in best.items()}
print(f"{len(files)} PDFs, {pages} pages, best of {repeat}")
print("| run | seconds | pages/s | time / jixiao -j1 time |")
print("|---|---|---|---|")
for k, v in t.items():
    print(f"| {k} | {v:.2f} | {pages / v:.0f} | {v / t['jixiao -j1']:.2f} |")
shutil.rmtree(out, ignore_errors=True)
