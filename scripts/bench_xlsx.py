#!/usr/bin/env python3
"""Throughput of `jixiao extract` on workbooks against openpyxl loading the same files.

Replicates samples/xlsx/*.xlsx COPIES times into a temporary directory, then in the same
run times (best of REPEAT):
  * jixiao extract DIR --no-score -j 1 (and -j 2): read every workbook, find and parse
    every form, write records.jsonl;
  * openpyxl: load_workbook(data_only=True) and read every cell value of every sheet,
    one process (openpyxl does no form parsing at all: it is a lower bound on work).
Prints forms/s and the ratio jixiao / openpyxl.

usage: cargo build --release && python3 scripts/bench_xlsx.py [COPIES] [REPEAT]
"""
import glob, os, shutil, subprocess, sys, tempfile, time

ROOT = os.path.abspath(os.path.join(os.path.dirname(__file__), ".."))
copies = int(sys.argv[1]) if len(sys.argv) > 1 else 25
repeat = int(sys.argv[2]) if len(sys.argv) > 2 else 3
try:
    import openpyxl
except ImportError:
    subprocess.run([sys.executable, "-m", "pip", "install", "-q", "openpyxl"], check=True)
    import openpyxl

src = sorted(glob.glob(os.path.join(ROOT, "samples", "xlsx", "*.xlsx")))
tmp = tempfile.mkdtemp()
files = []
for i in range(copies):
    for f in src:
        dst = os.path.join(tmp, f"{i:03d}_{os.path.basename(f)}")
        shutil.copy(f, dst)
        files.append(dst)
binary = os.path.join(ROOT, "target", "release", "jixiao")
out = os.path.join(tmp, "out")

def run_jixiao(threads):
    t = time.perf_counter()
    subprocess.run([binary, "extract", tmp, "--no-score", "-j", str(threads), "-o", out],
                   check=True, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    return time.perf_counter() - t

def run_openpyxl():
    t = time.perf_counter()
    cells = 0
    for f in files:
        wb = openpyxl.load_workbook(f, data_only=True)
        for ws in wb.worksheets:
            for row in ws.iter_rows(values_only=True):
                cells += sum(1 for v in row if v is not None)
    return time.perf_counter() - t

forms = None
j1 = min(run_jixiao(1) for _ in range(repeat))
forms = sum(1 for _ in open(os.path.join(out, "records.jsonl")))
j2 = min(run_jixiao(2) for _ in range(repeat))
op = min(run_openpyxl() for _ in range(repeat))
print(f"{len(files)} workbooks, {forms} forms")
print(f"jixiao -j1: {j1:.2f} s, {forms / j1:.0f} forms/s")
print(f"jixiao -j2: {j2:.2f} s, {forms / j2:.0f} forms/s")
print(f"openpyxl load + read cells (1 process): {op:.2f} s, {forms / op:.0f} forms/s")
print(f"ratio jixiao -j1 / openpyxl: {op / j1:.1f}x; jixiao -j2 / openpyxl: {op / j2:.1f}x")
shutil.rmtree(tmp)
