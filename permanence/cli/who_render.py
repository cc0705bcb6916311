"""Output of ``permanence who``: plain text, no Rich, printed in a blink."""

from __future__ import annotations

from datetime import datetime

from permanence.cli.plain import styled
from permanence.cli.schedule_text import (
    format_clock,
    format_day,
    format_span,
    shift_json,
)
from permanence.i18n import _
from permanence.schedule.model import Schedule, Shift


def print_who(
    schedule: Schedule, at: datetime, now: list[Shift], upcoming: list[Shift]
) -> None:
    """Print who is on duty at ``at`` and who comes next."""
    print(styled(f"{format_day(at.date())} {format_clock(at)}", bold=True))
    if now:
        # Shifts ending together are listed under one heading.
        by_end: dict[datetime, list[Shift]] = {}
        for shift in now:
            by_end.setdefault(shift.end, []).append(shift)
        for end, shifts in sorted(by_end.items()):
            print(_("On duty until {end}:").format(end=format_clock(end)))
            for shift in shifts:
                _print_people(schedule, shift)
    else:
        print(_("Nobody is on duty at this time."))
    if not upcoming:
        print(_("No shift is planned after this."))
        return
    for shift in upcoming:
        print(_("Next: {when}").format(when=format_span(shift.start, shift.end)))
        _print_people(schedule, shift)


def _print_people(schedule: Schedule, shift: Shift) -> None:
    for volunteer_id in shift.volunteers:
        volunteer = schedule.volunteer(volunteer_id)
        if volunteer is None:
            continue
        phone = volunteer.phone or _("no phone number")
        print(f"  {styled(volunteer.name, bold=True)}  {phone}")


def print_who_json(
    schedule: Schedule, at: datetime, now: list[Shift], upcoming: list[Shift]
) -> None:
    """Print who is on duty and who is next as JSON."""
    from permanence.cli.output import print_json

    on_duty = []
    for shift in now:
        for volunteer_id in shift.volunteers:
            volunteer = schedule.volunteer(volunteer_id)
            if volunteer is not None:
                on_duty.append(
                    {
                        "id": volunteer.id,
                        "name": volunteer.name,
                        "phone": volunteer.phone,
                        "email": volunteer.email,
                        "until": shift.end.isoformat(),
                        "shift": shift.occurrence_id,
                    }
                )
    print_json(
        {
            "at": at.isoformat(),
            "on_duty": on_duty,
            "next": [shift_json(schedule, shift) for shift in upcoming],
        }
    )
