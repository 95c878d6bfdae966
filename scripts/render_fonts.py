#!/usr/bin/env python3
"""Renders the dev forms as PDFs whose fonts carry no /ToUnicode (issue: PDF text from every
producer), with mappings to the text goldens under golden/rendered/:

  pdf-gs/   the LibreOffice PDFs of samples/pdf-lo re-distilled by Ghostscript
            (`gs -sDEVICE=pdfwrite`: Type 1C subsets with `cidNNNNN` glyph names), every
            /ToUnicode then removed;
  pdf-ttf/  the workbooks of samples/xlsx set in Droid Sans Fallback (a TrueType font) and
            printed by LibreOffice, every /ToUnicode then removed: the subsets keep no
            cmap and no glyph names, so the text is only in the outlines.

The Chromium (Type 3) and LibreOffice (Type 1) renderings without /ToUnicode are made from
the committed samples in memory by the parity tests, so they take no room here.

Needs: ghostscript, libreoffice-calc, fonts-droid-fallback (Debian); pypdf, openpyxl (PyPI).
Run by scripts/render_samples.sh after render_samples.py; CI does not run it.
"""
import json, pathlib, shutil, subprocess, tempfile

import openpyxl
import pypdf
from openpyxl.styles import Font

ROOT = pathlib.Path(__file__).resolve().parent.parent
TTF_FONT = "Droid Sans Fallback"


def strip_to_unicode(src, dst):
    w = pypdf.PdfWriter(clone_from=pypdf.PdfReader(src))
    n = 0
    for i in range(1, len(w._objects) + 1):
        try:
            o = w.get_object(i)
        except Exception:
            continue
        if isinstance(o, dict) and "/ToUnicode" in o:
            del o["/ToUnicode"]
            n += 1
    with open(dst, "wb") as f:
        w.write(f)
    return n


def mapping(dir_, name):
    src = json.loads((ROOT / "golden/rendered/pdf-lo" / f"{name}.json").read_text())
    src["file"] = f"samples/{dir_}/{name}"
    out = ROOT / "golden/rendered" / dir_
    out.mkdir(parents=True, exist_ok=True)
    (out / f"{name}.json").write_text(json.dumps(src, ensure_ascii=False, indent=1) + "\n")


def main():
    for d in ("pdf-gs", "pdf-ttf"):
        shutil.rmtree(ROOT / "samples" / d, ignore_errors=True)
        shutil.rmtree(ROOT / "golden/rendered" / d, ignore_errors=True)
        (ROOT / "samples" / d).mkdir(parents=True)
    with tempfile.TemporaryDirectory() as tmp:
        tmp = pathlib.Path(tmp)
        for pdf in sorted((ROOT / "samples/pdf-lo").glob("*.pdf")):
            gs = tmp / pdf.name
            subprocess.run(["gs", "-q", "-dNOPAUSE", "-dBATCH", "-sDEVICE=pdfwrite",
                            "-o", str(gs), str(pdf)], check=True)
            n = strip_to_unicode(gs, ROOT / "samples/pdf-gs" / pdf.name)
            mapping("pdf-gs", pdf.name)
            print(f"pdf-gs/{pdf.name}: {n} ToUnicode removed")
        for xlsx in sorted((ROOT / "samples/xlsx").glob("*.xlsx")):
            wb = openpyxl.load_workbook(xlsx)
            for ws in wb.worksheets:
                for row in ws.iter_rows():
                    for c in row:
                        f = c.font
                        c.font = Font(name=TTF_FONT, size=f.size, bold=f.bold)
            src = tmp / xlsx.name
            wb.save(src)
            subprocess.run(["soffice", "--headless", "--norestore", "--convert-to", "pdf",
                            "--outdir", str(tmp), str(src)], check=True, capture_output=True)
            name = xlsx.with_suffix(".pdf").name
            n = strip_to_unicode(tmp / name, ROOT / "samples/pdf-ttf" / name)
            mapping("pdf-ttf", name)
            print(f"pdf-ttf/{name}: {n} ToUnicode removed")


if __name__ == "__main__":
    main()
