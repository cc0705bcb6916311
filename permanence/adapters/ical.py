"""iCalendar files: calendar events in, RFC 5545 bytes out.

The only module that imports the ``icalendar`` library, and only inside
its functions, so that importing the plain event types below stays cheap.
Events arrive as plain dataclasses built by ``permanence.invitations``.
"""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from functools import lru_cache
from pathlib import Path
from typing import TYPE_CHECKING, NamedTuple
from zoneinfo import ZoneInfo

from permanence.adapters import ical_lines

if TYPE_CHECKING:
    import icalendar

PRODUCT_ID = "-//permanence//Invitations//FR"
UTC = ZoneInfo("UTC")


class Contact(NamedTuple):
    """A person in a calendar: the organizer or an attendee.

    A named tuple: hashed for every event rendered (a dataclass's hash runs
    Python code), and its ``repr``, part of the events' digests, is the
    same as the dataclass it once was.
    """

    name: str
    email: str


@dataclass(slots=True)
class CalendarEvent:
    """One event, in the terms iCalendar needs (slotted: made by the thousand)."""

    uid: str
    start: datetime
    end: datetime
    summary: str
    description: str = ""
    url: str = ""
    location: str = ""
    organizer: Contact | None = None
    attendees: tuple[Contact, ...] = ()
    alarms: tuple[timedelta, ...] = ()
    alarm_text: str = ""
    sequence: int = 0
    cancelled: bool = False


def render_calendar(
    events: Sequence[CalendarEvent],
    timezone: str,
    method: str | None = None,
    stamp: datetime | None = None,
    name: str = "",
    span: tuple[date, date] | None = None,
) -> bytes:
    """Return one VCALENDAR holding ``events``, with its VTIMEZONE embedded.

    ``method`` is the iTIP method (REQUEST, CANCEL, PUBLISH) or None for a
    plain calendar; attendees are asked to reply only with REQUEST. The
    VTIMEZONE covers ``span`` (first and last day), by default the span of
    ``events``: files written together should share one span, which is
    then computed once.
    """
    stamp = (stamp or datetime.now(UTC)).astimezone(UTC).replace(microsecond=0)
    if span is None and events:
        span = (
            min(event.start for event in events).date(),
            max(event.end for event in events).date(),
        )
    head, tail = _frame(method, name, timezone, span)
    rsvp = method == "REQUEST"
    stamp_line = _stamp_line(stamp)
    lines = [head]
    for event in events:
        _add_event(lines, event, timezone, stamp_line, rsvp)
    lines.append(tail)
    return b"".join(lines)


# icalendar spends about 300 microseconds serialising one event, and most
# lines repeat from one event to the next (same summary, links, organizer
# and alarms everywhere; same times for every volunteer of a shift; same
# attendee on all of a volunteer's events). Each distinct group of lines is
# therefore serialised once by icalendar and reused, and kept on disk by
# ``kept_lines`` for the next runs, which then need not import icalendar.
_CACHE_SIZE = 4096
_FOLD_AT = 75  # octets per line before folding (RFC 5545, 3.1)


@contextmanager
def kept_lines(path: Path) -> Iterator[None]:
    """Reuse, while rendering, the lines icalendar made in earlier runs.

    They are read from ``path`` when first needed and saved there again
    at the end if icalendar had to make new ones. The file is stamped with
    the icalendar library's and this module's files: a change to either
    makes everything again.
    """
    with ical_lines.kept(path, (__file__, "icalendar")):
        yield


def _add_event(
    lines: list[bytes],
    event: CalendarEvent,
    timezone: str,
    stamp_line: bytes,
    rsvp: bool,
) -> None:
    """Append the lines of one VEVENT to ``lines``."""
    lines += (
        b"BEGIN:VEVENT\r\n",
        _uid_line(event.uid),
        b"SEQUENCE:%d\r\n" % event.sequence,
        stamp_line,
        _time_lines(event.start, event.end, timezone),
    )
    for attendee in event.attendees:
        lines.append(_attendee_line(attendee, rsvp))
    lines += (
        _shared_lines(
            event.summary,
            event.description,
            event.url,
            event.location,
            event.organizer,
            () if event.cancelled else event.alarms,
            event.alarm_text or event.summary,
            event.cancelled,
        ),
        b"END:VEVENT\r\n",
    )


def _uid_line(uid: str) -> bytes:
    """Return the UID line; UIDs are short and rarely need TEXT escapes."""
    line = ("UID:" + _escape_text(uid)).encode()
    if len(line) > _FOLD_AT:
        from icalendar import vText
        from icalendar.parser import Contentline, Parameters

        line = Contentline.from_parts("UID", Parameters(), vText(uid)).to_ical()
    return line + b"\r\n"


def _escape_text(text: str) -> str:
    """Escape a TEXT value (RFC 5545, 3.3.11), as icalendar's vText does."""
    # Chained tests: several times faster than any() over the characters.
    if not ("\\" in text or ";" in text or "," in text or "\n" in text or "\r" in text):
        return text
    from icalendar import vText

    return str(vText(text).to_ical().decode())


def _lines(component: icalendar.cal.Component) -> bytes:
    """Return a component's content lines without its BEGIN and END lines."""
    text = bytes(component.to_ical())
    first = text.index(b"\r\n") + 2
    last = text.rindex(b"END:", 0, len(text) - 2)
    return text[first:last]


@lru_cache(maxsize=16)
def _stamp_line(stamp: datetime) -> bytes:
    """Return the DTSTAMP line of a UTC time, as icalendar's vDatetime writes it.

    Plain digits (RFC 5545, 3.3.5), like the DTSTART lines below: writing
    it directly spares importing icalendar on runs whose other lines were
    all made before (a test compares it with icalendar's own output).
    """
    return b"DTSTAMP:%s\r\n" % stamp.strftime("%Y%m%dT%H%M%SZ").encode()


