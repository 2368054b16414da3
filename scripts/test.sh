#!/usr/bin/env bash
# Installs what is missing, then runs every test: the core on native
# threads, the pool on real Web Workers (wasm-pack in Chromium, Firefox and
# WebKit, from a page and from a worker), and the pages end to end
# (playwright-core driving Debian's Chromium; a WebDriver client driving
# Firefox ESR and WebKitGTK's MiniBrowser).
#
#   ./scripts/test.sh            every step
#   ./scripts/test.sh STEP...    only these steps (names as listed at the end)
#
# Every step runs even when one before it failed, so that one run shows
# every failure; the summary at the end names the failed steps, and the
# exit status is non-zero if any failed.
set -uo pipefail
cd "$(dirname "$0")/.."
./scripts/setup.sh || { echo "test: setup failed: nothing was tested" >&2; exit 1; }
export PATH="$HOME/.cargo/bin:$PATH"
export WASM_BINDGEN_TEST_TIMEOUT="${WASM_BINDGEN_TEST_TIMEOUT:-240}" # as .cargo/config.toml says

unit() {
  node --test tests/unit/
  node scripts/check-imports.mjs www # no import circle in the front end
}
native() { cargo test --release; }
lints() {
  cargo fmt --all -- --check
  (cd examples/tiles && cargo fmt -- --check)
  (cd bench/closures && cargo fmt -- --check)
  cargo clippy --all-targets --quiet -- -D warnings
  cargo clippy --target wasm32-unknown-unknown --lib --tests --features rayon --quiet -- -D warnings
  cargo clippy --target wasm32-unknown-unknown --lib --tests --quiet -- -D warnings # www/pkg's build: threads without rayon
  CARGO_TARGET_DIR=target/fallback RUSTFLAGS="-C target-feature=+bulk-memory" \
    cargo clippy --target wasm32-unknown-unknown --lib --tests --no-default-features --quiet -- -D warnings
  (cd examples/tiles && CARGO_TARGET_DIR=../../target cargo clippy --target wasm32-unknown-unknown --all-targets --quiet -- -D warnings)
  (cd bench/closures && CARGO_TARGET_DIR=../../target cargo clippy --target wasm32-unknown-unknown --all-targets --quiet -- -D warnings)
}
loom() { RUSTFLAGS="--cfg loom" CARGO_TARGET_DIR=target/loom cargo test --release --lib loom; }
crate() {
  cargo publish --dry-run --allow-dirty --quiet # --allow-dirty: a local run may have changes; CI's clone has none
  RUSTDOCFLAGS="-D warnings" cargo doc --no-deps --quiet
  RUSTDOCFLAGS="-D warnings" cargo doc --no-deps --quiet --target wasm32-unknown-unknown --features rayon
}
# The suites as a user runs them (no flags), then rayon's tests, which
# need its opt-in feature (the same binaries, rebuilt with it).
chrome_suite() {
  wasm-pack test --headless --chrome
  wasm-pack test --headless --chrome --features rayon -- rayon
}
firefox_suite() {
  wasm-pack test --headless --firefox
  wasm-pack test --headless --firefox --features rayon -- rayon
}
# The message-passing build (no atomics, its own target dir as in build.sh).
fallback_suite() {
  for browser in --chrome --firefox; do
    CARGO_TARGET_DIR=target/fallback RUSTFLAGS="-C target-feature=+bulk-memory" \
      wasm-pack test --headless "$browser" --no-default-features --test fallback
  done
}
webkit_suite() {
  ./scripts/webkit.sh suite browser
  ./scripts/webkit.sh suite worker
}
# The repository's target dir: std and the dependencies are built once.
tiles() {
  (cd examples/tiles && CARGO_TARGET_DIR=../../target cargo test --release --quiet)
  (cd examples/tiles && CARGO_TARGET_DIR=../../target wasm-pack test --headless --chrome)
  (cd examples/tiles && CARGO_TARGET_DIR=../../target wasm-pack test --headless --firefox)
}
package() {
  ./scripts/build.sh
  ./scripts/package.sh
}
book() { ./scripts/book.sh; }
types() {
  node_modules/.bin/tsc -p .
  node_modules/.bin/tsc -p tsconfig.sw.json
  node_modules/.bin/tsc -p bench
}
e2e_chromium() { node --test --test-concurrency=1 tests/e2e/; }
e2e_firefox() { node --test --test-concurrency=1 tests/firefox/; }
e2e_webkit() { ./scripts/webkit.sh node --test --test-concurrency=1 tests/webkit/; }

