#!/usr/bin/env bash
# A fuzzing campaign: every target of fuzz/ (or those named) for SECONDS each, seeded
# from samples/ and the hostile reproducers of jixiao_mess::bombs, then one line per
# target: executions, coverage, findings. Findings (crashes, timeouts, OOMs) are left in
# fuzz/artifacts/TARGET/; each one fixed becomes a regression test (see fuzz/README.md).
#
#   scripts/fuzz.sh 3600                 # one hour per target
#   scripts/fuzz.sh 300 pdf xlsx_parts   # five minutes for two targets
#
# cargo-fuzz builds with overflow checks and debug assertions; FUZZ_BUILD_FLAGS=-O
# fuzzes the build users run instead (an overflow inside a dependency that a release
# build wraps, and jixiao guards, then stops the campaign no more).
#
# libFuzzer stops at its first finding. FUZZ_KEEP_GOING=1 runs it in fork mode
# (-fork=1 -ignore_crashes=1 -ignore_timeouts=1 -ignore_ooms=1): each finding is saved
# and the campaign goes on for its whole time, so one known panic cannot cut an hour short.
#
# Needs a nightly toolchain (rustup toolchain install nightly) and cargo-fuzz, which
# this script installs from crates.io at a pinned version when it is missing.
set -euo pipefail
cd "$(dirname "$0")/.."
secs=${1:-3600}
shift || true
targets=("$@")
if [ ${#targets[@]} -eq 0 ]; then
  targets=(text xlsx xlsx_parts pdf image markup pipeline)
fi
if ! cargo fuzz --version >/dev/null 2>&1; then
  cargo install cargo-fuzz --version 0.13.2 --locked
fi

# Seeds: small samples of each kind (libFuzzer is fastest on small inputs) and the bombs.
seeds=fuzz/seeds
rm -rf "$seeds"
mkdir -p "$seeds"/{text,xlsx,pdf,image,markup,all}
cargo run -q -p jixiao-mess --example bombs -- "$seeds/bombs" >/dev/null
small() { find "$@" -type f -size -300k 2>/dev/null | sort | head -40; }
for f in $(small samples/text); do cp "$f" "$seeds/text/"; done
for f in $(small samples/xlsx) $seeds/bombs/*.xls $seeds/bombs/xlsx-sparse-corners.xlsx; do cp "$f" "$seeds/xlsx/"; done
for f in $(small samples/pdf-* samples/scans-*) $seeds/bombs/pdf-cmap-ranges.pdf $seeds/bombs/pdf-grid-2000.pdf $seeds/bombs/pdf-xobject-fanout.pdf; do cp "$f" "$seeds/pdf/"; done
for f in $(small samples/images); do cp "$f" "$seeds/image/"; done
for f in $(small samples/html samples/docx); do cp "$f" "$seeds/markup/"; done
for d in text xlsx pdf markup; do cp "$seeds/$d"/* "$seeds/all/" 2>/dev/null || true; done
seed_of() {
  case $1 in
    text) echo text ;; xlsx) echo xlsx ;; xlsx_parts) echo "" ;; pdf) echo pdf ;;
    image) echo image ;; markup) echo markup ;; pipeline) echo all ;;
  esac
}

mkdir -p fuzz/logs
for t in "${targets[@]}"; do
  mkdir -p "fuzz/corpus/$t" "fuzz/artifacts/$t"
  s=$(seed_of "$t")
  dirs=("fuzz/corpus/$t")
  [ -n "$s" ] && dirs+=("$seeds/$s")
  keep=()
  [ "${FUZZ_KEEP_GOING:-0}" = 1 ] && keep=(-fork=1 -ignore_crashes=1 -ignore_timeouts=1 -ignore_ooms=1)
  # Each input gets 10 s and 4 GiB; inputs up to 1 MiB.
  # shellcheck disable=SC2086
  (cd fuzz && cargo +nightly fuzz run ${FUZZ_BUILD_FLAGS:-} "$t" "${dirs[@]/#fuzz\//}" -- \
      -max_total_time="$secs" -timeout=10 -rss_limit_mb=4096 -max_len=1048576 \
      -artifact_prefix="artifacts/$t/" -print_final_stats=1 "${keep[@]}") >"fuzz/logs/$t.log" 2>&1 || true
  execs=$(grep -o 'stat::number_of_executed_units: *[0-9]*' "fuzz/logs/$t.log" | grep -o '[0-9]*$' ||
    grep -Eo '^#[0-9]+' "fuzz/logs/$t.log" | tail -1 | tr -d '#' || echo "?")
  cov=$(grep -Eo 'cov: [0-9]+ ft: [0-9]+' "fuzz/logs/$t.log" | tail -1 || echo "cov: ?")
  found=$(find "fuzz/artifacts/$t" -type f | wc -l)
  echo "$t: ${secs} s, ${execs} executions, ${cov}, ${found} findings"
done
