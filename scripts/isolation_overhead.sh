#!/usr/bin/env bash
# The cost of reading files in worker processes: `jixiao extract` on the samples with
# workers (the default) and `--in-process`, alternated ROUNDS times in the same session
# (the machines are shared and noisy), then the ratio of the medians and a check that
# both wrote the same records, errors and findings.
#
#   scripts/isolation_overhead.sh [ROUNDS] [extract flags…]
#   scripts/isolation_overhead.sh 3 --ocr never      # digital files only, seconds
set -euo pipefail
cd "$(dirname "$0")/.."
rounds=${1:-3}
shift || true
cargo build -q --release -p jixiao-cli
bin=target/release/jixiao
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
declare -a iso inp
for i in $(seq "$rounds"); do
  for mode in isolated in-process; do
    flag=()
    [ "$mode" = in-process ] && flag=(--in-process)
    s=$(date +%s.%N)
    "$bin" extract -q "${flag[@]}" "$@" samples -o "$tmp/$mode" >/dev/null 2>&1 || true
    e=$(date +%s.%N)
    t=$(echo "$e - $s" | bc)
    if [ "$mode" = isolated ]; then iso+=("$t"); else inp+=("$t"); fi
    echo "round $i $mode: $t s"
  done
done
for f in records.jsonl errors.jsonl findings.jsonl; do
  cmp -s "$tmp/isolated/$f" "$tmp/in-process/$f" && echo "$f: identical" || echo "$f: DIFFERENT"
done
median() { printf '%s\n' "$@" | sort -g | awk '{a[NR]=$1} END {print (NR%2) ? a[(NR+1)/2] : (a[NR/2]+a[NR/2+1])/2}'; }
mi=$(median "${iso[@]}")
mp=$(median "${inp[@]}")
echo "median: workers $mi s, in-process $mp s, ratio $(echo "scale=3; $mi / $mp" | bc)"
