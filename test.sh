#!/usr/bin/env bash
# Every test of the project, on a fresh machine: installs what it needs, then runs each stage with
# its time. Used as is by .ci/run. Stages: toolchain, fmt, clippy, cargo tests, scenario vectors
# through the CLI, benchmark smoke run, then the Python and WebAssembly packages when present.
set -euo pipefail
cd "$(dirname "$0")"
export CARGO_TERM_COLOR=never

failed=0
summary=()
stage() {
  local name=$1 limit=$2
  shift 2
  echo
  echo "=== stage: $name"
  local start=$SECONDS
  local log
  log=$(mktemp)
  if timeout "$limit" "$@" 2>&1 | tee "$log"; then
    summary+=("$(printf '%-22s ok     %4ds' "$name" $((SECONDS - start)))")
  else
    summary+=("$(printf '%-22s FAILED %4ds' "$name" $((SECONDS - start)))")
    echo "--- stage $name failed; its last lines:"
    tail -n 40 "$log"
    failed=1
  fi
  echo "=== stage $name took $((SECONDS - start)) s"
  rm -f "$log"
}

toolchain() {
  command -v cargo >/dev/null || { echo "cargo is missing: install Rust with rustup"; return 1; }
  rustup component list --installed 2>/dev/null | grep -q '^clippy' || rustup component add clippy
  rustup component list --installed 2>/dev/null | grep -q '^rustfmt' || rustup component add rustfmt
  cargo --version
}

scenarios() {
  [ -x target/debug/tsuen ] || cargo build -q -p tsuen-server
  local files=(tests/vectors/*.json tests/vectors/shared/*.json)
  if [ -d ../shared/vectors ]; then files+=(../shared/vectors/*.json); fi
  ./target/debug/tsuen scenario "${files[@]}"
}

export -f toolchain scenarios

stage toolchain 600 bash -c toolchain
stage fmt 300 cargo fmt --all -- --check
stage clippy 1500 cargo clippy --workspace --all-targets -- -D warnings
stage cargo-test 1500 cargo test --workspace
# The CLI built by the cargo tests is the reference for every later stage (the packages' scripts
# would otherwise build it again with other feature sets).
export TSUEN_PREBUILT=1 TSUEN_CLI="$PWD/target/debug/tsuen" TSUEN_BIN="$PWD/target/debug/tsuen"
stage scenarios 600 bash -c scenarios
stage bench-smoke 1200 cargo bench -p tsuen-benches -- --test
if [ -x bindings-py/test.sh ]; then stage python 1500 bindings-py/test.sh; fi
if [ -x bindings-wasm/test.sh ]; then stage wasm 1500 bindings-wasm/test.sh; fi
# The portal's screens in headless Chromium (the wasm stage just built the calendar's package).
if [ -x reference-server/tests/browser/test.sh ]; then
  stage screens 900 env TSUEN_SKIP_WASM_BUILD=1 reference-server/tests/browser/test.sh
fi

echo
echo "=== stages"
printf '%s\n' "${summary[@]}"
exit $failed
