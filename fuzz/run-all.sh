#!/usr/bin/env bash
# Runs every fuzz target in turn for SECONDS each (default 900) and prints libFuzzer's last
# status line per target. Needs the nightly toolchain and cargo-fuzz. Seeds (not committed)
# are read from seeds/TARGET when present; see docs/fuzzing.md.
set -uo pipefail
cd "$(dirname "$0")"
seconds="${SECONDS_PER_TARGET:-900}"
targets="${TARGETS:-hcl json yaml guard eval diff render}"
mkdir -p logs
for t in $targets; do
  mkdir -p "corpus/$t"
  seeds=()
  [ -d "seeds/$t" ] && seeds=("seeds/$t")
  start=$(date +%s)
  cargo +nightly fuzz run -O "$t" "corpus/$t" "${seeds[@]}" -- \
    -max_total_time="$seconds" -timeout=10 -rss_limit_mb=2048 -print_final_stats=1 \
    >"logs/$t.log" 2>&1
  status=$?
  end=$(date +%s)
  runs=$(grep -o 'stat::number_of_executed_units: *[0-9]*' "logs/$t.log" | grep -o '[0-9]*$')
  echo "$t: exit $status, $((end - start)) s, ${runs:-?} runs"
done
