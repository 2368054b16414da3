#!/usr/bin/env bash
# Builds the book into www/book/, which scripts/serve.py serves at /book/
# beside the playground, with its two API references, then checks every
# link and anchor in it (scripts/check-book.mjs):
# - book/ by mdBook (the chapters; their live playgrounds load the served
#   library, ../poolscope.js);
# - www/book/api/rust/: `cargo doc` of the crate as a web app uses it
#   (wasm32, feature rayon);
# - www/book/api/js/: TypeDoc over the npm package's types (dist/npm, made
#   by scripts/package.sh first if missing), with the TypeScript TypeDoc
#   supports (tools/typedoc/, apart from the repository's own).
set -euo pipefail
cd "$(dirname "$0")/.."
export PATH="$HOME/.cargo/bin:$PATH"
[ -f dist/npm/poolscope/index.d.ts ] || ./scripts/package.sh >/dev/null
MDBOOK_LOG=warn mdbook build book
# --enable-index-page: rustdoc's own pages link to an index.html at its root.
RUSTDOCFLAGS="-D warnings -Z unstable-options --enable-index-page" cargo doc --no-deps --quiet --target wasm32-unknown-unknown --features rayon
mkdir -p www/book/api
rm -rf www/book/api/rust && cp -r target/wasm32-unknown-unknown/doc www/book/api/rust
tools/typedoc/node_modules/.bin/typedoc --options tools/typedoc/typedoc.json --logLevel Warn
node scripts/check-book.mjs
