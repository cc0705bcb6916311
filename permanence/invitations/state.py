"""The invitations' history: ``.permanence/invitations.json``.

One record per UID holds two versions of the event:

* the last *issued* one (content digest and SEQUENCE), updated by both
  ``schedule invites`` (files written) and ``schedule send`` (mail sent),
  so that SEQUENCE grows by one whenever the content changes and stays put
  when it does not, however many times files are written;
* the last *sent* one, updated only for messages the mail server accepted;
  ``send`` compares with it to decide what to mail and to say what changed.

Team-calendar events are recorded too, under the volunteer id ``""``.
"""

from __future__ import annotations

import json
import os
from collections.abc import Iterable
from typing import TYPE_CHECKING, Any

from permanence.errors import UserInputError
from permanence.i18n import _
from permanence.workspace import Workspace

if TYPE_CHECKING:
    from permanence.invitations.plan import Invitation, Recipient

STATE_FILE = "invitations.json"
STATE_VERSION = 1


def read_state(workspace: Workspace) -> dict[str, Any]:
    """Return the recorded history (empty when nothing was written yet)."""
    path = workspace.state_dir / STATE_FILE
    try:
        state = json.loads(path.read_text(encoding="utf-8"))
    except FileNotFoundError:
        return {"version": STATE_VERSION, "domain": "", "people": {}, "events": {}}
    except (OSError, ValueError) as error:
        message = _("{path} is unreadable ({error}): delete it to start afresh")
        raise UserInputError(message.format(path=path, error=error)) from error
    if not isinstance(state, dict) or state.get("version") != STATE_VERSION:
        message = _("{path} was written by another version: delete it")
        raise UserInputError(message.format(path=path))
    return state


def write_state(workspace: Workspace, state: dict[str, Any]) -> None:
    """Save the history atomically (a crash leaves the old file intact)."""
    folder = workspace.ensure_state_dir()
    target = folder / STATE_FILE
    temporary = target.with_suffix(".tmp")
    temporary.write_text(json.dumps(state, separators=(",", ":")), "utf-8")
    os.replace(temporary, target)


def record_issued(state: dict[str, Any], invitations: Iterable[Invitation]) -> None:
    """Record that these versions were written (files) or sent."""
    events = state["events"]
    for invitation in invitations:
        event = invitation.event
        record = events.setdefault(event.uid, {})
        record.update(
            volunteer=invitation.volunteer_id,
            occurrence=invitation.occurrence_id,
            start=event.start.isoformat(),
            end=event.end.isoformat(),
            summary=event.summary,
            digest=invitation.digest,
            sequence=event.sequence,
            cancelled=event.cancelled,
        )


def record_sent(state: dict[str, Any], invitations: Iterable[Invitation]) -> None:
    """Record that these versions were accepted by the mail server."""
    chosen = list(invitations)
    record_issued(state, chosen)
    for invitation in chosen:
        record = state["events"][invitation.event.uid]
        record["sent"] = {
            key: record[key]
            for key in ("digest", "sequence", "start", "end", "cancelled")
        }


def remember_people(state: dict[str, Any], recipients: Iterable[Recipient]) -> None:
    """Keep names and addresses, to cancel for volunteers later removed."""
    for recipient in recipients:
        if recipient.invitations:
            state["people"][recipient.id] = [recipient.name, recipient.email]
