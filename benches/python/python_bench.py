#!/usr/bin/env python3
"""tsuen from Python: the figures of issue 3 ("week calendar fast form <= 5 us; friendly form reported; a
booking <= 5 us"), on a world like the engine benchmarks' (benches/src/lib.rs).

The world is generated here, in Python, through the package's public API, from a seeded RNG: 20
municipalities (Tokyo's wards), 2,000 facilities (Mon-Fri 07:00-19:00 or a little shorter, 30 % also Sat
08:00-13:00, regular 2-5 and flexible 3-10 places, 30 % with a busier midday band, 25 % with an age-0 limit,
Tue/Thu interview slots, 80 % closed on holidays, a few closed days and capacity overrides), a 62-day window
starting a week after today (Golden Week included) with about 60 % of the regular and flexible places held
(regular series and flexible bookings planned in non-overlapping "lanes", one booking per child and day),
and a pool of children per facility who have other bookings. Every booking goes through the engine's rules
(``World.book``) in a shuffled order; refusals are counted (they should be 0).

Then timeit-style measurements: each sample times a batch of ``number`` calls (the garbage collector off, as
timeit does) and gives the mean per call; ``--repeat`` samples per run, ``--runs`` runs (default 3), the
runs interleaved. The table gives the median and the 95th percentile of all samples of all runs, and each
run's median.

Run with the package's venv (bindings-py/test.sh makes it):

    bindings-py/.venv/bin/python benches/python/python_bench.py            # the standard world
    bindings-py/.venv/bin/python benches/python/python_bench.py --facilities 200 --repeat 50   # a smoke run
"""

from __future__ import annotations

import argparse
import datetime as dt
import gc
import json
import os
import platform
import random
import statistics
import sys
import time
from array import array
from itertools import repeat as _repeat
from typing import Any, Callable, Dict, List, Optional, Sequence, Tuple

import tsuen

SLOTS = 48
TODAY = "2026-04-20T09:00"
LEAD_DAYS = 7
MUNICIPALITIES = [
    ("131016", "千代田区"), ("131024", "中央区"), ("131032", "港区"), ("131041", "新宿区"),
    ("131059", "文京区"), ("131067", "台東区"), ("131075", "墨田区"), ("131083", "江東区"),
    ("131091", "品川区"), ("131105", "目黒区"), ("131113", "大田区"), ("131121", "世田谷区"),
    ("131130", "渋谷区"), ("131148", "中野区"), ("131156", "杉並区"), ("131164", "豊島区"),
    ("131172", "北区"), ("131181", "荒川区"), ("131199", "板橋区"), ("131202", "練馬区"),
]
WEEKDAY_NAMES = ["mon", "tue", "wed", "thu", "fri", "sat", "sun"]
SLOT_TIMES = [f"{s // 2:02d}:{(s % 2) * 30:02d}" for s in range(SLOTS)] + ["24:00"]
#: Weekday opening hours as slots: 07:00-19:00 (70 %), 07:30-18:30 (20 %), 08:00-18:00 (10 %).
OPENING = [(14, 38)] * 7 + [(15, 37)] * 2 + [(16, 36)]


# --- dates ---------------------------------------------------------------------------------------------


def anniversary(d: dt.date, months: int) -> dt.date:
    """The same day of the month ``months`` later; where that month has no such day, the 1st of the next."""
    y, m = divmod(d.month - 1 + months, 12)
    y, m = d.year + y, m + 1
    try:
        return dt.date(y, m, d.day)
    except ValueError:
        y, m = (y + 1, 1) if m == 12 else (y, m + 1)
        return dt.date(y, m, 1)


def reached(birth: dt.date, months: int) -> int:
    """The ordinal of the day on which the age of ``months`` is reached (the day before the anniversary)."""
    return anniversary(birth, months).toordinal() - 1


# --- the world -----------------------------------------------------------------------------------------


class Facility:
    """What the generator knows about a facility."""

    __slots__ = ("id", "muni", "hours", "template", "kinds", "limits", "interview_days", "pool", "sat")

    def __init__(self, fid: str, muni: int) -> None:
        self.id = fid
        self.muni = muni
        self.hours: List[Optional[Tuple[int, int]]] = [None] * 7
        self.template: List[List[List[int]]] = [[[0] * SLOTS, [0] * SLOTS] for _ in range(7)]
        self.kinds = [True, True]
        self.limits: List[List[Optional[int]]] = [[None] * 3, [None] * 3]
        self.interview_days: List[int] = []
        self.pool: List[int] = []
        self.sat = False


