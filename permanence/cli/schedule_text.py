"""Words and formats the schedule's commands share: days, hours, names.

Light on purpose (no Rich): ``permanence who`` uses it with a caller on the
line.
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import date, datetime

from permanence.i18n import N_, _
from permanence.schedule.model import Schedule, Shift

WEEKDAY_NAMES = (
    N_("Monday"),
    N_("Tuesday"),
    N_("Wednesday"),
    N_("Thursday"),
    N_("Friday"),
    N_("Saturday"),
    N_("Sunday"),
)


def weekday_name(day: date) -> str:
    """Return the weekday of ``day`` in the interface language."""
    return _(WEEKDAY_NAMES[day.weekday()])


def format_day(day: date) -> str:
    """Return e.g. 'Tuesday 2026-12-08' ('mardi 08/12/2026' in French)."""
    return _("{weekday} {date:%Y-%m-%d}").format(weekday=weekday_name(day), date=day)


def format_clock(moment: datetime) -> str:
    """Return the local time of day as HH:MM."""
    return f"{moment:%H:%M}"


def format_span(start: datetime, end: datetime) -> str:
    """Return e.g. 'Tuesday 2026-12-08 18:00-20:00'."""
    return f"{format_day(start.date())} {format_clock(start)}-{format_clock(end)}"


def volunteer_names(schedule: Schedule, ids: Iterable[str]) -> list[str]:
    """Return the names of the volunteers ``ids`` (the id if unknown)."""
    names = []
    for volunteer_id in ids:
        volunteer = schedule.volunteer(volunteer_id)
        names.append(volunteer.name if volunteer else volunteer_id)
    return names


def shift_title(shift: Shift) -> str:
    """Return the shift's label and id, e.g. 'Evening shift (mardi-soir-20261208)'."""
    if shift.label:
        return f"{shift.label} ({shift.occurrence_id})"
    return shift.occurrence_id


def shift_json(schedule: Schedule, shift: Shift) -> dict[str, object]:
    """Return a shift as plain JSON-ready values."""
    return {
        "id": shift.occurrence_id,
        "rule": shift.rule_id,
        "label": shift.label,
        "start": shift.start.isoformat(),
        "end": shift.end.isoformat(),
        "volunteers": [
            {"id": volunteer_id, "name": name}
            for volunteer_id, name in zip(
                shift.volunteers,
                volunteer_names(schedule, shift.volunteers),
                strict=True,
            )
        ],
    }
