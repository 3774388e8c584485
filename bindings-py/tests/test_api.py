"""The Pythonic surface: value conversions, the error objects, the enums and dataclasses, the module's
helpers, and the README's example."""

from __future__ import annotations

import dataclasses
import datetime as dt
import pickle
import re
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest

import tsuen
from conftest import REPO
from worlds import world

JST = dt.timezone(dt.timedelta(hours=9))
BASE = dict(child="jiro", facility="daredemo", kind="flexible", start="10:00", end="12:00")


@pytest.mark.parametrize(
    "date",
    ["2026-01-20", dt.date(2026, 1, 20), dt.datetime(2026, 1, 20, 23, 59),
     dt.datetime(2026, 1, 20, 14, 59, tzinfo=dt.timezone.utc),  # 23:59 in Japan
     dt.datetime(2026, 1, 19, 15, 0, tzinfo=dt.timezone.utc)],  # 00:00 on the 20th in Japan
)
def test_dates_in_every_form(date: Any) -> None:
    w = world()
    w.book("f1", date=date, **BASE)
    assert w.booking("f1").date == dt.date(2026, 1, 20)


@pytest.mark.parametrize("start, end", [("10:00", "12:00"), (dt.time(10), dt.time(12)),
                                        (dt.datetime(2026, 1, 1, 10, 0), "12:00")])
def test_times_in_every_form(start: Any, end: Any) -> None:
    w = world()
    w.book("f1", child="jiro", facility="daredemo", kind=tsuen.Kind.FLEXIBLE, date="2026-01-20", start=start, end=end)
    b = w.booking("f1")
    assert (b.start, b.end) == ("10:00", "12:00")


def test_now_in_every_form() -> None:
    w = world()
    for given, seen in [
        (dt.datetime(2026, 1, 14, 8, 30, 59, 999), dt.datetime(2026, 1, 14, 8, 30)),
        (dt.datetime(2026, 1, 14, 0, 0, tzinfo=dt.timezone.utc), dt.datetime(2026, 1, 14, 9, 0)),
        (dt.date(2026, 1, 15), dt.datetime(2026, 1, 15)),
        ("2026-01-16", dt.datetime(2026, 1, 16)),
        ("2026-01-16T17:45", dt.datetime(2026, 1, 16, 17, 45)),
    ]:
        w.set_now(given)
        assert w.now == seen
    assert tsuen.World(dt.datetime(2026, 1, 13, 9, 0, tzinfo=JST)).now == dt.datetime(2026, 1, 13, 9, 0)


def test_bookings_end_at_24_00() -> None:
    w = world()
    w.put_facility(dict(w.facility("flexonly"), hours={"tue": ["08:00", "24:00"]},
                        capacity=[{"days": ["tue"], "from": "08:00", "to": "24:00", "flexible": 1}]))
    w.book("late", child="jiro", facility="flexonly", kind="flexible", date="2026-01-20", start="22:00", end="24:00")
    assert w.booking("late").end == "24:00" and w.booking("late").minutes == 120


def test_wrong_types_are_type_errors() -> None:
    w = world()
    with pytest.raises(TypeError):
        w.book("f1", date=20260120, **BASE)  # type: ignore[arg-type]
    with pytest.raises(TypeError):
        w.book("f1", child="jiro", facility="daredemo", kind="flexible", date="2026-01-20",
               start=1000, end="12:00")  # type: ignore[arg-type]
    with pytest.raises(TypeError):
        w.set_now(1)  # type: ignore[arg-type]
    with pytest.raises(TypeError):
        w.book("f1", "jiro", date="2026-01-20")  # type: ignore[misc, call-arg]
    with pytest.raises(TypeError):
        w.put_facility({"id": "x", "when": object()})


def test_specs_accept_date_and_time_objects() -> None:
    w = world()
    spec = dict(w.facility("flexonly"), closed=[dt.date(2026, 1, 20)],
                capacity=[{"days": ["tue"], "from": dt.time(8), "to": dt.time(18), "flexible": 2}],
                kinds=frozenset({tsuen.Kind.FLEXIBLE}))
    w.put_facility(spec)
    assert w.facility("flexonly")["closed"] == ["2026-01-20"]
    assert w.facility("flexonly")["capacity"][0]["from"] == "08:00"


