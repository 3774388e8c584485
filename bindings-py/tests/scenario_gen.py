"""A seeded generator of large scenario files (SCENARIOS.md) for differential tests.

The generator does not run the engine: it only knows what it asked for, so many requests are refused
(that is part of the test). It keeps the clock moving forwards, books close to "now" so that whole
lifecycles happen (confirm, check-in on the day, check-out, no-shows, late cancellations), and gives
every step an ``expect`` so that the result object records what happened wherever it differs.
"""

from __future__ import annotations

import datetime as dt
import json
import random
from typing import Any, Dict, List, Tuple

WEEKDAYS = ["mon", "tue", "wed", "thu", "fri", "sat", "sun"]
CHILD_IDS = ["c0", "c1", "c2", "c3", "c4", "c5", "c6", "c7"]
FACILITY_IDS = ["fa", "fb", "fc", "fd"]


def _t(slot: int) -> str:
    return f"{slot // 2:02d}:{(slot % 2) * 30:02d}"


def _facility(fid: str, muni: str, rng: random.Random, start: dt.date, variant: int = 0) -> Dict[str, Any]:
    open_slot, close_slot = 14 + (variant % 3), 36 - (variant % 2)
    hours = {d: [_t(open_slot), _t(close_slot)] for d in WEEKDAYS[:5]}
    if fid in ("fa", "fc"):
        hours["sat"] = ["08:00", "13:00"]
    spec: Dict[str, Any] = {
        "id": fid,
        "name": f"施設{fid}",
        "municipality": muni,
        "hours": hours,
        "capacity": [
            {"days": WEEKDAYS[:5], "from": _t(open_slot), "to": _t(close_slot),
             "regular": rng.randint(0, 3), "flexible": rng.randint(1, 3)},
            {"days": ["sat"], "from": "08:00", "to": "13:00", "flexible": rng.randint(0, 2)},
        ],
        "interview_slots": [
            {"date": (start + dt.timedelta(days=7 * w + 2)).isoformat(), "from": "10:00", "to": "11:00",
             "places": rng.randint(1, 2)}
            for w in range(0, 56, 2)
        ],
        "closed": [(start + dt.timedelta(days=rng.randint(0, 300))).isoformat() for _ in range(3)],
        "closed_on_holidays": fid != "fb",
        "auto_confirm": fid in ("fb", "fd") or variant % 4 == 3,
    }
    if fid == "fc":
        spec["kinds"] = ["flexible"]
        spec["age_limits"] = {"flexible": {"0": 1}}
    if fid == "fd":
        spec["max_booking_minutes"] = 240
        spec["fee_per_hour_yen"] = 350
        spec["capacity_overrides"] = [
            {"date": (start + dt.timedelta(days=rng.randint(0, 200))).isoformat(), "from": "10:00", "to": "12:00",
             "flexible": 0}
            for _ in range(4)
        ]
    return spec


def _child(cid: str, i: int, rng: random.Random, variant: int = 0) -> Dict[str, Any]:
    births = ["2024-05-01", "2024-09-15", "2025-03-10", "2025-08-31", "2023-04-10", "2024-02-29", "2025-06-15",
              "2024-12-01"]
    classes = ["standard", "welfare", "tax_exempt", "low_income", "support_needed"]
    spec: Dict[str, Any] = {
        "id": cid,
        "name": f"こども{i}",
        "parent": f"p{i // 2}",
        "birth_date": births[i],
        "municipality": "131016" if i % 3 else "131024",
        "fee_class": classes[(i + variant) % len(classes)],
    }
    if i != 5 or variant:
        spec["certified"] = ["2025-04-01", "2026-09-30" if i == 6 and not variant else "2027-03-31"]
    approvals = [{"facility": f, "interview_date": "2025-12-01"} for f in FACILITY_IDS[: 4 - i % 3] if i != 3]
    if approvals and not variant:
        spec["approvals"] = approvals
    return spec


