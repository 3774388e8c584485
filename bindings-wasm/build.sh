#!/usr/bin/env bash
# Builds the WebAssembly package of tsuen, installing what it needs (pinned):
#   pkg/web   ES module for browsers: a household's calendar and dry runs (World.fromView, calendarFast,
#             check, dryRun, messages, holidays); its .wasm must stay under 100 KB gzip.
#   pkg/node  CommonJS for Node: the whole engine API (build, book, lifecycle, save/restore, views) and
#             runScenario.
# Each has tsuen_wasm.js, tsuen_wasm_bg.wasm, tsuen_wasm.d.ts and a package.json.
# Tools: the wasm32 target (rustup), wasm-bindgen through xtask (wasm-bindgen-cli-support at the version
# of Cargo.lock), wasm-opt from npm's binaryen (package-lock.json; not Debian's, which breaks the output).
set -euo pipefail
HERE=$(cd "$(dirname "$0")" && pwd)
ROOT=$(cd "$HERE/.." && pwd)
LIMIT=${TSUEN_WASM_GZIP_LIMIT:-100000} # bytes of gzip -9 for pkg/web's .wasm
PROFILE=wasm-release                      # root Cargo.toml: opt-level z, lto, codegen-units 1
TARGET=wasm32-unknown-unknown
TARGET_DIR=${CARGO_TARGET_DIR:-$ROOT/target}
start=$SECONDS
say() { printf '[build %3ds] %s\n' $((SECONDS - start)) "$*"; }
cd "$ROOT"

for tool in cargo rustup node npm gzip; do
  command -v "$tool" >/dev/null || { echo "build.sh: $tool is missing (Rust by rustup; Node 20 + npm)" >&2; exit 1; }
done

say "rust target $TARGET"
rustup target list --installed | grep -qx "$TARGET" || rustup target add "$TARGET"

say "npm tools (package-lock.json: binaryen, typescript, playwright-core)"
stamp="$HERE/node_modules/.tsuen-lock"
if [ ! -f "$stamp" ] || ! cmp -s "$HERE/package-lock.json" "$stamp"; then
  (cd "$HERE" && npm ci --no-audit --no-fund --loglevel=error)
  cp "$HERE/package-lock.json" "$stamp"
fi
WASM_OPT="$HERE/node_modules/.bin/wasm-opt"
OPT_FLAGS=(-O1 --duplicate-function-elimination --dae-optimizing
  --enable-bulk-memory --enable-nontrapping-float-to-int --enable-sign-ext --enable-reference-types
  --enable-multivalue --enable-mutable-globals)

say "xtask (wasm-bindgen $(grep -A1 '^name = "wasm-bindgen-cli-support"' Cargo.lock | sed -n 's/version = "\(.*\)"/\1/p'))"
cargo build --locked -q -p xtask

VERSION=$(sed -n '/^\[workspace.package\]/,/^\[/s/^version = "\(.*\)"/\1/p' Cargo.toml)
OUT="$TARGET_DIR/$TARGET/$PROFILE/tsuen_wasm.wasm"

# package DIR BINDGEN_TARGET CARGO_FEATURES...
package() {
  local dir=$1 bindgen_target=$2
  shift 2
  say "cargo build ($dir${*:+, $*})"
  cargo build --locked -q -p tsuen-wasm --target "$TARGET" --profile "$PROFILE" "$@"
  rm -rf "$HERE/pkg/$dir"
  "$TARGET_DIR/debug/xtask" bindgen --target "$bindgen_target" --out-dir "$HERE/pkg/$dir" "$OUT"
  say "wasm-opt ($dir)"
  "$WASM_OPT" "${OPT_FLAGS[@]}" "$HERE/pkg/$dir/tsuen_wasm_bg.wasm" -o "$HERE/pkg/$dir/tsuen_wasm_bg.wasm"
}

package node nodejs --features full
cat >"$HERE/pkg/node/package.json" <<EOF
{
  "name": "tsuen-wasm",
  "version": "$VERSION",
  "description": "tsuen, the booking engine of こども誰でも通園制度, in WebAssembly for Node: the whole API and runScenario",
  "license": "MIT OR Apache-2.0",
  "main": "tsuen_wasm.js",
  "types": "tsuen_wasm.d.ts",
  "files": ["tsuen_wasm.js", "tsuen_wasm_bg.wasm", "tsuen_wasm.d.ts", "tsuen_wasm_bg.wasm.d.ts"]
}
EOF

package web web
cat >"$HERE/pkg/web/package.json" <<EOF
{
  "name": "tsuen-wasm-web",
  "version": "$VERSION",
  "description": "tsuen, the booking engine of こども誰でも通園制度, in WebAssembly for browsers: a household's calendar and dry runs",
  "license": "MIT OR Apache-2.0",
  "type": "module",
  "main": "tsuen_wasm.js",
  "module": "tsuen_wasm.js",
  "types": "tsuen_wasm.d.ts",
  "sideEffects": false,
  "files": ["tsuen_wasm.js", "tsuen_wasm_bg.wasm", "tsuen_wasm.d.ts", "tsuen_wasm_bg.wasm.d.ts"]
}
EOF

status=0
for dir in web node; do
  wasm="$HERE/pkg/$dir/tsuen_wasm_bg.wasm"
  raw=$(wc -c <"$wasm")
  gz=$(gzip -9 -c "$wasm" | wc -c)
  echo "wasm size: pkg/$dir/tsuen_wasm_bg.wasm $raw bytes, $gz bytes gzip -9 (limit for web: $LIMIT)"
  if [ "$dir" = web ] && [ "$gz" -gt "$LIMIT" ]; then
    echo "build.sh: pkg/web/tsuen_wasm_bg.wasm is $gz bytes gzip, over the limit of $LIMIT" >&2
    status=1
  fi
done
say "done"
exit $status
