"""The exceptions of tsuen: one base class carrying the stable codes of SPEC.md, one subclass per kind.

Every error the engine reports is raised as an instance of one of these classes, with ``codes`` in
SPEC.md's order and a message made of the engine's own Japanese and English messages. A refusal
carries *every* rule the request breaks; the codes that say a request could not be judged at all
(``invalid_request``, ``unknown_*``, ``invalid_state``, ``not_today``, ``duplicate_id``) come alone.
"""

from __future__ import annotations

from typing import Any, Iterable, Optional, Tuple

from . import _tsuen

#: Every code of SPEC.md, in SPEC.md's order.
CODES: Tuple[str, ...] = tuple(code for code, _, _ in _tsuen.code_table())

_MESSAGES = {code: (ja, en) for code, ja, en in _tsuen.code_table()}
_ORDER = {code: i for i, code in enumerate(CODES)}


def messages(code: str) -> Tuple[str, str]:
    """The Japanese and the English message of a code.

    Raises ``KeyError`` for a name that is not a code of SPEC.md.

    >>> messages("no_capacity")[1]
    'No place left at that time.'
    """
    return _MESSAGES[code]


class TsuenError(ValueError):
    """Base class of every tsuen error.

    Attributes:
        codes: the stable codes of SPEC.md, in SPEC.md's order (a refusal lists every rule broken).
        detail: for a request that could not be judged, which field was wrong and why; else None.

    ``str(error)`` gives one line per code with its Japanese and English message, then the detail.
    """

    codes: list[str]
    detail: Optional[str]

    def __init__(self, codes: Iterable[str], detail: Optional[str] = None) -> None:
        listed = set(codes)
        if not listed or not listed.issubset(_ORDER):
            raise ValueError(f"not codes of SPEC.md: {sorted(listed - _ORDER.keys()) or 'none given'}")
        self.codes = sorted(listed, key=_ORDER.__getitem__)
        self.detail = detail
        super().__init__(self.codes, detail)  # the message is made when asked for (refusals are frequent)

    @property
    def message_ja(self) -> str:
        """The Japanese messages of the codes, one per line, then the detail if any (as the engine's)."""
        return self._joined(0)

    @property
    def message_en(self) -> str:
        """The English messages of the codes, one per line, then the detail if any (as the engine's)."""
        return self._joined(1)

    def _joined(self, lang: int) -> str:
        lines = [_MESSAGES[c][lang] for c in self.codes]
        if self.detail is not None:
            lines.append(self.detail)
        return "\n".join(lines)

    def __str__(self) -> str:
        lines = [f"{c}: {_MESSAGES[c][0]} ({_MESSAGES[c][1]})" for c in self.codes]
        if self.detail is not None:
            lines.append(self.detail)
        return "\n".join(lines)

    def __reduce__(self) -> Tuple[Any, ...]:
        return (type(self), (self.codes, self.detail))

    def __repr__(self) -> str:
        return f"{type(self).__name__}({self.codes!r}, {self.detail!r})"


class Refused(TsuenError):
    """A request judged and refused: ``codes`` lists every booking rule it breaks. Nothing changed."""


class InvalidRequest(TsuenError):
    """``invalid_request``: a malformed value (time, range, field, setup); ``detail`` says which and why."""


class UnknownId(TsuenError, LookupError):
    """``unknown_facility``, ``unknown_child`` or ``unknown_booking``: no such id (also a ``LookupError``)."""


class InvalidState(TsuenError):
    """``invalid_state`` or ``not_today``: a transition the booking's state does not allow."""

    @property
    def not_today(self) -> bool:
        """True for ``not_today``: a check-in of a confirmed booking on another day than its own."""
        return "not_today" in self.codes


class DuplicateId(TsuenError):
    """``duplicate_id``: the booking id is already taken (a refused request's id stays free)."""


def invalid(detail: str) -> InvalidRequest:
    """An ``invalid_request`` error with a detail (for values refused before they reach the engine)."""
    return InvalidRequest(["invalid_request"], detail)
