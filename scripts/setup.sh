#!/usr/bin/env bash
# Installs whatever poolscope needs and is missing; a second run skips it all.
# Everything is pinned and comes from Debian, crates.io or npm.
#   ./scripts/setup.sh         what building, serving and every test need
#   ./scripts/setup.sh build   only what building and serving need (serve.sh:
#                              no browsers or drivers, so a first page comes sooner)
set -euo pipefail
FOR=${1:-all}
case "$FOR" in all|build) ;; *) echo "setup: '$FOR' is not one of: all, build" >&2; exit 2 ;; esac
cd "$(dirname "$0")/.."
ROOT=$PWD

WASM_PACK_VERSION=0.15.1
MDBOOK_VERSION=0.5.4
GECKODRIVER_VERSION=0.37.1
# Must equal the wasm-bindgen version that Cargo.lock pins (the crate asks
# for any 0.2 from there; the CLI must match the library exactly).
WASM_BINDGEN_VERSION=$(awk '/^name = "wasm-bindgen"$/ { getline; gsub(/[^0-9.]/, ""); print; exit }' Cargo.lock)
[ -n "$WASM_BINDGEN_VERSION" ] || { echo "setup: cannot read wasm-bindgen's version from Cargo.lock" >&2; exit 1; }

say() { printf '\033[1msetup:\033[0m %s\n' "$*"; }
SUDO=; [ "$(id -u)" = 0 ] || SUDO=sudo

apt_ready=
apt_install() {
  [ -n "$apt_ready" ] || { $SUDO apt-get update -qq; apt_ready=1; }
  DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq "$@"
}

# Debian packages: browsers and drivers for the tests, Node.js for the e2e runner.
missing=()
if [ "$FOR" = all ]; then
  command -v chromium >/dev/null || missing+=(chromium)
  command -v chromedriver >/dev/null || missing+=(chromium-driver)
  command -v firefox >/dev/null || missing+=(firefox-esr)
  # WebKit: WebKitGTK's WebDriver brings MiniBrowser; it has no headless mode, hence Xvfb.
  command -v WebKitWebDriver >/dev/null || missing+=(webkit2gtk-driver)
  command -v xvfb-run >/dev/null || missing+=(xvfb)
  command -v xauth >/dev/null || missing+=(xauth)
fi
command -v node >/dev/null || missing+=(nodejs)
command -v npm >/dev/null || missing+=(npm)
command -v python3 >/dev/null || missing+=(python3)
command -v cc >/dev/null || missing+=(gcc libc6-dev)
command -v curl >/dev/null || missing+=(curl)
command -v rustup >/dev/null || [ -x "$HOME/.cargo/bin/rustup" ] || missing+=(rustup)
if [ ${#missing[@]} -gt 0 ]; then say "apt-get install ${missing[*]}"; apt_install "${missing[@]}"; fi
export PATH="$HOME/.cargo/bin:$PATH"

# The pinned nightly from rust-toolchain.toml (RUSTUP_AUTO_INSTALL may be 0).
rustup set auto-self-update disable >/dev/null 2>&1 || true
if ! rustup run "$(sed -n 's/^channel = "\(.*\)"/\1/p' rust-toolchain.toml)" rustc --version >/dev/null 2>&1 \
   || ! rustup target list --installed 2>/dev/null | grep -q wasm32-unknown-unknown \
   || ! rustup component list --installed 2>/dev/null | grep -q '^clippy'; then
  say "installing the pinned Rust toolchain"
  rustup toolchain install
fi
# A stable toolchain builds the host tools, outside the project's config.
rustup run stable cargo --version >/dev/null 2>&1 || rustup toolchain install stable --profile minimal

host_install() { # crate version [--locked]
  say "cargo install $1 $2"
  (cd /tmp && rustup run stable cargo install -q "$1" --version "$2" ${3:-})
}
[ "$(wasm-pack --version 2>/dev/null)" = "wasm-pack $WASM_PACK_VERSION" ] || host_install wasm-pack "$WASM_PACK_VERSION" --locked
# `--locked` fails for wasm-bindgen-cli here (its lock names a yanked crate); the binary stays exact.
[ "$(wasm-bindgen --version 2>/dev/null | cut -d' ' -f2)" = "$WASM_BINDGEN_VERSION" ] || host_install wasm-bindgen-cli "$WASM_BINDGEN_VERSION"

# The book (scripts/book.sh).
[ "$(mdbook --version 2>/dev/null | cut -d' ' -f2)" = "v$MDBOOK_VERSION" ] || host_install mdbook "$MDBOOK_VERSION" --locked
if [ "$FOR" = all ]; then
  [ "$(geckodriver --version 2>/dev/null | head -n1 | cut -d' ' -f2)" = "$GECKODRIVER_VERSION" ] || host_install geckodriver "$GECKODRIVER_VERSION" --locked
fi

# npm packages exactly as a folder's package-lock.json pins them, once per
# lock (a copy of it in node_modules says which one is installed).
npm_ci_locked() { # folder
  if ! cmp -s "$1/package-lock.json" "$1/node_modules/.poolscope-installed-lock"; then
    say "npm ci ($1)"
    npm ci --prefix "$1" --no-audit --no-fund --loglevel=error
    cp "$1/package-lock.json" "$1/node_modules/.poolscope-installed-lock"
  fi
}
# TypeDoc for the book's JS API reference, with the TypeScript it supports,
# in a folder of its own.
npm_ci_locked tools/typedoc
# VitePress and webpack, for the tests of the element on a docs framework's
# page and of the npm package in a webpack app: the tests only.
if [ "$FOR" = all ]; then
  npm_ci_locked tools/vitepress
  npm_ci_locked tools/webpack
fi
# The repository's own (playwright-core, binaryen, Vite, TypeScript, CodeMirror).
npm_ci_locked .
