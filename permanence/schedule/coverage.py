"""Coverage of the opening hours: gaps, overloads, conflicts, stand-ins.

``check_coverage`` looks at the days of a range: the opening hours with
nobody on duty (closed dates excepted), the volunteers booked more often
in an ISO week than their ``max_per_week``, and the shifts that fall
outside a volunteer's declared availability or during their time away.
For each gap and each conflict it suggests who could step in.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta

from permanence.schedule.model import Schedule, Shift, TimeRange, Volunteer

IsoWeek = tuple[int, int]
AWAY = "away"
UNAVAILABLE = "unavailable"


@dataclass(frozen=True)
class Candidate:
    """A volunteer who could take a shift, with how busy they already are."""

    volunteer: Volunteer
    week_load: int
    total_load: int


@dataclass(frozen=True)
class Gap:
    """Opening hours with nobody on duty."""

    start: datetime
    end: datetime
    candidates: tuple[Candidate, ...] = ()


@dataclass(frozen=True)
class Overload:
    """A volunteer booked more often in one ISO week than they accept.

    ``candidates`` could take the week's last shift instead.
    """

    volunteer: Volunteer
    week: IsoWeek
    shifts: tuple[Shift, ...]
    candidates: tuple[Candidate, ...] = ()


@dataclass(frozen=True)
class Conflict:
    """A volunteer booked while away (``AWAY``) or outside their availability."""

    shift: Shift
    volunteer: Volunteer
    reason: str
    candidates: tuple[Candidate, ...] = ()


@dataclass(frozen=True)
class CoverageReport:
    """What ``check_coverage`` found in ``[start, end)``."""

    start: date
    end: date
    shifts: tuple[Shift, ...]
    gaps: tuple[Gap, ...] = ()
    overloads: tuple[Overload, ...] = ()
    conflicts: tuple[Conflict, ...] = ()

    @property
    def has_problems(self) -> bool:
        """Return True if anything needs a coordinator's attention."""
        return bool(self.gaps or self.overloads or self.conflicts)


@dataclass
class Bookings:
    """Who is booked when, over whole ISO weeks around a range."""

    schedule: Schedule
    shifts: list[Shift]
    by_volunteer: dict[str, list[Shift]] = field(default_factory=dict)
    week_counts: dict[tuple[str, IsoWeek], int] = field(default_factory=dict)

    @classmethod
    def around(cls, schedule: Schedule, start: date, end: date) -> Bookings:
        """Index the shifts of the ISO weeks covering ``[start, end)``."""
        first = start - timedelta(days=start.weekday())
        last = end + timedelta(days=(7 - end.weekday()) % 7)
        shifts = schedule.occurrences(first, last)
        by_volunteer: dict[str, list[Shift]] = defaultdict(list)
        counts: dict[tuple[str, IsoWeek], int] = defaultdict(int)
        for shift in shifts:
            week = iso_week(shift.day)
            for volunteer_id in shift.volunteers:
                by_volunteer[volunteer_id].append(shift)
                counts[(volunteer_id, week)] += 1
        return cls(schedule, shifts, dict(by_volunteer), dict(counts))

    def week_load(self, volunteer_id: str, day: date) -> int:
        """Return how many shifts the volunteer has in ``day``'s ISO week."""
        return self.week_counts.get((volunteer_id, iso_week(day)), 0)

    def is_busy(self, volunteer_id: str, start: datetime, end: datetime) -> bool:
        """Return True if the volunteer has a shift overlapping ``[start, end)``."""
        booked = self.by_volunteer.get(volunteer_id, ())
        return any(s.start < end and start < s.end for s in booked)


def iso_week(day: date) -> IsoWeek:
    """Return the (ISO year, ISO week number) of ``day``."""
    calendar = day.isocalendar()
    return calendar.year, calendar.week


def check_coverage(schedule: Schedule, start: date, end: date) -> CoverageReport:
    """Return the gaps, overloads and conflicts of the days ``[start, end)``."""
    bookings = Bookings.around(schedule, start, end)
    shifts = [s for s in bookings.shifts if start <= s.day < end]
    gaps = [
        Gap(begin, finish, tuple(standins_for(bookings, begin, finish)))
        for begin, finish in find_gaps(schedule, shifts, start, end)
    ]
    return CoverageReport(
        start=start,
        end=end,
        shifts=tuple(shifts),
        gaps=tuple(gaps),
        overloads=tuple(find_overloads(bookings, start, end)),
        conflicts=tuple(find_conflicts(bookings, shifts)),
    )


