#!/usr/bin/env bash
# Builds the wasm modules and their JS glue (no bundler needed):
# - www/pkg: the shared-memory pool (atomics, see .cargo/config.toml);
# - www/pkg-fallback: the message-passing fallback's job runner, for pages
#   without cross-origin isolation. RUSTFLAGS replaces the atomics flags
#   (config arrays would merge with CARGO_TARGET_*_RUSTFLAGS); its own
#   target dir keeps the two builds from invalidating each other.
set -euo pipefail
cd "$(dirname "$0")/.."
export PATH="$HOME/.cargo/bin:$PATH"
wasm-pack --quiet build --release --target web --out-dir www/pkg --no-pack "$@"
CARGO_TARGET_DIR=target/fallback RUSTFLAGS="-C target-feature=+bulk-memory" \
  wasm-pack --quiet build --release --target web --out-dir www/pkg-fallback --out-name poolscope_fallback --no-pack "$@" \
  -- --no-default-features
rm -f www/pkg/.gitignore www/pkg-fallback/.gitignore
