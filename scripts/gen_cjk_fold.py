#!/usr/bin/env python3
"""Generates the fold table in crates/jixiao-pdf/src/compat.rs (CJK_COMPAT).

Two sources, merged (the first wins):
1. Shared glyphs, as follows.
2. Canonical singletons of U+2000–U+2BFF and NFKC of the Kangxi radicals and CJK
   compatibility ideographs (Python unicodedata).

CJK fonts draw a radical and its ideograph, or two variant ideographs, with one glyph.
A PDF's ToUnicode can only name one code point per glyph, and producers (Skia in
Chromium) often pick the radical (`⻔` U+2ED4 for 门) or the traditional variant (`戶`
for 户). Budget forms are simplified Chinese, so we fold every code point that shares a
glyph in Noto Sans/Serif CJK SC (regular or bold) with exactly one GB 2312 character to that character.

Needs fonttools and Debian's fonts-noto-cjk; run once, the output is committed.
"""
from fontTools.ttLib import TTCollection
import collections, sys, unicodedata

PATHS = [f"/usr/share/fonts/opentype/noto/Noto{f}CJK-{w}.ttc" for f in ("Sans", "Serif") for w in ("Regular", "Bold")]


def in_gb2312(c):
    try:
        c.encode("gb2312")
        return True
    except UnicodeEncodeError:
        return False


def cjkish(cp):
    return (0x2E80 <= cp <= 0x2FDF or 0x3400 <= cp <= 0x9FFF or 0xF900 <= cp <= 0xFAFF
            or 0x20000 <= cp <= 0x2FA1F)


def main():
    pairs = {}
    fonts = [f for p in PATHS for f in TTCollection(p).fonts]
    for font in fonts:
        name = font["name"].getDebugName(1) or ""
        if not name.endswith(" SC"):
            continue
        cmap = font.getBestCmap()
        by_glyph = collections.defaultdict(set)
        for cp, g in cmap.items():
            if cjkish(cp):
                by_glyph[g].add(cp)
        for cps in by_glyph.values():
            gb = [cp for cp in cps if in_gb2312(chr(cp))]
            if not gb:
                # No GB 2312 member: fold radicals to the one unified ideograph, if any.
                gb = [cp for cp in cps if 0x4E00 <= cp <= 0x9FFF]
            if len(gb) != 1:
                continue
            for cp in cps:
                if cp != gb[0] and cp <= 0xFFFF and not (0x4E00 <= cp <= 0x9FFF and not in_gb2312(chr(gb[0]))):
                    pairs[cp] = gb[0]
    # Canonical singletons (NFC): `〈` U+2329 is U+3008, `Ω` U+2126 is U+03A9.
    for cp in range(0x2000, 0x2C00):
        n = unicodedata.normalize("NFC", chr(cp))
        if n != chr(cp) and len(n) == 1:
            pairs.setdefault(cp, ord(n))
    # NFKC where the glyphs gave nothing (a shared glyph's GB 2312 character wins:
    # `⼾` U+2F3E is drawn as 户, though NFKC says 戶).
    for cp in list(range(0x2E80, 0x2FE0)) + list(range(0xF900, 0xFB00)):
        n = unicodedata.normalize("NFKC", chr(cp))
        if n != chr(cp) and len(n) == 1:
            pairs.setdefault(cp, ord(n))
    out = sorted(pairs.items())
    print(f"// {len(out)} pairs", file=sys.stderr)
    lines = ["pub static CJK_COMPAT: &[(u32, u32)] = &["]
    for i in range(0, len(out), 6):
        lines.append("    " + " ".join(f"(0x{a:04X}, 0x{b:04X})," for a, b in out[i:i + 6]))
    lines.append("];")
    print("\n".join(lines))


if __name__ == "__main__":
    main()
