#!/usr/bin/env bash
# The benchmarks: builds a release, runs everything in headless Chromium
# (and natively), prints the tables, writes bench/results.json and
# bench/chart.svg. Not part of the test command; takes about 10 minutes.
set -euo pipefail
cd "$(dirname "$0")/.."
./scripts/setup.sh
./scripts/build.sh
exec node bench/all.mjs
