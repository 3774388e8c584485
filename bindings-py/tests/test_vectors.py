"""Every scenario vector through `tsuen.run_scenario`, byte-identical (as JSON) to `tsuen scenario --json`."""

from __future__ import annotations

import json
import subprocess
from pathlib import Path

import pytest

import tsuen
from conftest import cli_results, vector_files

FILES = vector_files()


def canonical(result: object) -> str:
    """The result as serde_json writes it: compact, UTF-8, keys in the order given."""
    return json.dumps(result, ensure_ascii=False, separators=(",", ":"))


def test_there_are_vectors() -> None:
    assert len(FILES) >= 8


@pytest.mark.parametrize("path", FILES, ids=[f"{p.parent.name}/{p.name}" for p in FILES])
def test_vector_matches_the_cli(path: Path, cli: Path) -> None:
    text = path.read_text(encoding="utf-8")
    result = tsuen.run_scenario(text)
    [line] = cli_results(cli, path)
    assert canonical(result) == line
    assert result == json.loads(line)
    assert result["passed"] + result["failed"] > 0  # whether they pass is the engine's test (`tsuen scenario`)
    assert list(result) == ["name", "passed", "failed", "failures"]


def test_an_invalid_file_raises_saying_where(cli: Path, tmp_path: Path) -> None:
    text = json.dumps({"name": "bad", "today": "2026-01-13", "municipalities": [], "facilities": [],
                       "children": [], "steps": [{"status": "x", "expect": "ok"}, {"no_such_op": 1}]})
    with pytest.raises(tsuen.TsuenError) as caught:
        tsuen.run_scenario(text)
    assert isinstance(caught.value, tsuen.InvalidRequest)
    assert caught.value.codes == ["invalid_request"]
    assert caught.value.detail is not None and "steps[1]" in caught.value.detail
    path = tmp_path / "bad.json"
    path.write_text(text, encoding="utf-8")
    done = subprocess.run([str(cli), "scenario", "--json", str(path)], capture_output=True, text=True)
    assert done.returncode == 2 and "steps[1]" in done.stderr


@pytest.mark.parametrize(
    "text, where",
    [
        ("not json", "not valid JSON"),
        ('{"name": "x"}', "today"),
        ('{"name": "x", "today": "2026-01-13", "municipalities": [], "facilities": [], "children": [],'
         ' "steps": [{"today": "2026-01-12"}]}', "steps[0].today"),
        ('{"name": "x", "today": "2026-01-13", "municipalities": [], "facilities": [], "children": [],'
         ' "steps": [], "extra": 1}', "extra"),
    ],
)
def test_invalid_files(text: str, where: str) -> None:
    with pytest.raises(tsuen.InvalidRequest, match=None) as caught:
        tsuen.run_scenario(text)
    assert where in str(caught.value)


def test_run_scenario_takes_text_only() -> None:
    with pytest.raises(TypeError):
        tsuen.run_scenario(b"{}")  # type: ignore[arg-type]
