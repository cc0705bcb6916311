"""Which events each volunteer is invited to, compared with the history.

A volunteer's event for a shift occurrence has a UID that never changes,
``<occurrence-id>.<volunteer-id>@<domain>`` (the team calendar's is
``<occurrence-id>@<domain>``); its SEQUENCE comes from the history kept by
``permanence.invitations.state``. An event recorded within the planned
window whose shift disappeared (or whose volunteer left the shift) becomes
a cancellation (STATUS:CANCELLED, SEQUENCE + 1).
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from enum import Enum
from hashlib import sha1

from permanence.adapters.ical import CalendarEvent, Contact
from permanence.errors import UserInputError
from permanence.i18n import _
from permanence.invitations.state import History, Record, Version
from permanence.schedule.model import Organizer, Schedule, Shift
from permanence.settings import Settings

TEAM = ""  # the volunteer id of team-calendar events
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


@dataclass(slots=True)
class Invitation:
    """One volunteer's event for one shift, as it is now."""

    volunteer_id: str
    event: CalendarEvent
    version: Version
    change: Change
    previous: Version | None = None  # as last sent, for a changed event


@dataclass
class Recipient:
    """A volunteer's invitations and cancellations in the window."""

    id: str
    name: str
    email: str
    invitations: list[Invitation] = field(default_factory=list)
    cancellations: list[Invitation] = field(default_factory=list)

    def changed(self) -> list[Invitation]:
        """Return the invitations new or changed since the last mail."""
        return [i for i in self.invitations if i.change is not Change.UNCHANGED]

    def cancellations_unsent(self) -> list[Invitation]:
        """Return the cancellations to mail: of events the volunteer was mailed.

        The others (never mailed, or whose cancellation was already mailed)
        are marked UNCHANGED; they are still written to the files.
        """
        return [i for i in self.cancellations if i.change is Change.CANCELLED]


@dataclass
class Plan:
    """Everything to write or send for one window, and the history it came from."""

    schedule: Schedule
    window: Window
    recipients: list[Recipient]
    team: list[Invitation]
    history: History


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


def volunteer_of(uid: str) -> str:
    """Return the volunteer id of a volunteer's event UID.

    Volunteer ids are slugs, which hold no dot (shift ids may).
    """
    return uid.rpartition("@")[0].rpartition(".")[2]


def plan_invitations(
    schedule: Schedule, settings: Settings, window: Window, history: History
) -> Plan:
    """Return every volunteer's invitations and cancellations in ``window``."""
    _check_organizer(schedule)
    if not history.domain:
        history.domain = uid_domain(settings)
        history.changed = True
    content = _Content(schedule, settings, history)
    recipients = {v.id: Recipient(v.id, v.name, v.email) for v in schedule.volunteers}
    team: list[Invitation] = []
    for shift in schedule.occurrences(window.start, window.end):
        content.add_shift(shift, team, recipients)
    planned = {i.event.uid for i in team}
    planned.update(i.event.uid for r in recipients.values() for i in r.invitations)
    _add_cancellations(history, window, planned, recipients, content)
    return Plan(schedule, window, list(recipients.values()), team, history)


def _check_organizer(schedule: Schedule) -> None:
    organizer = schedule.coordinator
    if organizer is None or not organizer.email:
        message = _(
            "invitations need an organizer: add 'coordinator' with 'name' and "
            "'email' to the settings in {file}"
        )
        raise UserInputError(message.format(file=schedule.path or "shifts.yaml"))