class Built:
    """A generated world, what the generator knows about it, and its statistics."""

    def __init__(self) -> None:
        self.world: tsuen.World
        self.window_start = 0  # ordinal
        self.days = 0
        self.facilities: List[Facility] = []
        self.child_ids: List[str] = []
        self.child_reached: List[Tuple[int, int, int]] = []
        self.child_facilities: List[List[int]] = []
        self.stats: Dict[str, Any] = {}

    def day(self, i: int) -> dt.date:
        return dt.date.fromordinal(self.window_start + i)

    def class_on(self, c: int, day: int) -> Optional[int]:
        r12, r24, r36 = self.child_reached[c]
        if day >= r36:
            return None
        if day >= r24:
            return 2
        return 1 if day >= r12 else 0


def gen_facility(i: int, muni: int, code: str, muni_name: str, start: int, end: int,
                 rng: random.Random) -> Tuple[Dict[str, Any], Facility]:
    f = Facility(f"f{i:05d}", muni)
    open_, close = OPENING[rng.randrange(10)]
    sat = rng.random() < 0.3
    flexible_only = rng.random() < 0.1
    r = rng.randint(2, 5)
    fx = rng.randint(3, 10)
    hours: Dict[str, List[str]] = {}
    for wd in range(5):
        hours[WEEKDAY_NAMES[wd]] = [SLOT_TIMES[open_], SLOT_TIMES[close]]
        f.hours[wd] = (open_, close)
    if sat:
        hours["sat"] = ["08:00", "13:00"]
        f.hours[5] = (16, 26)
    f.sat = sat
    regular = None if flexible_only else r
    bands: List[Tuple[List[int], int, int, Optional[int], Optional[int]]] = [
        (list(range(5)), open_, close, regular, fx)
    ]
    if rng.random() < 0.3:
        bands.append((list(range(5)), 20, 30, regular, fx + 2))
    if sat:
        bands.append(([5], 16, 26, None, rng.randint(2, 4)))
    capacity = []
    for wds, a, b, reg, flex in bands:
        band: Dict[str, Any] = {"days": [WEEKDAY_NAMES[w] for w in wds], "from": SLOT_TIMES[a], "to": SLOT_TIMES[b]}
        if reg is not None:
            band["regular"] = reg
        if flex is not None:
            band["flexible"] = flex
        capacity.append(band)
        for w in wds:  # later bands replace earlier ones, as the engine compiles them
            for s in range(a, b):
                f.template[w][0][s] = reg or 0
                f.template[w][1][s] = flex or 0
    days = end - start
    spec: Dict[str, Any] = {
        "id": f.id,
        "name": f"{muni_name}こども園{i}",
        "municipality": code,
        "kinds": ["flexible"] if flexible_only else ["regular", "flexible"],
        "hours": hours,
        "capacity": capacity,
    }
    f.kinds = [not flexible_only, True]
    spec["closed_on_holidays"] = rng.random() < 0.8
    if rng.random() < 0.1:
        spec["closed"] = [dt.date.fromordinal(start + rng.randrange(days)).isoformat()]
    if rng.random() < 0.1:
        day = dt.date.fromordinal(start + rng.randrange(days)).isoformat()
        spec["capacity_overrides"] = [{"date": day, "from": "13:00", "to": "15:00", "flexible": 1}]
    age_limits: Dict[str, Dict[str, int]] = {}
    if rng.random() < 0.25:
        limit = rng.randint(1, 2)
        age_limits["flexible"] = {"0": limit}
        f.limits[1][0] = limit
    if not flexible_only and rng.random() < 0.05:
        age_limits["regular"] = {"0": 1}
        f.limits[0][0] = 1
    if age_limits:
        spec["age_limits"] = age_limits
    f.interview_days = [d for d in range(start, end) if dt.date.fromordinal(d).weekday() in (1, 3)]
    spec["interview_slots"] = [
        {"date": dt.date.fromordinal(d).isoformat(), "from": "10:00", "to": "11:00", "places": 2}
        for d in f.interview_days
    ]
    if rng.random() < 0.3:
        spec["fee_per_hour_yen"] = rng.choice([250, 350, 400])
    if rng.random() < 0.2:
        spec["max_booking_minutes"] = 480
    spec["auto_confirm"] = rng.random() < 0.5
    return spec, f


def expected_daily_bookings(f: Facility) -> float:
    places = 0
    days = 0
    for wd in range(7):
        h = f.hours[wd]
        if h is None:
            continue
        days += 1
        for q in range(2):
            if f.kinds[q]:
                places += sum(f.template[wd][q][h[0]:h[1]])
    return places / max(days, 1) * 0.6 / 5.0  # ~60 % held, bookings of 5 slots on average


