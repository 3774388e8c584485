"""A scenario runner written in Python over the public `tsuen.World` API, producing the result object of
SCENARIOS.md. Comparing its result with the CLI's checks the native API call by call (arguments,
conversions, return values and errors), not only `run_scenario`."""

from __future__ import annotations

import datetime as dt
from typing import Any, Callable, Dict, List, Optional, Tuple, Union

import tsuen

Outcome = Tuple[bool, Any]  # (is an error, the value or the error's codes)


def _date(s: str) -> Union[str, dt.date]:
    """A date object where the text is one (the API accepts both; this exercises the conversion)."""
    try:
        return dt.date.fromisoformat(s) if len(s) == 10 else s
    except ValueError:
        return s


def _time(s: str) -> Union[str, dt.time]:
    try:
        return dt.time.fromisoformat(s) if len(s) == 5 and s != "24:00" else s
    except ValueError:
        return s


def _request(w: tsuen.World, a: Dict[str, Any], dry: bool) -> str:
    fn = w.check if dry else w.book
    fn(a["id"], child=a["child"], facility=a["facility"], kind=a["kind"], date=_date(a["date"]),
       start=_time(a["from"]), end=_time(a["to"]), weeks=a.get("weeks"))
    return "ok"


def _cancel(w: tsuen.World, a: Any) -> str:
    if isinstance(a, str):
        w.cancel(a)
    else:
        w.cancel(a["booking"], by=a.get("by", "parent"))
    return "ok"


class Replay:
    """Runs steps on a world; `step` returns the outcome, `result` the result object so far."""

    def __init__(self, name: str, world: tsuen.World) -> None:
        self.name = name
        self.world = world
        self.passed = 0
        self.failed = 0
        self.failures: List[Dict[str, Any]] = []
        self.calendars = 0

    def _calendar(self, a: Dict[str, Any]) -> Dict[str, Dict[str, Optional[int]]]:
        self.calendars += 1
        w = self.world
        if self.calendars % 2:  # the fast form
            rows = w.calendar_cells(a["facility"], start=_date(a["from"]), days=a["days"], child=a.get("child"))
            first = dt.date.fromisoformat(a["from"])
            return {(first + dt.timedelta(days=d)).isoformat(): {t: (p if p != tsuen.NO_CELL else None)
                                                                 for t, p in zip(tsuen.SLOT_TIMES, row)}
                    for d, row in enumerate(rows)}
        cal = w.calendar(a["facility"], start=a["from"], days=a["days"], child=a.get("child"))
        return {d.isoformat(): {t: cal.places(d, t) for t in tsuen.SLOT_TIMES} for d in cal.days}

    def run(self, op: str, a: Any) -> Any:
        w = self.world
        ops: Dict[str, Callable[[], Any]] = {
            "book": lambda: _request(w, a, dry=False),
            "check": lambda: _request(w, a, dry=True),
            "facility": lambda: w.put_facility(a) or "ok",
            "child": lambda: w.put_child(a) or "ok",
            "close_day": lambda: w.close_day(a["facility"], date=_date(a["date"])) and "ok" or "ok",
            "confirm": lambda: w.confirm(a) or "ok",
            "cancel": lambda: _cancel(w, a),
            "interview_result": lambda: w.interview_result(a["booking"], approved=a["approved"]) or "ok",
            "check_in": lambda: w.check_in(a["booking"], at=_time(a["at"])) or "ok",
            "check_out": lambda: w.check_out(a["booking"], at=_time(a["at"])) or "ok",
            "no_show": lambda: w.no_show(a) or "ok",
            "status": lambda: w.status(a).value,
            "fee": lambda: w.fee(a),
            "usage": lambda: w.usage(a["child"], month=a["month"]).minutes,
            "claim": lambda: w.claim(a["facility"], month=a["month"]).total_yen,
            "calendar": lambda: self._calendar(a),
            "regular_availability": lambda: w.regular_availability(
                a["facility"], date=_date(a["date"]), weeks=a["weeks"], start=a["from"], end=a["to"],
                child=a.get("child")),
            "search": lambda: w.search(a["municipality"], kind=a["kind"], date=_date(a["date"]),
                                       start=_time(a["from"]), end=a["to"], child=a.get("child")),
        }
        return ops[op]()

    def step(self, index: int, step: Dict[str, Any]) -> Outcome:
        [op] = [k for k in step if k != "expect"]
        if op == "today":
            self.world.set_now(step[op])
            return (False, None)
        try:
            outcome: Outcome = (False, self.run(op, step[op]))
        except tsuen.TsuenError as e:
            outcome = (True, e.codes)
        if "expect" in step:
            ok, shown = compare(step["expect"], outcome, op)
            if ok:
                self.passed += 1
            else:
                self.failed += 1
                self.failures.append({"step": index, "op": op, "expected": step["expect"], "actual": shown})
        return outcome

    def result(self) -> Dict[str, Any]:
        return {"name": self.name, "passed": self.passed, "failed": self.failed, "failures": self.failures}


def _expected_codes(expect: Any) -> Optional[List[str]]:
    if isinstance(expect, dict) and list(expect) == ["errors"]:
        return sorted(set(expect["errors"]), key=tsuen.CODES.index)
    return None


def compare(expect: Any, outcome: Outcome, op: str) -> Tuple[bool, Any]:
    """SCENARIOS.md's comparison: errors as sets, calendars on the cells listed, searches as sets."""
    is_error, value = outcome
    codes = _expected_codes(expect)
    if is_error:
        return codes == value, {"errors": value}
    if codes is not None:
        return False, value
    if op == "calendar":
        shown = {d: {t: value.get(d, {}).get(t) for t in cells} for d, cells in expect.items()}
        return shown == expect, shown
    if isinstance(expect, list) and expect and all(isinstance(x, str) for x in expect):
        return sorted(set(expect)) == value, value
    return expect == value, value


def replay(scenario: Dict[str, Any]) -> Dict[str, Any]:
    """The result object of a whole scenario, run through the Python API."""
    setup = {k: scenario[k] for k in ("today", "municipalities", "facilities", "children")}
    r = Replay(scenario["name"], tsuen.World.from_setup(setup))
    for i, step in enumerate(scenario["steps"]):
        r.step(i, step)
    return r.result()
