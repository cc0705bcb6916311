"""Parsing ``shifts.yaml`` into a ``Schedule``, finding every problem at once.

The settings block is read by ``permanence.settings``; the schedule's own
settings (``opening_hours``, ``closed_dates``, ``reminders``) are read here
from its located raw values, then the volunteers and the shifts. Checks
that need the whole file (unknown volunteers, duplicate ids, a volunteer
booked twice at once) run last.
"""

from __future__ import annotations

import re
from datetime import timedelta
from pathlib import Path
from typing import Any

from permanence.adapters.yamlfile import (
    LocatedDict,
    LocatedList,
    Position,
    unknown_key_problems,
)
from permanence.errors import Problem
from permanence.i18n import _
from permanence.schedule.checks import booking_problems
from permanence.schedule.fields import FieldReader
from permanence.schedule.model import (
    DateRange,
    Organizer,
    Schedule,
    ShiftRule,
    TimeRange,
    Volunteer,
)
from permanence.schedule.shifts import read_shift
from permanence.settings import Settings, parse_settings

TOP_KEYS = ("settings", "volunteers", "shifts")
VOLUNTEER_KEYS = (
    "id",
    "name",
    "email",
    "phone",
    "max_per_week",
    "availability",
    "away",
)
_SLUG = re.compile(r"[a-z0-9][a-z0-9_-]*")
_EMAIL = re.compile(r"[^@\s]+@[^@\s]+\.[^@\s]+")


def parse_schedule(document: LocatedDict, path: Path) -> tuple[Schedule, list[Problem]]:
    """Return the schedule of a parsed ``shifts.yaml`` and every problem in it."""
    reader = FieldReader(path)
    reader.problems += unknown_key_problems(document, TOP_KEYS, path, "shifts.yaml")
    settings, problems = parse_settings(document, path)
    reader.problems += problems
    volunteers = read_volunteers(reader, document)
    known = {volunteer.id for volunteer in volunteers}
    rules, positions = read_rules(reader, document, known)
    schedule = Schedule(
        timezone=settings.timezone,
        name=settings.name,
        opening_hours=read_opening_hours(reader, settings.raw),
        closed_dates=read_closed_dates(reader, settings.raw),
        reminders=read_reminders(reader, settings.raw),
        coordinator=_organizer(settings),
        volunteers=tuple(volunteers),
        rules=tuple(rules),
        path=path,
    )
    reader.problems += booking_problems(schedule, positions, path)
    return schedule, reader.problems


def _organizer(settings: Settings) -> Organizer | None:
    person = settings.coordinator
    return None if person is None else Organizer(person.name, person.email)


def read_opening_hours(
    reader: FieldReader, raw: LocatedDict
) -> dict[int, tuple[TimeRange, ...]]:
    """Return the ``opening_hours`` setting (weekday -> time ranges)."""
    if raw.get("opening_hours") is None:
        return {}
    where = "settings.opening_hours"
    return reader.weekly_hours(
        raw["opening_hours"], raw.value_at("opening_hours"), where
    )


def read_closed_dates(reader: FieldReader, raw: LocatedDict) -> tuple[DateRange, ...]:
    """Return the ``closed_dates`` setting (holidays, breaks)."""
    if raw.get("closed_dates") is None:
        return ()
    return reader.date_ranges(raw["closed_dates"], raw.value_at("closed_dates"))


def read_reminders(reader: FieldReader, raw: LocatedDict) -> tuple[timedelta, ...]:
    """Return the ``reminders`` setting: how long before a shift to remind."""
    value = raw.get("reminders")
    if value is None:
        return ()
    items = value if isinstance(value, LocatedList) else [value]
    found = []
    for index, item in enumerate(items):
        position = (
            value.item_at(index)
            if isinstance(value, LocatedList)
            else raw.value_at("reminders")
        )
        duration = reader.duration(item, position)
        if duration is not None:
            found.append(duration)
    return tuple(sorted(found, reverse=True))