def build(seed: int, n_facilities: int, n_munis: int = 20, n_days: int = 62, gap_max: int = 5,
          children_factor: float = 3.0, log: Callable[[str], None] = print) -> Built:
    """Generates the world and books every planned request through the engine's rules."""
    t_all = time.perf_counter()
    cpu_all = time.process_time()
    rng = random.Random(seed)
    b = Built()
    today = dt.date.fromisoformat(TODAY[:10])
    start = today.toordinal() + LEAD_DAYS
    end = start + n_days
    b.window_start, b.days = start, n_days
    munis = MUNICIPALITIES[:n_munis]

    # --- setup: municipalities, facilities, children (one setup document).
    t = time.perf_counter()
    municipalities = []
    for i, (code, name) in enumerate(munis):
        rules: Dict[str, Any] = {"horizon_days": max(LEAD_DAYS + n_days, 62), "monthly_cap_minutes": 6000}
        if i % 3 == 1:
            rules["cutoff_time"] = "17:00"
        if i % 4 == 2:
            rules["fee_per_hour_yen"] = 350
        municipalities.append({"code": code, "name": name, "prefecture": "東京都", "online": i % 5 != 4,
                               "rules": rules})
    weights = [n_munis - i for i in range(n_munis)]  # uneven: the first municipality is the largest
    facility_specs = []
    for i in range(n_facilities):
        muni = rng.choices(range(n_munis), weights)[0]
        spec, f = gen_facility(i, muni, munis[muni][0], munis[muni][1], start, end, rng)
        facility_specs.append(spec)
        b.facilities.append(f)
    by_muni: List[List[int]] = [[] for _ in range(n_munis)]
    for i, f in enumerate(b.facilities):
        by_muni[f.muni].append(i)
    birth_lo = dt.date(2023, 9, 1).toordinal()
    birth_hi = dt.date(2025, 10, 20).toordinal()
    fee_classes = ["welfare", "tax_exempt", "tax_exempt", "low_income", "low_income", "support_needed"]
    children = []
    for fi, f in enumerate(b.facilities):
        size = max(1, round(expected_daily_bookings(f) * children_factor))
        for _ in range(size):
            ci = len(b.child_ids)
            cid = f"c{ci:06d}"
            birth = dt.date.fromordinal(birth_lo + rng.randrange(birth_hi - birth_lo))
            muni = f.muni if rng.random() < 0.9 else rng.randrange(n_munis)
            approved = [fi]
            same = by_muni[f.muni]
            if len(same) > 1 and rng.random() < 0.2:
                other = rng.choice(same)
                if other != fi:
                    approved.append(other)
            approvals = []
            for a in approved:
                approval = {"facility": b.facilities[a].id,
                            "interview_date": dt.date.fromordinal(today.toordinal() - rng.randint(20, 80)).isoformat()}
                if rng.random() < 0.5:
                    approval["last_use"] = dt.date.fromordinal(today.toordinal() - rng.randint(1, 19)).isoformat()
                approvals.append(approval)
                b.facilities[a].pool.append(ci)
            k = rng.randrange(20)
            child = {"id": cid, "parent": f"p{ci // 2:06d}", "name": f"こども{ci}", "birth_date": birth.isoformat(),
                     "municipality": munis[muni][0], "certified": ["2026-04-01", "2027-03-31"],
                     "fee_class": fee_classes[k] if k < 6 else "standard", "approvals": approvals}
            children.append(child)
            b.child_ids.append(cid)
            b.child_reached.append((reached(birth, 12), reached(birth, 24), reached(birth, 36)))
            b.child_facilities.append(approved)
    setup = {"today": TODAY, "municipalities": municipalities, "facilities": facility_specs, "children": children}
    gen_secs = time.perf_counter() - t
    t = time.perf_counter()
    world = tsuen.World.from_setup(json.dumps(setup, ensure_ascii=False))
    setup_secs = time.perf_counter() - t
    del setup, children, facility_specs

    # --- plan the bookings (lanes), then book them in a shuffled order.
    t = time.perf_counter()
    busy = [0] * len(b.child_ids)
    requests: List[Tuple[str, str, str, str, str, str, str, Optional[int], int, int]] = []
    capacity = [0, 0]
    next_id = 1
    first = dt.date.fromordinal(start).isoformat()
    day_str = [dt.date.fromordinal(d).isoformat() for d in range(start, end)]
    weekday = [dt.date.fromordinal(d).weekday() for d in range(start, end)]
    child_ids = b.child_ids
    rnd = rng.random  # (faster than randint / randrange)

    def lane(caps: Sequence[int], ln: int, a: int, z: int) -> List[Tuple[int, int]]:
        out = []
        pos = a
        while pos < z:
            while pos < z and caps[pos] <= ln:
                pos += 1
            e = pos
            while e < z and caps[e] > ln:
                e += 1
            p = pos
            while True:
                mx = gap_max + (rnd() < 0.5)
                p += int(rnd() * (mx + 1))
                length = 2 + int(rnd() * 7)
                if p + 2 > e:
                    break
                to = min(p + length, e)
                out.append((p, to))
                p = to
            pos = e
        return out

    for fi, f in enumerate(b.facilities):
        cal = world.calendar_array(f.id, start=first, days=n_days)  # the flexible places, as compiled
        open_day = [False] * n_days
        for i in range(n_days):
            h = f.hours[weekday[i]]
            open_day[i] = h is not None and cal[i * SLOTS + h[0]] >= 0
        pool = f.pool
        n_pool = len(pool)
        counts: Dict[Tuple[int, int], List[List[int]]] = {}  # (day index, quota) -> held per age class and slot

        limited_q = [any(x is not None for x in f.limits[q]) for q in range(2)]

        def pick(q: int, idx: Sequence[int], band: Tuple[int, int], check_age: bool = True) -> int:
            if not n_pool:
                return -1
            need = 0
            for i in idx:
                need |= 1 << i
            limits = f.limits[q]
            limited = check_age and limited_q[q]
            s0 = int(rnd() * n_pool)
            for k in range(n_pool):
                c = pool[(s0 + k) % n_pool]
                if busy[c] & need:
                    continue
                if limited:
                    ok = True
                    for i in idx:
                        cls = b.class_on(c, start + i)
                        if cls is None or limits[cls] is None:
                            continue
                        held = counts.get((i, q))
                        limit = limits[cls]
                        assert limit is not None
                        if held is not None and any(held[cls][s] >= limit for s in range(band[0], band[1])):
                            ok = False
                            break
                    if not ok:
                        continue
                return c
            return -1

        def take(c: int, q: int, idx: Sequence[int], band: Tuple[int, int]) -> None:
            for i in idx:
                busy[c] |= 1 << i
                if not limited_q[q]:
                    continue
                cls = b.class_on(c, start + i)
                if cls is not None and f.limits[q][cls] is not None:
                    held = counts.setdefault((i, q), [[0] * SLOTS for _ in range(3)])
                    for s in range(band[0], band[1]):
                        held[cls][s] += 1

        # Regular: per weekday, runs of consecutive open weeks (at most 13), one series per lane interval.
        if f.kinds[0]:
            for wd in range(7):
                h = f.hours[wd]
                if h is None:
                    continue
                caps = f.template[wd][0]
                runs: List[List[int]] = [[]]
                for i in range(n_days):
                    if weekday[i] != wd:
                        continue
                    if open_day[i] and len(runs[-1]) < 13:
                        runs[-1].append(i)
                    else:
                        runs.append([i] if open_day[i] else [])
                mx = max(caps[h[0]:h[1]])
                for run in runs:
                    if not run:
                        continue
                    capacity[0] += len(run) * sum(caps[h[0]:h[1]])
                    for ln in range(mx):
                        for band in lane(caps, ln, h[0], h[1]):
                            c = pick(0, run, band)
                            if c >= 0:
                                take(c, 0, run, band)
                                requests.append((f"r{next_id}", child_ids[c], f.id, "regular", day_str[run[0]],
                                                 SLOT_TIMES[band[0]], SLOT_TIMES[band[1]], len(run), 0,
                                                 (band[1] - band[0]) * len(run)))
                                next_id += 1
        # Flexible: per open day, lanes.
        for i in range(n_days):
            if not open_day[i]:
                continue
            h = f.hours[weekday[i]]
            assert h is not None
            fcaps = cal[i * SLOTS:(i + 1) * SLOTS]
            capacity[1] += sum(fcaps[h[0]:h[1]])
            mx = max(fcaps[h[0]:h[1]])
            for ln in range(mx):
                for band in lane(fcaps, ln, h[0], h[1]):
                    c = pick(1, (i,), band)
                    if c >= 0:
                        take(c, 1, (i,), band)
                        requests.append((f"b{next_id}", child_ids[c], f.id, "flexible", day_str[i],
                                         SLOT_TIMES[band[0]], SLOT_TIMES[band[1]], None, 1, band[1] - band[0]))
                        next_id += 1
        # Interviews: some slots get one, by a child of the pool free that day.
        for d in f.interview_days:
            if rnd() < 0.3:
                i = d - start
                c = pick(1, (i,), (20, 22), check_age=False)
                if c >= 0:
                    busy[c] |= 1 << i
                    requests.append((f"i{next_id}", child_ids[c], f.id, "interview", day_str[i], "10:00", "11:00",
                                     None, -1, 0))
                    next_id += 1
    rng.shuffle(requests)
    plan_secs = time.perf_counter() - t

    t = time.perf_counter()
    refused: Dict[str, int] = {}
    held = [0, 0]
    accepted = 0
    book = world.book
    for rid, cid, fac, kind, date, t_from, t_to, weeks, q, sp in requests:
        try:
            book(rid, child=cid, facility=fac, kind=kind, date=date, start=t_from, end=t_to, weeks=weeks)
        except tsuen.TsuenError as e:
            key = ",".join(e.codes)
            refused[key] = refused.get(key, 0) + 1
            continue
        accepted += 1
        if q >= 0:
            held[q] += sp
    book_secs = time.perf_counter() - t
    b.world = world
    b.stats = {
        "facilities": n_facilities,
        "children": len(b.child_ids),
        "requests": len(requests),
        "accepted": accepted,
        "refused": refused,
        "records": world.booking_count(),
        "held_regular": held[0] / max(capacity[0], 1),
        "held_flexible": held[1] / max(capacity[1], 1),
        "generate_secs": gen_secs,
        "setup_secs": setup_secs,
        "plan_secs": plan_secs,
        "book_secs": book_secs,
        "total_secs": time.perf_counter() - t_all,
        "total_cpu_secs": time.process_time() - cpu_all,
    }
    return b


