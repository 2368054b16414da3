#!/usr/bin/env bash
# Builds the wasm module and its JS glue into www/pkg (no bundler needed).
set -euo pipefail
cd "$(dirname "$0")/.."
export PATH="$HOME/.cargo/bin:$PATH"
wasm-pack --quiet build --release --target web --out-dir www/pkg --no-pack "$@"
rm -f www/pkg/.gitignore
