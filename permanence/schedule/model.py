"""The schedule's vocabulary: volunteers, shift rules, shift occurrences.

Plain frozen dataclasses, cheap to import and to pickle (the parsed
schedule is cached so that ``permanence who`` skips the YAML parser): this
module imports nothing heavier than the standard library. Times of day are
kept as minutes since midnight so that a range can end at ``24:00``;
occurrences carry aware datetimes in the association's timezone.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta
from functools import cached_property
from pathlib import Path
from zoneinfo import ZoneInfo

# Canonical weekday names (English, Monday first, as ``date.weekday()``);
# the loader also accepts the French names.
WEEKDAYS = (
    "monday",
    "tuesday",
    "wednesday",
    "thursday",
    "friday",
    "saturday",
    "sunday",
)
MINUTES_PER_DAY = 24 * 60


@dataclass(frozen=True, order=True)
class TimeRange:
    """A range of a day, ``start`` to ``end`` in minutes since midnight."""

    start: int
    end: int

    def __str__(self) -> str:
        return f"{format_minutes(self.start)}-{format_minutes(self.end)}"

    def contains(self, other: TimeRange) -> bool:
        """Return True if ``other`` lies entirely within this range."""
        return self.start <= other.start and other.end <= self.end

    def on(self, day: date, zone: ZoneInfo) -> tuple[datetime, datetime]:
        """Return this range on ``day`` as aware datetimes in ``zone``."""
        return local_datetime(day, self.start, zone), local_datetime(
            day, self.end, zone
        )


@dataclass(frozen=True)
class DateRange:
    """Days from ``first`` to ``last``, both included, with an optional label."""

    first: date
    last: date
    label: str = ""

    def contains(self, day: date) -> bool:
        """Return True if ``day`` is in the range."""
        return self.first <= day <= self.last


@dataclass(frozen=True)
class Organizer:
    """Who sends the invitations (the ``coordinator`` setting)."""

    name: str
    email: str = ""


@dataclass(frozen=True)
class Volunteer:
    """Someone who takes shifts.

    ``availability`` maps a weekday (0 = Monday) to the time ranges the
    volunteer accepts; ``None`` means no restriction was declared.
    ``max_per_week`` is the most shifts a volunteer accepts in one ISO
    week; ``None`` means no limit.
    """

    id: str
    name: str
    email: str = ""
    phone: str = ""
    max_per_week: int | None = None
    # Left out of the hash (a dict has none); equality still compares it.
    availability: dict[int, tuple[TimeRange, ...]] | None = field(
        default=None, hash=False
    )
    away: tuple[DateRange, ...] = ()
    line: int = 0

    def is_away(self, day: date) -> bool:
        """Return True if the volunteer is away on ``day``."""
        return any(period.contains(day) for period in self.away)

    def accepts(self, weekday: int, hours: TimeRange) -> bool:
        """Return True if ``hours`` on ``weekday`` fit the declared availability."""
        if self.availability is None:
            return True
        ranges = self.availability.get(weekday, ())
        return any(available.contains(hours) for available in ranges)


@dataclass(frozen=True)
class ShiftRule:
    """A shift as written in ``shifts.yaml``: one-off or recurring.

    A one-off shift has ``first == last`` and ``every_weeks == 0``. A
    recurring one happens every ``every_weeks`` weeks on ``weekday``, from
    its first such weekday on or after ``first`` until ``last`` included,
    except the ``skip`` dates and the association's closed dates.
    """

    id: str
    hours: TimeRange
    volunteers: tuple[str, ...]
    first: date
    last: date
    every_weeks: int = 0
    weekday: int | None = None
    skip: frozenset[date] = frozenset()
    label: str = ""
    line: int = 0

    @property
    def recurring(self) -> bool:
        """Return True for a recurring shift."""
        return self.every_weeks > 0

    def days(self, start: date, end: date) -> list[date]:
        """Return the days of this rule's occurrences in ``[start, end)``.

        Closed dates are not removed here (see ``Schedule.occurrences``).
        """
        if not self.recurring:
            return [self.first] if start <= self.first < end else []
        anchor = first_weekday_on_or_after(self.first, self.weekday or 0)
        step = 7 * self.every_weeks
        low = max(start, anchor)
        offset = (low - anchor).days
        day = anchor + timedelta(days=-(-offset // step) * step)
        stop = min(end, self.last + timedelta(days=1))
        found = []
        while day < stop:
            if day not in self.skip:
                found.append(day)
            day += timedelta(days=step)
        return found


@dataclass(frozen=True)
class Shift:
    """One occurrence of a shift: who is on duty, from when until when."""

    occurrence_id: str
    rule_id: str
    start: datetime
    end: datetime
    volunteers: tuple[str, ...]
    label: str = ""

    @property
    def day(self) -> date:
        """Return the local day the shift starts on."""
        return self.start.date()


@dataclass(frozen=True)
class Schedule:
    """Everything ``shifts.yaml`` says about who is on duty when."""

    timezone: str = "Europe/Paris"
    name: str = ""
    opening_hours: dict[int, tuple[TimeRange, ...]] = field(
        default_factory=dict, hash=False
    )
    closed_dates: tuple[DateRange, ...] = ()
    reminders: tuple[timedelta, ...] = ()
    coordinator: Organizer | None = None
    volunteers: tuple[Volunteer, ...] = ()
    rules: tuple[ShiftRule, ...] = ()
    path: Path | None = None

    @cached_property
    def zone(self) -> ZoneInfo:
        """Return the association's timezone."""
        return ZoneInfo(self.timezone)

    @cached_property
    def volunteers_by_id(self) -> dict[str, Volunteer]:
        """Return the volunteers keyed by id."""
        return {volunteer.id: volunteer for volunteer in self.volunteers}

    def volunteer(self, volunteer_id: str) -> Volunteer | None:
        """Return the volunteer with this id, or None."""
        return self.volunteers_by_id.get(volunteer_id)

    @cached_property
    def closed_days(self) -> frozenset[date]:
        """Return every day the association is closed."""
        days = set()
        for period in self.closed_dates:
            day = period.first
            while day <= period.last:
                days.add(day)
                day += timedelta(days=1)
        return frozenset(days)

    def is_closed(self, day: date) -> bool:
        """Return True if the association is closed on ``day``."""
        return day in self.closed_days

    def occurrences(self, start: date, end: date) -> list[Shift]:
        """Return the shifts starting on days in ``[start, end)``, by start time."""
        shifts = [
            shift
            for rule in self.rules
            for shift in occurrences_of(rule, start, end, self)
        ]
        shifts.sort(key=lambda shift: (shift.start, shift.occurrence_id))
        return shifts

    def span(self) -> tuple[date, date]:
        """Return the first day with a shift and the day after the last one."""
        if not self.rules:
            return date.min, date.min
        first = min(rule.first for rule in self.rules)
        last = max(rule.last for rule in self.rules)
        return first, last + timedelta(days=1)