class _Content:
    """Builds the events from the schedule, the settings and the history."""

    def __init__(self, schedule: Schedule, settings: Settings, history: History):
        coordinator = schedule.coordinator
        assert coordinator is not None
        self.schedule = schedule
        self.history = history
        self.url = settings.links.get("guide", "") or settings.links.get("website", "")
        self.description = _description(coordinator, settings.links)
        self.organizer = Contact(coordinator.name, coordinator.email)
        self.names = {v.id: v.name for v in schedule.volunteers}
        self.attendees: dict[str, tuple[tuple[Contact, ...], str]] = {}
        self.summaries: dict[str, str] = {}
        self.team_summaries: dict[tuple[str, tuple[str, ...]], str] = {}
        self.iso_times: dict[tuple[datetime, datetime], tuple[str, str]] = {}
        self.reminders = schedule.reminders
        # What every event shares goes into each digest, computed once.
        shared = (self.description, self.url, self.organizer, self.reminders)
        self.shared = repr(shared)

    def summary(self, label: str) -> str:
        """Return the event's title: the shift's label or the default one."""
        found = self.summaries.get(label)
        if found is None:
            title = label or _("Phone line shift")
            name = self.schedule.name
            found = f"{title} \u2013 {name}" if name else title
            self.summaries[label] = found
        return found

    def add_shift(
        self, shift: Shift, team: list[Invitation], recipients: dict[str, Recipient]
    ) -> None:
        """Add the team's invitation to ``shift`` and each of its volunteers'.

        Run for every one of thousands of shifts: what the events of one
        shift share (times, title, the start of the digested text) is
        computed once, what a volunteer's share once per volunteer.
        """
        start, end = shift.start, shift.end
        times = self.times(start, end)
        summary = self.summary(shift.label)
        shift_key = f"{times[0]}|{times[1]}|{self.shared}|"
        occurrence, domain = shift.occurrence_id, self.history.domain
        title = self.team_summary(summary, shift.volunteers)
        uid = f"{occurrence}@{domain}"  # see the module docstring
        key = f"{shift_key}{title}||False"
        team.append(self._invitation(TEAM, uid, key, times, shift, title, ()))
        prefix = f"{shift_key}{summary}|"
        for volunteer_id in shift.volunteers:
            recipient = recipients[volunteer_id]
            attendees, suffix = self._attendees(recipient)
            uid = f"{occurrence}.{volunteer_id}@{domain}"
            recipient.invitations.append(
                self._invitation(
                    volunteer_id, uid, prefix + suffix, times, shift, summary, attendees
                )
            )

    def _invitation(
        self,
        volunteer_id: str,
        uid: str,
        key: str,
        times: tuple[str, str],
        shift: Shift,
        title: str,
        attendees: tuple[Contact, ...],
    ) -> Invitation:
        """Return one invitation: its digest and SEQUENCE, compared with history."""
        digest = sha1(key.encode(), usedforsecurity=False).hexdigest()[:20]
        records = self.history.events if volunteer_id else self.history.team
        record = records.get(uid)
        version = _version(record, digest, times)
        change, previous = _compared_with_sent(record, digest)
        event = CalendarEvent(
            uid,
            shift.start,
            shift.end,
            title,
            self.description,
            self.url,
            "",
            self.organizer,
            attendees,
            self.reminders if volunteer_id else (),
            sequence=version.sequence,
        )
        return Invitation(volunteer_id, event, version, change, previous)

    def times(self, start: datetime, end: datetime) -> tuple[str, str]:
        """Return the ISO texts of a shift's times (shared by many shifts)."""
        found = self.iso_times.get((start, end))
        if found is None:
            found = self.iso_times[start, end] = (start.isoformat(), end.isoformat())
        return found

    def team_summary(self, summary: str, volunteers: tuple[str, ...]) -> str:
        """Return the team calendar's title: the summary and who is on duty."""
        key = (summary, volunteers)
        found = self.team_summaries.get(key)
        if found is None:
            found = summary
            names = ", ".join(self.names.get(v, v) for v in volunteers)
            if names:
                found = _("{summary} ({names})").format(summary=summary, names=names)
            self.team_summaries[key] = found
        return found

    def _attendees(self, recipient: Recipient) -> tuple[tuple[Contact, ...], str]:
        """Return the volunteer's ATTENDEE (none without email) and digest suffix."""
        found = self.attendees.get(recipient.id)
        if found is None:
            contacts: tuple[Contact, ...] = ()
            if recipient.email:
                contacts = (Contact(recipient.name, recipient.email),)
            suffix = f"{contacts!r}|{bool(self.reminders)}"
            found = self.attendees[recipient.id] = (contacts, suffix)
        return found


def _description(coordinator: Organizer, links: Mapping[str, str]) -> str:
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


def _version(record: Record | None, digest: str, times: tuple[str, str]) -> Version:
    """Keep the SEQUENCE of unchanged content; add one for any change.

    Unchanged content (the digest covers the times) keeps the recorded
    version itself: most events of a run are unchanged.
    """
    if record is None:
        return Version(digest, 0, False, *times)
    issued = record.issued
    if issued.digest == digest and not issued.cancelled:
        return issued
    return Version(digest, issued.sequence + 1, False, *times)


def _compared_with_sent(
    record: Record | None, digest: str
) -> tuple[Change, Version | None]:
    sent = record.sent if record else None
    if sent is None or sent.cancelled:
        return Change.NEW, None
    if sent.digest == digest:
        return Change.UNCHANGED, None
    return Change.CHANGED, sent


def _add_cancellations(
    history: History,
    window: Window,
    planned: set[str],
    recipients: dict[str, Recipient],
    content: _Content,
) -> None:
    """Turn recorded events of the window no longer planned into cancellations."""
    first, last = window.start.isoformat(), window.end.isoformat()
    for uid, record in history.events.items():
        if uid in planned or not first <= record.issued.start[:10] < last:
            continue
        volunteer_id = volunteer_of(uid)
        recipient = recipients.get(volunteer_id)
        if recipient is None:
            name, email = history.people.get(volunteer_id, [volunteer_id, ""])
            recipient = recipients[volunteer_id] = Recipient(volunteer_id, name, email)
        recipient.cancellations.append(_cancellation(uid, record, recipient, content))


def _cancellation(
    uid: str, record: Record, recipient: Recipient, content: _Content
) -> Invitation:
    issued = record.issued
    version = issued._replace(
        sequence=issued.sequence + (0 if issued.cancelled else 1), cancelled=True
    )
    attendee = Contact(recipient.name, recipient.email)
    event = CalendarEvent(
        uid=uid,
        start=datetime.fromisoformat(issued.start),
        end=datetime.fromisoformat(issued.end),
        summary=content.summary(""),
        organizer=content.organizer,
        attendees=(attendee,) if recipient.email else (),
        sequence=version.sequence,
        cancelled=True,
    )
    sent = record.sent
    # Only an event the volunteer was mailed (and not yet cancelled) needs a mail.
    mailed = sent is not None and not sent.cancelled
    change = Change.CANCELLED if mailed else Change.UNCHANGED
    return Invitation(recipient.id, event, version, change, sent)
