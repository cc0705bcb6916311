"""Checks that need the whole schedule: a volunteer booked twice at once."""

from __future__ import annotations

import difflib
from collections import defaultdict
from collections.abc import Iterable
from pathlib import Path

from permanence.adapters.yamlfile import Position
from permanence.errors import Problem
from permanence.i18n import _
from permanence.schedule.model import Schedule, Shift


def closest_id(wanted: str, known: Iterable[str]) -> str:
    """Return the known id closest to ``wanted`` ("did you mean"), or ''."""
    close = difflib.get_close_matches(wanted, list(known), n=1, cutoff=0.6)
    return close[0] if close else ""


def double_bookings(schedule: Schedule) -> dict[tuple[str, str, str], list[Shift]]:
    """Return the overlapping later shifts per (volunteer, earlier, later rule)."""
    start, end = schedule.span()
    by_volunteer: dict[str, list[Shift]] = defaultdict(list)
    for shift in schedule.occurrences(start, end):
        for volunteer_id in shift.volunteers:
            by_volunteer[volunteer_id].append(shift)
    found: dict[tuple[str, str, str], list[Shift]] = defaultdict(list)
    for volunteer_id, shifts in by_volunteer.items():
        # Occurrences are sorted by start: compare each with the one that
        # ends last among those before it.
        latest: Shift | None = None
        for shift in shifts:
            if latest is not None and shift.start < latest.end:
                found[(volunteer_id, latest.rule_id, shift.rule_id)].append(shift)
            if latest is None or shift.end > latest.end:
                latest = shift
    return found


def booking_problems(
    schedule: Schedule, positions: dict[str, Position], path: Path
) -> list[Problem]:
    """Return one problem per pair of shifts booking a volunteer twice at once."""
    problems = []
    for (volunteer_id, earlier, later), shifts in double_bookings(schedule).items():
        first = shifts[0]
        when = f"{first.start:%Y-%m-%d %H:%M}"
        if len(shifts) > 1:
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
            volunteer=volunteer_id,
            later=later,
            earlier=earlier,
            line=positions[earlier][0],
            when=when,
            more=len(shifts) - 1,
        )
        problems.append(Problem(path, text, *positions[later]))
    return problems
