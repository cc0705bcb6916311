"""The invitations' history: ``.permanence/invitations.history``.

One record per UID holds two versions of the event:

* the last *issued* one (content digest and SEQUENCE), updated by both
  ``schedule invites`` (files written) and ``schedule send`` (mail sent),
  so that SEQUENCE grows by one whenever the content changes and stays put
  when it does not, however many times files are written;
* the last *sent* one, updated only for messages the mail server accepted;
  ``send`` compares with it to decide what to mail and to say what changed.

Team-calendar events are recorded too. A year of weekly shifts for 1,000
volunteers is 100,000 records, read and written on every run: the file is
``marshal`` data (plain strings, numbers and tuples; no code is loaded
from it), whose reader is several times faster than JSON's, after a header
line carrying a checksum of the data, and it is written atomically.
"""

from __future__ import annotations

import marshal
import os
import sys
import time
import zlib
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import date, timedelta
from pathlib import Path
from typing import Any, NamedTuple

from permanence.errors import UserInputError
from permanence.i18n import _
from permanence.workspace import Workspace

STATE_FILE = "invitations.history"
# Each message accepted by the mail server is appended here at once, so
# that a run killed midway still knows what it sent; merged on reading.
JOURNAL_FILE = "invitations.journal"
STATE_VERSION = 3
STATE_HEADER = b"permanence-invitations %d %08x\n"
LOCK_FILE = "invitations.lock"
KEEP_DAYS = 400
LOCK_WAIT_SECONDS = 2.0


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
    events: dict[str, Record] = field(default_factory=dict)  # volunteers' events
    team: dict[str, Record] = field(default_factory=dict)  # the team calendar's
    # calendar file path -> [content key, size, modification time], to skip
    # files that would not change
    files: dict[str, list[str | int]] = field(default_factory=dict)
    changed: bool = False
    # The records' plain form as read from the file, reused when saving.
    read_as: dict[str, dict[str, Any]] = field(
        default_factory=dict, repr=False, compare=False
    )

    def issue_all(self, versions: list[tuple[str, Version]], team: bool) -> None:
        """Record that each ``(uid, version)`` was written (one calendar's)."""
        records = self.team if team else self.events
        for uid, version in versions:
            record = records.get(uid)
            if record is None:
                records[uid] = Record(version)
                self.changed = True
            elif record.issued != version:
                records[uid] = Record(version, record.sent)
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

    def record_file(self, path: str, key: str, stamp: list[int]) -> None:
        """Record what a calendar file was last written with, and its stamp."""
        self.files[path] = [key, *stamp]
        self.changed = True


def read_history(workspace: Workspace) -> History:
    """Return the recorded history (empty when nothing was written yet)."""
    path = workspace.state_dir / STATE_FILE
    try:
        history = _decode(path.read_bytes(), path)
    except FileNotFoundError:
        history = History()
    except OSError as error:
        raise _unreadable(path, error) from error
    _replay_journal(workspace, history)
    return history


def _decode(data: bytes, path: Path) -> History:
    """Return the history held by the bytes of a state file; check them first."""
    head, _newline, body = data.partition(b"\n")
    try:
        _magic, version, checksum = head.split(b" ")
    except ValueError:
        version, checksum = b"", b""
    if version != str(STATE_VERSION).encode():
        raise _other_version(path)
    if checksum != b"%08x" % zlib.crc32(body):
        raise _unreadable(path, _("the file is damaged"))
    try:
        raw = marshal.loads(body)
        return _history(raw)
    except (ValueError, EOFError, TypeError, KeyError) as error:
        raise _unreadable(path, error) from error


def _history(raw: dict[str, Any]) -> History:
    events = _records(raw["events"])
    team = _records(raw["team"])
    history = History(raw["domain"], raw["people"], events, team, raw["files"])
    history.read_as = {"events": raw["events"], "team": raw["team"]}
    return history


def _records(raw: dict[str, Any]) -> dict[str, Record]:
    """Return the records of their plain form."""
    version = Version._make
    return {
        uid: Record(version(issued), version(sent) if sent else None)
        for uid, (issued, sent) in raw.items()
    }


def _unreadable(path: Path, error: object) -> UserInputError:
    message = _("{path} is unreadable ({error}): delete it to start afresh")
    return UserInputError(message.format(path=path, error=error))


def _other_version(path: Path) -> UserInputError:
    message = _("{path} was written by another version: delete it")
    return UserInputError(message.format(path=path))


