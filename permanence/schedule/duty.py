"""Who is on duty at a given moment, who comes next, who came before."""

from __future__ import annotations

from datetime import date, datetime, timedelta

from permanence.schedule.model import Schedule, Shift, Volunteer

# How far ``next_shift``/``previous_shift`` look at a time before widening.
_WINDOW = timedelta(days=14)


def _local(schedule: Schedule, at: datetime) -> datetime:
    """Return ``at`` in the schedule's timezone (naive means local already)."""
    if at.tzinfo is None:
        return at.replace(tzinfo=schedule.zone)
    return at.astimezone(schedule.zone)


def current_shifts(schedule: Schedule, at: datetime) -> list[Shift]:
    """Return the shifts under way at ``at`` (start included, end excluded)."""
    at = _local(schedule, at)
    day = at.date()
    # A shift may end after midnight, so yesterday's shifts count too.
    candidates = schedule.occurrences(day - timedelta(days=1), day + timedelta(days=1))
    return [shift for shift in candidates if shift.start <= at < shift.end]


def on_duty(schedule: Schedule, at: datetime) -> list[Volunteer]:
    """Return the volunteers on duty at ``at``, in the order the shifts list them."""
    found: dict[str, Volunteer] = {}
    for shift in current_shifts(schedule, at):
        for volunteer_id in shift.volunteers:
            volunteer = schedule.volunteer(volunteer_id)
            if volunteer is not None:
                found.setdefault(volunteer_id, volunteer)
    return list(found.values())


def next_shift(schedule: Schedule, at: datetime) -> Shift | None:
    """Return the first shift starting after ``at``, or None."""
    found = next_shifts(schedule, at)
    return found[0] if found else None


def next_shifts(schedule: Schedule, at: datetime) -> list[Shift]:
    """Return the shifts that start first after ``at`` (all those starting then)."""
    at = _local(schedule, at)
    _, span_end = schedule.span()
    start = at.date()
    while start < span_end:
        end = start + _WINDOW
        later = [s for s in schedule.occurrences(start, end) if s.start > at]
        if later:
            return [s for s in later if s.start == later[0].start]
        start = end
    return []


def previous_shift(schedule: Schedule, at: datetime) -> Shift | None:
    """Return the last shift that ended at or before ``at``, or None."""
    at = _local(schedule, at)
    span_start, _ = schedule.span()
    end = at.date() + timedelta(days=1)
    while end > span_start:
        start = max(end - _WINDOW, span_start, date.min)
        ended = [s for s in schedule.occurrences(start, end) if s.end <= at]
        if ended:
            return max(ended, key=lambda shift: (shift.end, shift.start))
        end = start
    return None


def find_shift(
    schedule: Schedule, shift_id: str, day: date | None = None
) -> Shift | None:
    """Return the occurrence ``shift_id``, or rule ``shift_id`` on ``day``."""
    rules = {rule.id: rule for rule in schedule.rules}
    rule = rules.get(shift_id)
    if rule is not None and (day is not None or not rule.recurring):
        wanted = rule.first if day is None else day
        found = schedule.occurrences(wanted, wanted + timedelta(days=1))
        return next((s for s in found if s.rule_id == rule.id), None)
    for rule in schedule.rules:
        if rule.recurring and shift_id.startswith(f"{rule.id}-"):
            stamp = shift_id[len(rule.id) + 1 :]
            try:
                wanted = datetime.strptime(stamp, "%Y%m%d").date()
            except ValueError:
                continue
            found = schedule.occurrences(wanted, wanted + timedelta(days=1))
            match = next((s for s in found if s.occurrence_id == shift_id), None)
            if match is not None:
                return match
    return None
