#!/usr/bin/env bash
# Installs headless Chromium and a CJK font from Debian when missing, and prints the
# browser's path. Used by the report's screenshot test (crates/jixiao-report/tests/
# chromium.rs) and by hand: `scripts/chromium.sh` then
#   chromium --headless --no-sandbox --screenshot=shot.png --window-size=1200,2000 file://$PWD/out/report.html
# Chromium is BSD-3-Clause (Debian package `chromium`), Noto CJK is OFL-1.1
# (`fonts-noto-cjk`); apt verifies both against Debian's signed archive.
set -euo pipefail
need=()
command -v chromium >/dev/null || need+=(chromium)
fc-list 2>/dev/null | grep -q "Noto Sans CJK" || need+=(fonts-noto-cjk)
if [ ${#need[@]} -gt 0 ]; then
  if [ "$(id -u)" != 0 ]; then
    echo "scripts/chromium.sh: needs ${need[*]} from Debian; run it as root (or with sudo)" >&2
    exit 1
  fi
  apt-get update -qq
  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends "${need[@]}" >&2
fi
command -v chromium
