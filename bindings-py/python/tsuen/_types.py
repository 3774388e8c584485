"""The values tsuen returns: string enums for kinds and statuses, frozen dataclasses for records.

Dates are ``datetime.date``; times of day are ``"HH:MM"`` strings (a booking may end at ``"24:00"``,
which ``datetime.time`` cannot hold).
"""

from __future__ import annotations

import datetime as _dt
from dataclasses import dataclass
from enum import Enum
from typing import TYPE_CHECKING, Any, Dict, List, Optional, Type, TypedDict, TypeVar

from ._convert import DateLike, TimeLike, date_str, parse_date, time_str


_E = TypeVar("_E", bound="_WireEnum")


class _WireEnum(str, Enum):
    """A string enum whose members are their wire names (``str(Kind.FLEXIBLE) == "flexible"``)."""

    if TYPE_CHECKING:  # what Enum's own constructor takes (lookup by value), not str's

        def __new__(cls: Type[_E], value: str) -> _E: ...

    def __str__(self) -> str:
        return str(self.value)


class Kind(_WireEnum):
    """A booking kind. Members compare equal to their wire names (``Kind.FLEXIBLE == "flexible"``)."""

    INTERVIEW = "interview"
    """初回面談: the first interview at a facility."""
    REGULAR = "regular"
    """定期利用: a weekly series (draws on the regular quota)."""
    FLEXIBLE = "flexible"
    """柔軟利用: a one-off booking (draws on the flexible quota)."""


class Status(_WireEnum):
    """A booking's status. Members compare equal to their wire names."""

    PROVISIONAL = "provisional"
    """仮予約: holds its places until the facility confirms."""
    CONFIRMED = "confirmed"
    """予約確定."""
    IN_USE = "in_use"
    """利用中: checked in."""
    COMPLETED = "completed"
    """利用済: checked out."""
    CANCELLED = "cancelled"
    """Cancelled free of charge (places released)."""
    CANCELLED_LATE = "cancelled_late"
    """Cancelled late by the parent: places released, still billed and counted in the monthly cap."""
    NO_SHOW = "no_show"
    """欠席: billed and counted."""
    APPROVED = "approved"
    """An interview passed (利用承認)."""
    DECLINED = "declined"
    """An interview not passed."""


class CancelBy(_WireEnum):
    """Who cancels: the parent (free or late by the deadline) or the facility (always free)."""

    PARENT = "parent"
    FACILITY = "facility"


KINDS: Dict[str, Kind] = {k.value: k for k in Kind}
STATUSES: Dict[str, Status] = {s.value: s for s in Status}


@dataclass(frozen=True)
class Booking:
    """A booking's whole state (an occurrence of a regular series has the id ``series#k``)."""

    id: str
    child: str
    facility: str
    kind: Kind
    date: _dt.date
    start: str
    """Start of the band, ``"HH:MM"``."""
    end: str
    """End of the band, ``"HH:MM"`` (up to ``"24:00"``)."""
    status: Status
    check_in: Optional[str] = None
    """Registered check-in time, ``"HH:MM"``."""
    check_out: Optional[str] = None
    """Registered check-out time, ``"HH:MM"``."""

    @property
    def series(self) -> Optional[str]:
        """The series id of an occurrence (``"r1"`` for ``"r1#3"``), else None."""
        head, sep, _ = self.id.partition("#")
        return head if sep else None

    @property
    def minutes(self) -> int:
        """Booked minutes."""
        return _minutes(self.end) - _minutes(self.start)

    @classmethod
    def _from_tuple(cls, t: tuple[Any, ...]) -> Booking:
        return cls(t[0], t[1], t[2], KINDS[t[3]], parse_date(t[4]), t[5], t[6], STATUSES[t[7]], t[8], t[9])


def _minutes(hhmm: str) -> int:
    return int(hhmm[0:2]) * 60 + int(hhmm[3:5])


@dataclass(frozen=True)
class Usage:
    """A child's usage in a month: minutes counted against the monthly cap, the cap, and what is left."""

    minutes: int
    cap_minutes: int
    left_minutes: int


@dataclass(frozen=True)
class Claim:
    """A facility's claim for a month: total yen, yen per paying municipality (by code), bookings billed."""

    total_yen: int
    by_municipality: Dict[str, int]
    bookings: int


#: The start of each of the 48 slots of a day, ``"00:00"`` … ``"23:30"``.
SLOT_TIMES: tuple[str, ...] = tuple(f"{s // 2:02d}:{(s % 2) * 30:02d}" for s in range(48))
_ONE_DAY = _dt.timedelta(days=1)


@dataclass(frozen=True)
class Calendar:
    """The flexible calendar of a facility (the friendly form).

    ``days`` maps each date to its open cells: ``"HH:MM"`` (a slot's start) → places left in the flexible
    quota (within the child's age-class limit when a child was given). Cells with no place to show
    (closed, outside the hours) are left out; a closed day maps to an empty dict.
    """

    facility: str
    start: _dt.date
    child: Optional[str]
    days: Dict[_dt.date, Dict[str, int]]

    def places(self, day: DateLike, at: TimeLike) -> Optional[int]:
        """Places left at the slot starting at ``at`` on ``day``, or None where there is no cell."""
        cells = self.days.get(parse_date(date_str(day)))
        return None if cells is None else cells.get(time_str(at, "at"))

    @classmethod
    def _from_cells(
        cls, facility: str, start: _dt.date, child: Optional[str], rows: List[List[int]]
    ) -> Calendar:
        days: Dict[_dt.date, Dict[str, int]] = {}
        day = start
        for row in rows:
            days[day] = {t: p for t, p in zip(SLOT_TIMES, row) if p >= 0}
            day += _ONE_DAY
        return cls(facility, start, child, days)


class ScenarioFailure(TypedDict):
    """An expectation not met: the step's index (from 0), its operation, what was expected and what happened."""

    step: int
    op: str
    expected: Any
    actual: Any


class ScenarioResult(TypedDict):
    """The result of a scenario, exactly as SCENARIOS.md fixes it."""

    name: str
    passed: int
    failed: int
    failures: List[ScenarioFailure]
