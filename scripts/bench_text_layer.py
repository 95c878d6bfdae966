#!/usr/bin/env python3
"""Ratio of two builds' text-layer time over the digital sample PDFs, for "no slower"
checks: each build's `pdftext` example (crates/jixiao-pdf/examples/pdftext.rs) reads every
PDF of samples/pdf-lo, pdf-chromium and pdf-cid, one process a file; the two builds run
alternately, 15 rounds, and the medians are compared (the machine is shared and noisy).

    python3 scripts/bench_text_layer.py OLD_PDFTEXT NEW_PDFTEXT

An old build: `git worktree add /tmp/old <commit>`, copy pdftext.rs into its examples/
(calling `page_texts`), `cargo build --release -p jixiao-pdf --example pdftext`.
"""
import glob, pathlib, subprocess, sys, time

ROOT = pathlib.Path(__file__).resolve().parent.parent


def main():
    old, new = sys.argv[1], sys.argv[2]
    files = sorted(str(p) for d in ("pdf-lo", "pdf-chromium", "pdf-cid") for p in (ROOT / "samples" / d).glob("*.pdf"))
    times = {old: [], new: []}
    for r in range(15):
        for exe in (old, new) if r % 2 == 0 else (new, old):
            t = time.perf_counter()
            for f in files:
                subprocess.run([exe, f], capture_output=True, check=True)
            times[exe].append(time.perf_counter() - t)
    mo, mn = sorted(times[old])[7], sorted(times[new])[7]
    print(f"{len(files)} PDFs: old median {mo:.3f} s, new {mn:.3f} s, new/old {mn / mo:.3f}")


if __name__ == "__main__":
    main()