def generate(steps: int, seed: int) -> Dict[str, Any]:
    """A scenario of ``steps`` steps (``today`` steps included), the same for the same seed."""
    rng = random.Random(seed)
    start = dt.date(2026, 1, 5)
    now = dt.datetime(2026, 1, 5, 8, 0)
    munis = [
        {"code": "131016", "name": "千代田区", "prefecture": "東京都", "online": True,
         "rules": {"lead_days": 2, "cutoff_time": "17:00", "interview_valid_months": 24, "monthly_cap_minutes": 2400, "max_booking_minutes": 360,
                   "fee_reductions_yen": {"welfare": 250}}},
        {"code": "131024", "name": "中央区", "prefecture": "東京都", "online": False,
         "rules": {"lead_days": 1, "free_cancel_days": 2, "interview_valid_months": 12, "horizon_days": 40, "min_booking_minutes": 60,
                   "monthly_cap_minutes": 1500, "payment_per_hour_yen": {"0": 1800}}},
    ]
    facilities = [_facility(f, "131016" if f != "fc" else "131024", rng, start) for f in FACILITY_IDS]
    children = [_child(c, i, rng) for i, c in enumerate(CHILD_IDS)]
    made: Dict[str, dt.date] = {}  # ids asked for (occurrences included), with their day
    series: List[str] = []
    interviews: List[str] = []
    checked_in: List[str] = []
    out: List[Dict[str, Any]] = []
    n = 0

    def some_booking() -> str:
        if made and rng.random() < 0.95:
            today = now.date()
            todays = [b for b, d in made.items() if d == today]
            if todays and rng.random() < 0.6:
                return rng.choice(todays)
            if series and rng.random() < 0.1:
                return rng.choice(series)
            return rng.choice(list(made))
        return rng.choice(["nope", "r0", "b0#1", ""])

    def band(kind: str) -> Tuple[str, str]:
        if kind == "interview":
            return ("10:00", "11:00") if rng.random() < 0.9 else ("09:00", "10:00")
        a = rng.randint(14, 33)
        b = a + rng.choice([1, 2, 2, 3, 4, 4, 6, 8, 12])
        if rng.random() < 0.01:
            return _t(a)[:3] + "15", _t(b)
        return _t(a), _t(min(b, 48))

    while len(out) < steps:
        r = rng.random()
        today = now.date()
        if r < 0.04:
            now += dt.timedelta(minutes=rng.choice([0, 30, 90, 240, 600, 720, 1440]))
            out.append({"today": now.strftime("%Y-%m-%dT%H:%M")})
            continue
        step: Dict[str, Any]
        if r < 0.40:
            kind = rng.choices(["flexible", "regular", "interview"], [6, 2, 1])[0]
            day = today + dt.timedelta(days=rng.randint(-1, 45))
            if day.weekday() >= 5 and rng.random() < 0.8:
                day += dt.timedelta(days=7 - day.weekday())
            if kind == "interview":
                day = today + dt.timedelta(days=(2 - today.weekday()) % 7 + 7 * rng.randint(0, 3))
            f, t = band(kind)
            n += 1
            bid = f"b{n}" if rng.random() > 0.02 else rng.choice(list(made) or ["b1"]).split("#")[0]
            req: Dict[str, Any] = {"id": bid, "child": rng.choice(CHILD_IDS + ["ghost"] * (rng.random() < 0.02)),
                                   "facility": rng.choice(FACILITY_IDS), "kind": kind, "date": day.isoformat(),
                                   "from": f, "to": t}
            if kind == "regular":
                req["weeks"] = rng.choice([1, 2, 4, 6, 13, 14])
            op = "check" if rng.random() < 0.15 else "book"
            step = {op: req, "expect": "ok"}
            if op == "book":
                if kind == "regular":
                    series.append(bid)
                    for k in range(req["weeks"]):
                        made[f"{bid}#{k + 1}"] = day + dt.timedelta(weeks=k)
                else:
                    made[bid] = day
                    if kind == "interview":
                        interviews.append(bid)
        elif r < 0.50:
            step = {"confirm": some_booking(), "expect": "ok"}
        elif r < 0.56:
            by = rng.choice(["parent", "parent", "facility"])
            step = {"cancel": some_booking() if by == "parent" and rng.random() < 0.5
                    else {"booking": some_booking(), "by": by}, "expect": "ok"}
        elif r < 0.63:
            bid = some_booking()
            checked_in.append(bid)
            step = {"check_in": {"booking": bid, "at": _t(rng.randint(14, 30))}, "expect": "ok"}
        elif r < 0.70:
            at = rng.randint(840, 1380)
            bid = rng.choice(checked_in[-20:]) if checked_in and rng.random() < 0.7 else some_booking()
            step = {"check_out": {"booking": bid, "at": f"{at // 60:02d}:{at % 60:02d}"}, "expect": "ok"}
        elif r < 0.73:
            past = [b for b, d in list(made.items())[-300:] if d < today]
            step = {"no_show": rng.choice(past) if past and rng.random() < 0.7 else some_booking(), "expect": "ok"}
        elif r < 0.75:
            due = [b for b in interviews[-30:] if made[b] <= today]
            bid = rng.choice(due) if due and rng.random() < 0.8 else some_booking()
            step = {"interview_result": {"booking": bid, "approved": rng.random() < 0.8}, "expect": "ok"}
        elif r < 0.81:
            step = {"status": some_booking(), "expect": "confirmed"}
        elif r < 0.86:
            step = {"fee": some_booking(), "expect": 600}
        elif r < 0.89:
            step = {"usage": {"child": rng.choice(CHILD_IDS), "month": today.strftime("%Y-%m")}, "expect": 120}
        elif r < 0.91:
            step = {"claim": {"facility": rng.choice(FACILITY_IDS), "month": today.strftime("%Y-%m")}, "expect": 0}
        elif r < 0.94:
            first = today + dt.timedelta(days=rng.randint(0, 20))
            q: Dict[str, Any] = {"facility": rng.choice(FACILITY_IDS), "from": first.isoformat(), "days": 7}
            if rng.random() < 0.5:
                q["child"] = rng.choice(CHILD_IDS)
            cells = {(first + dt.timedelta(days=d)).isoformat(): {_t(s): rng.choice([0, 1, 2, None])
                                                                   for s in rng.sample(range(48), 4)}
                     for d in rng.sample(range(8), 3)}
            step = {"calendar": q, "expect": cells}
        elif r < 0.96:
            f, t = band("regular")
            q = {"facility": rng.choice(FACILITY_IDS), "date": (today + dt.timedelta(days=rng.randint(0, 30))).isoformat(),
                 "weeks": rng.randint(1, 6), "from": f, "to": t}
            if rng.random() < 0.3:
                q["child"] = rng.choice(CHILD_IDS)
            step = {"regular_availability": q, "expect": [1] * q["weeks"]}
        elif r < 0.98:
            f, t = band("flexible")
            q = {"municipality": rng.choice(["131016", "131024"]), "kind": rng.choice(["flexible", "regular"]),
                 "date": (today + dt.timedelta(days=rng.randint(0, 30))).isoformat(), "from": f, "to": t}
            if rng.random() < 0.3:
                q["child"] = rng.choice(CHILD_IDS)
            step = {"search": q, "expect": rng.sample(FACILITY_IDS, rng.randint(0, 2))}
        elif r < 0.985:
            day = today + dt.timedelta(days=rng.randint(0, 20))
            step = {"close_day": {"facility": rng.choice(FACILITY_IDS), "date": day.isoformat()}, "expect": "ok"}
        elif r < 0.993:
            fid = rng.choice(FACILITY_IDS)
            step = {"facility": _facility(fid, "131016" if fid != "fc" else "131024", rng, start, rng.randint(1, 7)),
                    "expect": "ok"}
        else:
            i = rng.randrange(len(CHILD_IDS))
            step = {"child": _child(CHILD_IDS[i], i, rng, rng.randint(0, 3)), "expect": "ok"}
        if rng.random() < 0.05:
            del step["expect"]
        out.append(step)
    return {"name": f"generated: {steps} steps, seed {seed}", "today": "2026-01-05T08:00",
            "municipalities": munis, "facilities": facilities, "children": children, "steps": out}


def generate_text(steps: int, seed: int) -> str:
    return json.dumps(generate(steps, seed), ensure_ascii=False)


