"""The lifecycle and the queries through the API, and save/restore (JSON and pickle) in the middle of a
lifecycle: a restored world goes on exactly as the original."""

from __future__ import annotations

import copy
import datetime as dt
import json
import pickle
from typing import Any, Dict

import pytest

import tsuen
from replay import Replay
from scenario_gen import generate
from worlds import world

BASE: Dict[str, Any] = dict(child="jiro", facility="daredemo", kind="flexible", date="2026-01-20",
                            start="10:00", end="12:00")


def test_a_whole_day_of_use() -> None:
    w = world()
    assert w.book("f1", **BASE) is tsuen.Status.PROVISIONAL
    assert w.fee("f1") == 600
    w.confirm("f1")
    w.set_now(dt.datetime(2026, 1, 20, 9, 58, 41))  # floored to 09:58
    assert w.now == dt.datetime(2026, 1, 20, 9, 58)
    w.check_in("f1", at=dt.time(9, 58))
    assert w.status("f1") is tsuen.Status.IN_USE
    w.check_out("f1", at="12:10")  # a late pick-up: billed to 12:30
    b = w.booking("f1")
    assert b == tsuen.Booking("f1", "jiro", "daredemo", tsuen.Kind.FLEXIBLE, dt.date(2026, 1, 20), "10:00", "12:00",
                              tsuen.Status.COMPLETED, "09:58", "12:10")
    assert b.minutes == 120 and b.series is None
    assert w.fee("f1") == 750
    assert w.usage("jiro", month="2026-01") == tsuen.Usage(120, 600, 480)  # the cap counts booked minutes
    claim = w.claim("daredemo", month=dt.date(2026, 1, 31))
    assert claim == tsuen.Claim(150 * 1400 // 60, {"131016": 150 * 1400 // 60}, 1)
    assert w.child("jiro")["approvals"][0]["last_use"] == "2026-01-20"


def test_series_cancel_and_results() -> None:
    w = world()
    assert w.book("r1", **dict(BASE, kind="regular", weeks=3, date="2026-01-22")) is tsuen.Status.PROVISIONAL
    assert w.series_occurrences("r1") == ["r1#1", "r1#2", "r1#3"]
    assert [b.series for b in w.bookings_of_child("jiro")] == ["r1", "r1", "r1"]
    w.confirm("r1")
    w.set_now("2026-01-29T08:00")  # r1#1 is past; r1#2 is today, after the free deadline
    cancelled = w.cancel("r1")
    assert cancelled == {"r1#2": tsuen.Status.CANCELLED_LATE, "r1#3": tsuen.Status.CANCELLED}
    assert w.status("r1#1") is tsuen.Status.CONFIRMED
    w.no_show("r1#1")
    assert w.status("r1#1") == "no_show"
    with pytest.raises(tsuen.InvalidState):
        w.cancel("r1", by="facility")
    assert w.fee("r1#2") == 600 and w.fee("r1#3") == 0


def test_interviews_and_closing_a_day() -> None:
    w = world()
    w.book("i1", **dict(BASE, child="newbie", kind="interview", date="2026-01-21", start="09:00", end="10:00"))
    with pytest.raises(tsuen.Refused) as refused:
        w.check("u1", **dict(BASE, child="newbie"))
    assert refused.value.codes == ["interview_required"]
    w.set_now("2026-01-21T10:00")
    w.interview_result("i1", approved=True)
    assert w.status("i1") is tsuen.Status.APPROVED
    w.check("u1", **dict(BASE, child="newbie", date="2026-01-29"))
    w.book("u1", **dict(BASE, child="newbie", date="2026-01-29"))
    w.book("u2", **dict(BASE, child="hanako", date="2026-01-29"))
    assert w.close_day("daredemo", date=dt.date(2026, 1, 29)) == ["u1", "u2"]
    assert {b.status for b in w.bookings_of_day("daredemo", date="2026-01-29")} == {tsuen.Status.CANCELLED}
    assert "2026-01-29" in w.facility("daredemo")["closed"]


def test_queries() -> None:
    w = world()
    w.book("f1", **BASE)
    w.book("f2", **dict(BASE, child="infant", start="11:00", end="13:00"))
    cells = w.calendar_cells("daredemo", start="2026-01-19", days=7)
    assert len(cells) == 7 and all(len(row) == tsuen.SLOTS for row in cells)
    assert cells[1][20:27] == [1, 1, 0, 0, 1, 1, 2]  # 10:00 … 13:00 on the 20th
    assert cells[5] == [tsuen.NO_CELL] * 48  # Saturday
    cal = w.calendar("daredemo", start=dt.date(2026, 1, 19), days=7, child="infant2")
    assert cal.places("2026-01-20", "11:30") == 0  # age class 0: the one place is held
    assert cal.places("2026-01-20", "10:00") == 1
    assert cal.places("2026-01-24", "10:00") is None and cal.days[dt.date(2026, 1, 24)] == {}
    assert cal.places("2026-01-20", "06:30") is None
    engine_form = json.loads(w._w.calendar_friendly_json("daredemo", "2026-01-19", 7, "infant2"))
    assert {d.isoformat(): cells for d, cells in cal.days.items()} == engine_form
    assert w.regular_availability("daredemo", date="2026-01-20", weeks=3, start="10:00", end="12:00") == [1, None, 1]
    assert w.search("131016", kind="flexible", date="2026-01-20", start="11:00", end="12:00") == ["flexonly"]
    assert w.search("131016", kind=tsuen.Kind.REGULAR, date="2026-01-20", start="11:00", end="12:00") == ["daredemo"]
    assert [m["code"] for m in w.municipalities()] == ["131016", "131024"]
    assert [f["id"] for f in w.facilities()] == ["daredemo", "flexonly"]
    assert w.booking_count() == 2 and len(w.bookings()) == 2


def test_household_view_answers_as_the_world() -> None:
    w = world()
    w.book("f1", **BASE)
    w.put_child({"id": "other", "name": "よそのこ", "parent": "p2", "birth_date": "2024-05-01",
                 "municipality": "131016", "certified": ["2025-04-01", "2026-03-31"],
                 "approvals": [{"facility": "daredemo", "interview_date": "2025-12-01"}]})
    w.book("o1", **dict(BASE, child="other"))
    view = w.household_view("p2", start="2026-01-19", days=14, facilities=["daredemo"])
    assert [c["id"] for c in view["children"]] == ["other"] and [b["id"] for b in view["bookings"]] == ["o1"]
    v = tsuen.World.from_view(view)
    assert v.calendar_cells("daredemo", start="2026-01-19", days=14) == w.calendar_cells(
        "daredemo", start="2026-01-19", days=14)
    for answering in (w, v):
        with pytest.raises(tsuen.Refused) as caught:
            answering.check("o2", **dict(BASE, child="other"))
        assert caught.value.codes == ["no_capacity", "overlap"]
    v.check("o2", **dict(BASE, child="other", date="2026-01-21"))
    assert tsuen.World.from_view(json.dumps(view)).canonical_json() == v.canonical_json()


def test_a_world_built_step_by_step_equals_one_from_setup() -> None:
    setup = world()
    w = tsuen.World(dt.datetime(2026, 1, 13, 9, 0))
    for m in setup.municipalities():
        w.put_municipality(m)
    for f in setup.facilities():
        w.put_facility(json.dumps(f))
    for c in reversed([setup.child(b) for b in ("jiro", "hanako", "baby", "nocert", "newbie", "capped", "infant",
                                                 "infant2")]):
        w.put_child(c)
    assert w == setup and w.to_json() != setup.to_json()  # same content, another order
    assert w != tsuen.World("2026-01-13")


@pytest.mark.parametrize("cut", [0, 1, 1700, 3999])
def test_save_and_restore_in_the_middle_of_a_lifecycle(cut: int) -> None:
    scenario = generate(4_000, 99)
    setup = {k: scenario[k] for k in ("today", "municipalities", "facilities", "children")}
    steps = scenario["steps"]
    original = Replay("x", tsuen.World.from_setup(setup))
    for i, step in enumerate(steps[:cut]):
        original.step(i, step)
    text = original.world.to_json()
    copies = [
        tsuen.World.from_json(text),
        tsuen.World.from_json(text.encode()),
        pickle.loads(pickle.dumps(original.world)),
        copy.deepcopy(original.world),
    ]
    assert all(c == original.world and c.to_json() == text for c in copies)
    runs = [Replay("x", c) for c in copies]
    for i, step in enumerate(steps[cut:], start=cut):
        outcome = original.step(i, step)
        for r in runs:
            assert r.step(i, step) == outcome, (i, step)
    for r in runs:
        assert r.world.to_json() == original.world.to_json()


def test_restore_refuses_a_bad_save() -> None:
    w = world()
    w.book("f1", **BASE)
    save = json.loads(w.to_json())
    save["bookings"][0]["child"] = "ghost"
    with pytest.raises(tsuen.InvalidRequest) as caught:
        tsuen.World.from_json(json.dumps(save))
    assert caught.value.detail is not None and "bookings[0].child" in caught.value.detail
    with pytest.raises(tsuen.InvalidRequest):
        tsuen.World.from_json("{")
    with pytest.raises(tsuen.InvalidRequest) as caught:
        tsuen.World.from_setup({"today": "2026-01-13", "municipalities": [], "facilities": [], "children": [
            {"id": "x", "name": "x", "birth_date": "2024-01-01", "municipality": "999"}]})
    assert caught.value.detail is not None and "children[0].municipality" in caught.value.detail


def test_previews_and_writes_as_data() -> None:
    w = world()
    w.book("f1", **BASE)
    late = dt.datetime(2026, 1, 20, 8, 0)  # after the free deadline (the 20th at 00:00)
    assert w.cancel_outcome("f1") == {"f1": tsuen.Status.CANCELLED}
    assert w.cancel_outcome("f1", now=late) == {"f1": tsuen.Status.CANCELLED_LATE}
    assert w.cancel_outcome("f1", by="facility", now=late) == {"f1": tsuen.Status.CANCELLED}
    assert w.status("f1") is tsuen.Status.PROVISIONAL
    with pytest.raises(tsuen.Refused) as caught:
        w.check("f2", **dict(BASE, child="hanako"), now=late)
    assert caught.value.codes == ["lead_time"]
    w.check("f2", **dict(BASE, child="hanako"))
    assert w.needs_interview("newbie", "daredemo", date="2026-01-20")
    assert not w.needs_interview("jiro", "daredemo", date=dt.date(2026, 1, 20))
    assert w.apply({"book": dict(id="f2", child="hanako", facility="daredemo", kind="flexible",
                                 date="2026-01-20", **{"from": "10:00", "to": "11:00"})}) == {"booked": "provisional"}
    assert w.apply({"confirm": "f2"}) == "done"
    assert w.apply({"cancel": {"booking": "f2", "by": "facility"}}) == {"cancelled": [["f2", "cancelled"]]}
    assert w.apply(json.dumps({"close_day": {"facility": "daredemo", "date": "2026-01-20"}})) == {"closed": ["f1"]}
    with pytest.raises(tsuen.UnknownId):
        w.apply({"confirm": "ghost"})
    with pytest.raises(tsuen.InvalidRequest):
        w.apply({"dance": {}})
    assert [b.id for b in w.bookings_of_facility("daredemo")] == ["f1", "f2"]
    assert [c["id"] for c in w.children_of("p1")] == [c["id"] for c in w.children()]
    assert w.children_of("nobody") == []


def test_the_three_calendar_forms_agree() -> None:
    w = world()
    w.book("f1", **BASE)
    w.book("f2", **dict(BASE, child="infant", start="11:00", end="13:00"))
    for child in (None, "infant2", "jiro"):
        rows = w.calendar_cells("daredemo", start="2026-01-17", days=10, child=child)
        flat = w.calendar_array("daredemo", start="2026-01-17", days=10, child=child)
        assert flat.typecode == "h" and list(flat) == [p for row in rows for p in row]
        cal = w.calendar("daredemo", start="2026-01-17", days=10, child=child)
        assert len(cal.days) == 10
        for (day, cells), row in zip(cal.days.items(), rows):
            assert cells == {t: p for t, p in zip(tsuen.SLOT_TIMES, row) if p != tsuen.NO_CELL}
