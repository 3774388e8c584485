#!/usr/bin/env bash
# Builds the WebAssembly package and runs all its tests, installing what they need:
#   1. build.sh (pkg/web and pkg/node; fails if pkg/web's .wasm is over 100 KB gzip);
#   2. Node tests (node --test): every scenario vector through runScenario against `tsuen scenario
#      --json`, and the JS API of both packages;
#   3. tsc --strict --noEmit on typed usage files of both packages;
#   4. the calendar page in headless Chromium (playwright-core), screenshots in artifacts/.
# Exits non-zero if any stage fails. Chromium and a Japanese font come from Debian (apt-get, as root).
set -euo pipefail
HERE=$(cd "$(dirname "$0")" && pwd)
ROOT=$(cd "$HERE/.." && pwd)
cd "$ROOT"
start=$SECONDS
failed=()
export TSUEN_BIN="${TSUEN_BIN:-${CARGO_TARGET_DIR:-$ROOT/target}/debug/tsuen}"

stage() {
  local name=$1 limit=$2
  shift 2
  local t=$SECONDS
  echo "--- wasm: $name"
  if timeout "$limit" "$@"; then
    echo "--- wasm: $name ok ($((SECONDS - t)) s)"
  else
    echo "--- wasm: $name FAILED ($((SECONDS - t)) s)"
    failed+=("$name")
  fi
}

browser_deps() {
  local missing=()
  [ -x "${CHROMIUM:-/usr/bin/chromium}" ] || missing+=(chromium)
  fc-list 2>/dev/null | grep -qi 'noto.*cjk' || missing+=(fonts-noto-cjk)
  [ ${#missing[@]} -eq 0 ] && return 0
  if [ "$(id -u)" -ne 0 ]; then
    echo "test.sh: missing ${missing[*]}: install them as root: apt-get update && apt-get install -y ${missing[*]}" >&2
    return 1
  fi
  echo "installing ${missing[*]} (apt-get)"
  apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "${missing[@]}" >/dev/null
}

# Without the package nothing else can run.
timeout 1500 "$HERE/build.sh" || { echo "--- wasm: build FAILED"; exit 1; }
if [ -z "${TSUEN_PREBUILT:-}" ] || [ ! -x "$TSUEN_BIN" ]; then
  stage "tsuen CLI (reference results)" 900 cargo build --locked -q -p tsuen-server
fi
stage "node tests" 600 node --test --test-reporter=spec "$HERE/tests/vectors.test.mjs" "$HERE/tests/api.test.mjs"
stage "tsc --strict" 300 bash -c "'$HERE/node_modules/.bin/tsc' -p '$HERE/tests/tsconfig.json' && echo 'tsc --strict --noEmit: usage-node.ts usage-web.ts: 0 errors'"
if browser_deps; then
  stage "chromium tests" 300 node --test --test-reporter=spec "$HERE/tests/browser.test.mjs"
else
  failed+=("chromium tests (chromium or a Japanese font missing)")
fi

echo "--- wasm: $((SECONDS - start)) s in all"
if [ ${#failed[@]} -gt 0 ]; then
  echo "--- wasm: failed: ${failed[*]}"
  exit 1
fi