def find_gaps(
    schedule: Schedule, shifts: list[Shift], start: date, end: date
) -> list[tuple[datetime, datetime]]:
    """Return the opening hours of ``[start, end)`` that no shift covers."""
    by_day: dict[date, list[Shift]] = defaultdict(list)
    for shift in shifts:
        by_day[shift.day].append(shift)
    gaps = []
    day = start
    while day < end:
        if not schedule.is_closed(day):
            for hours in schedule.opening_hours.get(day.weekday(), ()):
                begin, finish = hours.on(day, schedule.zone)
                gaps += _uncovered(begin, finish, by_day.get(day, []))
        day += timedelta(days=1)
    return gaps


def _uncovered(
    begin: datetime, finish: datetime, shifts: list[Shift]
) -> list[tuple[datetime, datetime]]:
    """Return the parts of ``[begin, finish)`` outside every shift."""
    gaps = []
    cursor = begin
    for shift in sorted(shifts, key=lambda s: s.start):
        if shift.end <= cursor or shift.start >= finish:
            continue
        if shift.start > cursor:
            gaps.append((cursor, shift.start))
        cursor = max(cursor, shift.end)
    if cursor < finish:
        gaps.append((cursor, finish))
    return gaps


def find_overloads(bookings: Bookings, start: date, end: date) -> list[Overload]:
    """Return the volunteers over their weekly maximum, week by week."""
    found = []
    weeks_in_range = {
        iso_week(start + timedelta(days=n)) for n in range((end - start).days)
    }
    for volunteer in bookings.schedule.volunteers:
        limit = volunteer.max_per_week
        if limit is None:
            continue
        per_week: dict[IsoWeek, list[Shift]] = defaultdict(list)
        for shift in bookings.by_volunteer.get(volunteer.id, ()):
            per_week[iso_week(shift.day)].append(shift)
        for week, shifts in sorted(per_week.items()):
            if week in weeks_in_range and len(shifts) > limit:
                last = shifts[-1]
                candidates = standins_for(bookings, last.start, last.end, last)
                found.append(
                    Overload(volunteer, week, tuple(shifts), tuple(candidates))
                )
    return found


def find_conflicts(bookings: Bookings, shifts: list[Shift]) -> list[Conflict]:
    """Return the bookings during time away or outside declared availability."""
    found = []
    schedule = bookings.schedule
    for shift in shifts:
        for volunteer_id in shift.volunteers:
            volunteer = schedule.volunteer(volunteer_id)
            if volunteer is None:
                continue
            reason = conflict_reason(volunteer, shift)
            if reason:
                candidates = standins_for(bookings, shift.start, shift.end, shift)
                found.append(Conflict(shift, volunteer, reason, tuple(candidates)))
    return found


def conflict_reason(volunteer: Volunteer, shift: Shift) -> str:
    """Return ``AWAY``, ``UNAVAILABLE`` or '' for the volunteer on ``shift``."""
    if volunteer.is_away(shift.day):
        return AWAY
    if not volunteer.accepts(shift.day.weekday(), local_hours(shift.start, shift.end)):
        return UNAVAILABLE
    return ""


def local_hours(start: datetime, end: datetime) -> TimeRange:
    """Return ``[start, end)`` as minutes of ``start``'s day (end may pass 24:00)."""
    first = start.hour * 60 + start.minute
    days = (end.date() - start.date()).days
    return TimeRange(first, days * 1440 + end.hour * 60 + end.minute)


def standins_for(
    bookings: Bookings, start: datetime, end: datetime, shift: Shift | None = None
) -> list[Candidate]:
    """Return who could be on duty ``[start, end)``, least loaded first.

    A candidate accepts those hours, is not away, has no other shift then
    and stays within their weekly maximum. Volunteers already on ``shift``
    are left out.
    """
    day = start.date()
    hours = local_hours(start, end)
    taken = set(shift.volunteers) if shift else set()
    found = []
    for volunteer in bookings.schedule.volunteers:
        if volunteer.id in taken or volunteer.is_away(day):
            continue
        if not volunteer.accepts(day.weekday(), hours):
            continue
        if bookings.is_busy(volunteer.id, start, end):
            continue
        week_load = bookings.week_load(volunteer.id, day)
        if volunteer.max_per_week is not None and week_load >= volunteer.max_per_week:
            continue
        total = len(bookings.by_volunteer.get(volunteer.id, ()))
        found.append(Candidate(volunteer, week_load, total))
    found.sort(key=lambda c: (c.week_load, c.total_load, c.volunteer.name))
    return found


def standins(schedule: Schedule, shift: Shift, weeks: int = 4) -> list[Candidate]:
    """Return who could take ``shift``, least loaded first (load over +-weeks)."""
    margin = timedelta(weeks=weeks)
    bookings = Bookings.around(schedule, shift.day - margin, shift.day + margin)
    return standins_for(bookings, shift.start, shift.end, shift)
