#!/usr/bin/env bash
# The Python package, from a fresh machine: a venv (bindings-py/.venv) with maturin, pytest and mypy; the
# `tsuen` CLI (debug) to compare against; the release wheel built with maturin into a temporary folder and
# installed; then pytest and mypy.stubtest (plus mypy --strict on the package). Exits non-zero on any
# failure. Needs Rust (cargo) and Python >= 3.9 with venv; run from anywhere.
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
repo=$(dirname "$here")
cd "$repo"
export CARGO_TERM_COLOR=never PIP_DISABLE_PIP_VERSION_CHECK=1 PYTHONDONTWRITEBYTECODE=1

python=${PYTHON:-python3}
venv=$here/.venv
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT

step() {
  echo "--- $1"
  step_start=$SECONDS
}
took() {
  echo "--- took $((SECONDS - step_start)) s"
}

step "venv and tools ($venv)"
command -v cargo >/dev/null || { echo "cargo is missing: install Rust with rustup"; exit 1; }
"$python" -c 'import sys; assert sys.version_info >= (3, 9), sys.version' ||
  { echo "need Python >= 3.9 (set PYTHON=...)"; exit 1; }
if [ ! -x "$venv/bin/python" ]; then
  "$python" -m venv "$venv" ||
    { echo "could not make a venv: install python3-venv (Debian: apt-get install python3-venv)"; exit 1; }
fi
"$venv/bin/python" -m pip install -q -r "$here/requirements-dev.txt"
"$venv/bin/python" --version
took

step "the tsuen CLI (cargo build -p tsuen-server, unless TSUEN_PREBUILT and TSUEN_CLI name a built one)"
if [ -z "${TSUEN_PREBUILT:-}" ] || [ ! -x "${TSUEN_CLI:-}" ]; then
  cargo build -q -p tsuen-server
  target_dir=$(cargo metadata --format-version 1 --no-deps | "$venv/bin/python" -c 'import json,sys; print(json.load(sys.stdin)["target_directory"])')
  export TSUEN_CLI=$target_dir/debug/tsuen
fi
took

step "the wheel (maturin build --release)"
"$venv/bin/maturin" build --release --quiet -m "$here/Cargo.toml" -o "$work/wheels"
wheel=$(ls "$work"/wheels/tsuen-*.whl)
echo "built $(basename "$wheel") ($(du -k "$wheel" | cut -f1) KiB)"
"$venv/bin/python" -m pip install -q --force-reinstall --no-deps "$wheel"
took

step "pytest"
# The sources are in python/, not importable from here: the tests import the installed package.
(cd "$here" && "$venv/bin/python" -m pytest -p no:cacheprovider tests)
took

step "stubtest and mypy --strict"
(cd "$work" && "$venv/bin/python" -m mypy.stubtest --mypy-config-file "$here/pyproject.toml" tsuen &&
  "$venv/bin/python" -m mypy --strict --cache-dir "$work/.mypy_cache" -p tsuen)
took
echo "python package: ok"
