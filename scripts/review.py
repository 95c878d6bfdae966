#!/usr/bin/env python3
"""Print each extracted form next to its source lines, for reviewing goldens by eye.

usage: scripts/review.py RECORDS.jsonl [FILE_PREFIX] [FORM_NO...]
"""
import json, sys

recs = [json.loads(l) for l in open(sys.argv[1])]
pref = sys.argv[2] if len(sys.argv) > 2 else ""
nums = set(int(x) for x in sys.argv[3:])
src_cache = {}
for r in recs:
    f = r["source"]["file"]
    if pref and pref not in f:
        continue
    n = int(r["record_id"].split("-")[1])
    if nums and n not in nums:
        continue
    if f not in src_cache:
        src_cache[f] = open(f, encoding="utf-8").read().split("\n")
    a, b = r["source"]["lines"]
    print("=" * 100)
    print(f"{r['record_id']} {r['form']} year={r['year']} period={r['period']} lines {a}-{b}")
    for i in range(a - 1, b):
        print(f"  {i+1:4d}| " + src_cache[f][i].replace("\t", "│")[:220])
    print(f"  name={r['project_name']!r} dept={r['department']!r} impl={r['implementer']!r} district={r['district']}")
    if r["form"] == "target_declaration":
        print(f"  nature={r['project_nature']} cat={r['project_category']} start={r['planned_start']} end={r['planned_end']}")
    print(f"  unit={r['funds_unit']}")
    for fr in r["funds"]:
        print("   ", fr["row"], [fr[k] for k in ("initial_budget", "budget", "executed", "rate_pct", "weight", "score")])
    gp = (r["goal_planned"] or "")
    ga = (r["goal_actual"] or "")
    print(f"  goal_planned[{len(gp)}]={gp[:60]!r}…{gp[-20:]!r}")
    print(f"  goal_actual[{len(ga)}]={ga[:60]!r}…{ga[-20:]!r}")
    if r.get("goal_project"):
        print(f"  goal_project={r['goal_project'][:60]!r}")
    for ind in r["indicators"]:
        def v(x):
            return None if x is None else x["text"]
        line = f"   L{ind['source'].get('line')} {ind['level1']}/{ind['level2']}/{ind['level3']} | T={v(ind['target'])} P={v(ind['planned_to_date'])} A={v(ind['actual'])} W={ind['weight']} S={ind['score']} N={(ind['deviation_note'] or '')[:30]!r}"
        print(line[:200])
    print(f"  total={r['total_score']} grade={r['grade']} outlook={r['outlook_budget']}/{r['outlook_goals']} corr={r['corrective_actions']}")