def _items(reader: FieldReader, document: LocatedDict, key: str) -> LocatedList:
    """Return the list under ``key`` (empty, with a problem, if not a list)."""
    value = document.get(key)
    if value is None:
        return LocatedList()
    if not isinstance(value, LocatedList):
        message = _("'{key}' must be a list, each item starting with '- '")
        reader.fail(document.value_at(key), message.format(key=key))
        return LocatedList()
    return value


def read_volunteers(reader: FieldReader, document: LocatedDict) -> list[Volunteer]:
    """Return the volunteers, each id once."""
    volunteers: list[Volunteer] = []
    seen: dict[str, int] = {}
    items = _items(reader, document, "volunteers")
    for index, item in enumerate(items):
        volunteer = read_volunteer(reader, item, items.item_at(index))
        if volunteer is None:
            continue
        if volunteer.id in seen:
            message = _(
                "volunteer id '{id}' is already used on line {line}: ids must be unique"
            )
            reader.fail(
                item.value_at("id"),
                message.format(id=volunteer.id, line=seen[volunteer.id]),
            )
            continue
        seen[volunteer.id] = volunteer.line
        volunteers.append(volunteer)
    return volunteers


def read_volunteer(
    reader: FieldReader, item: Any, position: Position
) -> Volunteer | None:
    """Return one volunteer, or None if its id or name is unusable."""
    if not isinstance(item, LocatedDict):
        reader.fail(
            position,
            _("each volunteer must be a mapping: 'id', 'name', 'email', 'phone'..."),
        )
        return None
    volunteer_id = reader.text(item, "id", required=True)
    where = _("volunteer '{id}'").format(id=volunteer_id or "?")
    reader.problems += unknown_key_problems(item, VOLUNTEER_KEYS, reader.path, where)
    if volunteer_id and not _SLUG.fullmatch(volunteer_id):
        message = _(
            "id '{id}' must use lowercase letters, digits and '-', e.g. 'marie-dupont'"
        )
        reader.fail(item.value_at("id"), message.format(id=volunteer_id))
    email = reader.text(item, "email")
    if email and not _EMAIL.fullmatch(email):
        message = _("'{value}' is not an email address: write it name@example.org")
        reader.fail(item.value_at("email"), message.format(value=email))
    name = reader.text(item, "name", required=True)
    if not volunteer_id:
        return None
    return Volunteer(
        id=volunteer_id,
        name=name or volunteer_id,
        email=email,
        phone=reader.text(item, "phone"),
        max_per_week=_max_per_week(reader, item),
        availability=_availability(reader, item),
        away=_away(reader, item),
        line=item.start[0],
    )


def _max_per_week(reader: FieldReader, item: LocatedDict) -> int | None:
    value = item.get("max_per_week")
    if value is None:
        return None
    if isinstance(value, bool) or not isinstance(value, int) or value <= 0:
        message = _("'max_per_week' must be a whole number above 0, not '{value}'")
        reader.fail(item.value_at("max_per_week"), message.format(value=value))
        return None
    return value


def _availability(
    reader: FieldReader, item: LocatedDict
) -> dict[int, tuple[TimeRange, ...]] | None:
    if item.get("availability") is None:
        return None
    position = item.value_at("availability")
    return reader.weekly_hours(item["availability"], position, "availability")


def _away(reader: FieldReader, item: LocatedDict) -> tuple[DateRange, ...]:
    if item.get("away") is None:
        return ()
    return reader.date_ranges(item["away"], item.value_at("away"))


def read_rules(
    reader: FieldReader, document: LocatedDict, known: set[str]
) -> tuple[list[ShiftRule], dict[str, Position]]:
    """Return the shift rules and where each one starts, each id once."""
    rules: list[ShiftRule] = []
    positions: dict[str, Position] = {}
    items = _items(reader, document, "shifts")
    for index, item in enumerate(items):
        rule = read_shift(reader, item, items.item_at(index), known)
        if rule is None:
            continue
        if rule.id in positions:
            line = positions[rule.id][0]
            message = _(
                "shift id '{id}' is already used on line {line}: "
                "give each shift its own 'id'"
            )
            where = item.value_at("id") if "id" in item else item.start
            reader.fail(where, message.format(id=rule.id, line=line))
            continue
        positions[rule.id] = item.start
        rules.append(rule)
    return rules, positions
