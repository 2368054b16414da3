#!/usr/bin/env bash
# Runs a command against WebKitGTK's MiniBrowser, which has no headless mode
# (xvfb-run gives it a display) and exposes SharedArrayBuffer only with
# JSC_useSharedArrayBuffer=1; cross-origin isolation still decides where
# shared memory is used (see ../shared/WASM-THREADS.md).
#
#   scripts/webkit.sh suite SUITE [FILTER]   the browser suite SUITE (browser | worker)
#   scripts/webkit.sh COMMAND...    anything else, e.g. node --test tests/webkit/
#
# The suites run optimised, with debug assertions and overflow checks kept:
# the unoptimised test module (36 MB) stalled some of a burst of nested
# workers in JSC (`unbounded_uses_a_worker_per_job`: jobs claimed by 13 of
# 64 workers never finished within 30 s, or workers never reached their
# loop), while the optimised one (2 MB) runs the same test in about 1.3 s.
set -euo pipefail
export PATH="$HOME/.cargo/bin:$PATH" JSC_useSharedArrayBuffer=1
if [ "${1:-}" = suite ]; then
  export CARGO_PROFILE_RELEASE_DEBUG_ASSERTIONS=true CARGO_PROFILE_RELEASE_OVERFLOW_CHECKS=true
  exec xvfb-run -a wasm-pack test --release --headless --safari --safaridriver /usr/bin/WebKitWebDriver --features rayon --test "${2:?suite: browser or worker}" ${3:+-- "$3"}
fi
exec xvfb-run -a "$@"
