#!/usr/bin/env bash
# Scale benchmark (issue 13): corpora of N text files made from samples/text (each copy
# with its own content — trailing blank lines — so every file has its own SHA-256), then,
# per N, in one run: full extract (wall s, forms/s, peak RSS of the process tree), an
# incremental run with nothing changed, and two with 1 % of the files changed: the first
# changes file 0, 100, 200 … — file 0 holds the first publication of the forms that
# every fifth file repeats, so their records' `duplicate_of` changes too and they are
# written anew —, the second file 50, 150, 250 …, none of them a form's first
# publication (the common case: a revised file that no other file repeats).
#
#   scripts/bench_scale.sh [N ...]        default: 1000 10000
#
# Needs the release binary (cargo build --release -p jixiao-cli; $JIXIAO_BIN names
# another) and GNU time (/usr/bin/time, Debian package `time`). Work files go to
# $BENCH_DIR (default: a temporary directory, removed at the end).
set -euo pipefail
cd "$(dirname "$0")/.."
bin="${JIXIAO_BIN:-$PWD/target/release/jixiao}"
[ -x "$bin" ] || { echo "build first: cargo build --release -p jixiao-cli" >&2; exit 2; }
[ -x /usr/bin/time ] || { echo "needs GNU time: apt-get install time" >&2; exit 2; }
sizes=("$@")
[ ${#sizes[@]} -gt 0 ] || sizes=(1000 10000)
work="${BENCH_DIR:-$(mktemp -d)}"
[ -n "${BENCH_DIR:-}" ] || trap 'rm -rf "$work"' EXIT
mapfile -t src < <(ls samples/text/*.txt)

# run LABEL ARGS...: one timed run; prints wall, peak RSS and forms/s.
run() {
    local label=$1; shift
    /usr/bin/time -f '%e %M' -o "$work/time" "$bin" "$@" -q || true
    read -r wall rss < "$work/time"
    local forms
    forms=$(wc -l < "$work/out/records.jsonl")
    # (GNU time gives hundredths: a run under 0.01 s counts as 0.01 s)
    local rate
    rate=$(echo "w = $wall; if (w < 0.01) w = 0.01; $forms / w" | bc -l)
    printf '%-26s %8.2f s %8.0f MB %9.0f forms/s %8d forms\n' \
        "$label" "$wall" "$((rss / 1024))" "$rate" "$forms"
    echo "$wall"  > "$work/last_wall"
}

for n in "${sizes[@]}"; do
    corpus="$work/corpus_$n"
    rm -rf "$corpus" "$work/out"
    mkdir -p "$corpus"
    for ((i = 0; i < n; i++)); do
        s=${src[$((i % ${#src[@]}))]}
        d="$corpus/$(printf '%03d' $((i / 1000)))"
        mkdir -p "$d"
        { cat "$s"; printf '%*s' $((i / ${#src[@]} + 1)) '' | tr ' ' '\n'; } > "$d/$i.txt"
    done
    echo "== $n files ($(du -sh "$corpus" | cut -f1))"
    run "full" extract "$corpus" -o "$work/out"
    full=$(cat "$work/last_wall")
    sleep 2.1 # the manifest must be newer than the files by the settling margin
    run "incremental, unchanged" extract "$corpus" -o "$work/out" --incremental
    unchanged=$(cat "$work/last_wall")
    step=100
    for ((i = 0; i < n; i += step)); do
        printf '\n' >> "$corpus/$(printf '%03d' $((i / 1000)))/$i.txt"
    done
    run "incremental, 1 % changed" extract "$corpus" -o "$work/out" --incremental
    changed=$(cat "$work/last_wall")
    for ((i = step / 2; i < n; i += step)); do
        printf '\n' >> "$corpus/$(printf '%03d' $((i / 1000)))/$i.txt"
    done
    run "  … none a first copy" extract "$corpus" -o "$work/out" --incremental
    later=$(cat "$work/last_wall")
    printf '%-26s %8.2f %%   (unchanged)   %8.2f %% (1 %% changed)   %8.2f %% (none a first copy)\n' \
        "of the full run" "$(echo "100 * $unchanged / $full" | bc -l)" \
        "$(echo "100 * $changed / $full" | bc -l)" "$(echo "100 * $later / $full" | bc -l)"
done
