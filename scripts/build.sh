#!/usr/bin/env bash
# Builds the wasm modules and their JS glue (no bundler needed):
# - www/lib/pkg: the shared-memory pool (atomics, see .cargo/config.toml);
# - www/lib/pkg-fallback: the message-passing fallback's job runner, for pages
#   without cross-origin isolation. RUSTFLAGS replaces the atomics flags
#   (config arrays would merge with CARGO_TARGET_*_RUSTFLAGS); its own
#   target dir keeps the two builds from invalidating each other.
# Both go through wasm-opt -O3 after (see `optimize`).
set -euo pipefail
cd "$(dirname "$0")/.."
export PATH="$HOME/.cargo/bin:$PATH"
# wasm-pack leaves files of earlier builds in an out dir (snippets of a
# dependency since dropped): start each from nothing.
# The modules go into the library's folder, www/lib/ (the pages are in www/).
rm -rf www/lib/pkg www/lib/rayon-pkg www/lib/pkg-fallback www/lib/tiles-pkg www/lib/tiles-pkg-fallback
wasm-pack --quiet build --release --target web --out-dir www/lib/pkg --no-pack "$@"
# - www/lib/rayon-pkg: the same crate with its opt-in feature `rayon`, for the
#   playground's rayon strategy and the benches' initThreadPool. A module of
#   its own, loaded only when rayon runs: rayon is 40% of a module's size,
#   and the pool's module stays small (bench/size.mjs).
wasm-pack --quiet build --release --target web --out-dir www/lib/rayon-pkg --out-name poolscope_rayon --no-pack "$@" \
  -- --features rayon
CARGO_TARGET_DIR=target/fallback RUSTFLAGS="-C target-feature=+bulk-memory" \
  wasm-pack --quiet build --release --target web --out-dir www/lib/pkg-fallback --out-name poolscope_fallback --no-pack "$@" \
  -- --no-default-features
# - www/lib/tiles-pkg: examples/tiles, a crate that depends on poolscope, for
#   www/tiles.html (the views on a crate's own closures). A target dir of
#   its own: its release std differs from the pool's (profile), and two
#   std builds in one release dir broke the next build ("duplicate lang
#   item in crate std").
(cd examples/tiles && CARGO_TARGET_DIR=../../target/tiles wasm-pack --quiet build --release --target web --out-dir ../../www/lib/tiles-pkg --no-pack)
# - www/lib/tiles-pkg-fallback: examples/tiles' kernels alone, without shared
#   memory, for the message-passing fallback's workers (the playground's
#   work=mandelbrot|primes on a page that is not cross-origin isolated).
(cd examples/tiles && CARGO_TARGET_DIR=../../target/tiles-fallback RUSTFLAGS="-C target-feature=+bulk-memory" \
  wasm-pack --quiet build --release --target web --out-dir ../../www/lib/tiles-pkg-fallback --out-name poolscope_tiles_fallback --no-pack \
  -- --no-default-features)
rm -f www/lib/pkg/.gitignore www/lib/rayon-pkg/.gitignore www/lib/pkg-fallback/.gitignore www/lib/tiles-pkg/.gitignore www/lib/tiles-pkg-fallback/.gitignore

# wasm-opt -O3 from npm's binaryen, on every module (Debian's breaks threaded modules, and
# wasm-pack's own would be a download at build time): the pool's module is
# about a third smaller, the fallback's half (bench/README.md, part 5).
# The input is kept in target/wasm-opt so that an unchanged module is not
# optimised again, and so that the bench can compare the two.
optimize() {
  local wasm=$1 kept
  kept=target/wasm-opt/$(basename "$wasm")
  mkdir -p target/wasm-opt
  if ! cmp -s "$wasm" "$kept.in" || [ ! -f "$kept.out" ]; then
    cp "$wasm" "$kept.in"
    node_modules/.bin/wasm-opt -O3 --enable-threads --enable-bulk-memory --enable-mutable-globals --enable-sign-ext \
      --enable-nontrapping-float-to-int --enable-reference-types --enable-multivalue "$kept.in" -o "$kept.out"
  fi
  cp "$kept.out" "$wasm"
}
optimize www/lib/pkg/poolscope_bg.wasm
optimize www/lib/rayon-pkg/poolscope_rayon_bg.wasm
optimize www/lib/pkg-fallback/poolscope_fallback_bg.wasm
optimize www/lib/tiles-pkg/poolscope_example_tiles_bg.wasm
optimize www/lib/tiles-pkg-fallback/poolscope_tiles_fallback_bg.wasm
# www/lib/editor/codemirror.js: the code panel's editor (CodeMirror 6 from
# npm, pinned in package.json), one ES module bundled by Vite from
# editor/entry.js; loaded only where a code panel shows (work=code).
node_modules/.bin/vite build --config editor/vite.config.mjs
