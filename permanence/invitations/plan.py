"""Which events each volunteer is invited to, compared with the history.

A volunteer's event for a shift occurrence has a UID that never changes
(occurrence id + volunteer id + the association's domain); its SEQUENCE
comes from the history kept by ``permanence.invitations.state``. An event
recorded within the planned window whose shift disappeared (or whose
volunteer left the shift) becomes a cancellation (STATUS:CANCELLED,
SEQUENCE + 1).
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass, field, replace
from datetime import date, datetime, timedelta
from enum import Enum
from typing import Any

from permanence.adapters.ical import CalendarEvent, Contact
from permanence.errors import UserInputError
from permanence.i18n import _
from permanence.schedule.model import Organizer, Schedule, Shift, Volunteer
from permanence.settings import Settings

TEAM = ""  # the volunteer id under which team-calendar events are recorded
DEFAULT_DAYS = 366


class Change(Enum):
    """How an event differs from what the volunteer was last sent."""

    NEW = "new"
    CHANGED = "changed"
    UNCHANGED = "unchanged"
    CANCELLED = "cancelled"


@dataclass(frozen=True)
class Window:
    """The days planned: shifts starting on days in ``[start, end)``."""

    start: date
    end: date

    def holds(self, moment: datetime) -> bool:
        """Return True if ``moment`` falls on a day of the window."""
        return self.start <= moment.date() < self.end


@dataclass(frozen=True)
class Invitation:
    """One volunteer's event for one shift, as it is now."""

    volunteer_id: str
    occurrence_id: str
    event: CalendarEvent
    digest: str
    change: Change
    previous: tuple[datetime, datetime] | None = None  # as last sent


@dataclass
class Recipient:
    """A volunteer's invitations and cancellations in the window."""

    id: str
    name: str
    email: str
    invitations: list[Invitation] = field(default_factory=list)
    cancellations: list[Invitation] = field(default_factory=list)
    cancellations_unsent: list[Invitation] = field(default_factory=list)

    def changed(self) -> list[Invitation]:
        """Return the invitations new or changed since the last mail."""
        return [i for i in self.invitations if i.change is not Change.UNCHANGED]


@dataclass
class Plan:
    """Everything to write or send for one window, and the state it came from."""

    schedule: Schedule
    window: Window
    recipients: list[Recipient]
    team: list[Invitation]
    state: dict[str, Any]


def default_window(today: date, schedule: Schedule) -> Window:
    """Return the window used without ``--from``/``--to``: a year from today."""
    end = today + timedelta(days=DEFAULT_DAYS)
    if schedule.rules:
        end = min(end, schedule.span()[1])
    return Window(today, max(end, today + timedelta(days=1)))


def uid_domain(settings: Settings) -> str:
    """Return the domain part of new UIDs: the website's, else the coordinator's."""
    website = settings.links.get("website", "")
    host = website.split("://", 1)[-1].split("/", 1)[0].split(":", 1)[0]
    if host:
        return host.lower()
    email = settings.coordinator.email if settings.coordinator else ""
    return email.rpartition("@")[2].lower() or "permanence.invalid"


def event_uid(occurrence_id: str, volunteer_id: str, domain: str) -> str:
    """Return the stable UID of a volunteer's event (or the team's, id '')."""
    who = volunteer_id or "equipe"
    return f"{occurrence_id}.{who}@{domain}"


def plan_invitations(
    schedule: Schedule,
    settings: Settings,
    window: Window,
    state: dict[str, Any],
) -> Plan:
    """Return every volunteer's invitations and cancellations in ``window``."""
    _check_organizer(schedule)
    if not state.get("domain"):
        state["domain"] = uid_domain(settings)
    shifts = schedule.occurrences(window.start, window.end)
    content = _Content(schedule, settings)
    recipients = {v.id: _recipient(v) for v in schedule.volunteers}
    planned: set[str] = set()
    team: list[Invitation] = []
    for shift in shifts:
        team.append(_invitation(state, shift, TEAM, content.team_event(shift)))
        planned.add(team[-1].event.uid)
        for volunteer_id in shift.volunteers:
            recipient = recipients[volunteer_id]
            event = content.volunteer_event(shift, recipient)
            recipient.invitations.append(_invitation(state, shift, volunteer_id, event))
            planned.add(recipient.invitations[-1].event.uid)
    _add_cancellations(state, window, planned, recipients, content.organizer)
    return Plan(schedule, window, list(recipients.values()), team, state)


def _check_organizer(schedule: Schedule) -> None:
    organizer = schedule.coordinator
    if organizer is None or not organizer.email:
        message = _(
            "invitations need an organizer: add 'coordinator' with 'name' and "
            "'email' to the settings in {file}"
        )
        raise UserInputError(message.format(file=schedule.path or "shifts.yaml"))


def _recipient(volunteer: Volunteer) -> Recipient:
    return Recipient(volunteer.id, volunteer.name, volunteer.email)