# --- what to measure -----------------------------------------------------------------------------------


def child_order(n: int) -> List[int]:
    """Children in a scattered but fixed order (a stride coprime with n)."""
    import math

    stride = 7919 % max(n, 1)
    while stride == 0 or math.gcd(stride, n) != 1:
        stride += 1
    return [(k * stride + 13) % n for k in range(n)]


def flexible_candidates(b: Built, n: int, a: str, z: str) -> List[Tuple[str, str, str]]:
    """Up to n acceptable flexible requests (child, facility, date), one per child, found by dry runs."""
    out: List[Tuple[str, str, str]] = []
    for k, c in enumerate(child_order(len(b.child_ids))):
        if len(out) >= n:
            break
        facs = b.child_facilities[c]
        fid = b.facilities[facs[k % len(facs)]].id
        for t in range(b.days):
            date = b.day((k * 5 + t) % b.days).isoformat()
            try:
                b.world.check("cand", child=b.child_ids[c], facility=fid, kind="flexible", date=date, start=a, end=z)
            except tsuen.TsuenError:
                continue
            out.append((b.child_ids[c], fid, date))
            break
    return out


def no_capacity_request(b: Built) -> Optional[Dict[str, Any]]:
    """A flexible request refused with no_capacity alone: one slot where the quota is full."""
    first = b.day(0).isoformat()
    for f in b.facilities:
        cells = b.world.calendar_array(f.id, start=first, days=b.days)
        for i, p in enumerate(cells):
            if p != 0:
                continue
            d, s = divmod(i, SLOTS)
            for c in f.pool:
                req = dict(child=b.child_ids[c], facility=f.id, kind="flexible", date=b.day(d).isoformat(),
                           start=SLOT_TIMES[s], end=SLOT_TIMES[s + 1])
                try:
                    b.world.check("full", **req)  # type: ignore[arg-type]
                except tsuen.Refused as e:
                    if e.codes == ["no_capacity"]:
                        return req
    return None


