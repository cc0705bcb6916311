"""iCalendar files: calendar events in, RFC 5545 bytes out.

The only module that imports the ``icalendar`` library, and only inside
its functions, so that importing the plain event types below stays cheap.
Events arrive as plain dataclasses built by ``permanence.invitations``.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import TYPE_CHECKING
from zoneinfo import ZoneInfo

if TYPE_CHECKING:
    import icalendar

PRODUCT_ID = "-//permanence//Invitations//FR"
UTC = ZoneInfo("UTC")


@dataclass(frozen=True)
class Contact:
    """A person in a calendar: the organizer or an attendee."""

    name: str
    email: str


@dataclass(frozen=True)
class CalendarEvent:
    """One event, in the terms iCalendar needs."""

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
) -> bytes:
    """Return one VCALENDAR holding ``events``, with its VTIMEZONE embedded.

    ``method`` is the iTIP method (REQUEST, CANCEL, PUBLISH) or None for a
    plain calendar; attendees are asked to reply only with REQUEST.
    """
    import icalendar

    calendar = icalendar.Calendar()
    calendar.add("prodid", PRODUCT_ID)
    calendar.add("version", "2.0")
    if method:
        calendar.add("method", method)
    if name:
        calendar.add("x-wr-calname", name)
        calendar.add("x-wr-timezone", timezone)
    stamp = (stamp or datetime.now(UTC)).astimezone(UTC).replace(microsecond=0)
    zone = ZoneInfo(timezone)
    for event in events:
        calendar.add_component(_event(event, zone, stamp, rsvp=method == "REQUEST"))
    if events:
        _embed_timezone(calendar, events)
    return bytes(calendar.to_ical())


def _event(
    event: CalendarEvent, zone: ZoneInfo, stamp: datetime, rsvp: bool
) -> icalendar.Event:
    import icalendar

    component = icalendar.Event()
    component.add("uid", event.uid)
    component.add("dtstamp", stamp)
    component.add("sequence", event.sequence)
    component.add("dtstart", event.start.astimezone(zone))
    component.add("dtend", event.end.astimezone(zone))
    component.add("summary", event.summary)
    component.add("status", "CANCELLED" if event.cancelled else "CONFIRMED")
    for key, value in (
        ("description", event.description),
        ("url", event.url),
        ("location", event.location),
    ):
        if value:
            component.add(key, value)
    if event.organizer is not None:
        component.add("organizer", _address(event.organizer))
    for attendee in event.attendees:
        component.add("attendee", _address(attendee, attendee=True, rsvp=rsvp))
    if not event.cancelled:
        for delay in event.alarms:
            component.add_component(_alarm(delay, event.alarm_text or event.summary))
    return component


def _address(
    contact: Contact, attendee: bool = False, rsvp: bool = False
) -> icalendar.vCalAddress:
    import icalendar

    address = icalendar.vCalAddress(f"mailto:{contact.email}")
    if contact.name:
        address.params["CN"] = contact.name
    if attendee:
        address.params["ROLE"] = "REQ-PARTICIPANT"
        address.params["CUTYPE"] = "INDIVIDUAL"
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


def _embed_timezone(
    calendar: icalendar.Calendar, events: Sequence[CalendarEvent]
) -> None:
    """Embed a VTIMEZONE covering only the span of ``events``.

    The default VTIMEZONE covers 1970-2038 with comma-separated RDATE
    lists, which vobject reads as their first value only (so a summer shift
    would show in winter time); a narrow span, one RDATE per line, avoids it.
    """
    first = min(event.start for event in events).date() - timedelta(days=1)
    last = max(event.end for event in events).date() + timedelta(days=2)
    calendar.add_missing_timezones(first_date=first, last_date=last)
    for timezone in calendar.walk("VTIMEZONE"):
        for observance in timezone.subcomponents:
            _split_rdates(observance)


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
