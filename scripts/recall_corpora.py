#!/usr/bin/env python3
"""Character recall of jixiao's PDF text layer against pdftotext over the test PDFs of other
PDF projects (pdfminer.six, pdfplumber, camelot; fetch them with the search tool's `fetch`,
they are not committed):

    python3 scripts/recall_corpora.py [--passwords P1,P2] DIR [DIR ...]

Every *.pdf under the DIRs is read by `pdftotext -enc UTF-8` and by the `pdftext` example of
jixiao-pdf (release build; each with a 60 s timeout). Both texts are compared as multisets of
non-space characters after NFKC folding (producers name one glyph by several code points),
control and format characters and U+FFFD left out (see `chars`); recall = matched /
pdftotext's characters. Files where pdftotext finds no text are counted
apart. Encrypted files are tried with each of `--passwords` (pdfminer.six's samples use
`foo` and `usersecret`) when they do not open without one. Prints the distribution, the files under 99 % with their fonts (pdffonts), panics
(exit code 101), timeouts and errors.
"""
import collections, pathlib, subprocess, sys, unicodedata

ROOT = pathlib.Path(__file__).resolve().parent.parent
EXE = ROOT / "target/release/examples/pdftext"
TIMEOUT = 60


def chars(text):
    """Non-space characters after NFKC, without control and format characters (pdftotext
    writes bidi marks and raw control codes of unmapped glyphs) and U+FFFD (its mark for a
    glyph it could not map): recall counts the characters pdftotext actually knows."""
    c = collections.Counter()
    for ch in unicodedata.normalize("NFKC", text):
        if ch.isspace() or ch == "\ufffd" or unicodedata.category(ch) in ("Cc", "Cf"):
            continue
        c[ch] += 1
    return c


def run(cmd):
    try:
        p = subprocess.run(cmd, capture_output=True, timeout=TIMEOUT)
        return p.returncode, p.stdout.decode("utf-8", "replace"), p.stderr.decode("utf-8", "replace")
    except subprocess.TimeoutExpired:
        return "timeout", "", ""


def main():
    subprocess.run(["cargo", "build", "-q", "--release", "-p", "jixiao-pdf", "--example", "pdftext"],
                   cwd=ROOT, check=True)
    args = sys.argv[1:]
    passwords = []
    if args[:1] == ["--passwords"]:
        passwords, args = args[1].split(","), args[2:]
    files = sorted(p for d in args for p in pathlib.Path(d).rglob("*") if p.suffix.lower() == ".pdf")
    rows, empty, panics, timeouts, errors = [], [], [], [], []
    for f in files:
        rc_ref, ref, _ = run(["pdftotext", "-enc", "UTF-8", str(f), "-"])
        for pw in passwords if rc_ref != 0 else []:
            rc_ref, ref, _ = run(["pdftotext", "-enc", "UTF-8", "-upw", pw, str(f), "-"])
            if rc_ref != 0:
                rc_ref, ref, _ = run(["pdftotext", "-enc", "UTF-8", "-opw", pw, str(f), "-"])
            if rc_ref == 0:
                break
        want = chars(ref) if rc_ref == 0 else collections.Counter()
        rc, got, err = run([str(EXE), str(f)])
        for pw in passwords if rc not in (0, "timeout", 101) else []:
            rc, got, err = run([str(EXE), str(f), pw])
            if rc == 0:
                break
        if rc == "timeout":
            timeouts.append(f)
        elif rc == 101:
            panics.append((f, err.strip()[-200:]))
        elif rc != 0:
            errors.append((f, err.strip()[-160:]))
        total = sum(want.values())
        if total == 0:
            empty.append(f)
            continue
        hit = sum(min(n, chars(got)[c]) for c, n in want.items()) if rc == 0 else 0
        rows.append((hit / total, total, f, err.strip()[-160:] if rc != 0 else ""))
    rows.sort(key=lambda r: r[0])
    n = len(rows)
    at99 = sum(1 for r in rows if r[0] >= 0.99)
    allc = sum(r[1] for r in rows)
    hitc = sum(r[0] * r[1] for r in rows)
    print(f"{len(files)} PDFs; {n} with text per pdftotext, {len(empty)} without")
    print(f"files at >= 99 % recall: {at99}/{n} ({100 * at99 / max(n, 1):.1f} %)")
    print(f"characters: {100 * hitc / max(allc, 1):.2f} % of {allc}")
    for lo, hi in [(0, 0.5), (0.5, 0.9), (0.9, 0.99), (0.99, 0.999), (0.999, 1.01)]:
        print(f"  recall {lo:.3f}-{min(hi, 1):.3f}: {sum(1 for r in rows if lo <= r[0] < hi)}")
    print(f"panics: {len(panics)}, timeouts: {len(timeouts)}, errors: {len(errors)}")
    for f, e in panics:
        print(f"  PANIC {f}: {e}")
    for f in timeouts:
        print(f"  TIMEOUT {f}")
    for f, e in errors:
        print(f"  ERROR {f}: {e}")
    print("files under 99 %:")
    for rec, total, f, err in rows:
        if rec >= 0.99:
            break
        fonts = subprocess.run(["pdffonts", str(f)], capture_output=True, text=True).stdout.splitlines()[2:6]
        print(f"  {100 * rec:6.2f} % of {total:6d}  {f}  {err}")
        for line in fonts:
            print(f"        {line[:110]}")


if __name__ == "__main__":
    main()
