#!/usr/bin/env bash
# Builds the book (book/, mdBook) into www/book/, which scripts/serve.py
# serves at /book/ beside the playground, and checks every link and anchor
# in it (scripts/check-book.mjs).
set -euo pipefail
cd "$(dirname "$0")/.."
export PATH="$HOME/.cargo/bin:$PATH"
mdbook build book >/dev/null
node scripts/check-book.mjs
