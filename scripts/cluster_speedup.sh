#!/usr/bin/env bash
# The 1 → 2 worker speed-up of `python -m jixiao.cluster` on the scan samples (OCR bound),
# both runs in this invocation: a venv in target/cluster-bench with the pinned build and
# cluster requirements, the wheel built with maturin (dev profile, as the tests), then
# one run with 1 worker and one with 2, RAYON_NUM_THREADS=1 so each worker uses one core
# (as one worker per machine would). Prints both times and their ratio.
#   scripts/cluster_speedup.sh [DIR]   (default samples/scans-grey200)
set -euo pipefail
cd "$(dirname "$0")/.."
input=${1:-samples/scans-grey200}
bench=target/cluster-bench
if [ ! -x "$bench/venv/bin/python" ]; then
  python3 -m venv "$bench/venv"
  "$bench/venv/bin/pip" install -q --no-deps --require-hashes -r crates/jixiao-py/requirements-test.txt
  "$bench/venv/bin/pip" install -q --no-deps --require-hashes -r crates/jixiao-py/requirements-cluster.txt
fi
rm -rf "$bench/wheels"
PATH="$PWD/$bench/venv/bin:$PATH" CARGO_TARGET_DIR=target/python-wheel \
  "$bench/venv/bin/maturin" build --profile dev --quiet -m crates/jixiao-py/Cargo.toml -o "$bench/wheels"
"$bench/venv/bin/pip" install -q --no-deps --force-reinstall "$bench"/wheels/*.whl
run() {
  rm -rf "$bench/out$1"
  local t0=$(date +%s.%N)
  RAYON_NUM_THREADS=1 "$bench/venv/bin/python" -m jixiao.cluster "$input" -o "$bench/out$1" --workers "$1" >/dev/null
  echo "$(date +%s.%N) - $t0" | bc
}
one=$(run 1)
two=$(run 2)
echo "1 worker: ${one} s, 2 workers: ${two} s, speed-up ×$(echo "scale=2; $one / $two" | bc)"
