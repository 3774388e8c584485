#!/usr/bin/env bash
# The main job, on a fresh machine: builds tsuen and the WebAssembly package of the calendar, and starts
# the portal on its embedded database (./tsuen-data) with the demo data, at http://127.0.0.1:8080.
# Extra arguments go to `tsuen serve` (e.g. --addr 0.0.0.0:8080, --data DIR, --now 2026-01-13T09:00).
set -euo pipefail
cd "$(dirname "$0")"
command -v cargo >/dev/null || { echo "cargo is missing: install Rust with rustup (https://rustup.rs)"; exit 1; }

# The 柔軟利用 calendar runs the engine in the browser (bindings-wasm/pkg/web): built when missing or older
# than the engine's or the binding's sources. Without Node + npm the page still books through its form.
pkg=bindings-wasm/pkg/web/tsuen_wasm_bg.wasm
if [ ! -f "$pkg" ] || [ -n "$(find engine/src bindings-wasm/src bindings-wasm/Cargo.toml Cargo.lock -newer "$pkg" -print -quit)" ]; then
  if command -v node >/dev/null && command -v npm >/dev/null; then
    bindings-wasm/build.sh || echo "run.sh: the WebAssembly package did not build: the calendar page falls back to its form" >&2
  else
    echo "run.sh: Node 20 + npm are missing: the calendar page falls back to its form (install them for the calendar)" >&2
  fi
fi

cargo build --release -q -p tsuen-server
# The address the portal will listen on (the last --addr given, as `tsuen serve` takes it).
addr=127.0.0.1:8080
prev=
for a in "$@"; do
  [ "$prev" = --addr ] && addr=$a
  prev=$a
done
echo "tsuen: the screens (demo accounts; all log in at /login):"
echo "  public home, application request, registration   http://$addr/"
cat <<'TEXT'
  parent (田中 歩)        parent@example.jp    / demo-parent-2026    -> /mypage, /facilities
  facility (誰でもこども園) daredemo@example.jp  / demo-facility-2026  -> /staff, /staff/setup
  municipality (千代田区)  chiyoda@example.jp   / demo-city-2026      -> /city, /city/outbox
TEXT
exec ./target/release/tsuen serve --demo --data tsuen-data --wasm-pkg bindings-wasm/pkg/web "$@"