class _Content:
    """Builds the events' content from the schedule and the settings."""

    def __init__(self, schedule: Schedule, settings: Settings) -> None:
        coordinator = schedule.coordinator
        assert coordinator is not None
        self.schedule = schedule
        self.url = settings.links.get("guide", "") or settings.links.get("website", "")
        self.description = _description(coordinator, settings.links)
        self.organizer = Contact(coordinator.name, coordinator.email)
        self.names = {v.id: v.name for v in schedule.volunteers}

    def summary(self, shift: Shift) -> str:
        """Return the event's title: the shift's label or the default one."""
        title = shift.label or _("Phone line shift")
        name = self.schedule.name
        return f"{title} \u2013 {name}" if name else title

    def event(
        self, shift: Shift, summary: str, attendees: tuple[Contact, ...] = ()
    ) -> CalendarEvent:
        """Return an event for ``shift`` (UID and SEQUENCE are set later)."""
        return CalendarEvent(
            uid="",
            start=shift.start,
            end=shift.end,
            summary=summary,
            description=self.description,
            url=self.url,
            organizer=self.organizer,
            attendees=attendees,
            alarms=self.schedule.reminders,
        )

    def volunteer_event(self, shift: Shift, recipient: Recipient) -> CalendarEvent:
        """Return the event inviting one volunteer to one shift."""
        attendee = Contact(recipient.name, recipient.email)
        attendees = (attendee,) if recipient.email else ()
        return self.event(shift, self.summary(shift), attendees)

    def team_event(self, shift: Shift) -> CalendarEvent:
        """Return the team calendar's event: who is on duty, no addresses."""
        names = ", ".join(self.names.get(v, v) for v in shift.volunteers)
        summary = self.summary(shift)
        if names:
            summary = _("{summary} ({names})").format(summary=summary, names=names)
        # No reminders: everyone subscribed would be reminded of every shift.
        return replace(self.event(shift, summary), alarms=())


def _description(coordinator: Organizer, links: dict[str, str]) -> str:
    lines = []
    for key, label in (
        ("guide", _("Volunteer guide")),
        ("sheet", _("Call sheet")),
        ("website", _("Website")),
    ):
        if links.get(key):
            lines.append(_("{label}: {link}").format(label=label, link=links[key]))
    if coordinator.email:
        text = _("Can't make it? Tell {name} ({email}).")
        lines.append(text.format(name=coordinator.name, email=coordinator.email))
    return "\n".join(lines)


def digest_of(event: CalendarEvent) -> str:
    """Return a digest of what the volunteer sees (not UID, SEQUENCE, status)."""
    content = (
        event.start.isoformat(),
        event.end.isoformat(),
        event.summary,
        event.description,
        event.url,
        event.location,
        event.organizer,
        event.attendees,
        event.alarms,
    )
    return hashlib.sha256(repr(content).encode()).hexdigest()[:20]


def _invitation(
    state: dict[str, Any], shift: Shift, volunteer_id: str, event: CalendarEvent
) -> Invitation:
    uid = event_uid(shift.occurrence_id, volunteer_id, state["domain"])
    digest = digest_of(event)
    record = state["events"].get(uid)
    sequence = 0
    if record is not None:
        same = record["digest"] == digest and not record["cancelled"]
        sequence = record["sequence"] if same else record["sequence"] + 1
    change, previous = _compared_with_sent(record, digest)
    event = replace(event, uid=uid, sequence=sequence)
    return Invitation(
        volunteer_id, shift.occurrence_id, event, digest, change, previous
    )


def _compared_with_sent(
    record: dict[str, Any] | None, digest: str
) -> tuple[Change, tuple[datetime, datetime] | None]:
    sent = record.get("sent") if record else None
    if sent is None or sent["cancelled"]:
        return Change.NEW, None
    if sent["digest"] == digest:
        return Change.UNCHANGED, None
    previous = (
        datetime.fromisoformat(sent["start"]),
        datetime.fromisoformat(sent["end"]),
    )
    return Change.CHANGED, previous


def _add_cancellations(
    state: dict[str, Any],
    window: Window,
    planned: set[str],
    recipients: dict[str, Recipient],
    organizer: Contact,
) -> None:
    """Turn recorded events of the window no longer planned into cancellations."""
    people = state["people"]
    for uid, record in state["events"].items():
        start = datetime.fromisoformat(record["start"])
        volunteer_id = record["volunteer"]
        if uid in planned or volunteer_id == TEAM or not window.holds(start):
            continue
        recipient = recipients.get(volunteer_id)
        if recipient is None:
            name, email = people.get(volunteer_id, (volunteer_id, ""))
            recipient = recipients[volunteer_id] = Recipient(volunteer_id, name, email)
        cancellation = _cancellation(uid, record, organizer, recipient)
        recipient.cancellations.append(cancellation)
        sent = record.get("sent")
        if sent is not None and not sent["cancelled"]:
            recipient.cancellations_unsent.append(cancellation)


def _cancellation(
    uid: str, record: dict[str, Any], organizer: Contact, recipient: Recipient
) -> Invitation:
    attendee = Contact(recipient.name, recipient.email)
    event = CalendarEvent(
        uid=uid,
        start=datetime.fromisoformat(record["start"]),
        end=datetime.fromisoformat(record["end"]),
        summary=record["summary"],
        organizer=organizer,
        attendees=(attendee,) if recipient.email else (),
        sequence=record["sequence"] + (0 if record["cancelled"] else 1),
        cancelled=True,
    )
    return Invitation(
        record["volunteer"],
        record["occurrence"],
        event,
        record["digest"],
        Change.CANCELLED,
    )
