#!/usr/bin/env python3
"""tsuen against pretix's quota engine, measured in the same run by this one script (issue 3, "Figures").

The workload is pretix's own: one event (a facility) whose dates are 30 days x 24 half-hour slots
(07:00-19:00) = 720 dates (pretix "subevents"), each with a quota of 10 places for one product, 60 % of the
7,200 places sold (4,320 orders of one position each, 90 % paid, 10 % pending), in SQLite. pretix computes
the availability of all 720 quotas at once with its batch ``QuotaAvailability`` (full results, no early out,
no cache: no Redis, so ``compute()`` cannot use or write its availability cache; Django's own cache is an
in-process LocMemCache, which only helps pretix).

tsuen holds the same: one facility open 07:00-19:00 every day with 10 flexible places, the same 4,320
half-hour bookings (the same slots, 90 % confirmed), made through the engine's rules. It computes the same
720 availabilities from Python with one calendar call (``calendar_array``, also ``calendar_cells`` and the
friendly ``calendar``), and, like for like with pretix reading its database, restores the world from JSON
(the save of the 4,320 bookings) and then computes the 720. Both sides' answers are checked equal, slot by
slot, before anything is timed.

Timing: each sample times a batch of calls and gives the mean per call (the garbage collector off, as timeit
does); samples per run, 3 runs interleaved; median and p95 over all samples, and each run's median.

Needs pretix and tsuen in one venv (see README.md in this folder):

    python3 -m venv benches/python/.venv-pretix
    benches/python/.venv-pretix/bin/pip install -r benches/python/requirements-pretix.txt
    benches/python/.venv-pretix/bin/pip install ./bindings-py
    benches/python/.venv-pretix/bin/python benches/python/pretix_compare.py
"""

from __future__ import annotations

import argparse
import atexit
import datetime as dt
import gc
import json
import os
import platform
import random
import shutil
import statistics
import sys
import tempfile
import time
from itertools import repeat as _repeat
from typing import Any, Callable, Dict, List, Optional, Sequence, Tuple

DAYS = 30
SLOTS_PER_DAY = 24  # 07:00-19:00 in half hours
FIRST_SLOT = 14  # 07:00 as the engine's slot of the day (48 a day)
PLACES = 10
SHARE = 0.6
PAID = 0.9
TODAY = "2026-05-07T09:00"
FIRST_DAY = dt.date(2026, 5, 15)  # 8 days after today: past the default 7 days of lead time
SLOT_TIMES = [f"{s // 2:02d}:{(s % 2) * 30:02d}" for s in range(48)] + ["24:00"]

SETTINGS = """\
# Written by benches/python/pretix_compare.py: pretix's test settings (SQLite in a temporary folder, no
# Redis, no Celery, no migrations: tables made from the models), with DEBUG off (no query log) and an
# in-process cache for Django (pretix's settings store reads through it).
from pretix.testutils.settings import *  # noqa: F401,F403

DEBUG = False
CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}
"""


# --- the shared workload -------------------------------------------------------------------------------


