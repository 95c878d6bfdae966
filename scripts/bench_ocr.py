#!/usr/bin/env python3
"""OCR speed and accuracy of jixiao against RapidOCR and Tesseract, in one run, on the
same scanned pages.

    python3 scripts/bench_ocr.py [SCAN.pdf] [PAGES]

SCAN.pdf defaults to samples/scans-grey200/selfeval_001_003_sheets.pdf; PAGES (default 6)
is how many of its first pages are measured. For every engine it reports CPU seconds per
page (user + system of the process and its threads) and character recall against the
digital PDF the scan was made from (samples/pdf-lo/<same name>, through pdftotext): the
share of the page's non-space characters, as a multiset, that the engine's text holds
(width-folded on both sides, as in the PDF recall test).

* jixiao: `jixiao extract PAGE.pdf --no-score --no-dataset -j1` per page, i.e. the whole
  job (decode, prepare, rulings, cells, recognition, form parsing); its text for the
  recall is the grid (example `page_text`). Also the same pages as one file with -j1 and
  -j2, wall time, for the thread scaling.
* RapidOCR (PyPI `rapidocr`, its own Python pipeline: detection, classification,
  recognition with the same PP-OCRv6 models) on the page image pdfimages extracts.
* Tesseract 5 (`tesseract IMG - -l chi_sim --psm 4`, whole page).

Installs what is missing (poppler-utils, tesseract-ocr, tesseract-ocr-chi-sim from Debian,
rapidocr and onnxruntime from PyPI). Ratios are the point: the machine is shared.
"""
import collections
import glob
import os
import resource
import shutil
import subprocess
import sys
import tempfile
import time
import unicodedata

ROOT = os.path.join(os.path.dirname(os.path.abspath(__file__)), "..")
BIN = os.path.join(ROOT, "target", "release", "jixiao")
PAGE_TEXT = os.path.join(ROOT, "target", "release", "examples", "page_text")


def ensure():
    need = [p for p, c in [("poppler-utils", "pdfimages"), ("tesseract-ocr", "tesseract")] if not shutil.which(c)]
    if not os.path.exists("/usr/share/tesseract-ocr/5/tessdata/chi_sim.traineddata"):
        need.append("tesseract-ocr-chi-sim")
    if need:
        subprocess.run(["apt-get", "install", "-y", "-qq", "--no-install-recommends", *need], check=True)
    try:
        import rapidocr  # noqa: F401
    except ImportError:
        subprocess.run([sys.executable, "-m", "pip", "install", "-q", "rapidocr==3.10.0", "onnxruntime==1.32.0"], check=True)
    subprocess.run(["cargo", "build", "--release", "-q", "-p", "jixiao-cli", "-p", "jixiao-ocr", "--example", "page_text"],
                   cwd=ROOT, check=True)


def fold(s):
    return [c for c in unicodedata.normalize("NFKC", s) if not c.isspace()]


def recall(got, want):
    g, w = collections.Counter(fold(got)), collections.Counter(fold(want))
    return sum(min(n, g[c]) for c, n in w.items()) / max(1, sum(w.values()))


def cpu_of(cmd, **kw):
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    t = time.time()
    out = subprocess.run(cmd, capture_output=True, text=True, **kw)
    wall = time.time() - t
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    cpu = (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime)
    return cpu, wall, out.stdout


def main():
    scan = sys.argv[1] if len(sys.argv) > 1 else os.path.join(ROOT, "samples/scans-grey200/selfeval_001_003_sheets.pdf")
    n = int(sys.argv[2]) if len(sys.argv) > 2 else 6
    ensure()
    digital = os.path.join(ROOT, "samples", "pdf-lo", os.path.basename(scan))
    tmp = tempfile.mkdtemp()
    rows = {"jixiao": [], "RapidOCR": [], "Tesseract": []}
    from rapidocr import RapidOCR
    engine = RapidOCR()
    for p in range(1, n + 1):
        page = os.path.join(tmp, f"p{p}.pdf")
        subprocess.run(["pdfseparate", "-f", str(p), "-l", str(p), scan, page], check=True)
        want = subprocess.run(["pdftotext", "-f", str(p), "-l", str(p), digital, "-"], capture_output=True, text=True).stdout
        prefix = os.path.join(tmp, f"img{p}")
        subprocess.run(["pdfimages", "-f", str(p), "-l", str(p), "-png", scan, prefix], check=True)
        img = sorted(glob.glob(prefix + "*"))[0]
        # jixiao: the whole job, then its text.
        cpu, _, _ = cpu_of([BIN, "extract", page, "-o", os.path.join(tmp, f"out{p}"), "--no-score", "--no-dataset", "-j1"])
        _, _, text = cpu_of([PAGE_TEXT, page])
        text = "".join(l.split(": ", 1)[1] if ": " in l else l for l in text.splitlines())
        rows["jixiao"].append((cpu, recall(text, want)))
        # RapidOCR in this process: CPU time of all its threads.
        t0 = time.process_time()
        r = engine(img)
        cpu = time.process_time() - t0
        rows["RapidOCR"].append((cpu, recall("".join(r.txts or ()), want)))
        cpu, _, text = cpu_of(["tesseract", img, "-", "-l", "chi_sim", "--psm", "4"])
        rows["Tesseract"].append((cpu, recall(text, want)))
        print(f"page {p}: " + ", ".join(f"{k} {v[-1][0]:.2f} s {100 * v[-1][1]:.2f} %" for k, v in rows.items()), flush=True)
    base = sum(c for c, _ in rows["jixiao"]) / n
    print(f"\n{n} pages of {os.path.relpath(scan, ROOT)}")
    print("| engine | CPU s / page | char recall | CPU time ÷ jixiao |")
    print("|---|---|---|---|")
    for k, v in rows.items():
        cpu = sum(c for c, _ in v) / n
        rec = sum(r for _, r in v) / n
        print(f"| {k} | {cpu:.2f} | {100 * rec:.2f} % | {cpu / base:.2f} |")
    # Thread scaling on the whole file (pages are the unit of parallel work: a few
    # pages of unequal cost would measure the imbalance, not the scaling).
    pages = int(subprocess.run(["pdfinfo", scan], capture_output=True, text=True).stdout.split("Pages:")[1].split()[0])
    walls, cpus = {}, {}
    for j in (1, 2):
        cpus[j], walls[j], _ = cpu_of([BIN, "extract", scan, "-o", os.path.join(tmp, f"j{j}"), "--no-score", "--no-dataset", f"-j{j}"])
    print(f"\njixiao on the whole file ({pages} pages): -j1 {walls[1]:.2f} s wall ({cpus[1] / pages:.2f} CPU s / page, "
          f"the engine loaded once), -j2 {walls[2]:.2f} s wall: {walls[1] / walls[2]:.2f}× from 1 to 2 threads")
    shutil.rmtree(tmp)


if __name__ == "__main__":
    main()
