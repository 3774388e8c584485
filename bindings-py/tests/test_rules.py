"""Table-driven tests of the native API: every rule and every code of SPEC.md, through `book` and `check`
(a dry run answers as `book` and changes nothing), with the exception classes of the package."""

from __future__ import annotations

import datetime as dt
from typing import Any, Callable, Dict, List, Optional, Type

import pytest

import tsuen
from worlds import world

# A valid request: Tuesday 2026-01-20, a week ahead.
BASE: Dict[str, Any] = dict(child="jiro", facility="daredemo", kind="flexible", date="2026-01-20",
                            start="10:00", end="12:00")


def with_(**changes: Any) -> Dict[str, Any]:
    out = dict(BASE)
    out.update(changes)
    return out


def prebook(*requests: Dict[str, Any]) -> Callable[[tsuen.World], None]:
    def make(w: tsuen.World) -> None:
        for i, r in enumerate(requests):
            w.book(f"pre{i}", **r)
    return make


RULE_CASES: List[Any] = [
    # (name, request, world change before it, codes)
    ("valid", BASE, None, []),
    ("not_certified", with_(child="nocert"), None, ["not_certified"]),
    ("age_ineligible", with_(child="baby"), None, ["age_ineligible"]),
    ("interview_required", with_(child="newbie"), None, ["interview_required"]),
    ("lead_time", with_(date="2026-01-19"), None, ["lead_time"]),
    ("lead_time_past_day", with_(date="2026-01-09"), None, ["lead_time"]),
    ("beyond_horizon", with_(date="2026-03-17"), None, ["beyond_horizon"]),
    ("facility_closed_listed", with_(date="2026-01-27"), None, ["facility_closed"]),
    ("facility_closed_holiday", with_(date="2026-02-11"), None, ["facility_closed"]),
    ("facility_closed_weekend", with_(date="2026-01-24"), None, ["facility_closed"]),
    ("outside_hours", with_(start="18:00", end="20:00"), None, ["outside_hours"]),
    ("kind_not_offered", with_(facility="flexonly", kind="regular", weeks=2), None, ["kind_not_offered"]),
    ("no_capacity", BASE, prebook(with_(child="hanako"), with_(child="capped", start="11:30", end="12:30")),
     ["no_capacity"]),
    ("no_capacity_age_class", with_(child="infant2"), prebook(with_(child="infant")), ["no_capacity"]),
    ("no_capacity_regular", with_(kind="regular", weeks=3, date="2026-01-22"),
     prebook(with_(child="hanako", kind="regular", weeks=1, date="2026-02-05")), ["no_capacity"]),
    ("overlap", BASE, prebook(with_(facility="flexonly", start="11:30", end="13:00")), ["overlap"]),
    ("monthly_cap", with_(child="capped", start="10:00", end="12:30"), None, ["monthly_cap"]),
    ("duration_max", with_(start="10:00", end="14:30"), None, ["duration"]),
    ("duration_daily_total", with_(start="14:00", end="16:00"), prebook(with_(start="09:00", end="12:00")),
     ["duration"]),
    ("duration_weeks", with_(kind="regular", weeks=4, date="2026-01-22"), None, ["duration"]),
    ("regular_ok", with_(kind="regular", weeks=3, date="2026-01-22"), None, []),
    ("several_rules", with_(child="nocert", date="2026-01-19", start="18:00", end="20:00"), None,
     ["not_certified", "lead_time", "outside_hours"]),
    ("interview_ok", with_(kind="interview", date="2026-01-21", start="09:00", end="10:00", child="newbie"),
     None, []),
    ("interview_no_slot", with_(kind="interview", date="2026-01-21", start="10:00", end="11:00"), None,
     ["outside_hours"]),
    ("interview_full", with_(kind="interview", date="2026-01-21", start="09:00", end="10:00"),
     prebook(with_(kind="interview", date="2026-01-21", start="09:00", end="10:00", child="newbie")),
     ["no_capacity"]),
]


