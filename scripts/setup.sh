#!/usr/bin/env bash
# Installs every tool Conjure's build and tests need, from the package registries only.
# Idempotent: each step checks for the exact version first, so a second run takes seconds.
set -euo pipefail

TRUNK_VERSION=0.21.14
BINARYEN_VERSION=132.0.0
# wasm-bindgen-cli must equal the wasm-bindgen crate in Cargo.lock, or trunk tries to download one.
root=$(cd "$(dirname "$0")/.." && pwd)
WASM_BINDGEN_VERSION=$(awk '/^name = "wasm-bindgen"$/{getline; gsub(/"/,"",$3); print $3; exit}' "$root/Cargo.lock")

have() { command -v "$1" >/dev/null 2>&1 && "$1" --version 2>/dev/null | grep -q -- "$2"; }
step() { printf '\033[1msetup:\033[0m %s\n' "$*"; }

if ! rustup target list --installed | grep -qx wasm32-unknown-unknown; then
  step "rustup target add wasm32-unknown-unknown"
  rustup target add wasm32-unknown-unknown
fi

missing_apt=()
# nginx-light: the bench compares Conjure with nginx as a plain credential-adding proxy.
# zip: the config reader's tests make their archives as an administrator would (`zip -r`).
for pkg in chromium chromium-driver brotli wrk nginx-light zip; do
  dpkg-query -W -f='${Status}' "$pkg" 2>/dev/null | grep -q 'install ok installed' || missing_apt+=("$pkg")
done
if [ ${#missing_apt[@]} -gt 0 ]; then
  step "apt-get install ${missing_apt[*]}"
  SUDO=""; [ "$(id -u)" -eq 0 ] || SUDO=sudo
  $SUDO apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq "${missing_apt[@]}" >/dev/null
fi

if ! have trunk "$TRUNK_VERSION"; then
  # --debug: a release build of trunk takes 8 minutes here and trunk's own speed does not matter.
  step "cargo install trunk $TRUNK_VERSION"
  cargo install trunk --version "$TRUNK_VERSION" --locked --debug --quiet
fi

if ! have wasm-bindgen "$WASM_BINDGEN_VERSION"; then
  # Not --locked: its lock file pins a webpki-roots release the registry here does not serve.
  step "cargo install wasm-bindgen-cli $WASM_BINDGEN_VERSION"
  cargo install wasm-bindgen-cli --version "$WASM_BINDGEN_VERSION" --quiet
fi

if ! have wasm-opt "version ${BINARYEN_VERSION%%.*}"; then
  # npm's binaryen, not Debian's 108, whose output fails in the browser (externref table re-pointed).
  step "npm install -g binaryen@$BINARYEN_VERSION"
  npm install -g --silent "binaryen@$BINARYEN_VERSION" >/dev/null
fi

AXE_VERSION=4.14.1
# axe-core: the browser tests inject it into each page to check accessibility (e2e/src/screen.rs).
if ! grep -qs "\"version\": \"$AXE_VERSION\"" "$root/target/npm/node_modules/axe-core/package.json"; then
  step "npm install axe-core@$AXE_VERSION (into target/npm)"
  mkdir -p "$root/target/npm"
  npm install --silent --no-save --no-package-lock --prefix "$root/target/npm" "axe-core@$AXE_VERSION" >/dev/null
fi

step "tools ready: $(trunk --version), $(wasm-bindgen --version), $(wasm-opt --version | head -1), axe-core $AXE_VERSION"
