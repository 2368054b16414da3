#!/usr/bin/env bash
# Writes the drop-in folder for a static docs site, dist/poolscope/ (the
# element, the iframe embed, the wasm modules, a README with the script
# tag and the headers), and the release archive
# dist/poolscope-VERSION.tar.gz with its .sha256. No build step on the
# author's side. Builds www/ first if it was not built.
set -euo pipefail
cd "$(dirname "$0")/.."
[ -f www/pkg/poolscope_bg.wasm ] && [ -f www/tiles-pkg-fallback/poolscope_tiles_fallback_bg.wasm ] || ./scripts/build.sh
version=$(sed -n 's/^version = "\(.*\)"$/\1/p' Cargo.toml | head -n1)
out=dist/poolscope
rm -rf "$out" && mkdir -p "$out"
# The element's modules: every www/*.js but the example pages' own scripts.
for file in www/*.js; do
  case "$(basename "$file")" in
    mandelbrot-demo.js | tiles-demo.js | watch-demo.js) ;;
    *) cp "$file" "$out/" ;;
  esac
done
cp www/playground.css www/reserve.css www/style.css www/embed.html www/favicon.svg "$out/"
# The wasm modules: the pool, its fallback, and examples/tiles' workloads (work=mandelbrot|primes).
for dir in pkg pkg-fallback tiles-pkg tiles-pkg-fallback; do
  cp -r "www/$dir" "$out/$dir"
  find "$out/$dir" -name '*.d.ts' -delete # types are for the npm package, not for a static site
done
cp docs/drop-in.md "$out/README.md"
tar -czf "dist/poolscope-$version.tar.gz" -C dist poolscope
(cd dist && sha256sum "poolscope-$version.tar.gz" > "poolscope-$version.tar.gz.sha256")
echo "dist/poolscope/ ($(du -sh "$out" | cut -f1)), dist/poolscope-$version.tar.gz and its .sha256"
