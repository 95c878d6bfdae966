#!/usr/bin/env python3
"""Scans of all 100 sample forms in the three qualities agencies publish them in.

A scan is of a printed form, so its text must be visible on paper: the four sample
workbooks (samples/xlsx) are first given row heights that fit their wrapped text (the
committed LibreOffice PDFs keep the estimated heights, under which LibreOffice prints
some wrapped labels over their neighbours or cuts them at the cell edge — fine for a
text layer, unreadable in an image), then printed by LibreOffice (A4, as samples/pdf-lo).
Every page is rasterised with pdftoppm and degraded the way an office scanner and a
publication workflow degrade it, then wrapped as an image-only PDF (img2pdf, no
re-encoding):

  scans-grey200/   (a) 200 dpi greyscale JPEG (quality 50), skewed up to 1°, sensor
                   noise and dust specks, slight blur.
  scans-g4300/     (b) 300 dpi bilevel, CCITT Group 4 (what bilevel office scanners
                   write), skewed up to 1.5°, thin strokes broken in places, specks.
  scans-colour150/ (c) 150 dpi colour JPEG (quality 40), a red round official seal
                   stamped over part of each page, every fifth page fed sideways
                   (90° or 270°) and one in twenty upside down.

The mapping of each scan to golden record ids is the workbook's
(golden/rendered/xlsx/*.json), written as golden/rendered/<dir>/<file>.json.
Deterministic (fixed seeds). Needs LibreOffice, poppler-utils, openpyxl, Pillow, numpy
and img2pdf.

usage: python3 scripts/render_scans.py
"""
import glob
import io
import json
import math
import os
import random
import subprocess
import tempfile

import img2pdf
from openpyxl import load_workbook
from openpyxl.utils import get_column_letter
import numpy as np
from PIL import Image, ImageDraw, ImageFilter, ImageFont

ROOT = os.path.join(os.path.dirname(os.path.abspath(__file__)), "..")
SAMPLES = os.path.join(ROOT, "samples")
GOLDEN = os.path.join(ROOT, "golden", "rendered")
SEAL_FONT = "/usr/share/fonts/opentype/noto/NotoSerifCJK-Bold.ttc"


# Column width unit → points (LibreOffice: one unit is about a digit of the default
# font, ~5.6 pt at 10 pt), and the height of one wrapped line of 10 pt CJK text.
POINTS_PER_WIDTH_UNIT = 5.6
LINE_PT = 14.5
CELL_PAD_PT = 4.0


def text_width(text, size):
    """Printed width of `text` at `size` points: CJK one em, the rest about half."""
    return sum(size if ord(c) > 0x2e7f else 0.56 * size for c in str(text))


