#!/usr/bin/env bash
# Writes what people install, from the built library www/lib/ (built first if it was not):
# - dist/poolscope/: the drop-in folder for a static docs site (the element,
#   the iframe embed, the wasm modules, a README with the script tag and the
#   headers), no build step on the author's side; and its release archive
#   dist/poolscope-VERSION.tar.gz with a .sha256;
# - dist/npm/poolscope/: the npm package (the same modules, the wasm-bindgen
#   types, npm/'s entry, types and package.json), packed by `npm pack` into
#   dist/npm/poolscope-VERSION.tgz.
# The crate's version is the one version: npm/package.json must say it too.
set -euo pipefail
cd "$(dirname "$0")/.."
[ -f www/lib/pkg/poolscope_bg.wasm ] && [ -f www/lib/rayon-pkg/poolscope_rayon_bg.wasm ] && [ -f www/lib/tiles-pkg-fallback/poolscope_tiles_fallback_bg.wasm ] && [ -f www/lib/editor/codemirror.js ] || ./scripts/build.sh
version=$(sed -n 's/^version = "\(.*\)"$/\1/p' Cargo.toml | head -n1)
npm_version=$(node -p 'require("./npm/package.json").version')
[ "$version" = "$npm_version" ] || { echo "package: Cargo.toml says $version, npm/package.json $npm_version" >&2; exit 1; }

# What ships, by name (www/lib/ is the library; the pages and demos in www/
# are not shipped). The library: the pool loader (api.js, index.js's
# loadPoolscope), the element (define.js defines it, element.js is its
# class, with its properties, parts, controls and words in element-*.js,
# controls.js, run-summary.js; poolscope.js both and the api) and its views, watchPool (watch.js), the strategies, the
# isolation service worker, the iframe embed, their stylesheets, and the
# wasm modules of the pool (shared memory, rayon's, the fallback).
LIB=www/lib
LIBRARY_FILES=(
  api.js poolscope.js define.js element.js element-properties.js element-parts.js code-session.js controls.js run-summary.js settings.js run.js poller.js jobs.js budget.js compare.js dom.js
  log.js legend.js stats.js timeline.js trace.js theme.js stylesheet.js result-view.js worker-colours.js
  watch.js devtools.js isolation.js isolation-sw.js embed.html embed.js
  playground.css reserve.css style.css favicon.svg
)
# Folders shipped whole: a strategy is a module of strategies/ and its line in strategies/index.js, nothing here;
# js-jobs/ is JS jobs (pool.run, pool.map): the page's half, the workers' runner and args broker, their codec;
# code/ the code panel (work=code; code-session.js loads it only where one shows) and editor/ its editor's bundle.
LIBRARY_FOLDERS=(strategies js-jobs code editor)
LIBRARY_MODULES=(pkg rayon-pkg pkg-fallback)
# The optional part for work=mandelbrot|primes: the element imports
# workloads.js only when a run asks for a workload, and it alone loads
# examples/tiles' wasm (tiles-pkg, or its kernels for the fallback).
WORKLOAD_FILES=(workloads.js fallback-workloads.js mandelbrot.js range-bars.js)
WORKLOAD_MODULES=(tiles-pkg tiles-pkg-fallback)

# The shipped files into $1, with the folders they sit in.
copy_element() {
  local out=$1 file dir
  for file in "${LIBRARY_FILES[@]}" "${WORKLOAD_FILES[@]}"; do
    mkdir -p "$out/$(dirname "$file")"
    cp "$LIB/$file" "$out/$file"
  done
  for dir in "${LIBRARY_FOLDERS[@]}" "${LIBRARY_MODULES[@]}" "${WORKLOAD_MODULES[@]}"; do
    cp -r "$LIB/$dir" "$out/$dir"
  done
  # Every module that ships finds what it imports, and none imports another in a circle.
  node scripts/check-imports.mjs "$out" >/dev/null
}

out=dist/poolscope
rm -rf "$out" && mkdir -p "$out"
copy_element "$out"
find "$out" -name '*.d.ts' -delete # types are for the npm package, not for a static site
cp docs/drop-in.md "$out/README.md"
tar -czf "dist/poolscope-$version.tar.gz" -C dist poolscope
(cd dist && sha256sum "poolscope-$version.tar.gz" > "poolscope-$version.tar.gz.sha256")
echo "dist/poolscope/ ($(du -sh "$out" | cut -f1)), dist/poolscope-$version.tar.gz and its .sha256"

npm_out=dist/npm/poolscope
rm -rf dist/npm && mkdir -p "$npm_out"
copy_element "$npm_out"
cp npm/package.json npm/index.js npm/globals.d.ts npm/README.md "$npm_out/"
# The types, generated from the modules' JSDoc (tsc --declaration
# --emitDeclarationOnly, npm/tsconfig.types.json); globals.d.ts (the tag
# and event maps, which JSDoc cannot declare) is the one written by hand.
cp npm/tsconfig.types.json "$npm_out/tsconfig.json"
node_modules/.bin/tsc -p "$npm_out/tsconfig.json"
rm "$npm_out/tsconfig.json"
sed -i '1i /// <reference path="./globals.d.ts" />' "$npm_out/poolscope.d.ts"
(cd dist/npm && npm pack --silent ./poolscope >/dev/null)
echo "dist/npm/poolscope/ and dist/npm/poolscope-$version.tgz ($(du -h "dist/npm/poolscope-$version.tgz" | cut -f1))"
