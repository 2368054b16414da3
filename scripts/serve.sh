#!/usr/bin/env bash
# Installs what building needs and is missing (not the test browsers:
# ./scripts/test.sh installs those), builds, and serves the playground on
# http://127.0.0.1:${PORT:-8080}/ (the book at /book/) until stopped.
set -euo pipefail
cd "$(dirname "$0")/.."
./scripts/setup.sh build
./scripts/build.sh
./scripts/book.sh
exec python3 scripts/serve.py