@pytest.mark.parametrize("name, req, before, codes", RULE_CASES, ids=[c[0] for c in RULE_CASES])
def test_rules(name: str, req: Dict[str, Any], before: Optional[Callable[[tsuen.World], None]],
               codes: List[str]) -> None:
    w = world()
    if before:
        before(w)
    saved = w.canonical_json()
    if not codes:
        assert w.check("new", **req) is None
        assert w.canonical_json() == saved
        assert w.book("new", **req) in (tsuen.Status.PROVISIONAL, tsuen.Status.CONFIRMED)
        return
    for attempt in (w.check, w.book):
        with pytest.raises(tsuen.Refused) as caught:
            attempt("new", **req)
        assert caught.value.codes == codes
        assert w.canonical_json() == saved, "a refused request changes nothing"
    with pytest.raises(tsuen.UnknownId):
        w.status("new")  # a refused request's id stays free


UNJUDGED: List[Any] = [
    # (name, call, class, code, detail fragment)
    ("bad_time", lambda w: w.book("x", **with_(start="10:15")), tsuen.InvalidRequest, "invalid_request", "from/to"),
    ("bad_time_object", lambda w: w.book("x", **with_(start=dt.time(10, 0, 30))), tsuen.InvalidRequest,
     "invalid_request", "from"),
    ("bad_date", lambda w: w.check("x", **with_(date="2026-02-30")), tsuen.InvalidRequest, "invalid_request",
     "date"),
    ("bad_kind", lambda w: w.book("x", **with_(kind="weekly")), tsuen.InvalidRequest, "invalid_request", "kind"),
    ("reversed_band", lambda w: w.book("x", **with_(start="12:00", end="10:00")), tsuen.InvalidRequest,
     "invalid_request", "from/to"),
    ("weeks_on_flexible", lambda w: w.book("x", **with_(weeks=2)), tsuen.InvalidRequest, "invalid_request",
     "weeks"),
    ("regular_without_weeks", lambda w: w.book("x", **with_(kind="regular")), tsuen.InvalidRequest,
     "invalid_request", "weeks"),
    ("negative_weeks", lambda w: w.book("x", **with_(kind="regular", weeks=-1)), tsuen.InvalidRequest,
     "invalid_request", "weeks"),
    ("too_many_weeks", lambda w: w.book("x", **with_(kind="regular", weeks=tsuen.MAX_SERIES_WEEKS + 1)),
     tsuen.InvalidRequest, "invalid_request", "weeks"),
    ("hash_in_id", lambda w: w.book("a#1", **BASE), tsuen.InvalidRequest, "invalid_request", "id"),
    ("empty_id", lambda w: w.book("", **BASE), tsuen.InvalidRequest, "invalid_request", "id"),
    ("bad_month", lambda w: w.usage("jiro", month="2026-13"), tsuen.InvalidRequest, "invalid_request", "month"),
    ("bad_now", lambda w: w.set_now("2026-01-13T24:00"), tsuen.InvalidRequest, "invalid_request", "now"),
    ("zero_days", lambda w: w.calendar("daredemo", start="2026-01-20", days=0), tsuen.InvalidRequest,
     "invalid_request", "days"),
    ("unknown_municipality_search",
     lambda w: w.search("999999", kind="flexible", date="2026-01-20", start="10:00", end="11:00"),
     tsuen.InvalidRequest, "invalid_request", "municipality"),
    ("bad_facility_spec", lambda w: w.put_facility({"id": "x", "name": "x", "municipality": "131016",
                                                    "hours": {"mon": ["07:15", "19:00"]}, "capacity": []}),
     tsuen.InvalidRequest, "invalid_request", "hours"),
    ("unknown_field", lambda w: w.put_child({"id": "x", "name": "x", "birth_date": "2024-01-01",
                                             "municipality": "131016", "shoe_size": 12}),
     tsuen.InvalidRequest, "invalid_request", "shoe_size"),
    ("unknown_child", lambda w: w.book("x", **with_(child="ghost")), tsuen.UnknownId, "unknown_child", "ghost"),
    ("unknown_facility", lambda w: w.check("x", **with_(facility="ghost")), tsuen.UnknownId, "unknown_facility",
     "ghost"),
    ("unknown_booking", lambda w: w.confirm("ghost"), tsuen.UnknownId, "unknown_booking", "ghost"),
    ("series_is_not_a_booking", lambda w: (w.book("r1", **with_(kind="regular", weeks=2, date="2026-01-22")), w.fee("r1")),
     tsuen.UnknownId, "unknown_booking", "series"),
    ("unknown_child_usage", lambda w: w.usage("ghost", month="2026-01"), tsuen.UnknownId, "unknown_child", None),
    ("unknown_facility_claim", lambda w: w.claim("ghost", month="2026-01"), tsuen.UnknownId, "unknown_facility",
     None),
    ("duplicate_id", lambda w: (w.book("x", **BASE), w.check("x", **with_(child="hanako"))), tsuen.DuplicateId,
     "duplicate_id", None),
    ("duplicate_series_id", lambda w: (w.book("x", **BASE), w.book("x", **with_(kind="regular", weeks=1))),
     tsuen.DuplicateId, "duplicate_id", None),
    ("invalid_state_confirm", lambda w: (w.book("x", **BASE), w.confirm("x"), w.confirm("x")), tsuen.InvalidState,
     "invalid_state", None),
    ("not_today", lambda w: (w.book("x", **BASE), w.confirm("x"), w.check_in("x", at="10:00")),
     tsuen.InvalidState, "not_today", None),
    ("check_in_provisional", lambda w: (w.book("x", **BASE), w.set_now("2026-01-20T09:00"),
                                        w.check_in("x", at="10:00")), tsuen.InvalidState, "invalid_state", None),
    ("no_show_before_the_day", lambda w: (w.book("x", **BASE), w.confirm("x"), w.no_show("x")),
     tsuen.InvalidState, "invalid_state", None),
    ("interview_result_of_usage", lambda w: (w.book("x", **BASE), w.interview_result("x", approved=True)),
     tsuen.InvalidState, "invalid_state", None),
    ("cancel_twice", lambda w: (w.book("x", **BASE), w.cancel("x"), w.cancel("x")), tsuen.InvalidState,
     "invalid_state", None),
]


