"""``tsuen.World``: the Pythonic face of the engine's world."""

from __future__ import annotations

import datetime as _dt
import json
from array import array
from typing import Any, Dict, List, Optional, Sequence, Tuple, Union

from . import _tsuen
from ._convert import (
    DateLike,
    MonthLike,
    NowLike,
    SpecLike,
    TimeLike,
    date_str,
    month_str,
    now_str,
    parse_now,
    spec_json,
    time_str,
)
from ._types import STATUSES, Booking, CancelBy, Calendar, Claim, Kind, Status, Usage

KindLike = Union[Kind, str]


def _restore(text: str) -> World:
    """Unpickling: a world from its save."""
    return World.from_json(text)


class World:
    """A whole world: municipalities with their rules, facilities, children, every booking with its
    state, and "now", which is always given, never read from a clock.

    Build one empty (``World(now)``, then ``put_municipality`` / ``put_facility`` / ``put_child``), from a
    setup (``World.from_setup``), from a save (``World.from_json``, also pickle), or from a household's
    view (``World.from_view``). Requests and transitions raise a :class:`tsuen.TsuenError` subclass
    and change nothing when refused.

    Threads: each call is atomic (it holds the GIL while it reads or changes the world); a sequence of calls
    is not, so guard read-then-write sequences with a lock. Calls that build a new world from text
    (:meth:`from_json`, :meth:`from_setup`, :meth:`from_view`) release the GIL while they work.
    """

    __slots__ = ("_w",)

    _w: _tsuen.World

    def __init__(self, now: NowLike) -> None:
        """An empty world at ``now``."""
        self._w = _tsuen.World(now_str(now))

    @classmethod
    def _wrap(cls, native: _tsuen.World) -> World:
        world = cls.__new__(cls)
        world._w = native
        return world

    @classmethod
    def from_setup(cls, setup: SpecLike) -> World:
        """A world from a setup: ``{"today", "municipalities", "facilities", "children"}`` as at the top of a
        scenario file (a mapping, or its JSON). Raises :class:`InvalidRequest` saying where and why."""
        return cls._wrap(_tsuen.World.from_setup_json(spec_json(setup)))

    @classmethod
    def from_json(cls, text: Union[str, bytes]) -> World:
        """A world restored exactly from :meth:`to_json` (releases the GIL while it works). References and
        shapes are checked, booking rules are not. Raises :class:`InvalidRequest` saying where and why."""
        if isinstance(text, (bytes, bytearray)):
            text = bytes(text).decode()
        return cls._wrap(_tsuen.World.from_json(text))

    @classmethod
    def from_view(cls, view: SpecLike) -> World:
        """A world built from :meth:`household_view` (a mapping, or its JSON): its calendar and dry runs
        answer as the full world's do for that household."""
        return cls._wrap(_tsuen.World.from_view_json(spec_json(view)))

    # --- the clock and the setup -------------------------------------------------------------------

    @property
    def now(self) -> _dt.datetime:
        """Now, as a naive datetime in Japan time (minutes)."""
        return parse_now(self._w.now())

    def set_now(self, now: NowLike) -> None:
        """Moves the clock (to any time: the caller decides whether it may go back)."""
        self._w.set_now(now_str(now))

    def put_municipality(self, spec: SpecLike) -> None:
        """Adds a municipality, or replaces the one with that code (the setup format)."""
        self._w.put_municipality(spec_json(spec))

    def put_facility(self, spec: SpecLike) -> None:
        """Adds a facility, or replaces the one with that id; bookings stand."""
        self._w.put_facility(spec_json(spec))

    def put_child(self, spec: SpecLike) -> None:
        """Adds a child, or replaces the one with that id; bookings stand, approvals are kept unless given."""
        self._w.put_child(spec_json(spec))

    # --- requests and transitions ------------------------------------------------------------------

    def book(
        self,
        id: str,
        *,
        child: str,
        facility: str,
        kind: KindLike,
        date: DateLike,
        start: TimeLike,
        end: TimeLike,
        weeks: Optional[int] = None,
    ) -> Status:
        """Makes a booking (a regular series of ``weeks`` occurrences ``id#1`` … : all or none).

        Returns its status: ``PROVISIONAL``, or ``CONFIRMED`` where the facility confirms automatically.
        Raises :class:`Refused` with every rule broken, or :class:`InvalidRequest`, :class:`UnknownId`,
        :class:`DuplicateId`; nothing changes then.
        """
        s = self._w.book(
            id, child, facility, kind, date_str(date), time_str(start, "from"), time_str(end, "to"), weeks
        )
        return STATUSES[s]

    def check(
        self,
        id: str,
        *,
        child: str,
        facility: str,
        kind: KindLike,
        date: DateLike,
        start: TimeLike,
        end: TimeLike,
        weeks: Optional[int] = None,
        now: Optional[NowLike] = None,
    ) -> None:
        """A dry run of :meth:`book`: raises exactly what ``book`` would raise (at ``now`` when given, else at
        the world's now), and changes nothing."""
        at = None if now is None else now_str(now)
        self._w.check(
            id, child, facility, kind, date_str(date), time_str(start, "from"), time_str(end, "to"), weeks, at
        )

    def confirm(self, id: str) -> None:
        """The facility confirms a provisional booking (a series: every provisional occurrence)."""
        self._w.confirm(id)

    def cancel(self, id: str, *, by: Union[CancelBy, str] = CancelBy.PARENT) -> Dict[str, Status]:
        """Cancels a booking, or every occurrence of a series that can be. Returns each booking cancelled
        with the status it ended in (``CANCELLED``, or ``CANCELLED_LATE`` for a parent after the deadline)."""
        return {bid: STATUSES[s] for bid, s in self._w.cancel(id, by)}

    def cancel_outcome(
        self, id: str, *, by: Union[CancelBy, str] = CancelBy.PARENT, now: Optional[NowLike] = None
    ) -> Dict[str, Status]:
        """What :meth:`cancel` would do (at ``now`` when given, else at the world's now), without doing it:
        each booking it would cancel and the status it would end in (say first whether it would be late)."""
        at = None if now is None else now_str(now)
        return {bid: STATUSES[s] for bid, s in self._w.cancel_outcome(id, by, at)}

    def apply(self, op: SpecLike) -> Any:
        """Applies a write given as data, in the form of a scenario step without ``expect``
        (``{"book": {...}}``, ``{"cancel": "f1"}``, …), as a server's change log stores them. Returns what
        it did in the wire form: ``"done"``, ``{"booked": STATUS}``, ``{"cancelled": [[ID, STATUS], …]}`` or
        ``{"closed": [ID, …]}``."""
        return json.loads(self._w.apply_json(spec_json(op)))

    def interview_result(self, id: str, *, approved: bool) -> None:
        """The facility records an interview's result, from the interview's day on."""
        self._w.interview_result(id, approved)

    def check_in(self, id: str, *, at: TimeLike) -> None:
        """Check-in at ``at`` (a time of the booking's day): a confirmed booking, on its day
        (:class:`InvalidState` with ``not_today`` on another day)."""
        self._w.check_in(id, time_str(at, "at"))

    def check_out(self, id: str, *, at: TimeLike) -> None:
        """Check-out at ``at`` (a time of the booking's day, not before the check-in), on the day or later."""
        self._w.check_out(id, time_str(at, "at"))

    def no_show(self, id: str) -> None:
        """The facility marks a confirmed booking whose day has passed without check-in."""
        self._w.no_show(id)

    def close_day(self, facility: str, *, date: DateLike) -> List[str]:
        """臨時休園: closes a day at short notice and cancels (by the facility) its provisional and confirmed
        bookings, interviews included. Returns the ids cancelled."""
        return self._w.close_day(facility, date_str(date))

    # --- bookings ----------------------------------------------------------------------------------

    def status(self, id: str) -> Status:
        """A booking's status (an occurrence id for a series)."""
        return STATUSES[self._w.status(id)]

    def booking(self, id: str) -> Booking:
        """A booking's whole state."""
        return Booking._from_tuple(self._w.booking(id))

    def bookings(self) -> List[Booking]:
        """Every booking, in the order they were made."""
        return [Booking._from_tuple(t) for t in self._w.bookings()]

    def bookings_of_child(self, child: str) -> List[Booking]:
        """A child's bookings, in the order they were made."""
        return [Booking._from_tuple(t) for t in self._w.bookings_of_child(child)]

    def bookings_of_facility(self, facility: str) -> List[Booking]:
        """A facility's bookings, by day, then in the order they were made (every status)."""
        return [Booking._from_tuple(t) for t in self._w.bookings_of_facility(facility)]

    def needs_interview(self, child: str, facility: str, *, date: DateLike) -> bool:
        """True when a usage on ``date`` at the facility needs an interview first (no approval there, or it
        has lapsed)."""
        return self._w.needs_interview(child, facility, date_str(date))

    def bookings_of_day(self, facility: str, *, date: DateLike) -> List[Booking]:
        """A facility's bookings on a day (every status)."""
        return [Booking._from_tuple(t) for t in self._w.bookings_of_day(facility, date_str(date))]

    def series_occurrences(self, id: str) -> List[str]:
        """The occurrence ids of a series, in order."""
        return self._w.series_occurrences(id)

    def booking_count(self) -> int:
        """The number of bookings (each occurrence of a series counts one), every status."""
        return self._w.booking_count()

    # --- queries -----------------------------------------------------------------------------------

    def fee(self, id: str) -> int:
        """A booking's fee in yen: the estimate (目安), or the final fee once checked out."""
        return self._w.fee(id)

    def usage(self, child: str, *, month: MonthLike) -> Usage:
        """A child's minutes counted against the monthly cap in ``month``, the cap and what is left."""
        return Usage(*self._w.usage(child, month_str(month)))

    def claim(self, facility: str, *, month: MonthLike) -> Claim:
        """A facility's claim for a month (completed, no-show and late-cancelled bookings)."""
        return Claim(*self._w.claim(facility, month_str(month)))

    def calendar_cells(
        self, facility: str, *, start: DateLike, days: int = 7, child: Optional[str] = None
    ) -> List[List[int]]:
        """The flexible calendar, fast form: one list of 48 ints per day (slot ``i`` starts at ``i × 30``
        minutes), each the places left, or :data:`NO_CELL` (-1) where there is no cell (closed)."""
        return self._w.calendar(facility, date_str(start, "start"), days, child)

    def calendar_array(
        self, facility: str, *, start: DateLike, days: int = 7, child: Optional[str] = None
    ) -> array[int]:
        """The flexible calendar, fastest form: an ``array.array("h")`` of ``days × 48`` cells, day after day
        (day ``d``, slot ``s`` at ``d * 48 + s``), each the places left or :data:`NO_CELL` (-1)."""
        cells: array[int] = array("h")
        cells.frombytes(self._w.calendar_bytes(facility, date_str(start, "start"), days, child))
        return cells

    def calendar(
        self, facility: str, *, start: DateLike, days: int = 7, child: Optional[str] = None
    ) -> Calendar:
        """The flexible calendar, friendly form (built from :meth:`calendar_cells`)."""
        first = date_str(start, "start")
        rows = self._w.calendar(facility, first, days, child)
        return Calendar._from_cells(facility, _dt.date.fromisoformat(first), child, rows)

    def regular_availability(
        self,
        facility: str,
        *,
        date: DateLike,
        weeks: int,
        start: TimeLike,
        end: TimeLike,
        child: Optional[str] = None,
    ) -> List[Optional[int]]:
        """Per week from ``date``: the least places left in the regular quota over the band, or None where
        the band is closed or outside the hours."""
        return self._w.regular_availability(
            facility, date_str(date), weeks, time_str(start, "from"), time_str(end, "to"), child
        )

    def search(
        self,
        municipality: str,
        *,
        kind: KindLike,
        date: DateLike,
        start: TimeLike,
        end: TimeLike,
        child: Optional[str] = None,
    ) -> List[str]:
        """The ids of the municipality's facilities with a place in every slot of the band (sorted)."""
        return self._w.search(municipality, kind, date_str(date), time_str(start, "from"), time_str(end, "to"), child)

    def household_view(
        self, parent: str, *, start: DateLike, days: int, facilities: Optional[Sequence[str]] = None
    ) -> Dict[str, Any]:
        """What one household's browser may see (the wire format, JSON-ready): the facilities (all, or
        those named plus those its bookings and approvals name), held counts for ``days`` days from
        ``start``, and only that household's children and bookings."""
        names = None if facilities is None else list(facilities)
        result: Dict[str, Any] = json.loads(self._w.household_view_json(parent, date_str(start, "start"), days, names))
        return result

    def municipalities(self) -> List[Dict[str, Any]]:
        """Every municipality's setup (the wire format)."""
        result: List[Dict[str, Any]] = json.loads(self._w.municipalities_json())
        return result

    def facilities(self) -> List[Dict[str, Any]]:
        """Every facility's setup (with the days closed at short notice)."""
        result: List[Dict[str, Any]] = json.loads(self._w.facilities_json())
        return result

    def children(self) -> List[Dict[str, Any]]:
        """Every child's setup with its current approvals, in the order they were added."""
        result: List[Dict[str, Any]] = json.loads(self._w.children_json())
        return result

    def children_of(self, parent: str) -> List[Dict[str, Any]]:
        """The children of one household (their ``parent``), in the order they were added."""
        result: List[Dict[str, Any]] = json.loads(self._w.children_of_json(parent))
        return result

    def facility(self, id: str) -> Dict[str, Any]:
        """A facility's setup."""
        result: Dict[str, Any] = json.loads(self._w.facility_json(id))
        return result

    def child(self, id: str) -> Dict[str, Any]:
        """A child's setup with its current approvals and last uses."""
        result: Dict[str, Any] = json.loads(self._w.child_json(id))
        return result

    # --- save and restore --------------------------------------------------------------------------

    def to_json(self) -> str:
        """The whole world, exactly (the save format): restore it with :meth:`from_json`."""
        return self._w.to_json()

    def canonical_json(self) -> str:
        """The save with everything sorted by id: equal for worlds of equal content."""
        return self._w.canonical_json()

    def __eq__(self, other: object) -> bool:
        if not isinstance(other, World):
            return NotImplemented
        return self._w.canonical_json() == other._w.canonical_json()

    __hash__ = None  # type: ignore[assignment]

    def __reduce__(self) -> Tuple[Any, ...]:
        return (_restore, (self._w.to_json(),))

    def __copy__(self) -> World:
        return World.from_json(self._w.to_json())

    def __deepcopy__(self, memo: Dict[int, Any]) -> World:
        return World.from_json(self._w.to_json())

    def __repr__(self) -> str:
        return f"<tsuen.World now={self._w.now()} bookings={self._w.booking_count()}>"
