#!/usr/bin/env bash
# Installs what is missing, then runs every test: the core on native
# threads, the pool on real Web Workers (wasm-pack in Chromium, Firefox and
# WebKit, from a page and from a worker), and the pages end to end
# (playwright-core driving Debian's Chromium; a WebDriver client driving
# Firefox ESR and WebKitGTK's MiniBrowser).
set -euo pipefail
cd "$(dirname "$0")/.."
./scripts/setup.sh
export PATH="$HOME/.cargo/bin:$PATH"
export WASM_BINDGEN_TEST_TIMEOUT="${WASM_BINDGEN_TEST_TIMEOUT:-240}" # as .cargo/config.toml says

# Each step says how long the command has run so far (CI must stay well
# under 30 minutes: the slow steps are the ones to look at).
step() { printf '\n\033[1m== [%dm%02ds] %s\033[0m\n' $((SECONDS / 60)) $((SECONDS % 60)) "$*"; }
step "front-end modules without a browser (node --test tests/unit)"
node --test tests/unit/
step "core on native threads (cargo test)"
cargo test --release
step "lints: cargo fmt --check, cargo clippy -D warnings (native and wasm32, both builds, examples/tiles, bench/closures)"
cargo fmt --all -- --check
(cd examples/tiles && cargo fmt -- --check)
(cd bench/closures && cargo fmt -- --check)
cargo clippy --all-targets --quiet -- -D warnings
cargo clippy --target wasm32-unknown-unknown --lib --tests --features rayon --quiet -- -D warnings
cargo clippy --target wasm32-unknown-unknown --lib --quiet -- -D warnings # www/pkg's build: threads without rayon
CARGO_TARGET_DIR=target/fallback RUSTFLAGS="-C target-feature=+bulk-memory" \
  cargo clippy --target wasm32-unknown-unknown --lib --tests --no-default-features --quiet -- -D warnings
(cd examples/tiles && CARGO_TARGET_DIR=../../target cargo clippy --target wasm32-unknown-unknown --all-targets --quiet -- -D warnings)
(cd bench/closures && CARGO_TARGET_DIR=../../target cargo clippy --target wasm32-unknown-unknown --all-targets --quiet -- -D warnings)
step "queue model-checked with loom"
RUSTFLAGS="--cfg loom" CARGO_TARGET_DIR=target/loom cargo test --release --lib loom
step "the crate as crates.io would take it (cargo publish --dry-run), and its docs without a warning (cargo doc)"
cargo publish --dry-run --allow-dirty --quiet # --allow-dirty: a local run may have changes; CI's clone has none
RUSTDOCFLAGS="-D warnings" cargo doc --no-deps --quiet
RUSTDOCFLAGS="-D warnings" cargo doc --no-deps --quiet --target wasm32-unknown-unknown --features rayon
# The shared-memory suites cover rayon's strategy too: its opt-in feature on.
step "pool on Web Workers in Chromium (wasm-pack test --headless --chrome)"
wasm-pack test --headless --chrome --features rayon
step "pool on Web Workers in Firefox (wasm-pack test --headless --firefox)"
wasm-pack test --headless --firefox --features rayon
# The message-passing build (no atomics, its own target dir as in build.sh).
step "the message-passing pool on Web Workers in Chromium and Firefox (tests/fallback.rs: the same core, no shared memory)"
fallback_suite() {
  CARGO_TARGET_DIR=target/fallback RUSTFLAGS="-C target-feature=+bulk-memory" \
    wasm-pack test --headless "$1" --no-default-features --test fallback
}
fallback_suite --chrome
fallback_suite --firefox
step "pool on Web Workers in WebKit (WebKitGTK's MiniBrowser under Xvfb, optimised build)"
./scripts/webkit.sh suite browser
./scripts/webkit.sh suite worker
step "a crate that depends on poolscope (examples/tiles) natively, in Chromium and in Firefox"
# The repository's target dir: std and the dependencies are built once.
(cd examples/tiles && CARGO_TARGET_DIR=../../target cargo test --release --quiet)
(cd examples/tiles && CARGO_TARGET_DIR=../../target wasm-pack test --headless --chrome)
(cd examples/tiles && CARGO_TARGET_DIR=../../target wasm-pack test --headless --firefox)
step "build www/, the drop-in folder dist/poolscope/ with its archive, and the npm package (npm pack)"
./scripts/build.sh
./scripts/package.sh
step "JS types (tsc: JSDoc of www/, its service worker and bench/, against the built modules' declarations)"
node_modules/.bin/tsc -p .
node_modules/.bin/tsc -p tsconfig.sw.json
node_modules/.bin/tsc -p bench
step "pages end to end in Chromium (node --test tests/e2e)"
node --test --test-concurrency=1 tests/e2e/
step "the example page end to end in Firefox (node --test tests/firefox, WebDriver, headless)"
node --test --test-concurrency=1 tests/firefox/
step "pages end to end in WebKit (node --test tests/webkit, WebDriver)"
./scripts/webkit.sh node --test --test-concurrency=1 tests/webkit/
step "every test passed"