def occurrences_of(
    rule: ShiftRule, start: date, end: date, schedule: Schedule
) -> Iterable[Shift]:
    """Yield the occurrences of ``rule`` starting on days in ``[start, end)``."""
    zone = schedule.zone
    closed = schedule.closed_days if rule.recurring else frozenset()
    # Run for thousands of days: the times of day are made once per rule.
    first_offset, first_time = _wall_clock(rule.hours.start, zone)
    last_offset, last_time = _wall_clock(rule.hours.end, zone)
    combine = datetime.combine
    for day in rule.days(start, end):
        if day in closed:
            continue
        yield Shift(
            occurrence_id(rule, day),
            rule.id,
            combine(day + first_offset, first_time),
            combine(day + last_offset, last_time),
            rule.volunteers,
            rule.label,
        )


def _wall_clock(minutes: int, zone: ZoneInfo) -> tuple[timedelta, time]:
    """Return the days to add and the time of day of ``minutes`` after midnight.

    ``datetime.combine(day + days, time)`` is then ``local_datetime``.
    """
    days, minutes = divmod(minutes, MINUTES_PER_DAY)
    hour, minute = divmod(minutes, 60)
    return timedelta(days=days), time(hour, minute, tzinfo=zone)


def occurrence_id(rule: ShiftRule, day: date) -> str:
    """Return the stable id of ``rule``'s occurrence on ``day``.

    A recurring rule's occurrences are ``<rule-id>-YYYYMMDD``; a one-off
    shift has one occurrence whose id is the rule's own.
    """
    if not rule.recurring:
        return rule.id
    return f"{rule.id}-{day.isoformat().replace('-', '')}"


def local_datetime(day: date, minutes: int, zone: ZoneInfo) -> datetime:
    """Return ``day`` at ``minutes`` after midnight, wall-clock time in ``zone``."""
    if minutes >= MINUTES_PER_DAY:
        extra_days, minutes = divmod(minutes, MINUTES_PER_DAY)
        day = day + timedelta(days=extra_days)
    hour, minute = divmod(minutes, 60)
    return datetime(day.year, day.month, day.day, hour, minute, tzinfo=zone)


def first_weekday_on_or_after(day: date, weekday: int) -> date:
    """Return the first ``weekday`` (0 = Monday) on or after ``day``."""
    return day + timedelta(days=(weekday - day.weekday()) % 7)


def format_minutes(minutes: int) -> str:
    """Return ``HH:MM`` for minutes since midnight (``24:00`` for the end)."""
    return f"{minutes // 60:02d}:{minutes % 60:02d}"