def calendar_facility(b: Built) -> Tuple[str, str]:
    """A facility open on Saturdays with an age limit (the busiest shape for a calendar), and a young child
    approved there."""
    f = next((f for f in b.facilities if f.sat and f.limits[1][0] is not None and f.pool),
             next(f for f in b.facilities if f.pool))
    day = b.window_start + 14
    young = next((c for c in f.pool if b.class_on(c, day) == 0), f.pool[0])
    return f.id, b.child_ids[young]


def a_monday(b: Built) -> dt.date:
    """The first Monday of the window from its second week on (the first holds Golden Week)."""
    return next(b.day(i) for i in range(7, 14) if b.day(i).weekday() == 0)


Clock = Tuple[float, float]


def start_clock() -> Clock:
    """Wall time and this thread's CPU time."""
    return time.perf_counter(), time.thread_time()


def stop_clock(t0: Clock) -> Clock:
    """Wall and CPU seconds since ``t0``."""
    return time.perf_counter() - t0[0], time.thread_time() - t0[1]


class Bench:
    """Samples per benchmark: each is the mean time per call (seconds) of one batch, wall clock and this
    thread's CPU time (which leaves out the time the thread was not running: other processes)."""

    def __init__(self, name: str, target_us: Optional[float], number: int,
                 sample: Callable[[int], Clock], note: str = "") -> None:
        self.name, self.target_us, self.number, self.sample, self.note = name, target_us, number, sample, note
        self.runs: List[List[float]] = []
        self.cpu_runs: List[List[float]] = []

    def run(self, repeat: int) -> None:
        self.sample(max(1, self.number // 10))  # warm-up
        gc_was = gc.isenabled()
        gc.disable()
        try:
            samples = [self.sample(self.number) for _ in range(repeat)]
        finally:
            if gc_was:
                gc.enable()
        self.runs.append([w / self.number for w, _ in samples])
        self.cpu_runs.append([c / self.number for _, c in samples])

    def summary(self) -> Dict[str, Any]:
        pooled = sorted(x for r in self.runs for x in r)
        cpu = sorted(x for r in self.cpu_runs for x in r)
        return {
            "name": self.name,
            "target_us": self.target_us,
            "number": self.number,
            "median_us": statistics.median(pooled) * 1e6,
            "p95_us": percentile(pooled, 0.95) * 1e6,
            "run_medians_us": [statistics.median(r) * 1e6 for r in self.runs],
            "cpu_median_us": statistics.median(cpu) * 1e6,
            "cpu_p95_us": percentile(cpu, 0.95) * 1e6,
            "samples": len(pooled),
            "note": self.note,
        }


def percentile(sorted_values: Sequence[float], p: float) -> float:
    """The p-quantile (nearest rank) of sorted values."""
    k = max(0, min(len(sorted_values) - 1, int(round(p * len(sorted_values) + 0.5)) - 1))
    return sorted_values[k]


def machine() -> str:
    model = "?"
    try:
        with open("/proc/cpuinfo") as fh:
            for line in fh:
                if line.startswith("model name"):
                    model = line.split(":", 1)[1].strip()
                    break
    except OSError:
        pass
    return f"{os.cpu_count()} cores, {model}; Python {platform.python_version()}; tsuen {tsuen.__version__}"


def load() -> str:
    try:
        return "load average " + " ".join(f"{x:.2f}" for x in os.getloadavg())
    except OSError:
        return "load average ?"


def make_benches(b: Built, n_cands: int, calls: int) -> List[Bench]:
    w = b.world
    fac, child = calendar_facility(b)
    monday = a_monday(b).isoformat()
    monday_date = a_monday(b)
    benches: List[Bench] = []

    # The expected results, checked after every run (outside the timed loops).
    expect_cells = w.calendar_cells(fac, start=monday, days=7)
    assert any(p > 0 for row in expect_cells for p in row) and any(tsuen.NO_CELL in row for row in expect_cells)

    def calendar(name: str, f: Callable[..., Any], who: Optional[str], when: Any = monday, target: Optional[float] = 5.0,
                 note: str = "") -> None:
        def sample(n: int) -> Clock:
            t0 = start_clock()
            for _ in _repeat(None, n):
                f(fac, start=when, days=7, child=who)
            return stop_clock(t0)

        benches.append(Bench(name, target, calls, sample, note))

    calendar("calendar_cells, week (7 lists of 48 ints)", w.calendar_cells, None)
    calendar("calendar_cells, week, with a child (age-class limit)", w.calendar_cells, child)
    calendar("calendar_array, week (array('h'), 336 cells)", w.calendar_array, None)
    calendar("calendar_array, week, with a child", w.calendar_array, child)
    calendar("calendar_cells, week, start as datetime.date", w.calendar_cells, None, monday_date, None)
    calendar("calendar (friendly: Calendar.days[date]['HH:MM'])", w.calendar, None, monday, None)
    calendar("calendar (friendly), with a child", w.calendar, child, monday, None)

    # Dry runs.
    cands = flexible_candidates(b, n_cands, "10:00", "12:00")
    assert cands, "acceptable flexible requests exist"
    c0, f0, d0 = cands[0]

    def check_one(n: int) -> Clock:
        t0 = start_clock()
        for _ in _repeat(None, n):
            w.check("chk", child=c0, facility=f0, kind="flexible", date=d0, start="10:00", end="12:00")
        return stop_clock(t0)

    benches.append(Bench("check (dry run, accepted), one request", None, calls, check_one))

    rot = {"i": 0}

    def check_rotating(n: int) -> Clock:
        i = rot["i"]
        batch = [cands[(i + k) % len(cands)] for k in range(n)]
        rot["i"] = i + n
        t0 = start_clock()
        for c, f, d in batch:
            w.check("chk", child=c, facility=f, kind="flexible", date=d, start="10:00", end="12:00")
        return stop_clock(t0)

    benches.append(Bench(f"check (dry run, accepted), rotating over {len(cands):,} children", None, calls,
                         check_rotating))

    full = no_capacity_request(b)
    assert full is not None, "a full slot exists"

    def check_refused(n: int) -> Clock:
        t0 = start_clock()
        for _ in _repeat(None, n):
            try:
                w.check("full", **full)  # type: ignore[arg-type]
            except tsuen.Refused:
                pass
        return stop_clock(t0)

    benches.append(Bench("check refused (no_capacity): raises tsuen.Refused", None, calls, check_refused))

    # Bookings: a new id every time, rotating over the candidates so that no child's list grows much.
    seq = {"i": 0}

    def batch_of(n: int) -> List[Tuple[str, str, str, str]]:
        i = seq["i"]
        seq["i"] = i + n
        return [(f"bc{i + k}",) + cands[(i + k) % len(cands)] for k in range(n)]

    def book_cancel(n: int) -> Clock:
        batch = batch_of(n)
        t0 = start_clock()
        for bid, c, f, d in batch:
            w.book(bid, child=c, facility=f, kind="flexible", date=d, start="10:00", end="12:00")
            w.cancel(bid, by="facility")
        return stop_clock(t0)

    def book_cancel_same(n: int) -> Clock:
        # SPEC's figure as the engine's benchmark measures it: the same request every time (a new id),
        # so that the places stay put.
        i = seq["i"]
        seq["i"] = i + n
        c, f, d = cands[0]
        ids = [f"bs{i + k}" for k in range(n)]
        t0 = start_clock()
        for bid in ids:
            w.book(bid, child=c, facility=f, kind="flexible", date=d, start="10:00", end="12:00")
            w.cancel(bid, by="facility")
        return stop_clock(t0)

    benches.append(Bench("book + facility cancel of it (the same request, new ids)", 5.0, calls, book_cancel_same,
                         "the pair, per iteration"))
    benches.append(Bench(f"book + facility cancel of it (unique ids), rotating over {len(cands):,} children", None,
                         calls, book_cancel, "the pair, per iteration"))

    warm = cands[:1000]
    wseq = {"i": 0}

    def book_cancel_warm(n: int) -> Clock:
        i = wseq["i"]
        wseq["i"] = i + n
        batch = [(f"bw{i + k}",) + warm[(i + k) % len(warm)] for k in range(n)]
        t0 = start_clock()
        for bid, c, f, d in batch:
            w.book(bid, child=c, facility=f, kind="flexible", date=d, start="10:00", end="12:00")
            w.cancel(bid, by="facility")
        return stop_clock(t0)

    benches.append(Bench(f"book + facility cancel, rotating over {len(warm):,} children (warmer caches)", None, calls,
                         book_cancel_warm))

    # Booking a batch before cancelling it needs requests that do not compete for places: one per facility
    # and day.
    seen = set()
    solo = []
    for c, f, d in cands:
        if (f, d) not in seen:
            seen.add((f, d))
            solo.append((c, f, d))
    assert len(solo) >= calls, f"{len(solo)} independent requests, fewer than --number {calls}"

    def book_only(n: int) -> Clock:
        i = seq["i"]
        seq["i"] = i + n
        batch = [(f"bc{i + k}",) + solo[(i + k) % len(solo)] for k in range(n)]
        t0 = start_clock()
        for bid, c, f, d in batch:
            w.book(bid, child=c, facility=f, kind="flexible", date=d, start="10:00", end="12:00")
        el = stop_clock(t0)
        for bid, _, _, _ in batch:  # untimed: free the places again
            w.cancel(bid, by="facility")
        return el

    benches.append(Bench("book alone (cancelled untimed afterwards)", None, calls, book_only))

    def book_date_objects(n: int) -> Clock:
        batch = [(bid, c, f, dt.date.fromisoformat(d)) for bid, c, f, d in batch_of(n)]
        ten, twelve = dt.time(10, 0), dt.time(12, 0)
        t0 = start_clock()
        for bid, c, f, d in batch:
            w.book(bid, child=c, facility=f, kind=tsuen.Kind.FLEXIBLE, date=d, start=ten, end=twelve)
            w.cancel(bid, by=tsuen.CancelBy.FACILITY)
        return stop_clock(t0)

    benches.append(Bench("book + cancel, datetime/enum arguments", None, calls, book_date_objects))
    benches_meta = {"facility": fac, "child": child, "monday": monday, "candidates": len(cands),
                    "no_capacity": full}
    b.stats["bench_inputs"] = benches_meta
    b.stats["expect_cells"] = expect_cells
    return benches


def fmt(x: float) -> str:
    return f"{x:.2f}" if x < 100 else f"{x:,.0f}"


def table(results: List[Dict[str, Any]], runs: int) -> str:
    lines = [
        f"| measurement | target | median µs | p95 µs | run medians µs ({runs} runs) | CPU median / p95 µs | met |",
        "|---|---:|---:|---:|---|---:|:-:|",
    ]
    for r in results:
        target = "—" if r["target_us"] is None else f"≤ {r['target_us']:g} µs"
        met = "—" if r["target_us"] is None else ("yes" if r["median_us"] <= r["target_us"] else "**no**")
        runs_s = " / ".join(fmt(x) for x in r["run_medians_us"])
        cpu = f"{fmt(r['cpu_median_us'])} / {fmt(r['cpu_p95_us'])}"
        lines.append(f"| {r['name']} | {target} | {fmt(r['median_us'])} | {fmt(r['p95_us'])} | {runs_s} | {cpu} | {met} |")
    return "\n".join(lines)


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0], formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--seed", type=int, default=0x7473_7565_6E00_0001)
    ap.add_argument("--facilities", type=int, default=2000)
    ap.add_argument("--days", type=int, default=62)
    ap.add_argument("--runs", type=int, default=3)
    ap.add_argument("--repeat", type=int, default=200, help="samples per run and measurement")
    ap.add_argument("--number", type=int, default=200, help="calls per sample")
    ap.add_argument("--candidates", type=int, default=100_000, help="acceptable requests to rotate over")
    ap.add_argument("--json", metavar="PATH", help="also write the results as JSON")
    args = ap.parse_args()

    log = lambda s: print(s, file=sys.stderr, flush=True)  # noqa: E731
    log(f"machine: {machine()}; {load()}")
    b = build(args.seed, args.facilities, n_days=args.days, log=log)
    s = b.stats
    log(f"world: {s['facilities']:,} facilities, {s['children']:,} children, {s['requests']:,} requests "
        f"({s['accepted']:,} accepted, refused {s['refused']}), {s['records']:,} booking records, held "
        f"{s['held_regular'] * 100:.1f} % regular / {s['held_flexible'] * 100:.1f} % flexible; generate "
        f"{s['generate_secs']:.1f} s, from_setup {s['setup_secs']:.1f} s, plan {s['plan_secs']:.1f} s, book "
        f"{s['book_secs']:.1f} s (total {s['total_secs']:.1f} s wall, {s['total_cpu_secs']:.1f} s CPU)")
    gc.collect()
    gc.freeze()  # the world's generation leftovers are not the benchmarks' garbage
    t = time.perf_counter()
    benches = make_benches(b, args.candidates, args.number)
    log(f"inputs: {b.stats['bench_inputs']} ({time.perf_counter() - t:.1f} s)")
    before = b.world.booking_count()
    loads = []
    for run in range(args.runs):
        loads.append(load())
        log(f"== run {run + 1}/{args.runs}; {loads[-1]}")
        for bench in benches:
            bench.run(args.repeat)
        # Outside the timed loops: the answers did not change, and every booking was made.
        f, _, m = b.stats["bench_inputs"]["facility"], None, b.stats["bench_inputs"]["monday"]
        assert b.world.calendar_cells(f, start=m, days=7) == b.stats["expect_cells"]
        cal = b.world.calendar_array(f, start=m, days=7)
        assert list(cal) == [p for row in b.stats["expect_cells"] for p in row]
    made = b.world.booking_count() - before
    results = [bench.summary() for bench in benches]
    print(f"### tsuen from Python ({s['facilities']:,} facilities, {s['records']:,} booking records, "
          f"{s['held_flexible'] * 100:.0f} % of flexible / {s['held_regular'] * 100:.0f} % of regular places held)\n")
    print(table(results, args.runs))
    print(f"\nEach sample times {args.number} calls and gives the mean per call; {args.repeat} samples per run, "
          f"{args.runs} runs: median and p95 over all {args.repeat * args.runs} samples (wall clock; the CPU column "
          f"is this thread's CPU time, which leaves out time taken by other processes). Machine: {machine()}; "
          f"{'; '.join(loads)}. {made:,} bookings made (and cancelled) while measuring; world generated in "
          f"{s['total_secs']:.1f} s ({s['total_cpu_secs']:.1f} s of CPU).")
    if args.json:
        with open(args.json, "w") as fh:
            json.dump({"machine": machine(), "loads": loads, "world": {k: v for k, v in s.items() if k != "expect_cells"},
                       "args": vars(args), "results": results,
                       "samples_us": {bn.name: [[x * 1e6 for x in r] for r in bn.runs] for bn in benches},
                       "cpu_samples_us": {bn.name: [[x * 1e6 for x in r] for r in bn.cpu_runs] for bn in benches}},
                      fh, indent=1, ensure_ascii=False, default=str)


if __name__ == "__main__":
    main()
