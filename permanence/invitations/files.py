"""Writing the calendar files: one per volunteer, cancellations, the team's.

``<id>.ics`` holds a volunteer's invitations (METHOD:REQUEST, or PUBLISH
for a volunteer without an email address, who cannot answer);
``<id>-annulations.ics`` their cancellations (METHOD:CANCEL: one iCalendar
object has one METHOD); ``equipe.ics`` the team calendar (METHOD:PUBLISH,
names only, no addresses), for a shared or subscribed calendar.
"""

from __future__ import annotations

import hashlib
from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path

from permanence.errors import UserInputError
from permanence.i18n import _
from permanence.invitations.plan import TEAM, Invitation, Plan
from permanence.invitations.state import write_history
from permanence.workspace import Workspace

TEAM_FILE = "equipe.ics"
LINES_CACHE = "ical-lines.pickle"
CANCELLED_SUFFIX = "-annulations"


@dataclass(frozen=True)
class WrittenFile:
    """One calendar file of ``write_invitations``; ``rewritten`` if it changed."""

    path: Path
    volunteer_id: str
    events: int
    method: str
    rewritten: bool = True


def write_invitations(
    workspace: Workspace, plan: Plan, folder: Path, stamp: datetime
) -> list[WrittenFile]:
    """Write each volunteer's calendar, their cancellations and the team's.

    A file whose events, METHOD and time span are those it was last written
    with, and which nobody touched since (same size and modification time),
    is left as it is, with its DTSTAMP.
    """
    _check_file_names(plan)
    folder.mkdir(parents=True, exist_ok=True)
    folder = folder.resolve()
    history = plan.history
    written = []
    with _kept_lines(workspace):
        for name, volunteer_id, method, chosen in _calendars(plan):
            path = folder / name
            key = _content_key(plan, method, chosen)
            rewrite = not _is_current(path, history.files.get(str(path)), key)
            if rewrite:
                _write(path, plan, volunteer_id, method, chosen, stamp)
                history.record_file(str(path), key, _file_stamp(path))
            written.append(
                WrittenFile(path, volunteer_id, len(chosen), method, rewrite)
            )
            history.issue_all(
                [(i.event.uid, i.version) for i in chosen], volunteer_id == TEAM
            )
    for recipient in plan.recipients:
        if recipient.invitations:
            history.remember(recipient.id, recipient.name, recipient.email)
    if history.changed:
        write_history(workspace, history, plan.window.start)
    return written


@contextmanager
def _kept_lines(workspace: Workspace) -> Iterator[None]:
    """Reuse the calendar lines made by earlier runs (see the iCalendar adapter)."""
    from permanence.adapters.ical import kept_lines

    with kept_lines(workspace.cache_file(LINES_CACHE)):
        yield


def _write(
    path: Path,
    plan: Plan,
    volunteer_id: str,
    method: str,
    chosen: list[Invitation],
    stamp: datetime,
) -> None:
    from permanence.adapters.ical import render_calendar

    title = plan.schedule.name if volunteer_id == TEAM else ""
    events = [invitation.event for invitation in chosen]
    zone, span = plan.schedule.timezone, (plan.window.start, plan.window.end)
    text = render_calendar(events, zone, method, stamp, name=title, span=span)
    path.write_bytes(text)


def _content_key(plan: Plan, method: str, chosen: list[Invitation]) -> str:
    """Return a digest of everything a calendar file says but its DTSTAMP."""
    parts = [method, plan.schedule.timezone, str(plan.window)]
    parts += [f"{i.event.uid} {i.version.digest} {i.version.sequence}" for i in chosen]
    text = "\n".join(parts).encode()
    return hashlib.sha1(text, usedforsecurity=False).hexdigest()


def _is_current(path: Path, recorded: list[str | int] | None, key: str) -> bool:
    """Return True if ``path`` is as written last with ``key``, untouched since."""
    if recorded is None or recorded[0] != key:
        return False
    try:
        return _file_stamp(path) == recorded[1:]
    except OSError:
        return False


def _file_stamp(path: Path) -> list[int]:
    """Return a file's size and modification time: an edit changes either."""
    stat = path.stat()
    return [stat.st_size, stat.st_mtime_ns]


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
