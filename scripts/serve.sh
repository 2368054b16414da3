#!/usr/bin/env bash
# Installs what is missing, builds, and serves the playground on
# http://127.0.0.1:${PORT:-8080}/ until stopped.
set -euo pipefail
cd "$(dirname "$0")/.."
./scripts/setup.sh
./scripts/build.sh
exec python3 scripts/serve.py
