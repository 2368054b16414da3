#!/usr/bin/env bash
# Writes what people install, from the built www/ (built first if it was not):
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
[ -f www/pkg/poolscope_bg.wasm ] && [ -f www/rayon-pkg/poolscope_rayon_bg.wasm ] && [ -f www/tiles-pkg-fallback/poolscope_tiles_fallback_bg.wasm ] || ./scripts/build.sh
version=$(sed -n 's/^version = "\(.*\)"$/\1/p' Cargo.toml | head -n1)
npm_version=$(node -p 'require("./npm/package.json").version')
[ "$version" = "$npm_version" ] || { echo "package: Cargo.toml says $version, npm/package.json $npm_version" >&2; exit 1; }

# The element's files into $1: every www/*.js but the example pages' own
# scripts, the stylesheets, the iframe page, and the wasm modules (the pool,
# the rayon strategy's, the fallback, and examples/tiles' workloads for
# work=mandelbrot|primes).
copy_element() {
  local out=$1 file dir
  for file in www/*.js; do
    case "$(basename "$file")" in
      mandelbrot-demo.js | tiles-demo.js | watch-demo.js) ;;
      *) cp "$file" "$out/" ;;
    esac
  done
  cp www/playground.css www/reserve.css www/style.css www/embed.html www/favicon.svg "$out/"
  for dir in pkg rayon-pkg pkg-fallback tiles-pkg tiles-pkg-fallback; do
    cp -r "www/$dir" "$out/$dir"
  done
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
cp npm/package.json npm/index.js npm/index.d.ts npm/element.d.ts npm/watch.d.ts "$npm_out/"
cp npm/README.md "$npm_out/README.md"
(cd dist/npm && npm pack --silent ./poolscope >/dev/null)
echo "dist/npm/poolscope/ and dist/npm/poolscope-$version.tgz ($(du -h "dist/npm/poolscope-$version.tgz" | cut -f1))"