def _replay_journal(workspace: Workspace, history: History) -> None:
    """Apply the sendings journalled by a run that did not finish."""
    try:
        lines = (workspace.state_dir / JOURNAL_FILE).read_text("utf-8").splitlines()
    except FileNotFoundError:
        return
    import json

    for line in lines:
        try:
            entries = json.loads(line)
        except ValueError:
            continue  # a line cut short by the crash: that message is resent
        for uid, version in entries:
            history.send(uid, Version(*version))


def journal_sent(workspace: Workspace, sent: list[tuple[str, Version]]) -> None:
    """Append the versions of one accepted message to the journal, durably."""
    import json

    path = workspace.ensure_state_dir() / JOURNAL_FILE
    with path.open("a", encoding="utf-8") as journal:
        journal.write(json.dumps(sent, separators=(",", ":")) + "\n")
        journal.flush()
        os.fsync(journal.fileno())


def write_history(
    workspace: Workspace, history: History, window_start: date | None = None
) -> None:
    """Save the history atomically (a crash leaves the old file intact).

    Events that ended more than ``KEEP_DAYS`` before ``window_start`` are
    forgotten: the file would otherwise grow every year.
    """
    if window_start is not None:
        oldest = (window_start - timedelta(days=KEEP_DAYS)).isoformat()
        history.events = _recent(history.events, oldest)
        history.team = _recent(history.team, oldest)
    folder = workspace.ensure_state_dir()
    target = folder / STATE_FILE
    temporary = target.with_suffix(".tmp")
    document = {
        "domain": history.domain,
        "people": history.people,
        "events": _plain(history.events, history.read_as.get("events", {})),
        "team": _plain(history.team, history.read_as.get("team", {})),
        "files": history.files,
    }
    body = marshal.dumps(document, 4)
    header = STATE_HEADER % (STATE_VERSION, zlib.crc32(body))
    temporary.write_bytes(header + body)
    os.replace(temporary, target)
    (folder / JOURNAL_FILE).unlink(missing_ok=True)


def _plain(records: dict[str, Record], read_as: dict[str, Any]) -> dict[str, Any]:
    """Return the records as plain tuples, for marshal (no named tuples).

    A record unchanged since it was read keeps the tuples it was read as.
    Marshal writes an object met twice as a reference to the first: the
    times of a shift, one object for all its events, are written once.
    """
    plain: dict[str, Any] = {}
    for uid, record in records.items():
        issued, sent = record
        old = read_as.get(uid)
        if old is not None and old[0] == issued and old[1] == sent:
            plain[uid] = old
            continue
        first = tuple(issued)
        if sent is None:
            plain[uid] = (first, None)
        else:
            plain[uid] = (first, first if sent is issued else tuple(sent))
    return plain


def _recent(records: dict[str, Record], oldest: str) -> dict[str, Record]:
    return {uid: r for uid, r in records.items() if r.issued.end[:10] >= oldest}


@contextmanager
def history_lock(workspace: Workspace) -> Iterator[None]:
    """Hold the history for one command: two sends at once would mail twice.

    An OS file lock (released by the system if the process dies); the
    ``filelock`` package would cost more to import than a whole run.
    """
    path = workspace.ensure_state_dir() / LOCK_FILE
    with path.open("a+b") as handle:
        if not _acquire(handle.fileno()):
            message = _(
                "another 'permanence schedule invites' or 'send' is running on "
                "this workspace: wait for it to finish, then try again"
            )
            raise UserInputError(message)
        try:
            yield
        finally:
            _release(handle.fileno())


def _acquire(descriptor: int) -> bool:
    deadline = time.monotonic() + LOCK_WAIT_SECONDS
    while True:
        try:
            if sys.platform == "win32":
                import msvcrt

                msvcrt.locking(descriptor, msvcrt.LK_NBLCK, 1)
            else:
                import fcntl

                fcntl.flock(descriptor, fcntl.LOCK_EX | fcntl.LOCK_NB)
            return True
        except OSError:
            if time.monotonic() >= deadline:
                return False
            time.sleep(0.05)


def _release(descriptor: int) -> None:
    if sys.platform == "win32":
        import msvcrt

        msvcrt.locking(descriptor, msvcrt.LK_UNLCK, 1)
    else:
        import fcntl

        fcntl.flock(descriptor, fcntl.LOCK_UN)
