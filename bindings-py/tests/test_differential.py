"""A generated 20,000-step scenario, three ways: the CLI (`tsuen scenario --json`), `tsuen.run_scenario`, and
a replay through the public `tsuen.World` API. All three must give the same result object."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any, Dict, Tuple

import pytest

import tsuen
from conftest import cli_results
from replay import replay
from scenario_gen import generate

SEED = 20260113
STEPS = 20_000


@pytest.fixture(scope="module")
def generated(tmp_path_factory: pytest.TempPathFactory) -> Tuple[Dict[str, Any], str, Path]:
    scenario = generate(STEPS, SEED)
    text = json.dumps(scenario, ensure_ascii=False)
    path = tmp_path_factory.mktemp("generated") / "generated.json"
    path.write_text(text, encoding="utf-8")
    return scenario, text, path


@pytest.fixture(scope="module")
def cli_line(cli: Path, generated: Tuple[Dict[str, Any], str, Path]) -> str:
    [line] = cli_results(cli, generated[2])
    return line


def test_the_generator_is_deterministic() -> None:
    assert generate(500, SEED) == generate(500, SEED)
    assert generate(500, SEED) != generate(500, SEED + 1)


def test_run_scenario_gives_the_cli_result(generated: Tuple[Dict[str, Any], str, Path], cli_line: str) -> None:
    result = tsuen.run_scenario(generated[1])
    assert json.dumps(result, ensure_ascii=False, separators=(",", ":")) == cli_line
    assert len(generated[0]["steps"]) == STEPS


def test_the_api_replays_as_the_cli(generated: Tuple[Dict[str, Any], str, Path], cli_line: str) -> None:
    expected = json.loads(cli_line)
    got = replay(generated[0])
    for mine, theirs in zip(got["failures"], expected["failures"]):
        assert mine == theirs
    assert got == expected


def test_the_run_covers_the_lifecycle_and_most_codes(
    generated: Tuple[Dict[str, Any], str, Path], cli_line: str
) -> None:
    result = json.loads(cli_line)
    steps = generated[0]["steps"]
    codes = set()
    ok_ops = set()
    failed_at = {f["step"]: f["actual"] for f in result["failures"]}
    for i, step in enumerate(steps):
        if "expect" not in step:
            continue
        [op] = [k for k in step if k != "expect"]
        actual = failed_at.get(i, step["expect"])
        if isinstance(actual, dict) and list(actual) == ["errors"]:
            codes.update(actual["errors"])
        elif actual == "ok":
            ok_ops.add(op)
    assert {"book", "check", "confirm", "cancel", "check_in", "check_out", "no_show", "interview_result",
            "close_day", "facility", "child"} <= ok_ops
    assert len(codes) >= 17, sorted(set(tsuen.CODES) - codes)
