"""Shared fixtures: the repository, the scenario vectors, and the `tsuen` CLI to compare against."""

from __future__ import annotations

import os
import subprocess
from pathlib import Path
from typing import List

import pytest

REPO = Path(__file__).resolve().parents[2]


def vector_files() -> List[Path]:
    """Every scenario vector: the project's own, the copy of the shared ones, and the shared folder beside
    the checkout when present."""
    files: List[Path] = []
    for folder in (REPO / "tests/vectors", REPO / "tests/vectors/shared", REPO.parent / "shared/vectors"):
        if folder.is_dir():
            files.extend(sorted(folder.glob("*.json")))
    return files


@pytest.fixture(scope="session")
def cli() -> Path:
    """The `tsuen` binary: `$TSUEN_CLI`, else built here with `cargo build -p tsuen-server`."""
    given = os.environ.get("TSUEN_CLI")
    if given:
        path = Path(given)
        assert path.is_file(), f"TSUEN_CLI={given} is not a file"
        return path
    subprocess.run(["cargo", "build", "-q", "-p", "tsuen-server"], cwd=REPO, check=True)
    return REPO / "target/debug/tsuen"


def cli_results(cli: Path, path: Path) -> List[str]:
    """The lines `tsuen scenario --json FILE` prints (one result object per line)."""
    done = subprocess.run([str(cli), "scenario", "--json", str(path)], capture_output=True, text=True)
    assert done.returncode in (0, 1), f"{path}: exit {done.returncode}: {done.stderr}"
    return done.stdout.splitlines()
