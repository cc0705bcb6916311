"""Shifts and volunteers: the schedule written in ``shifts.yaml``.

Importing this package stays cheap (standard library only): the YAML
loader is imported when a schedule is actually parsed.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from permanence.schedule.duty import (
    current_shifts,
    find_shift,
    next_shift,
    next_shifts,
    on_duty,
    previous_shift,
)
from permanence.schedule.model import (
    WEEKDAYS,
    DateRange,
    Organizer,
    Schedule,
    Shift,
    ShiftRule,
    TimeRange,
    Volunteer,
)

if TYPE_CHECKING:
    from permanence.workspace import Workspace

__all__ = [
    "WEEKDAYS",
    "DateRange",
    "Organizer",
    "Schedule",
    "Shift",
    "ShiftRule",
    "TimeRange",
    "Volunteer",
    "current_shifts",
    "find_shift",
    "load_schedule",
    "next_shift",
    "next_shifts",
    "on_duty",
    "previous_shift",
]


def load_schedule(workspace: Workspace, use_cache: bool = True) -> Schedule:
    """Return the workspace's schedule; raise ``InvalidInputError`` if broken."""
    from permanence.schedule.loader import load_schedule as load

    return load(workspace, use_cache=use_cache)
