#!/usr/bin/env bash
# Writes golden/pdftotext/<rendering>/<file>.txt: poppler's pdftotext output for every
# digital sample PDF, the reference of the character-recall test
# (crates/jixiao-pdf/tests/recall.rs). Committed, so tests do not need poppler.
# Needs poppler-utils and poppler-data (for the CID-font sample).
set -euo pipefail
cd "$(dirname "$0")/.."
command -v pdftotext >/dev/null || { sudo apt-get install -y poppler-utils poppler-data || apt-get install -y poppler-utils poppler-data; }
for dir in pdf-lo pdf-chromium pdf-cid; do
  mkdir -p "golden/pdftotext/$dir"
  for f in samples/$dir/*.pdf; do
    pdftotext -enc UTF-8 "$f" "golden/pdftotext/$dir/$(basename "$f" .pdf).txt" 2>/dev/null
  done
done
pdftotext -v 2>&1 | head -1 > golden/pdftotext/VERSION
du -sh golden/pdftotext
