#!/usr/bin/env python3
# Mechanical golden check on the clean text samples. usage: scripts/checks/levelcheck.py FILE_PREFIX [records.jsonl]
# (prints nothing when every form passes)
import json,re,sys
L1=["成本指标","产出指标","效益指标","满意度指标"]
L2={"经济成本指标":"成本指标","社会成本指标":"成本指标","生态环境成本指标":"成本指标","数量指标":"产出指标","质量指标":"产出指标","时效指标":"产出指标","经济效益指标":"效益指标","社会效益指标":"效益指标","生态效益指标":"效益指标","可持续影响指标":"效益指标","服务对象满意度指标":"满意度指标"}
recs=[json.loads(l) for l in open(sys.argv[2] if len(sys.argv) > 2 else 'out/records.jsonl')]
src={}
for r in recs:
    f=r['source']['file']
    if sys.argv[1] not in f: continue
    if f not in src: src[f]=open(f).read().split('\n')
    l1=l2=None
    for ind in r['indicators']:
        cells=[re.sub(r'\s','',c) for c in src[f][ind['source']['line']-1].split('\t')]
        c2=[c for c in cells if c in L2]
        c1=[c for c in cells if c in L1]
        if c2: l2=c2[0]; l1=L2[l2]
        elif c1: l1=c1[0]; l2=None
        if c1: l1=c1[0]
        if (l1,l2)!=(ind['level1'],ind['level2']):
            print(r['record_id'][-7:], ind['source']['line'], 'naive',l1,l2,'parser',ind['level1'],ind['level2'], ind['level3'])
