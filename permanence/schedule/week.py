"""One week of the schedule as a grid: days across, time slots down."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, timedelta

from permanence.schedule.coverage import find_gaps, local_hours
from permanence.schedule.model import Schedule, Shift, TimeRange


@dataclass(frozen=True)
class Cell:
    """One day and time slot: the shifts in it, and whether it is a gap."""

    shifts: tuple[Shift, ...] = ()
    open: bool = False
    gap: bool = False


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
    start, end = slot.on(day, schedule.zone)
    inside = tuple(s for s in shifts if s.start < end and start < s.end)
    is_open = not schedule.is_closed(day) and any(
        hours.start < slot.end and slot.start < hours.end
        for hours in schedule.opening_hours.get(day.weekday(), ())
    )
    gap = any(g_start < end and start < g_end for g_start, g_end in gaps)
    return Cell(inside, is_open, gap)