STEPS=(
  "unit|front-end modules without a browser (node --test tests/unit), and no import circle among them (scripts/check-imports.mjs)"
  "native|core on native threads (cargo test)"
  "lints|cargo fmt --check, cargo clippy -D warnings (native and wasm32, both builds, examples/tiles, bench/closures)"
  "loom|queue model-checked with loom"
  "crate|the crate as crates.io would take it (cargo publish --dry-run), and its docs without a warning (cargo doc)"
  "chrome_suite|pool on Web Workers in Chromium (wasm-pack test --headless --chrome; rayon's tests with --features rayon)"
  "firefox_suite|pool on Web Workers in Firefox (wasm-pack test --headless --firefox; rayon's tests with --features rayon)"
  "fallback_suite|the message-passing pool on Web Workers in Chromium and Firefox (tests/fallback.rs: the same core, no shared memory)"
  "webkit_suite|pool on Web Workers in WebKit (WebKitGTK's MiniBrowser under Xvfb, optimised build)"
  "tiles|a crate that depends on poolscope (examples/tiles) natively, in Chromium and in Firefox"
  "package|build www/, the drop-in folder dist/poolscope/ with its archive, and the npm package (npm pack)"
  "book|the book into www/book/ (mdBook, cargo doc, TypeDoc) and every link and anchor in it (scripts/check-book.mjs)"
  "types|JS types (tsc: JSDoc of www/, its service worker and bench/, against the built modules' declarations)"
  "e2e_chromium|pages end to end in Chromium (node --test tests/e2e)"
  "e2e_firefox|pages end to end in Firefox (node --test tests/firefox, WebDriver, headless)"
  "e2e_webkit|pages end to end in WebKit (node --test tests/webkit, WebDriver)"
)

wanted=" ${*//-/_} "
failed=()
ran=0
for entry in "${STEPS[@]}"; do
  name=${entry%%|*}
  [ $# -eq 0 ] || [[ $wanted == *" $name "* ]] || continue
  ran=$((ran + 1))
  # The time so far, so that a slow step stands out (CI must stay well under 45 minutes).
  printf '\n\033[1m== [%dm%02ds] %s: %s\033[0m\n' $((SECONDS / 60)) $((SECONDS % 60)) "$name" "${entry#*|}"
  started=$SECONDS
  # Each step stops at its first failing command (set -e in its subshell),
  # and the next step runs regardless.
  (set -e; "$name")
  status=$?
  if [ $status -ne 0 ]; then
    failed+=("$name (exit $status after $((SECONDS - started)) s)")
    printf '\033[1;31m== %s FAILED (exit %d)\033[0m\n' "$name" $status
  fi
done
if [ $ran -eq 0 ]; then
  echo "test: no step is named '$*'; the steps: $(for e in "${STEPS[@]}"; do printf '%s ' "${e%%|*}"; done)" >&2
  exit 2
fi
printf '\n\033[1m== [%dm%02ds] %d steps ran\033[0m\n' $((SECONDS / 60)) $((SECONDS % 60)) $ran
if [ ${#failed[@]} -gt 0 ]; then
  printf '\033[1;31mFailed steps:\033[0m\n' >&2
  printf '  %s\n' "${failed[@]}" >&2
  exit 1
fi
echo "every step passed"