def test_the_error_objects() -> None:
    w = world()
    with pytest.raises(tsuen.Refused) as caught:
        w.book("x", date="2026-01-19", child="nocert", facility="daredemo", kind="flexible",
               start="18:00", end="20:00")
    e = caught.value
    assert e.codes == ["not_certified", "lead_time", "outside_hours"]
    assert e.message_ja.splitlines() == [tsuen.messages(c)[0] for c in e.codes]
    assert e.message_en.splitlines()[1] == "Too late: the booking deadline for this day has passed."
    text = str(e)
    assert text.splitlines()[0] == "not_certified: この日は認定期間外です。 (The child is not certified for this day.)"
    assert e.detail is None
    again = pickle.loads(pickle.dumps(e))
    assert type(again) is tsuen.Refused and again.codes == e.codes and str(again) == text
    assert repr(e).startswith("Refused(['not_certified', 'lead_time', 'outside_hours']")
    with pytest.raises(tsuen.InvalidRequest) as bad:
        w.book("x", date="2026-01-20", child="jiro", facility="daredemo", kind="flexible", start="10:15",
               end="12:00")
    assert bad.value.detail and bad.value.detail in str(bad.value) and bad.value.detail in bad.value.message_en
    assert tsuen.InvalidState(["not_today"]).not_today and not tsuen.InvalidState(["invalid_state"]).not_today
    with pytest.raises(ValueError):
        tsuen.TsuenError(["no_such_code"])
    assert type(e).__module__ == "tsuen" and tsuen.World.__module__ == "tsuen"


def test_codes_and_messages() -> None:
    assert tsuen.CODES[:3] == ("not_certified", "age_ineligible", "interview_required")
    assert tsuen.CODES[-2:] == ("not_today", "duplicate_id") and len(tsuen.CODES) == 19
    assert tsuen.messages("no_capacity") == ("空きがありません。", "No place left at that time.")


def test_enums_and_dataclasses() -> None:
    assert tsuen.Status.CANCELLED_LATE == "cancelled_late" and str(tsuen.Status.IN_USE) == "in_use"
    assert tsuen.Kind("regular") is tsuen.Kind.REGULAR and f"{tsuen.Kind.FLEXIBLE}" == "flexible"
    w = world()
    w.book("f1", date="2026-01-20", **BASE)
    b = w.booking("f1")
    with pytest.raises(dataclasses.FrozenInstanceError):
        b.status = tsuen.Status.CONFIRMED  # type: ignore[misc]
    assert pickle.loads(pickle.dumps(b)) == b and hash(b) == hash(dataclasses.replace(b))
    cal = w.calendar("daredemo", start="2026-01-20", days=1)
    assert pickle.loads(pickle.dumps(cal)) == cal
    assert tsuen.SLOT_TIMES[0] == "00:00" and tsuen.SLOT_TIMES[-1] == "23:30" and len(tsuen.SLOT_TIMES) == 48


def test_module_helpers() -> None:
    assert tsuen.is_holiday("2026-02-11") and tsuen.holiday_name(dt.date(2026, 1, 1)) == "元日"
    assert not tsuen.is_holiday(dt.datetime(2026, 1, 13, 12)) and tsuen.holiday_name("2026-01-13") is None
    assert tsuen.age_class("2024-04-10", "2025-04-08") == 0 and tsuen.age_class("2024-04-10", "2025-04-09") == 1
    assert tsuen.age_class("2024-04-10", "2027-04-09") is None
    assert tsuen.age_eligible("2024-04-10", "2024-10-09") and not tsuen.age_eligible("2024-04-10", "2024-10-08")
    assert tsuen.age_eligible(dt.date(2024, 4, 10), "2027-04-08") and not tsuen.age_eligible("2024-04-10", "2027-04-09")
    with pytest.raises(tsuen.InvalidRequest):
        tsuen.is_holiday("2026-13-01")
    assert re.fullmatch(r"\d+\.\d+\.\d+", tsuen.__version__)
    assert tsuen.NO_CELL == -1 and tsuen.SLOTS == 48 and tsuen.MAX_QUERY_DAYS >= 366


def test_repr_and_copy() -> None:
    w = world()
    w.book("f1", date="2026-01-20", **BASE)
    assert repr(w) == "<tsuen.World now=2026-01-13T09:00 bookings=1>"
    import copy
    c = copy.copy(w)
    c.cancel("f1")
    assert w.status("f1") is tsuen.Status.PROVISIONAL and c.status("f1") is tsuen.Status.CANCELLED
    with pytest.raises(TypeError):
        hash(w)


def readme_example() -> str:
    text = (REPO / "bindings-py/README.md").read_text(encoding="utf-8")
    blocks = re.findall(r"```python\n(.*?)```", text, re.S)
    assert blocks, "the README has a Python example"
    return "\n".join(blocks)


def test_the_readme_example_runs(tmp_path: Path) -> None:
    script = tmp_path / "readme_example.py"
    script.write_text(readme_example(), encoding="utf-8")
    done = subprocess.run([sys.executable, str(script)], capture_output=True, text=True, encoding="utf-8")
    assert done.returncode == 0, done.stderr
    assert done.stdout.strip() == "予約の受付期限を過ぎています。"
