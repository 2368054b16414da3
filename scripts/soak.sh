#!/usr/bin/env bash
# Runs a browser suite again and again with a busy loop per core beside it:
# slow scheduling is what brings out a lost wake-up or a wait that never
# ends. Prints each run's time and stops at the first failure.
#
#   scripts/soak.sh ENGINE SUITE [RUNS]
#   ENGINE: chrome | firefox | webkit;  SUITE: browser | worker;  RUNS: 10
#
# Each log is kept in target/soak/ENGINE-SUITE-N.log.
set -euo pipefail
cd "$(dirname "$0")/.."
export PATH="$HOME/.cargo/bin:$PATH"
engine=${1:?engine: chrome, firefox or webkit} suite=${2:?suite: browser or worker} runs=${3:-10}
case "$engine" in
  chrome|firefox) runner=(wasm-pack test --headless "--$engine" --test) ;;
  webkit) runner=(./scripts/webkit.sh suite) ;;
  *) echo "soak: unknown engine $engine" >&2; exit 2 ;;
esac
mkdir -p target/soak
"${runner[@]}" "$suite" >/dev/null 2>&1 || true # build once, outside the timed runs

busy=()
for _ in $(seq "$(nproc)"); do (while :; do :; done) & busy+=($!); done
trap 'kill "${busy[@]}" 2>/dev/null' EXIT

for run in $(seq "$runs"); do
  log=target/soak/$engine-$suite-$run.log
  start=$(date +%s%N)
  if "${runner[@]}" "$suite" >"$log" 2>&1; then status=ok; else status=FAILED; fi
  took_ms=$((($(date +%s%N) - start) / 1000000))
  printf 'soak: %s %s run %d: %s in %d.%d s (%s)\n' "$engine" "$suite" "$run" "$status" $((took_ms / 1000)) $((took_ms % 1000 / 100)) \
    "$(grep -o 'test result: .*' "$log" | tail -n1)"
  if [ "$status" != ok ]; then
    grep -E "panicked|waited|FAILED|failed|timed out|Error" "$log" | head -n 20
    exit 1
  fi
done
