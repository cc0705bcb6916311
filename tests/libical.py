"""libical (the C library behind Evolution and others) through ctypes.

An independent parser and iTIP (RFC 5546) checker for the calendars we
write: ``check_calendar`` parses a file, applies the restrictions of its
METHOD and returns the X-LIC-ERROR lines libical adds, with each event's
UID, SEQUENCE and start/end instants as libical computes them from the
embedded VTIMEZONE.
"""

from __future__ import annotations

import ctypes
import ctypes.util
from dataclasses import dataclass
from datetime import UTC, datetime
from functools import cache

import pytest

LIBRARY = "libical.so.3"


class _Time(ctypes.Structure):
    """``struct icaltimetype`` of libical 3."""

    _fields_ = [
        (name, ctypes.c_int)
        for name in (
            "year",
            "month",
            "day",
            "hour",
            "minute",
            "second",
            "is_date",
            "is_daylight",
        )
    ] + [("zone", ctypes.c_void_p)]


@dataclass(frozen=True)
class LibicalEvent:
    """An event as libical reads it."""

    uid: str
    sequence: int
    start: datetime
    end: datetime


@dataclass(frozen=True)
class LibicalReport:
    """What libical found in one calendar."""

    errors: list[str]
    events: list[LibicalEvent]


@cache
def _library() -> ctypes.CDLL | None:
    try:
        lib = ctypes.CDLL(LIBRARY)
    except OSError:
        return None
    pointer, text, number = ctypes.c_void_p, ctypes.c_char_p, ctypes.c_int
    signatures = {
        "icalparser_parse_string": (pointer, [text]),
        "icalrestriction_check": (number, [pointer]),
        "icalcomponent_count_errors": (number, [pointer]),
        "icalcomponent_free": (None, [pointer]),
        "icalcomponent_as_ical_string": (text, [pointer]),
        "icalcomponent_get_first_component": (pointer, [pointer, number]),
        "icalcomponent_get_next_component": (pointer, [pointer, number]),
        "icalcomponent_string_to_kind": (number, [text]),
        "icalcomponent_get_uid": (text, [pointer]),
        "icalcomponent_get_sequence": (number, [pointer]),
        "icalcomponent_get_dtstart": (_Time, [pointer]),
        "icalcomponent_get_dtend": (_Time, [pointer]),
        "icaltime_as_timet_with_zone": (ctypes.c_long, [_Time, pointer]),
    }
    for name, (result, arguments) in signatures.items():
        function = getattr(lib, name)
        function.restype = result
        function.argtypes = arguments
    return lib


def require_libical() -> ctypes.CDLL:
    """Return the library, or skip the test saying how to install it."""
    lib = _library()
    if lib is None:
        pytest.skip(f"{LIBRARY} not found: install Debian's libical3 to run this check")
    return lib


def check_calendar(text: bytes) -> LibicalReport:
    """Parse ``text`` with libical, check its iTIP rules, list its events."""
    lib = require_libical()
    component = lib.icalparser_parse_string(text)
    assert component, "libical could not parse the calendar at all"
    try:
        lib.icalrestriction_check(component)
        errors = _errors(lib, component)
        events = _events(lib, component)
    finally:
        lib.icalcomponent_free(component)
    return LibicalReport(errors, events)


def _errors(lib: ctypes.CDLL, component: int) -> list[str]:
    serialised = lib.icalcomponent_as_ical_string(component).decode()
    unfolded = serialised.replace("\r\n ", "").replace("\n ", "")
    return [line for line in unfolded.splitlines() if "X-LIC-ERROR" in line]


def _events(lib: ctypes.CDLL, component: int) -> list[LibicalEvent]:
    kind = lib.icalcomponent_string_to_kind(b"VEVENT")
    found = []
    event = lib.icalcomponent_get_first_component(component, kind)
    while event:
        found.append(
            LibicalEvent(
                uid=lib.icalcomponent_get_uid(event).decode(),
                sequence=lib.icalcomponent_get_sequence(event),
                start=_instant(lib, lib.icalcomponent_get_dtstart(event)),
                end=_instant(lib, lib.icalcomponent_get_dtend(event)),
            )
        )
        event = lib.icalcomponent_get_next_component(component, kind)
    return found


def _instant(lib: ctypes.CDLL, moment: _Time) -> datetime:
    seconds = lib.icaltime_as_timet_with_zone(moment, moment.zone)
    return datetime.fromtimestamp(seconds, UTC)
