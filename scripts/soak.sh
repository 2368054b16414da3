#!/usr/bin/env bash
# Runs a test again and again with a busy loop per core beside it: slow
# scheduling is what brings out a lost wake-up, a wait that never ends or
# a test that depends on timing it does not control. Every run goes (a
# failure does not stop the others); the last line counts the passes.
#
#   scripts/soak.sh ENGINE SUITE [RUNS]   a browser suite, RUNS times (10)
#       ENGINE: chrome | firefox | webkit;  SUITE: browser | worker | fallback
#   scripts/soak.sh file PATH [RUNS]      an end-to-end test file, e.g.
#       tests/e2e/element.test.mjs (Chromium), tests/firefox/..., tests/webkit/...
#   scripts/soak.sh files DIR [RUNS]      every file of an end-to-end folder,
#       RUNS passes over it, counted per file (tests/e2e, tests/firefox, tests/webkit)
#   BUSY=0 scripts/soak.sh ...            the same on a quiet machine
#
# Each log is kept in target/soak/NAME-N.log; exit status 1 if any run failed.
set -uo pipefail
cd "$(dirname "$0")/.."
export PATH="$HOME/.cargo/bin:$PATH"
engine=${1:?engine: chrome, firefox, webkit or file} target=${2:?suite (browser, worker, fallback) or test file} runs=${3:-10}
case "$engine:$target" in
  chrome:fallback|firefox:fallback)
    runner=(env CARGO_TARGET_DIR=target/fallback RUSTFLAGS="-C target-feature=+bulk-memory"
      wasm-pack test --headless "--$engine" --no-default-features --test fallback) ;;
  chrome:*|firefox:*) runner=(wasm-pack test --headless "--$engine" --features rayon --test "$target") ;;
  webkit:*) runner=(./scripts/webkit.sh suite "$target") ;;
  file:tests/webkit/*) runner=(./scripts/webkit.sh node --test "$target") ;;
  file:*) runner=(node --test "$target") ;;
  files:tests/webkit*) runner=(./scripts/webkit.sh node --test --test-concurrency=1 "$target") ;;
  files:*) runner=(node --test --test-concurrency=1 "$target") ;;
  *) echo "soak: unknown engine $engine" >&2; exit 2 ;;
esac
case "$engine" in
  file) name="$(basename "$(dirname "$target")")-$(basename "$target" .test.mjs)" ;;
  files) name="$(basename "$target")-all" ;;
  *) name="$engine-$target" ;;
esac
mkdir -p target/soak
rm -f target/soak/"$name"-*.log
if [ "$engine" = chrome ] || [ "$engine" = firefox ] || [ "$engine" = webkit ]; then "${runner[@]}" >/dev/null 2>&1 || true; fi # build once, outside the timed runs

busy=()
if [ "${BUSY:-1}" != 0 ]; then
  for _ in $(seq "$(nproc)"); do (while :; do :; done) & busy+=($!); done
fi
trap '[ ${#busy[@]} -eq 0 ] || kill "${busy[@]}" 2>/dev/null' EXIT

passed=0
for run in $(seq "$runs"); do
  log=target/soak/$name-$run.log
  start=$(date +%s%N)
  if "${runner[@]}" >"$log" 2>&1; then status=ok; passed=$((passed + 1)); else status=FAILED; fi
  took_ms=$((($(date +%s%N) - start) / 1000000))
  printf 'soak: %s run %d: %s in %d.%d s (%s)\n' "$name" "$run" "$status" $((took_ms / 1000)) $((took_ms % 1000 / 100)) \
    "$(grep -oE 'test result: .*|^# (pass|fail) [0-9]+' "$log" | tr '\n' ' ')"
  [ "$status" = ok ] || grep -E "panicked|waited|FAILED|failed|not ok|timed out|Error" "$log" | head -n 20
done
if [ "$engine" = files ]; then
  # Per file: a pass is a run in which none of its tests failed. node --test
  # gives a failed test's place as "location: '/path/file.test.mjs:LINE:COL'"
  # (and none for a test that passed).
  for file in "$target"/*.test.mjs; do
    failed_runs=$(grep -l "location: '.*/$(basename "$file"):" target/soak/"$name"-*.log 2>/dev/null | wc -l)
    printf 'soak: %s: %d/%d runs passed\n' "$file" $((runs - failed_runs)) "$runs"
  done
fi
printf 'soak: %s: %d/%d runs passed%s\n' "$name" "$passed" "$runs" "$([ ${#busy[@]} -gt 0 ] && echo ", beside a busy loop per core" || echo ", quiet")"
[ "$passed" -eq "$runs" ]
