"""The invitations' history: ``.permanence/invitations.json``.

One record per UID holds two versions of the event:

* the last *issued* one (content digest and SEQUENCE), updated by both
  ``schedule invites`` (files written) and ``schedule send`` (mail sent),
  so that SEQUENCE grows by one whenever the content changes and stays put
  when it does not, however many times files are written;
* the last *sent* one, updated only for messages the mail server accepted;
  ``send`` compares with it to decide what to mail and to say what changed.

Team-calendar events are recorded too. The file is compact (a year of
weekly shifts for 1,000 volunteers is 100,000 records) and written
atomically.
"""

from __future__ import annotations

import json
import os
from dataclasses import dataclass, field
from typing import NamedTuple

from permanence.errors import UserInputError
from permanence.i18n import _
from permanence.workspace import Workspace

STATE_FILE = "invitations.json"
STATE_VERSION = 2


class Version(NamedTuple):
    """One version of an event: what it said, and its SEQUENCE."""

    digest: str
    sequence: int
    cancelled: bool
    start: str  # ISO 8601 with the offset
    end: str


class Record(NamedTuple):
    """An event's last issued version and last sent version (if any)."""

    issued: Version
    sent: Version | None = None


@dataclass
class History:
    """Every event ever issued, by UID, and the people they were for."""

    domain: str = ""
    people: dict[str, list[str]] = field(default_factory=dict)  # id -> name, email
    events: dict[str, Record] = field(default_factory=dict)
    # calendar file path -> [content key, size], to skip unchanged files
    files: dict[str, list[str | int]] = field(default_factory=dict)
    changed: bool = False

    def issue(self, uid: str, version: Version) -> None:
        """Record that ``version`` was written or sent."""
        record = self.events.get(uid)
        if record is None or record.issued != version:
            self.events[uid] = Record(version, record.sent if record else None)
            self.changed = True

    def send(self, uid: str, version: Version) -> None:
        """Record that ``version`` was accepted by the mail server."""
        self.events[uid] = Record(version, version)
        self.changed = True

    def remember(self, volunteer_id: str, name: str, email: str) -> None:
        """Keep a volunteer's name and address, to cancel if they leave."""
        if self.people.get(volunteer_id) != [name, email]:
            self.people[volunteer_id] = [name, email]
            self.changed = True

    def record_file(self, path: str, key: str, size: int) -> None:
        """Record what a calendar file was last written with."""
        self.files[path] = [key, size]
        self.changed = True


def read_history(workspace: Workspace) -> History:
    """Return the recorded history (empty when nothing was written yet)."""
    path = workspace.state_dir / STATE_FILE
    try:
        raw = json.loads(path.read_text(encoding="utf-8"))
    except FileNotFoundError:
        return History()
    except (OSError, ValueError) as error:
        message = _("{path} is unreadable ({error}): delete it to start afresh")
        raise UserInputError(message.format(path=path, error=error)) from error
    if not isinstance(raw, dict) or raw.get("version") != STATE_VERSION:
        message = _("{path} was written by another version: delete it")
        raise UserInputError(message.format(path=path))
    events = {
        uid: Record(Version(*issued), Version(*sent) if sent else None)
        for uid, (issued, sent) in raw["events"].items()
    }
    return History(raw["domain"], raw["people"], events, raw["files"])


def write_history(workspace: Workspace, history: History) -> None:
    """Save the history atomically (a crash leaves the old file intact)."""
    folder = workspace.ensure_state_dir()
    target = folder / STATE_FILE
    temporary = target.with_suffix(".tmp")
    document = {
        "version": STATE_VERSION,
        "domain": history.domain,
        "people": history.people,
        "events": history.events,
        "files": history.files,
    }
    temporary.write_text(json.dumps(document, separators=(",", ":")), "utf-8")
    os.replace(temporary, target)
