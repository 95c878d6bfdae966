#!/usr/bin/env python3
"""Generates the compact Adobe-GB1 tables bundled in crates/jixiao-pdf/data/.

Run once (needs Debian's poppler-data); the outputs are committed, so neither builds nor
tests need poppler-data. The source CMaps are Adobe's, BSD-3-Clause (see data/LICENSE).

Outputs (all little-endian u16):
  <name>.cidranges: triples (code_lo, code_hi, cid_lo) for each CMap, sorted by code_lo,
                    with consecutive ranges merged.
  adobe_gb1_ucs2.u16: CID -> Unicode (BMP; 0 when the CID has no single BMP code point).
"""
import re, struct, sys, pathlib

SRC = pathlib.Path("/usr/share/poppler")
OUT = pathlib.Path(__file__).resolve().parent.parent / "crates/jixiao-pdf/data"


def ranges(name):
    text = (SRC / "cMap/Adobe-GB1" / name).read_text(encoding="latin-1")
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
    for name in ["UniGB-UCS2-H", "GBK-EUC-H", "GB-EUC-H"]:
        rs = ranges(name)
        assert all(max(r) < 65536 for r in rs), name
        (OUT / f"{name}.cidranges").write_bytes(b"".join(struct.pack("<HHH", *r) for r in rs))
        print(name, len(rs), "ranges")
    lines = (SRC / "cidToUnicode/Adobe-GB1").read_text().split()
    table = []
    for h in lines:
        v = int(h, 16) if len(h) <= 4 else 0
        table.append(v)
    (OUT / "adobe_gb1_ucs2.u16").write_bytes(struct.pack(f"<{len(table)}H", *table))
    print("Adobe-GB1 cid->unicode", len(table))


if __name__ == "__main__":
    sys.exit(main())