@pytest.mark.parametrize("name, call, cls, code, fragment", UNJUDGED, ids=[c[0] for c in UNJUDGED])
def test_codes_that_come_alone(name: str, call: Callable[[tsuen.World], Any], cls: Type[tsuen.TsuenError],
                               code: str, fragment: Optional[str]) -> None:
    w = world()
    with pytest.raises(cls) as caught:
        call(w)
    e = caught.value
    assert type(e) is cls and e.codes == [code]
    assert isinstance(e, tsuen.TsuenError) and isinstance(e, ValueError)
    if fragment is not None:
        assert e.detail is not None and fragment in e.detail, e.detail
    if cls is tsuen.InvalidState:
        assert e.not_today == (code == "not_today")  # type: ignore[attr-defined]


def test_every_code_is_covered() -> None:
    covered = {c for case in RULE_CASES for c in case[3]} | {case[3] for case in UNJUDGED}
    assert covered == set(tsuen.CODES)


def test_the_class_of_each_code() -> None:
    assert issubclass(tsuen.UnknownId, LookupError) and issubclass(tsuen.UnknownId, tsuen.TsuenError)
    for cls in (tsuen.Refused, tsuen.InvalidRequest, tsuen.UnknownId, tsuen.InvalidState, tsuen.DuplicateId):
        assert issubclass(cls, tsuen.TsuenError) and issubclass(cls, ValueError)
    w = world()
    with pytest.raises(LookupError):
        w.booking("ghost")
    with pytest.raises(ValueError):
        w.book("x", **with_(child="nocert"))
