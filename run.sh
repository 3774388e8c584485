#!/usr/bin/env bash
# The main job, on a fresh machine: builds tsuen and runs every scenario vector through the engine.
# (The portal, `tsuen serve --demo`, comes with the server issues.)
set -euo pipefail
cd "$(dirname "$0")"
command -v cargo >/dev/null || { echo "cargo is missing: install Rust with rustup (https://rustup.rs)"; exit 1; }
cargo build --release -q -p tsuen-server
exec ./target/release/tsuen scenario tests/vectors/*.json tests/vectors/shared/*.json "$@"
