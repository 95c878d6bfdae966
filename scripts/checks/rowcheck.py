#!/usr/bin/env python3
# Mechanical golden check on the clean text samples. usage: scripts/checks/rowcheck.py FILE_PREFIX [records.jsonl]
# (prints nothing when every form passes)
import json,re,sys
def clean(s):
    s=re.sub(r'</?[A-Za-z][A-Za-z0-9]*(?:\s[^<>]*)?/?>','',s)
    s=re.sub(r'\s+',' ',s).strip()
    # drop spaces between CJK
    out=''
    for i,ch in enumerate(s):
        if ch==' ' and i>0 and i+1<len(s) and ord(s[i-1])>0x2e80 and ord(s[i+1])>0x2e80: continue
        out+=ch
    return out
recs=[json.loads(l) for l in open(sys.argv[2] if len(sys.argv) > 2 else 'out/records.jsonl')]
src={}
bad=0
for r in recs:
    f=r['source']['file']
    if sys.argv[1] not in f: continue
    if f not in src: src[f]=open(f).read().split('\n')
    for ind in r['indicators']:
        line=src[f][ind['source']['line']-1]
        cells=[clean(c) for c in line.split('\t')]
        cells=[c for c in cells if c and c.replace(' ','')!='绩效指标']
        ext=[ind['level3']]+[ (ind[k] or {}).get('text') for k in ('target','planned_to_date','actual')]+[ind['weight'],ind['score'],ind['deviation_note']]
        ext=[e for e in ext if e is not None]
        tail=cells[len(cells)-len(ext):]
        def norm(x): return x.replace(',','')
        if [norm(x) for x in tail]!=[norm(x) for x in ext]:
            bad+=1
            print(r['record_id'][-7:], ind['source']['line'], 'SRC', cells, '\n      EXT', [ind['level1'],ind['level2']]+ext)
print('bad',bad)
