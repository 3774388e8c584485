"""tsuen (通園): the availability and booking engine of Japan's こども誰でも通園制度, from Python.

Every rule is the engine's (Rust, compiled into ``tsuen._tsuen``); this package gives it a Pythonic
face:

- :class:`World`: the whole world (setup, bookings, now) with every request, transition and query;
  save and restore with :meth:`World.to_json` / :meth:`World.from_json` or pickle.
- :func:`run_scenario`: runs a scenario file of SCENARIOS.md and returns its result object.
- Errors: :class:`TsuenError` (a ``ValueError``) with ``codes`` in SPEC.md's order, and its subclasses
  :class:`Refused`, :class:`InvalidRequest`, :class:`UnknownId` (also a ``LookupError``),
  :class:`InvalidState` (with ``not_today``) and :class:`DuplicateId`.
- Values: :class:`Kind`, :class:`Status`, :class:`CancelBy` (string enums) and the frozen dataclasses
  :class:`Booking`, :class:`Usage`, :class:`Claim`, :class:`Calendar`.

Inputs accept ``datetime.date`` / ``datetime.time`` / ``datetime.datetime`` and ISO strings (naive
datetimes are Japan time). Options are keyword-only.
"""

from __future__ import annotations

import json
from typing import Optional

from . import _tsuen
from ._convert import DateLike, MonthLike, NowLike, SpecLike, TimeLike, date_str
from ._errors import (
    CODES,
    DuplicateId,
    InvalidRequest,
    InvalidState,
    Refused,
    TsuenError,
    UnknownId,
    messages,
)
from ._types import (
    SLOT_TIMES,
    Booking,
    Calendar,
    CancelBy,
    Claim,
    Kind,
    ScenarioFailure,
    ScenarioResult,
    Status,
    Usage,
)
from ._world import World

__version__: str = _tsuen.VERSION

#: The marker for "no cell" (closed, or outside the hours) in :meth:`World.calendar_cells`.
NO_CELL: int = _tsuen.NO_CELL
#: Slots of 30 minutes in a day.
SLOTS: int = _tsuen.SLOTS
#: The longest calendar (days) or availability (weeks) a query may ask for.
MAX_QUERY_DAYS: int = _tsuen.MAX_QUERY_DAYS
#: The longest series accepted as a request at all (longer is ``invalid_request``).
MAX_SERIES_WEEKS: int = _tsuen.MAX_SERIES_WEEKS


def run_scenario(text: str) -> ScenarioResult:
    """Runs a scenario file's text (SCENARIOS.md) and returns its result:
    ``{"name", "passed", "failed", "failures": [{"step", "op", "expected", "actual"}]}``, the same object
    as ``tsuen scenario --json`` prints. Releases the GIL while it runs.

    Raises :class:`InvalidRequest` (a :class:`TsuenError`) when the file is invalid, saying where and why.
    """
    result: ScenarioResult = json.loads(_tsuen.run_scenario_json(text))
    return result


def is_holiday(date: DateLike) -> bool:
    """True when ``date`` is a national holiday of Japan (2000–2099), substitute and citizens' holidays
    included."""
    return _tsuen.is_holiday(date_str(date))


def holiday_name(date: DateLike) -> Optional[str]:
    """The Japanese name of the national holiday on ``date`` (e.g. ``"元日"``), or None."""
    return _tsuen.holiday_name(date_str(date))


def age_class(birth: DateLike, day: DateLike) -> Optional[int]:
    """The age class (completed years: 0, 1 or 2) of a child born on ``birth`` on ``day``, or None from
    age 3 on (by the Japanese legal reckoning: an age is reached the day before its anniversary)."""
    return _tsuen.age_class(date_str(birth, "birth"), date_str(day, "day"))


def age_eligible(birth: DateLike, day: DateLike) -> bool:
    """True when a child born on ``birth`` is inside the program's age window on ``day`` (from 6 months
    through the day before age 3 is reached)."""
    return _tsuen.age_eligible(date_str(birth, "birth"), date_str(day, "day"))


# Public classes show (and pickle) as `tsuen.X`, wherever they are defined.
for _cls in (World, Booking, Calendar, Claim, Usage, Kind, Status, CancelBy, TsuenError, Refused, InvalidRequest,
             UnknownId, InvalidState, DuplicateId):
    _cls.__module__ = __name__
del _cls

__all__ = [
    "CODES",
    "MAX_QUERY_DAYS",
    "MAX_SERIES_WEEKS",
    "NO_CELL",
    "SLOTS",
    "SLOT_TIMES",
    "Booking",
    "Calendar",
    "CancelBy",
    "Claim",
    "DateLike",
    "DuplicateId",
    "InvalidRequest",
    "InvalidState",
    "Kind",
    "MonthLike",
    "NowLike",
    "Refused",
    "ScenarioFailure",
    "ScenarioResult",
    "SpecLike",
    "Status",
    "TimeLike",
    "TsuenError",
    "UnknownId",
    "Usage",
    "World",
    "__version__",
    "age_class",
    "age_eligible",
    "holiday_name",
    "is_holiday",
    "messages",
    "run_scenario",
]
