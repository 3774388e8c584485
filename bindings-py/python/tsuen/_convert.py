"""Conversion of Python values to the engine's wire strings and back.

Inputs accept ``datetime.date`` / ``datetime.time`` / ``datetime.datetime`` and ISO strings. Naive
datetimes are Japan civil time (Asia/Tokyo, UTC+9, no daylight saving); aware ones are converted to
it. Strings pass through untouched: the engine parses them strictly (``invalid_request`` when
malformed). Outputs: dates as ``datetime.date``, times of day as ``"HH:MM"`` strings (``"24:00"``,
the end of a day, has no ``datetime.time``), now as a naive ``datetime.datetime`` in Japan time.
"""

from __future__ import annotations

import datetime as _dt
import json
from enum import Enum
from typing import Any, Mapping, Union

from ._errors import invalid

#: Japan Standard Time.
JST = _dt.timezone(_dt.timedelta(hours=9), "JST")

#: A date: ``datetime.date`` (a ``datetime`` gives its date in Japan) or ``"YYYY-MM-DD"``.
DateLike = Union[str, _dt.date]
#: A time of day: ``datetime.time`` (whole minutes), a ``datetime`` (its time in Japan), or ``"HH:MM"``.
TimeLike = Union[str, _dt.time, _dt.datetime]
#: Now: a ``datetime`` (floored to the minute), a ``date`` (00:00), ``"YYYY-MM-DD"`` or ``"YYYY-MM-DDTHH:MM"``.
NowLike = Union[str, _dt.date]
#: A month: ``"YYYY-MM"`` or any date in it.
MonthLike = Union[str, _dt.date]
#: A setup object (facility, child, municipality, setup, view): a mapping in the wire format, or its JSON.
SpecLike = Union[Mapping[str, Any], str]


def _japan(v: _dt.datetime) -> _dt.datetime:
    return v if v.tzinfo is None else v.astimezone(JST)


def date_str(v: DateLike, field: str = "date") -> str:
    """``YYYY-MM-DD`` for a date-like value."""
    if type(v) is str:
        return v
    if isinstance(v, _dt.datetime):
        return _japan(v).date().isoformat()
    if isinstance(v, _dt.date):
        return v.isoformat()
    if isinstance(v, str):
        return str(v)
    raise TypeError(f"{field}: expected a datetime.date or a 'YYYY-MM-DD' string, not {type(v).__name__}")


def opt_date_str(v: DateLike | None, field: str) -> str | None:
    return None if v is None else date_str(v, field)


def time_str(v: TimeLike, field: str) -> str:
    """``HH:MM`` for a time-like value (a time with seconds is ``invalid_request``)."""
    if type(v) is str:
        return v
    if isinstance(v, _dt.datetime):
        v = _japan(v).time()
    if isinstance(v, _dt.time):
        if v.second or v.microsecond:
            raise invalid(f"{field}: {v.isoformat()} is not on a whole minute")
        return f"{v.hour:02d}:{v.minute:02d}"
    if isinstance(v, str):
        return str(v)
    raise TypeError(f"{field}: expected a datetime.time or an 'HH:MM' string, not {type(v).__name__}")


def now_str(v: NowLike) -> str:
    """``YYYY-MM-DDTHH:MM`` (or a bare date) for a now-like value; a datetime is floored to the minute."""
    if type(v) is str:
        return v
    if isinstance(v, _dt.datetime):
        v = _japan(v)
        return f"{v.date().isoformat()}T{v.hour:02d}:{v.minute:02d}"
    if isinstance(v, _dt.date):
        return v.isoformat()
    if isinstance(v, str):
        return str(v)
    raise TypeError(f"now: expected a datetime, a date or an ISO string, not {type(v).__name__}")


def month_str(v: MonthLike) -> str:
    """``YYYY-MM`` for a month-like value."""
    if type(v) is str:
        return v
    if isinstance(v, _dt.datetime):
        v = _japan(v).date()
    if isinstance(v, _dt.date):
        return f"{v.year:04d}-{v.month:02d}"
    if isinstance(v, str):
        return str(v)
    raise TypeError(f"month: expected 'YYYY-MM' or a datetime.date, not {type(v).__name__}")


def _default(v: Any) -> Any:
    if isinstance(v, _dt.datetime):
        return _japan(v).date().isoformat()
    if isinstance(v, _dt.date):
        return v.isoformat()
    if isinstance(v, _dt.time):
        return time_str(v, "time")
    if isinstance(v, Enum):
        return v.value
    if isinstance(v, (set, frozenset)):
        return sorted(v)
    raise TypeError(f"{type(v).__name__} is not a value of the wire format")


def spec_json(spec: SpecLike) -> str:
    """The JSON text of a wire-format object given as a mapping (dates and times may be objects)."""
    if isinstance(spec, str):
        return spec
    return json.dumps(spec, default=_default, ensure_ascii=False)


def parse_date(s: str) -> _dt.date:
    return _dt.date(int(s[0:4]), int(s[5:7]), int(s[8:10]))


def parse_now(s: str) -> _dt.datetime:
    return _dt.datetime(int(s[0:4]), int(s[5:7]), int(s[8:10]), int(s[11:13]), int(s[14:16]))
