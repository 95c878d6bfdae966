#!/usr/bin/env python3
"""Write a *draft* golden file for each text sample from a records.jsonl.

A draft is the starting point of a review, never a golden by itself: read every record
against its source (scripts/review.py prints them side by side), correct the draft by
hand where the extraction is wrong, and list each remaining difference with its reason
in golden/text/KNOWN_MISMATCHES.tsv.

usage: cargo run --release -- extract samples/text -o /tmp/out
       scripts/draft-golden.py /tmp/out/records.jsonl golden/text   # only for new samples
"""
import json, os, sys

recs, outdir = sys.argv[1], sys.argv[2]
by_file = {}
for line in open(recs, encoding="utf-8"):
    r = json.loads(line)
    stem = os.path.splitext(os.path.basename(r["source"]["file"]))[0]
    by_file.setdefault(stem, []).append(line.rstrip("\n"))
for stem, lines in by_file.items():
    path = os.path.join(outdir, stem + ".jsonl")
    if os.path.exists(path) and "--force" not in sys.argv:
        print(f"{path}: exists, not overwritten (reviewed goldens are edited by hand)")
        continue
    with open(path, "w", encoding="utf-8") as f:
        f.write("\n".join(lines) + "\n")
    print(f"{path}: {len(lines)} draft records")
