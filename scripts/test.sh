#!/usr/bin/env bash
# Installs what is missing, then runs every test: the core on native
# threads, the pool on real Web Workers (wasm-pack in Chromium and Firefox,
# from a page and from a worker),
# and the page end to end (playwright-core driving Debian's Chromium).
set -euo pipefail
cd "$(dirname "$0")/.."
./scripts/setup.sh
export PATH="$HOME/.cargo/bin:$PATH"
export WASM_BINDGEN_TEST_TIMEOUT="${WASM_BINDGEN_TEST_TIMEOUT:-240}" # as .cargo/config.toml says

step() { printf '\n\033[1m== %s\033[0m\n' "$*"; }
step "core on native threads (cargo test)"
cargo test --release
step "queue model-checked with loom"
RUSTFLAGS="--cfg loom" CARGO_TARGET_DIR=target/loom cargo test --release --lib loom
step "pool on Web Workers in Chromium (wasm-pack test --headless --chrome)"
wasm-pack test --headless --chrome
step "pool on Web Workers in Firefox (wasm-pack test --headless --firefox)"
wasm-pack test --headless --firefox
step "build www/pkg"
./scripts/build.sh
step "pages end to end (node --test tests/e2e)"
node --test --test-concurrency=1 tests/e2e/
