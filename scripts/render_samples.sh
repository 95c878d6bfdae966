#!/usr/bin/env bash
# Renders the 100 reviewed sample forms into XLSX, LibreOffice PDF, Chromium PDF,
# CID-font PDF and scans in three qualities under samples/, with their mapping under golden/rendered/.
# Installs what it needs from Debian and PyPI; CI does not run it (outputs are committed).
set -euo pipefail
cd "$(dirname "$0")/.."
need=()
command -v soffice >/dev/null || need+=(libreoffice-calc-nogui)
[ -e /usr/lib/libreoffice/program/libswlo.so ] || need+=(libreoffice-writer-nogui)
command -v chromium >/dev/null || need+=(chromium)
command -v pdftotext >/dev/null || need+=(poppler-utils)
[ -d /usr/share/poppler/cMap ] || need+=(poppler-data)
fc-list 2>/dev/null | grep -q "Noto Sans CJK" || need+=(fonts-noto-cjk)
if [ ${#need[@]} -gt 0 ]; then
  apt-get update -qq
  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends "${need[@]}"
fi
python3 -c "import openpyxl, reportlab, PIL, numpy, img2pdf" 2>/dev/null || python3 -m pip install -q openpyxl reportlab pillow numpy img2pdf
rm -rf samples/xlsx samples/pdf-lo samples/pdf-chromium samples/pdf-cid samples/scans-* samples/pdf-gs samples/pdf-ttf samples/html samples/docx golden/rendered/{xlsx,pdf-lo,pdf-chromium,pdf-cid,scans-*,pdf-gs,pdf-ttf,html,docx}
time python3 scripts/render_samples.py
time python3 scripts/render_scans.py
command -v gs >/dev/null || { apt-get install -y -qq --no-install-recommends ghostscript fonts-droid-fallback; }
python3 -c "import pypdf" 2>/dev/null || python3 -m pip install -q pypdf
time python3 scripts/render_fonts.py
time python3 scripts/render_markup.py
du -sh samples
