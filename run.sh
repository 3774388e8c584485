#!/usr/bin/env bash
# The main job, on a fresh machine: builds tsuen and starts the portal on its embedded database
# (./tsuen-data) with the demo data, at http://127.0.0.1:8080. Extra arguments go to `tsuen serve`
# (e.g. --addr 0.0.0.0:8080, --data DIR, --now 2026-01-13T09:00).
set -euo pipefail
cd "$(dirname "$0")"
command -v cargo >/dev/null || { echo "cargo is missing: install Rust with rustup (https://rustup.rs)"; exit 1; }
cargo build --release -q -p tsuen-server
exec ./target/release/tsuen serve --demo --data tsuen-data "$@"
