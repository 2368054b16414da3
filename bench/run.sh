#!/usr/bin/env bash
# The benchmarks: builds a release, runs everything in headless Chromium
# (and natively), prints the tables, writes bench/results.json,
# book/src/images/chart.svg and the book's Performance tables (book/src/performance.md). Not part of the test
# command; takes about 13 minutes.
set -euo pipefail
cd "$(dirname "$0")/.."
./scripts/setup.sh
./scripts/build.sh
exec node bench/all.mjs
