#!/usr/bin/env python3
"""Correct one field of a reviewed golden record by hand.

usage: scripts/golden-set.py golden/text/FILE.jsonl RECORD_ID PATH JSON_VALUE
  PATH like  project_name  or  indicators[3].target  or  funds[0].executed
  JSON_VALUE is JSON: '"text"', 'null', '{"text": "…", "op": null, …}'
  PATH may also be  indicators[3]  with JSON_VALUE 'DELETE' to remove a list item.
"""
import json, re, sys

path, rid, field, raw = sys.argv[1:5]
lines = open(path, encoding="utf-8").read().splitlines()
parts = [p for p in re.split(r"\.|(\[\d+\])", field) if p]
done = False
for n, line in enumerate(lines):
    rec = json.loads(line)
    if rec["record_id"] != rid:
        continue
    cur = rec
    for p in parts[:-1]:
        cur = cur[int(p[1:-1])] if p.startswith("[") else cur[p]
    last = parts[-1]
    key = int(last[1:-1]) if last.startswith("[") else last
    if raw == "DELETE":
        del cur[key]
    else:
        cur[key] = json.loads(raw)
    lines[n] = json.dumps(rec, ensure_ascii=False, separators=(",", ":"))
    done = True
if not done:
    sys.exit(f"{rid} not in {path}")
open(path, "w", encoding="utf-8").write("\n".join(lines) + "\n")
