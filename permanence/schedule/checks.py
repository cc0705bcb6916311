"""Checks that need the whole schedule: a volunteer booked twice at once."""

from __future__ import annotations

import difflib
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date, timedelta
from itertools import combinations
from pathlib import Path

from permanence.adapters.yamlfile import Position
from permanence.errors import Problem
from permanence.i18n import _
from permanence.schedule.model import Schedule, ShiftRule, format_minutes


def closest_id(wanted: str, known: Iterable[str]) -> str:
    """Return the known id closest to ``wanted`` ("did you mean"), or ''."""
    close = difflib.get_close_matches(wanted, list(known), n=1, cutoff=0.6)
    return close[0] if close else ""


@dataclass(frozen=True)
class DoubleBooking:
    """A volunteer on two shifts whose hours overlap, on the given days."""

    volunteer: str
    earlier: ShiftRule
    later: ShiftRule
    days: tuple[date, ...]


def double_bookings(schedule: Schedule) -> list[DoubleBooking]:
    """Return every pair of shifts booking one volunteer twice at once.

    Hours never run past midnight, so two shifts can only overlap on a day
    they share: comparing rules pairwise avoids expanding every occurrence.
    """
    rules_of: dict[str, list[ShiftRule]] = defaultdict(list)
    for rule in schedule.rules:
        for volunteer_id in rule.volunteers:
            rules_of[volunteer_id].append(rule)
    found = []
    for volunteer_id, rules in rules_of.items():
        for first, second in combinations(rules, 2):
            a, b = first.hours, second.hours
            if not (a.start < b.end and b.start < a.end):
                continue
            days = _shared_days(schedule, first, second)
            if days:
                earlier, later = sorted((first, second), key=lambda r: r.hours.start)
                found.append(DoubleBooking(volunteer_id, earlier, later, days))
    return found


def _shared_days(
    schedule: Schedule, first: ShiftRule, second: ShiftRule
) -> tuple[date, ...]:
    start = max(first.first, second.first)
    end = min(first.last, second.last) + timedelta(days=1)
    if start >= end:
        return ()
    days = set(first.days(start, end)).intersection(second.days(start, end))
    if first.recurring or second.recurring:
        # A closed date cancels the recurring shift, so no overlap that day.
        days -= schedule.closed_days
    return tuple(sorted(days))


def booking_problems(
    schedule: Schedule, positions: dict[str, Position], path: Path
) -> list[Problem]:
    """Return one problem per pair of shifts booking a volunteer twice at once."""
    problems = []
    for booking in double_bookings(schedule):
        day, later = booking.days[0], booking.later
        when = f"{day.isoformat()} {format_minutes(later.hours.start)}"
        if len(booking.days) > 1:
            message = _(
                "'{volunteer}' is booked twice at once: shift '{later}' overlaps "
                "'{earlier}' (line {line}) on {when} and {more} more time(s); "
                "change the time or the volunteer"
            )
        else:
            message = _(
                "'{volunteer}' is booked twice at once: shift '{later}' overlaps "
                "'{earlier}' (line {line}) on {when}; change the time or the volunteer"
            )
        text = message.format(
            volunteer=booking.volunteer,
            later=later.id,
            earlier=booking.earlier.id,
            line=positions[booking.earlier.id][0],
            when=when,
            more=len(booking.days) - 1,
        )
        problems.append(Problem(path, text, *positions[later.id]))
    return problems
