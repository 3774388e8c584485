#!/usr/bin/env bash
# The portal's screens end to end in headless Chromium (flow.test.mjs), installing what it needs:
#   1. the WebAssembly package the calendar loads (bindings-wasm/build.sh, unless pkg/web is there and
#      TSUEN_SKIP_WASM_BUILD=1);
#   2. the server (cargo build -p tsuen-server, unless TSUEN_BIN names a built one);
#   3. npm tools pinned by package-lock.json (playwright-core, axe-core), Chromium and a Japanese font
#      from Debian (apt-get, as root; otherwise it says what to install);
#   4. node --test flow.test.mjs. Screenshots at 1200 px and 375 px: artifacts/screens/ (gitignored).
set -euo pipefail
HERE=$(cd "$(dirname "$0")" && pwd)
ROOT=$(cd "$HERE/../../.." && pwd)
cd "$ROOT"
start=$SECONDS
say() { printf '[screens %3ds] %s\n' $((SECONDS - start)) "$*"; }

for tool in cargo node npm; do
  command -v "$tool" >/dev/null || { echo "test.sh: $tool is missing (Rust by rustup; Node 20 + npm)" >&2; exit 1; }
done

missing=()
[ -x "${CHROMIUM:-/usr/bin/chromium}" ] || missing+=(chromium)
fc-list 2>/dev/null | grep -i 'noto.*cjk' >/dev/null || missing+=(fonts-noto-cjk)
if [ ${#missing[@]} -gt 0 ]; then
  if [ "$(id -u)" -ne 0 ]; then
    echo "test.sh: missing ${missing[*]}: install them as root: apt-get update && apt-get install -y ${missing[*]}" >&2
    exit 1
  fi
  say "apt-get install ${missing[*]}"
  apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "${missing[@]}" >/dev/null
fi

if [ "${TSUEN_SKIP_WASM_BUILD:-}" = 1 ] && [ -f bindings-wasm/pkg/web/tsuen_wasm_bg.wasm ]; then
  say "WebAssembly package: using bindings-wasm/pkg/web as built"
else
  say "WebAssembly package (bindings-wasm/build.sh)"
  timeout 1500 bindings-wasm/build.sh
fi

if [ -n "${TSUEN_BIN:-}" ] && [ -x "$TSUEN_BIN" ]; then
  say "server: $TSUEN_BIN"
else
  say "server (cargo build -p tsuen-server)"
  timeout 1500 cargo build --locked -q -p tsuen-server
  export TSUEN_BIN="${CARGO_TARGET_DIR:-$ROOT/target}/debug/tsuen"
fi

say "npm tools (package-lock.json: playwright-core, axe-core)"
stamp="$HERE/node_modules/.tsuen-lock"
if [ ! -f "$stamp" ] || ! cmp -s "$HERE/package-lock.json" "$stamp"; then
  (cd "$HERE" && npm ci --no-audit --no-fund --loglevel=error)
  cp "$HERE/package-lock.json" "$stamp"
fi

export TSUEN_ARTIFACTS="${TSUEN_ARTIFACTS:-$ROOT/artifacts/screens}"
rm -rf "$TSUEN_ARTIFACTS"
say "chromium: flow.test.mjs"
status=0
timeout 600 node --test --test-reporter=spec "$HERE/flow.test.mjs" || status=$?
say "screenshots in $TSUEN_ARTIFACTS ($(find "$TSUEN_ARTIFACTS" -name '*.png' 2>/dev/null | wc -l) files)"
[ $status -eq 0 ] && say "ok" || say "FAILED"
exit $status
