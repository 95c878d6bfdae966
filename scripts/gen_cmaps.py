#!/usr/bin/env python3
"""Generates the compact tables of Adobe's CJK character collections (GB1, CNS1, Japan1,
Korea1) bundled in crates/jixiao-pdf/data/.

Run once (needs Debian's poppler-data); the outputs are committed, so neither builds nor
tests need poppler-data. The source CMaps are Adobe's, BSD-3-Clause (see data/LICENSE).

Outputs (all little-endian u16):
  <name>.cidranges: triples (code_lo, code_hi, cid_lo) for each CMap, sorted by code_lo,
                    with consecutive ranges merged.
  <name>.space:      the CMap's code-space ranges, one "lo hi" pair of hex codes a line.
  adobe_<collection>_ucs2.u16: CID -> Unicode (BMP; 0 when the CID has no single BMP
                    code point).
Only the horizontal CMaps are bundled: a -V CMap maps codes as its -H one does but for a few
punctuation CIDs, whose text is the same.
"""
import re, struct, sys, pathlib

SRC = pathlib.Path("/usr/share/poppler")
OUT = pathlib.Path(__file__).resolve().parent.parent / "crates/jixiao-pdf/data"


CMAPS = {
    "GB1": ["UniGB-UCS2-H", "GBK-EUC-H", "GB-EUC-H"],
    "CNS1": ["UniCNS-UCS2-H", "B5pc-H", "ETen-B5-H"],
    "Japan1": ["UniJIS-UCS2-H", "90ms-RKSJ-H", "EUC-H", "H"],
    "Korea1": ["UniKS-UCS2-H", "KSC-EUC-H", "KSCms-UHC-H"],
}


def space(coll, name):
    text = (SRC / "cMap" / f"Adobe-{coll}" / name).read_text(encoding="latin-1")
    out = []
    for blk in re.findall(r"begincodespacerange(.*?)endcodespacerange", text, re.S):
        out += re.findall(r"<([0-9a-fA-F]+)>\s*<([0-9a-fA-F]+)>", blk)
    return out


def ranges(name, coll="GB1"):
    text = (SRC / "cMap" / f"Adobe-{coll}" / name).read_text(encoding="latin-1")
    out = []
    for blk in re.findall(r"begincidrange(.*?)endcidrange", text, re.S):
        for lo, hi, cid in re.findall(r"<([0-9a-fA-F]+)>\s*<([0-9a-fA-F]+)>\s*(\d+)", blk):
            out.append((int(lo, 16), int(hi, 16), int(cid)))
    for blk in re.findall(r"begincidchar(.*?)endcidchar", text, re.S):
        for c, cid in re.findall(r"<([0-9a-fA-F]+)>\s*(\d+)", blk):
            out.append((int(c, 16), int(c, 16), int(cid)))
    out.sort()
    merged = []
    for lo, hi, cid in out:
        if merged:
            plo, phi, pcid = merged[-1]
            if lo == phi + 1 and cid == pcid + (phi - plo) + 1:
                merged[-1] = (plo, hi, pcid)
                continue
        merged.append((lo, hi, cid))
    return merged


def main():
    OUT.mkdir(parents=True, exist_ok=True)
    for coll, names in CMAPS.items():
        for name in names:
            rs = ranges(name, coll)
            assert all(max(r) < 65536 for r in rs), name
            (OUT / f"{name}.cidranges").write_bytes(b"".join(struct.pack("<HHH", *r) for r in rs))
            (OUT / f"{name}.space").write_text("".join(f"{lo} {hi}\n" for lo, hi in space(coll, name)))
            print(name, len(rs), "ranges")
        lines = (SRC / "cidToUnicode" / f"Adobe-{coll}").read_text().split()
        table = [int(h, 16) if len(h) <= 4 else 0 for h in lines]
        (OUT / f"adobe_{coll.lower()}_ucs2.u16").write_bytes(struct.pack(f"<{len(table)}H", *table))
        print(f"Adobe-{coll} cid->unicode", len(table))


if __name__ == "__main__":
    sys.exit(main())
