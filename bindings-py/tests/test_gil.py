"""Long calls release the GIL: another Python thread keeps running while they work."""

from __future__ import annotations

import json
import threading
import time
from typing import Callable, Dict, List, Tuple

import tsuen
from tsuen import _tsuen
from scenario_gen import generate


def progress_during(call: Callable[[], object]) -> Tuple[float, int, float]:
    """Runs `call` in a second thread while this one counts loop turns. Returns the call's duration, the
    turns made while it ran, and the longest stretch without a turn (as long as the call if the GIL was held)."""
    span: Dict[str, float] = {}
    started = threading.Event()

    def work() -> None:
        span["start"] = time.perf_counter()
        started.set()
        call()
        span["end"] = time.perf_counter()

    worker = threading.Thread(target=work)
    ticks: List[float] = []
    worker.start()
    started.wait()
    while worker.is_alive():
        ticks.append(time.perf_counter())
    worker.join()
    start, end = span["start"], span["end"]
    inside = [start] + [t for t in ticks if start <= t <= end] + [end]
    gap = max(b - a for a, b in zip(inside, inside[1:]))
    return end - start, len(inside) - 2, gap


def heavy_scenario(calendars: int) -> str:
    """A scenario whose result is tiny but whose steps are long: year-long calendars, no expectations."""
    s = generate(10, 1)
    s["steps"] = [{"calendar": {"facility": "fa", "from": "2026-01-05", "days": 366}} for _ in range(calendars)]
    return json.dumps(s)


def big_save(bookings: int) -> str:
    """The save of a world with many bookings (cancelled ones: restoring checks shapes, not rules)."""
    s = generate(10, 1)
    world = tsuen.World.from_setup({k: s[k] for k in ("today", "municipalities", "facilities", "children")})
    save = json.loads(world.to_json())
    save["bookings"] = [
        {"id": f"x{i}", "child": "c0", "facility": "fa", "kind": "flexible",
         "date": f"2026-{1 + i % 12:02d}-{1 + i % 28:02d}", "from": "10:00", "to": "11:00", "status": "cancelled"}
        for i in range(bookings)
    ]
    return json.dumps(save)


def assert_released(call: Callable[[], object]) -> None:
    duration, turns, gap = progress_during(call)
    assert duration > 0.05, f"the call took only {duration:.3f} s: make it longer"
    assert turns > 100, f"no progress while the call ran ({turns} turns in {duration:.3f} s)"
    assert gap < duration / 2, f"stalled {gap:.3f} s of {duration:.3f} s"


def test_run_scenario_releases_the_gil() -> None:
    text = heavy_scenario(60)
    assert tsuen.run_scenario(text)["failed"] == 0
    assert_released(lambda: tsuen.run_scenario(text))


def test_from_json_releases_the_gil() -> None:
    text = big_save(150_000)
    assert tsuen.World.from_json(text).booking_count() == 150_000
    assert_released(lambda: tsuen.World.from_json(text))


def test_the_native_calls_alone_release_it() -> None:
    text = heavy_scenario(60)
    assert_released(lambda: _tsuen.run_scenario_json(text))