@lru_cache(maxsize=_CACHE_SIZE)
def _time_lines(start: datetime, end: datetime, timezone: str) -> bytes:
    zone = ZoneInfo(timezone)
    head = _tzid_parameter(timezone)
    suffix = "Z" if not head else ""
    # A local DATE-TIME is plain digits (RFC 5545, 3.3.5): nothing to escape.
    start_text = start.astimezone(zone).strftime("%Y%m%dT%H%M%S") + suffix
    end_text = end.astimezone(zone).strftime("%Y%m%dT%H%M%S") + suffix
    return b"DTSTART%s:%s\r\nDTEND%s:%s\r\n" % (
        head,
        start_text.encode(),
        head,
        end_text.encode(),
    )


@lru_cache(maxsize=16)
@ical_lines.remembered
def _tzid_parameter(timezone: str) -> bytes:
    """Return ``;TZID=...`` as icalendar writes it, or b'' for UTC."""
    from icalendar import vDDDTypes

    moment = datetime(2000, 1, 1, tzinfo=ZoneInfo(timezone))
    parameters = vDDDTypes(moment).params.to_ical()
    return b";" + parameters if parameters else b""


@lru_cache(maxsize=_CACHE_SIZE)
@ical_lines.remembered
def _attendee_line(contact: Contact, rsvp: bool) -> bytes:
    import icalendar

    component = icalendar.Event()
    component.add("attendee", _address(contact, attendee=True, rsvp=rsvp))
    return _lines(component)


@lru_cache(maxsize=_CACHE_SIZE)
@ical_lines.remembered
def _shared_lines(
    summary: str,
    description: str,
    url: str,
    location: str,
    organizer: Contact | None,
    alarms: tuple[timedelta, ...],
    alarm_text: str,
    cancelled: bool,
) -> bytes:
    import icalendar

    component = icalendar.Event()
    component.add("summary", summary)
    component.add("status", "CANCELLED" if cancelled else "CONFIRMED")
    for key, value in (
        ("description", description),
        ("url", url),
        ("location", location),
    ):
        if value:
            component.add(key, value)
    if organizer is not None:
        component.add("organizer", _address(organizer))
    for delay in alarms:
        component.add_component(_alarm(delay, alarm_text))
    return _lines(component)


def _address(
    contact: Contact, attendee: bool = False, rsvp: bool = False
) -> icalendar.vCalAddress:
    import icalendar

    address = icalendar.vCalAddress(f"mailto:{contact.email}")
    if contact.name:
        address.params["CN"] = contact.name
    if attendee:
        address.params["CUTYPE"] = "INDIVIDUAL"
        address.params["ROLE"] = "REQ-PARTICIPANT"
        if rsvp:
            address.params["PARTSTAT"] = "NEEDS-ACTION"
            address.params["RSVP"] = "TRUE"
    return address


def _alarm(delay: timedelta, text: str) -> icalendar.Alarm:
    import icalendar

    alarm = icalendar.Alarm()
    alarm.add("action", "DISPLAY")
    alarm.add("description", text)
    alarm.add("trigger", -delay)
    return alarm


def _frame(
    method: str | None, name: str, timezone: str, span: tuple[date, date] | None
) -> tuple[bytes, bytes]:
    """Return the calendar's opening lines (with its VTIMEZONE) and its end."""
    text = _empty_calendar(method, name, timezone)
    end = text.rindex(b"END:VCALENDAR")
    zone = _timezone_lines(timezone, span) if span is not None else b""
    return text[:end] + zone, text[end:]


@lru_cache(maxsize=64)
@ical_lines.remembered
def _empty_calendar(method: str | None, name: str, timezone: str) -> bytes:
    """Return the VCALENDAR without components: the frame of a file."""
    import icalendar

    calendar = icalendar.Calendar()
    calendar.add("prodid", PRODUCT_ID)
    calendar.add("version", "2.0")
    if method:
        calendar.add("method", method)
    if name:
        calendar.add("x-wr-calname", name)
        calendar.add("x-wr-timezone", timezone)
    return bytes(calendar.to_ical())


@lru_cache(maxsize=16)
@ical_lines.remembered
def _timezone_lines(timezone: str, span: tuple[date, date]) -> bytes:
    """Return the VTIMEZONE component, shared by the files of one run."""
    return bytes(_timezone(timezone, span).to_ical())


def _timezone(timezone: str, span: tuple[date, date]) -> icalendar.Timezone:
    """Return a VTIMEZONE covering only ``span``.

    The default VTIMEZONE covers 1970-2038 with comma-separated RDATE
    lists, which vobject reads as their first value only (so a summer shift
    would show in winter time); a narrow span, one RDATE per line, avoids it.
    """
    import icalendar

    first, last = span
    component = icalendar.Timezone.from_tzid(
        timezone,
        first_date=first - timedelta(days=1),
        last_date=last + timedelta(days=2),
    )
    for observance in component.subcomponents:
        _split_rdates(observance)
    return component


def _split_rdates(observance: icalendar.cal.Component) -> None:
    """Write each RDATE value on a line of its own."""
    import icalendar

    rdate = observance.pop("RDATE", None)
    if rdate is None:
        return
    lists = rdate if isinstance(rdate, list) else [rdate]
    for value in lists:
        for moment in value.dts:
            observance.add("rdate", icalendar.vDDDLists([moment.dt]), encode=False)
