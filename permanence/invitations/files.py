"""Writing the calendar files: one per volunteer, cancellations, the team's.

``<id>.ics`` holds a volunteer's invitations (METHOD:REQUEST, or PUBLISH
for a volunteer without an email address, who cannot answer);
``<id>-annulations.ics`` their cancellations (METHOD:CANCEL: one iCalendar
object has one METHOD); ``equipe.ics`` the team calendar (METHOD:PUBLISH,
names only, no addresses), for a shared or subscribed calendar.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date, datetime
from pathlib import Path

from permanence.errors import UserInputError
from permanence.i18n import _
from permanence.invitations.plan import TEAM, Invitation, Plan
from permanence.invitations.state import record_issued, remember_people, write_state
from permanence.workspace import Workspace

TEAM_FILE = "equipe.ics"
CANCELLED_SUFFIX = "-annulations"


@dataclass(frozen=True)
class WrittenFile:
    """One calendar file written by ``write_invitations``."""

    path: Path
    volunteer_id: str
    events: int
    method: str


def write_invitations(
    workspace: Workspace, plan: Plan, folder: Path, stamp: datetime
) -> list[WrittenFile]:
    """Write each volunteer's calendar, their cancellations and the team's."""
    from permanence.adapters.ical import render_calendar

    _check_file_names(plan)
    folder.mkdir(parents=True, exist_ok=True)
    zone = plan.schedule.timezone
    span = calendar_span(plan)
    written = []
    for name, volunteer_id, method, chosen in _calendars(plan):
        events = [invitation.event for invitation in chosen]
        title = plan.schedule.name if volunteer_id == TEAM else ""
        text = render_calendar(events, zone, method, stamp, name=title, span=span)
        path = folder / name
        path.write_bytes(text)
        written.append(WrittenFile(path, volunteer_id, len(events), method))
    everything = [i for _, _, _, chosen in _calendars(plan) for i in chosen]
    record_issued(plan.state, everything)
    remember_people(plan.state, plan.recipients)
    write_state(workspace, plan.state)
    return written


def _calendars(plan: Plan) -> Iterable[tuple[str, str, str, list[Invitation]]]:
    """Yield file name, volunteer id, METHOD and invitations of each file."""
    for recipient in plan.recipients:
        if recipient.invitations:
            method = "REQUEST" if recipient.email else "PUBLISH"
            yield f"{recipient.id}.ics", recipient.id, method, recipient.invitations
        if recipient.cancellations:
            name = f"{recipient.id}{CANCELLED_SUFFIX}.ics"
            yield name, recipient.id, "CANCEL", recipient.cancellations
    if plan.team:
        yield TEAM_FILE, TEAM, "PUBLISH", plan.team


def _check_file_names(plan: Plan) -> None:
    names = {f"{r.id}.ics" for r in plan.recipients}
    clash = TEAM_FILE in names or any(
        f"{r.id}{CANCELLED_SUFFIX}.ics" in names for r in plan.recipients
    )
    if clash:
        message = _(
            "a volunteer id clashes with the file {team} or '-annulations': rename it"
        )
        raise UserInputError(message.format(team=TEAM_FILE))


def calendar_span(plan: Plan) -> tuple[date, date] | None:
    """Return the first and last day of every event planned (one VTIMEZONE span)."""
    events = [i.event for i in plan.team]
    for recipient in plan.recipients:
        events += [i.event for i in recipient.invitations + recipient.cancellations]
    if not events:
        return None
    return min(e.start for e in events).date(), max(e.end for e in events).date()