def workload(seed: int) -> Tuple[List[int], List[List[bool]]]:
    """Per slot (day * 24 + slot), the places held, and per held place whether it is paid (else pending):
    exactly 60 % of the 7,200 places, chosen at random."""
    rng = random.Random(seed)
    n = DAYS * SLOTS_PER_DAY
    chosen = rng.sample(range(n * PLACES), round(n * PLACES * SHARE))
    held = [0] * n
    for x in chosen:
        held[x // PLACES] += 1
    paid = [[rng.random() < PAID for _ in range(h)] for h in held]
    return held, paid


def slot_start(i: int) -> Tuple[dt.date, int]:
    """The day and the engine's slot (of 48) of workload slot i."""
    d, s = divmod(i, SLOTS_PER_DAY)
    return FIRST_DAY + dt.timedelta(days=d), FIRST_SLOT + s


# --- timing --------------------------------------------------------------------------------------------


class Bench:
    """Samples per measurement: each is the mean time per call (seconds) of a batch of ``number`` calls."""

    def __init__(self, name: str, number: int, repeat: int, call: Callable[[], Any], side: str) -> None:
        self.name, self.number, self.repeat, self.call, self.side = name, number, repeat, call, side
        self.runs: List[List[float]] = []
        self.cpu_runs: List[List[float]] = []

    def sample(self) -> Tuple[float, float]:
        call = self.call
        t0, c0 = time.perf_counter(), time.thread_time()
        for _ in _repeat(None, self.number):
            call()
        return (time.perf_counter() - t0) / self.number, (time.thread_time() - c0) / self.number

    def run(self) -> None:
        self.call()  # warm-up
        gc_was = gc.isenabled()
        gc.disable()
        try:
            samples = [self.sample() for _ in range(self.repeat)]
        finally:
            if gc_was:
                gc.enable()
        self.runs.append([w for w, _ in samples])
        self.cpu_runs.append([c for _, c in samples])

    @property
    def pooled(self) -> List[float]:
        return sorted(x for r in self.runs for x in r)

    @property
    def cpu_median(self) -> float:
        return statistics.median(x for r in self.cpu_runs for x in r)

    @property
    def median(self) -> float:
        return statistics.median(self.pooled)

    @property
    def p95(self) -> float:
        v = self.pooled
        return v[max(0, min(len(v) - 1, int(round(0.95 * len(v) + 0.5)) - 1))]


def human(seconds: float) -> str:
    us = seconds * 1e6
    if us < 1000:
        return f"{us:.2f} µs"
    if us < 1_000_000:
        return f"{us / 1000:.2f} ms"
    return f"{seconds:.2f} s"


def machine() -> str:
    model = "?"
    try:
        with open("/proc/cpuinfo") as fh:
            model = next((ln.split(":", 1)[1].strip() for ln in fh if ln.startswith("model name")), "?")
    except OSError:
        pass
    return f"{os.cpu_count()} cores, {model}; Python {platform.python_version()}"


def load() -> str:
    return "load average " + " ".join(f"{x:.2f}" for x in os.getloadavg())


# --- pretix --------------------------------------------------------------------------------------------


def pretix_setup(tmp: str) -> None:
    with open(os.path.join(tmp, "tsuen_pretix_bench_settings.py"), "w") as fh:
        fh.write(SETTINGS)
    sys.path.insert(0, tmp)
    os.environ["DJANGO_SETTINGS_MODULE"] = "tsuen_pretix_bench_settings"
    os.environ["DATA_DIR"] = tmp  # pretix.settings puts its SQLite file (db.sqlite3) and folders here
    import django

    django.setup()
    from django.conf import settings
    from django.core.management import call_command

    assert "sqlite3" in settings.DATABASES["default"]["ENGINE"] and not settings.HAS_REDIS and not settings.DEBUG
    call_command("migrate", run_syncdb=True, verbosity=0)


def pretix_build(held: List[int], paid: List[List[bool]]) -> Tuple[Any, List[Any], Dict[int, int]]:
    """The event, its 720 quotas, and quota pk -> workload slot; orders and positions made with the ORM."""
    from django.db import transaction
    from django.utils.timezone import now
    from django_scopes import scopes_disabled
    from pretix.base.models import Event, Item, Order, OrderPosition, Organizer, Quota, SubEvent

    jst = dt.timezone(dt.timedelta(hours=9))
    with scopes_disabled(), transaction.atomic():
        org = Organizer.objects.create(name="千代田区", slug="chiyoda")
        channel = org.sales_channels.get(identifier="web")
        event = Event.objects.create(organizer=org, name="誰でもこども園", slug="daredemo", currency="JPY",
                                     date_from=dt.datetime.combine(FIRST_DAY, dt.time(7), jst), has_subevents=True)
        item = Item.objects.create(event=event, name="30 minutes", default_price=150, admission=True)
        slot_of: Dict[int, int] = {}
        subevents = []
        for i in range(DAYS * SLOTS_PER_DAY):
            day, s = slot_start(i)
            begin = dt.datetime.combine(day, dt.time(s // 2, (s % 2) * 30), jst)
            se = SubEvent.objects.create(event=event, name=f"{day} {SLOT_TIMES[s]}", active=True, date_from=begin,
                                         date_to=begin + dt.timedelta(minutes=30))
            q = Quota.objects.create(event=event, subevent=se, name=f"{day} {SLOT_TIMES[s]}", size=PLACES)
            q.items.add(item)
            slot_of[q.pk] = i
            subevents.append(se)
        expires = now() + dt.timedelta(days=3)
        for i, se in enumerate(subevents):
            for is_paid in paid[i]:
                order = Order.objects.create(event=event, status=Order.STATUS_PAID if is_paid else Order.STATUS_PENDING,
                                             expires=expires, total=150, sales_channel=channel,
                                             email="parent@example.org")
                position = OrderPosition.objects.create(order=order, item=item, subevent=se, price=150)
                order.create_transactions(is_new=True, positions=[position], fees=[])
    with scopes_disabled():
        quotas = list(Quota.objects.filter(event=event).select_related("subevent"))
        assert len(quotas) == DAYS * SLOTS_PER_DAY
        assert OrderPosition.objects.filter(order__event=event).count() == sum(held)
    return event, quotas, slot_of


# --- tsuen ---------------------------------------------------------------------------------------------


def tsuen_setup(held: List[int]) -> Dict[str, Any]:
    """One facility open 07:00-19:00 every day, 10 flexible places; one child per (slot, place) lane, so that
    no child has two bookings at once (the monthly cap is raised: a lane books up to 30 half hours)."""
    every = ["mon", "tue", "wed", "thu", "fri", "sat", "sun"]
    lanes = max(held)
    children = [
        {"id": f"c{s:02d}_{j}", "name": f"こども{s}-{j}", "birth_date": "2024-05-01", "municipality": "131016",
         "certified": ["2026-04-01", "2027-03-31"], "approvals": [{"facility": "daredemo", "interview_date": "2026-04-01"}]}
        for s in range(SLOTS_PER_DAY) for j in range(lanes)
    ]
    return {
        "today": TODAY,
        "municipalities": [{"code": "131016", "name": "千代田区", "prefecture": "東京都", "online": True,
                            "rules": {"monthly_cap_minutes": 60000}}],
        "facilities": [{"id": "daredemo", "name": "誰でもこども園", "municipality": "131016", "kinds": ["flexible"],
                        "hours": {d: ["07:00", "19:00"] for d in every},
                        "capacity": [{"days": every, "from": "07:00", "to": "19:00", "flexible": PLACES}]}],
        "children": children,
    }


def tsuen_bookings(held: List[int], paid: List[List[bool]]) -> List[Tuple[str, Dict[str, str], bool]]:
    out = []
    n = 0
    for i, h in enumerate(held):
        day, s = slot_start(i)
        for j in range(h):
            n += 1
            out.append((f"o{n}", {"child": f"c{i % SLOTS_PER_DAY:02d}_{j}", "facility": "daredemo", "kind": "flexible",
                                  "date": day.isoformat(), "start": SLOT_TIMES[s], "end": SLOT_TIMES[s + 1]},
                        paid[i][j]))
    return out


def tsuen_build(tsuen: Any, setup: Any, bookings: Sequence[Tuple[str, Dict[str, str], bool]]) -> Any:
    world = tsuen.World.from_setup(setup)
    for bid, req, is_paid in bookings:
        world.book(bid, **req)
        if is_paid:
            world.confirm(bid)
    return world


def tsuen_720(cells: Sequence[int]) -> List[int]:
    """The 720 availabilities (workload order) from 30 days of 48 cells."""
    return [cells[d * 48 + FIRST_SLOT + s] for d in range(DAYS) for s in range(SLOTS_PER_DAY)]


# --- main ----------------------------------------------------------------------------------------------


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--seed", type=int, default=20260507)
    ap.add_argument("--runs", type=int, default=3)
    ap.add_argument("--pretix-repeat", type=int, default=20, help="pretix samples per run (1 computation each)")
    ap.add_argument("--json", metavar="PATH", help="also write the results as JSON")
    args = ap.parse_args()
    log = lambda s: print(s, file=sys.stderr, flush=True)  # noqa: E731

    import tsuen

    log(f"machine: {machine()}; tsuen {tsuen.__version__}; {load()}")
    held, paid = workload(args.seed)
    n_book = sum(held)
    log(f"workload: {DAYS} days x {SLOTS_PER_DAY} slots = {len(held)} quotas of {PLACES}, {n_book:,} places held "
        f"({n_book / (len(held) * PLACES) * 100:.1f} %), {sum(map(sum, paid)):,} paid; {held.count(PLACES)} full")

    # --- pretix.
    tmp = tempfile.mkdtemp(prefix="tsuen-pretix-")
    atexit.register(shutil.rmtree, tmp, ignore_errors=True)
    t = time.perf_counter()
    pretix_setup(tmp)
    import pretix
    from django_scopes import scope
    from pretix.base.models import Quota
    from pretix.base.services.quotas import QuotaAvailability

    log(f"pretix {pretix.__version__}: Django set up and tables made in {time.perf_counter() - t:.1f} s ({tmp})")
    t = time.perf_counter()
    event, quotas, slot_of = pretix_build(held, paid)
    pretix_build_secs = time.perf_counter() - t
    log(f"pretix: {len(quotas)} quotas and {n_book:,} orders made with the ORM in {pretix_build_secs:.1f} s")

    def pretix_compute() -> Dict[Any, Tuple[int, Optional[int]]]:
        qa = QuotaAvailability(full_results=True, early_out=False)
        qa.queue(*quotas)
        qa.compute()
        return qa.results

    def pretix_load_and_compute() -> Dict[Any, Tuple[int, Optional[int]]]:
        qs = list(Quota.objects.filter(event=event))
        qa = QuotaAvailability(full_results=True, early_out=False)
        qa.queue(*qs)
        qa.compute()
        return qa.results

    # --- tsuen.
    setup = tsuen_setup(held)
    bookings = tsuen_bookings(held, paid)
    t = time.perf_counter()
    world = tsuen_build(tsuen, setup, bookings)
    tsuen_build_secs = time.perf_counter() - t
    save = world.to_json()
    log(f"tsuen: {world.booking_count():,} bookings made through the rules in {tsuen_build_secs:.2f} s; save "
        f"{len(save.encode()) / 1024:.0f} KiB of JSON")
    setup_json = json.dumps(setup, ensure_ascii=False)
    first = FIRST_DAY.isoformat()

    # --- both sides give the same 720 answers.
    org = event.organizer
    with scope(organizer=org):
        results = pretix_compute()
        results2 = pretix_load_and_compute()
    pretix_left = [0] * len(held)
    for q, (state, left) in results.items():
        assert left is not None
        pretix_left[slot_of[q.pk]] = left
    assert {q.pk: r for q, r in results2.items()} == {q.pk: r for q, r in results.items()}
    expected = [PLACES - h for h in held]
    assert pretix_left == expected, "pretix: places left = 10 - held in every quota"
    assert tsuen_720(world.calendar_array("daredemo", start=first, days=DAYS)) == expected
    assert tsuen_720([p for row in world.calendar_cells("daredemo", start=first, days=DAYS) for p in row]) == expected
    restored = tsuen.World.from_json(save)
    assert restored == world and tsuen_720(restored.calendar_array("daredemo", start=first, days=DAYS)) == expected
    log("checked: pretix and tsuen give the same 720 availabilities (places left = 10 - held, slot by slot)")

    def tsuen_array() -> Any:
        return world.calendar_array("daredemo", start=first, days=DAYS)

    def tsuen_cells() -> Any:
        return world.calendar_cells("daredemo", start=first, days=DAYS)

    def tsuen_friendly() -> Any:
        return world.calendar("daredemo", start=first, days=DAYS)

    def tsuen_restore_and_compute() -> Any:
        return tsuen.World.from_json(save).calendar_array("daredemo", start=first, days=DAYS)

    def tsuen_from_scratch() -> Any:
        return tsuen_build(tsuen, setup_json, bookings).calendar_array("daredemo", start=first, days=DAYS)

    pr = args.pretix_repeat
    benches = [
        Bench("pretix `QuotaAvailability` (full_results, early_out=False, no cache): 720 quotas", 1, pr,
              pretix_compute, "pretix"),
        Bench("pretix, the same after loading the 720 `Quota` objects", 1, pr, pretix_load_and_compute, "pretix"),
        Bench("tsuen `calendar_array`, 30 days (the 720 availabilities)", 200, 100, tsuen_array, "compute"),
        Bench("tsuen `calendar_cells`, 30 days", 200, 100, tsuen_cells, "compute"),
        Bench("tsuen `calendar` (friendly), 30 days", 50, 60, tsuen_friendly, "compute"),
        Bench(f"tsuen `World.from_json` (the {n_book:,} bookings) + `calendar_array`", 10, 30,
              tsuen_restore_and_compute, "load"),
        Bench(f"tsuen from the setup + {n_book:,} `book` (+ confirm) through the rules + `calendar_array`", 1, 10,
              tsuen_from_scratch, "load"),
    ]
    loads = []
    with scope(organizer=org):
        for run in range(args.runs):
            loads.append(load())
            log(f"== run {run + 1}/{args.runs}; {loads[-1]}")
            for b in benches:
                b.run()
                log(f"   {b.name}: median {human(statistics.median(b.runs[-1]))}")

    # Where pretix's time goes (outside the timed runs): its SQL queries, timed through Django's execute
    # wrapper, against the whole computation.
    from django.db import connection

    sql: List[float] = []
    queries = [0]

    def timed_sql(execute: Any, sql_text: str, params: Any, many: bool, context: Any) -> Any:
        t0 = time.perf_counter()
        try:
            return execute(sql_text, params, many, context)
        finally:
            sql[-1] += time.perf_counter() - t0
            queries[0] += 1

    whole = []
    with scope(organizer=org), connection.execute_wrapper(timed_sql):
        for _ in range(10):
            sql.append(0.0)
            t0 = time.perf_counter()
            pretix_compute()
            whole.append(time.perf_counter() - t0)
    sql_median, whole_median = statistics.median(sql), statistics.median(whole)
    log(f"pretix: {queries[0] // 10} SQL queries per computation, {human(sql_median)} in SQL of {human(whole_median)}")

    base = benches[0].median
    print(f"### tsuen vs pretix {pretix.__version__}: one facility, {DAYS} days × {SLOTS_PER_DAY} half-hour slots = "
          f"{len(held)} quotas of {PLACES} places, {n_book:,} held ({n_book / (len(held) * PLACES) * 100:.0f} %)\n")
    print(f"| measurement | median | p95 | run medians ({args.runs} runs) | CPU median | pretix ÷ this |")
    print("|---|---:|---:|---|---:|---:|")
    for b in benches:
        runs_s = " / ".join(human(statistics.median(r)) for r in b.runs)
        ratio = "—" if b.side == "pretix" else f"{base / b.median:,.0f}×"
        print(f"| {b.name} | {human(b.median)} | {human(b.p95)} | {runs_s} | {human(b.cpu_median)} | {ratio} |")
    compute = benches[2]
    like = benches[5]
    print(f"\nOn the computation: tsuen {base / compute.median:,.0f}× faster (goal ≥ 1,000×: "
          f"{'met' if base / compute.median >= 1000 else 'NOT met'}); like for like (tsuen restoring the "
          f"{n_book:,} bookings from JSON, then computing): {base / like.median:,.0f}× faster. Both sides' 720 "
          f"answers checked equal (wall clock; CPU median: this thread's CPU time). pretix's time is mostly Python: its {queries[0] // 10} SQL queries take "
          f"{human(sql_median)} of {human(whole_median)} (median of 10; tsuen's calendar is "
          f"{sql_median / compute.median:,.0f}× faster than pretix's SQL alone). Setup (not timed above): pretix ORM {pretix_build_secs:.1f} s, tsuen "
          f"{tsuen_build_secs:.2f} s; tsuen's save is {len(save.encode()) / 1024:.0f} KiB. Machine: {machine()}; "
          f"tsuen {tsuen.__version__}; {'; '.join(loads)}.")
    if args.json:
        with open(args.json, "w") as fh:
            json.dump({"machine": machine(), "pretix": pretix.__version__, "tsuen": tsuen.__version__, "loads": loads,
                       "held": n_book, "results": [{"name": b.name, "number": b.number, "median_s": b.median,
                                                    "p95_s": b.p95, "runs_s": b.runs, "cpu_runs_s": b.cpu_runs}
                                                   for b in benches],
                       "pretix_sql_median_s": sql_median, "pretix_sql_queries": queries[0] // 10,
                       "pretix_whole_median_s": whole_median},
                      fh, indent=1, ensure_ascii=False)


if __name__ == "__main__":
    main()