def fit_rows(src, dest):
    """Copies workbook `src` to `dest` with every row tall enough for its wrapped text
    (merged cells spread their need over the rows they span)."""
    wb = load_workbook(src)
    for ws in wb.worksheets:
        merged = {}
        for rng in ws.merged_cells.ranges:
            merged[(rng.min_row, rng.min_col)] = rng
        need = {}
        spans = []
        for row in ws.iter_rows():
            for cell in row:
                if cell.value is None or not hasattr(cell, "column"):
                    continue
                rng = merged.get((cell.row, cell.column))
                c0, c1, r0, r1 = (rng.min_col, rng.max_col, rng.min_row, rng.max_row) if rng else (cell.column, cell.column, cell.row, cell.row)
                width = sum((ws.column_dimensions[get_column_letter(c)].width or 8.43) for c in range(c0, c1 + 1)) * POINTS_PER_WIDTH_UNIT - CELL_PAD_PT
                size = (cell.font.sz or 10) if cell.font else 10
                text = cell.value if not isinstance(cell.value, float) else f"{cell.value:.2f}"
                lines = max(1, -(-int(text_width(text, size)) // max(1, int(width))))
                h = lines * LINE_PT * size / 10 + CELL_PAD_PT
                if r0 == r1:
                    need[r0] = max(need.get(r0, 0), h)
                else:
                    spans.append((r0, r1, h))
        for r in range(1, ws.max_row + 1):
            cur = ws.row_dimensions[r].height or 15
            ws.row_dimensions[r].height = max(cur, need.get(r, 0))
        for r0, r1, h in spans:
            have = sum(ws.row_dimensions[r].height or 15 for r in range(r0, r1 + 1))
            if have < h:
                ws.row_dimensions[r1].height = (ws.row_dimensions[r1].height or 15) + h - have
    wb.save(dest)


def printed(tmp):
    """The sample workbooks with fitted rows, printed by LibreOffice: {name: pdf}."""
    out = {}
    for xlsx in sorted(glob.glob(os.path.join(SAMPLES, "xlsx", "*.xlsx"))):
        name = os.path.splitext(os.path.basename(xlsx))[0]
        fitted = os.path.join(tmp, name + ".xlsx")
        fit_rows(xlsx, fitted)
        subprocess.run(["soffice", "--headless", "--norestore", "--convert-to", "pdf", "--outdir", tmp, fitted],
                       check=True, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, timeout=600)
        out[name] = os.path.join(tmp, name + ".pdf")
    return out


def pages(pdf, dpi, mode):
    """The pages of `pdf` as PIL images (mode "L" or "RGB")."""
    with tempfile.TemporaryDirectory() as tmp:
        flag = ["-gray"] if mode == "L" else []
        subprocess.run(["pdftoppm", "-r", str(dpi), *flag, "-png", pdf, os.path.join(tmp, "p")], check=True)
        for png in sorted(glob.glob(os.path.join(tmp, "p*.png"))):
            yield Image.open(png).convert(mode)


def skew(img, rng, max_deg, fill):
    return img.rotate(rng.uniform(-max_deg, max_deg), expand=True, fillcolor=fill, resample=Image.BICUBIC)


def specks(a, rng, count, values):
    h, w = a.shape[:2]
    ys = rng.integers(0, h - 2, count)
    xs = rng.integers(0, w - 2, count)
    for y, x in zip(ys, xs):
        s = int(rng.integers(1, 3))
        a[y:y + s, x:x + s] = values[int(rng.integers(0, len(values)))]


def grey200(img, rng, nrng):
    img = skew(img, rng, 1.0, 255)
    a = np.asarray(img, dtype=np.float32)
    a += nrng.normal(0.0, 4.0, a.shape)
    # The scanner's white point: paper comes out white, noise stays in the ink.
    a = np.clip(np.where(a > 235, 255, a), 0, 255).astype(np.uint8)
    specks(a, nrng, a.size // 40000, (0, 60, 120))
    img = Image.fromarray(a).filter(ImageFilter.GaussianBlur(0.5))
    buf = io.BytesIO()
    img.save(buf, "JPEG", quality=50, dpi=(200, 200))
    return buf.getvalue()


def g4300(img, rng, nrng):
    img = skew(img, rng, 1.5, 255)
    a = np.asarray(img) < 150
    # Broken strokes: short white gaps cut into the ink here and there.
    h, w = a.shape
    for _ in range(a.size // 6000):
        y, x = int(nrng.integers(0, h - 3)), int(nrng.integers(0, w - 3))
        a[y:y + int(nrng.integers(1, 3)), x:x + int(nrng.integers(1, 4))] = False
    ink = a.astype(np.uint8)
    specks(ink, nrng, a.size // 30000, (1,))
    img = Image.fromarray(np.where(ink > 0, 0, 255).astype(np.uint8)).convert("1")
    buf = io.BytesIO()
    img.save(buf, "TIFF", compression="group4", dpi=(300, 300))
    return buf.getvalue()


def seal(img, rng):
    """Stamps a red round seal (ring, star, arc of text) over part of the page."""
    w, h = img.size
    r = int(min(w, h) * rng.uniform(0.11, 0.14))
    cx = int(w * rng.uniform(0.45, 0.8))
    cy = int(h * rng.uniform(0.15, 0.75))
    layer = Image.new("L", (2 * r + 4, 2 * r + 4), 0)
    d = ImageDraw.Draw(layer)
    d.ellipse([2, 2, 2 * r + 2, 2 * r + 2], outline=255, width=max(3, r // 14))
    star = [(r + 2 + r * 0.28 * math.cos(math.pi / 2 + k * 2 * math.pi / 5) * (1 if k % 2 == 0 else 1),
             r + 2 - r * 0.28 * math.sin(math.pi / 2 + k * 2 * math.pi / 5)) for k in range(5)]
    d.polygon([star[i] for i in (0, 2, 4, 1, 3)], fill=255)
    font = ImageFont.truetype(SEAL_FONT, max(10, r // 5))
    text = "某某区财政局绩效评价专用章"
    for k, ch in enumerate(text):
        ang = math.pi * (1.15 - 1.3 * k / (len(text) - 1))
        x = r + 2 + 0.72 * r * math.cos(ang)
        y = r + 2 - 0.72 * r * math.sin(ang)
        d.text((x, y), ch, fill=255, font=font, anchor="mm")
    layer = layer.rotate(rng.uniform(-30, 30), resample=Image.BICUBIC)
    alpha = layer.point(lambda v: int(v * rng.uniform(0.75, 0.9)))
    red = Image.new("RGB", layer.size, (214, 38, 48))
    base = img.crop((cx - r - 2, cy - r - 2, cx + r + 2, cy + r + 2))
    # Ink stamped on paper multiplies: black text stays black under the seal.
    mixed = Image.composite(Image.fromarray((np.asarray(base, dtype=np.uint16) * np.asarray(red, dtype=np.uint16) // 255).astype(np.uint8)), base, alpha)
    img.paste(mixed, (cx - r - 2, cy - r - 2))
    return img


def colour150(img, rng, nrng, index):
    img = seal(img, rng)
    img = skew(img, rng, 0.6, (255, 255, 255))
    a = np.asarray(img, dtype=np.float32)
    a = a * np.array([0.98, 0.96, 0.9]) + nrng.normal(0.0, 3.0, a.shape)  # yellowish paper
    img = Image.fromarray(np.clip(a, 0, 255).astype(np.uint8))
    if index % 20 == 7:
        img = img.rotate(180, expand=True)
    elif index % 5 == 2:
        img = img.rotate(rng.choice((90, 270)), expand=True)
    buf = io.BytesIO()
    img.save(buf, "JPEG", quality=40, dpi=(150, 150))
    return buf.getvalue()


QUALITIES = {
    "scans-grey200": (200, "L", grey200),
    "scans-g4300": (300, "L", g4300),
    "scans-colour150": (150, "RGB", colour150),
}


def main():
    tmp = tempfile.mkdtemp()
    sources = printed(tmp)
    print({k: subprocess.run(["pdfinfo", v], capture_output=True, text=True).stdout.split("Pages:")[1].split()[0] for k, v in sources.items()})
    for qi, (outdir, (dpi, mode, degrade)) in enumerate(QUALITIES.items()):
        os.makedirs(os.path.join(SAMPLES, outdir), exist_ok=True)
        os.makedirs(os.path.join(GOLDEN, outdir), exist_ok=True)
        index = 0
        for si, (name, src) in enumerate(sorted(sources.items())):
            rng = random.Random(20261201 + 100 * qi + si)
            nrng = np.random.default_rng(20261201 + 100 * qi + si)
            images = []
            for img in pages(src, dpi, mode):
                if degrade is colour150:
                    images.append(degrade(img, rng, nrng, index))
                else:
                    images.append(degrade(img, rng, nrng))
                index += 1
            out = os.path.join(SAMPLES, outdir, name + ".pdf")
            with open(out, "wb") as f:
                f.write(img2pdf.convert(images, layout_fun=img2pdf.get_fixed_dpi_layout_fun((dpi, dpi))))
            with open(os.path.join(GOLDEN, "xlsx", name + ".xlsx.json"), encoding="utf-8") as f:
                ids = json.load(f)["records"]
            with open(os.path.join(GOLDEN, outdir, name + ".pdf.json"), "w", encoding="utf-8") as f:
                json.dump({"file": f"samples/{outdir}/{name}.pdf", "records": ids}, f, ensure_ascii=False, indent=1)
                f.write("\n")
            print(f"{outdir}/{name}: {len(images)} pages, {len(ids)} forms, {os.path.getsize(out) / 1024:.0f} KiB")


if __name__ == "__main__":
    main()
