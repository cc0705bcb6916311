"""The schedule as a handoff sees it: who hands over, which shifts today,
who came before and who comes next."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import datetime, timedelta
from typing import TYPE_CHECKING

from permanence.calls.record import fold
from permanence.errors import UserInputError
from permanence.handoff.model import ShiftSlot
from permanence.i18n import _

if TYPE_CHECKING:
    from permanence.schedule import Schedule, Shift


def choose_volunteer(
    schedule: Schedule | None, at: datetime, given: str, configured: str
) -> str:
    """Return who hands over: ``--as``, else the user's config, else the schedule."""
    for name in (given, configured):
        if name.strip():
            return volunteer_name(schedule, name.strip())
    if schedule is not None:
        from permanence.schedule import on_duty

        names = [volunteer.name for volunteer in on_duty(schedule, at)]
        if len(names) == 1:
            return names[0]
        if names:
            message = _("{names} are on duty now: say which one you are with --as NAME")
            raise UserInputError(message.format(names=", ".join(names)))
    message = _(
        "nobody is on duty at {time} in shifts.yaml: say who you are with --as "
        "NAME (or set 'volunteer' in your config)"
    )
    raise UserInputError(message.format(time=f"{at:%Y-%m-%d %H:%M}"))


def volunteer_name(schedule: Schedule | None, given: str) -> str:
    """Return the schedule's spelling of the volunteer ``given`` designates.

    ``given`` may be an id, a full name, or the start of either when only
    one volunteer matches (``karim`` for Karim Haddad); anyone else (a
    stand-in not in the schedule) keeps the name as typed.
    """
    if schedule is None:
        return given
    key = fold(given)
    exact = [v for v in schedule.volunteers if key in (fold(v.id), fold(v.name))]
    starting = [
        v
        for v in schedule.volunteers
        if fold(v.id).startswith(key) or fold(v.name).startswith(key)
    ]
    found = exact or starting
    return found[0].name if len(found) == 1 else given


def shifts_of_day(schedule: Schedule | None, at: datetime) -> list[ShiftSlot]:
    """Return the shifts of ``at``'s day with their volunteers' names."""
    if schedule is None:
        return []
    day = at.astimezone(schedule.zone).date()
    shifts = schedule.occurrences(day, day + timedelta(days=1))
    return [slot for shift in shifts if (slot := slot_of(schedule, shift))]


def previous_shift(schedule: Schedule | None, at: datetime) -> Shift | None:
    """Return the last shift ended by ``at`` (None without a schedule)."""
    if schedule is None:
        return None
    from permanence.schedule import duty

    return duty.previous_shift(schedule, at)


def next_shift(schedule: Schedule | None, at: datetime) -> Shift | None:
    """Return the first shift starting after ``at`` (None without a schedule)."""
    if schedule is None:
        return None
    from permanence.schedule import duty

    return duty.next_shift(schedule, at)


def own_shift(schedule: Schedule | None, volunteer: str, at: datetime) -> Shift | None:
    """Return the shift of ``volunteer`` under way at ``at``, or just ended."""
    if schedule is None:
        return None
    from permanence.schedule import duty

    key = fold(volunteer)
    candidates = [*duty.current_shifts(schedule, at), previous_shift(schedule, at)]
    for shift in candidates:
        if shift is None:
            continue
        names = [fold(name) for name in _names(schedule, shift.volunteers)]
        ids = [fold(volunteer_id) for volunteer_id in shift.volunteers]
        if key in names or key in ids:
            return shift
    return None


def _names(schedule: Schedule, volunteer_ids: Iterable[str]) -> tuple[str, ...]:
    names = []
    for volunteer_id in volunteer_ids:
        volunteer = schedule.volunteer(volunteer_id)
        names.append(volunteer.name if volunteer else volunteer_id)
    return tuple(names)


def slot_of(schedule: Schedule | None, shift: Shift | None) -> ShiftSlot | None:
    """Return ``shift`` with its volunteers' names, as a handoff shows it."""
    if schedule is None or shift is None:
        return None
    names = _names(schedule, shift.volunteers)
    return ShiftSlot(shift.start, shift.end, names, shift.label)
