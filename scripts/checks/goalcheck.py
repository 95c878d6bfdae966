#!/usr/bin/env python3
# Mechanical golden check on the clean text samples. usage: scripts/checks/goalcheck.py FILE_PREFIX [records.jsonl]
# (prints nothing when every form passes)
import json,re,sys
def clean(s):
    s=re.sub(r'</?[A-Za-z][A-Za-z0-9]*(?:\s[^<>]*)?/?>','',s)
    return re.sub(r'\s+','',s)
labels=set(['年度总体目标','预期目标','实际完成情况','跟踪期实际完成情况','项目总目标','项目绩效目标','年度总体目标','年度','总体','目标','总体目标'])
recs=[json.loads(l) for l in open(sys.argv[2] if len(sys.argv) > 2 else 'out/records.jsonl')]
src={}
for r in recs:
    f=r['source']['file']
    if sys.argv[1] not in f: continue
    if f not in src: src[f]=open(f).read().split('\n')
    L=src[f]; a,b=r['source']['lines']
    h=next((i for i in range(a-1,b) if '申报表' not in L[i] and any(x in L[i].replace(' ','') for x in ('期目标','总体目标','项目总目标','完成情况','绩效目标'))),None)
    e=next((i for i in range(a-1,b) if re.search('一级.*二级|三级指标|年度指标值',L[i].replace(' ',''))),None)
    if h is None or e is None: print(r['record_id'],'no goals region'); continue
    txt=''.join(clean(c) for i in range(h,e) for c in L[i].split('\t') if clean(c) not in labels and len(clean(c))>0)
    for lab in ('预期目标','实际完成情况'): txt=txt.replace(lab,'')
    got=''.join(clean(r.get(k) or '') for k in ('goal_project','goal_planned','goal_actual'))
    if sorted(txt)!=sorted(got): print(r['record_id'][-7:], len(txt), len(got), 'src:',txt[:60], '| got:', got[:60])
