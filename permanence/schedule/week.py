"""One week of the schedule as a grid: days across, time slots down."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, timedelta

from permanence.schedule.coverage import find_gaps, local_hours
from permanence.schedule.model import Schedule, Shift, TimeRange


@dataclass(frozen=True)
class Cell:
    """One day and time slot: its shifts, and its opening hours left uncovered.

    A shift shows in the slot of its own hours; a gap shows in the slot of
    the opening hours it belongs to.
    """

    shifts: tuple[Shift, ...] = ()
    open: bool = False
    gaps: tuple[tuple[datetime, datetime], ...] = ()

    @property
    def gap(self) -> bool:
        """Return True if part of these opening hours has nobody on duty."""
        return bool(self.gaps)


@dataclass(frozen=True)
class WeekView:
    """The week starting on ``monday``: its slots and what happens in each."""

    monday: date
    days: tuple[date, ...]
    slots: tuple[TimeRange, ...]
    cells: dict[tuple[date, TimeRange], Cell]
    closed: dict[date, str]
    shifts: tuple[Shift, ...]

    def cell(self, day: date, slot: TimeRange) -> Cell:
        """Return the cell of ``day`` and ``slot`` (empty if nothing happens)."""
        return self.cells.get((day, slot), Cell())


def week_view(schedule: Schedule, day: date) -> WeekView:
    """Return the grid of the ISO week holding ``day``."""
    monday = day - timedelta(days=day.weekday())
    days = tuple(monday + timedelta(days=n) for n in range(7))
    shifts = schedule.occurrences(monday, monday + timedelta(days=7))
    gaps = find_gaps(schedule, shifts, monday, monday + timedelta(days=7))
    closed = {d: _closed_label(schedule, d) for d in days if schedule.is_closed(d)}
    slots = _slots(schedule, days, shifts, closed)
    cells = {}
    for current in days:
        for slot in slots:
            cells[(current, slot)] = _cell(schedule, current, slot, shifts, gaps)
    return WeekView(monday, days, slots, cells, closed, tuple(shifts))


def _closed_label(schedule: Schedule, day: date) -> str:
    labels = [p.label for p in schedule.closed_dates if p.contains(day) and p.label]
    return labels[0] if labels else ""


def _slots(
    schedule: Schedule,
    days: tuple[date, ...],
    shifts: list[Shift],
    closed: dict[date, str],
) -> tuple[TimeRange, ...]:
    """Return the time slots of the week: opening hours and shift hours."""
    slots = {local_hours(shift.start, shift.end) for shift in shifts}
    for current in days:
        if current not in closed:
            slots.update(schedule.opening_hours.get(current.weekday(), ()))
    return tuple(sorted(slots))


def _cell(
    schedule: Schedule,
    day: date,
    slot: TimeRange,
    shifts: list[Shift],
    gaps: list[tuple[datetime, datetime]],
) -> Cell:
    """Return the shifts of exactly these hours, and the gaps of these opening hours."""
    inside = tuple(
        s for s in shifts if s.day == day and local_hours(s.start, s.end) == slot
    )
    is_open = not schedule.is_closed(day) and slot in schedule.opening_hours.get(
        day.weekday(), ()
    )
    start, end = slot.on(day, schedule.zone)
    found = tuple((a, b) for a, b in gaps if is_open and a < end and start < b)
    return Cell(inside, is_open, found)
