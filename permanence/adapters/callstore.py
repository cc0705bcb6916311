"""The local call log: one SQLite file in the workspace's state folder.

Every record is written here first (WAL, ``synchronous=FULL``), so that a
call is never lost when the network or the sheet is down. Each row carries
its state towards the shared sheet: ``pending`` (never confirmed there),
``in_sheet``, or ``changed`` (the sheet row must be rewritten, e.g. after a
follow-up was closed or the caller's data erased). A ``revision`` counter,
remembered when the sheet side reads rows, keeps a change made between a
push and its confirmation from being marked as already sent.
"""

from __future__ import annotations

import sqlite3
import time
from collections.abc import Callable, Iterable, Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from types import TracebackType
from typing import Any

from permanence.adapters.callrows import (
    COLUMNS,
    SCHEMA,
    SCHEMA_VERSION,
    like_pattern,
    query_sql,
    record_from_row,
    row_names,
    row_values,
    utc_key,
)
from permanence.calls.record import (
    SHEET_CHANGED,
    SHEET_DONE,
    SHEET_PENDING,
    CallQuery,
    CallRecord,
    fold,
    with_follow_up_closed,
)
from permanence.errors import ExitCode, PermanenceError
from permanence.i18n import _
from permanence.workspace import Workspace

__all__ = [
    "BUSY_TIMEOUT_SECONDS",
    "STORE_NAME",
    "AuditEntry",
    "CallStore",
    "CallStoreError",
    "utc_key",
]

STORE_NAME = "calls.sqlite3"
BUSY_TIMEOUT_SECONDS = 5.0


class CallStoreError(PermanenceError):
    """The local call log cannot be used; ``kind`` says why."""

    def __init__(self, message: str, kind: str, path: Path) -> None:
        super().__init__(message)
        self.kind = kind  # "locked" or "corrupt"
        self.path = path
        if kind == "locked":
            self.exit_code = ExitCode.UNAVAILABLE


@dataclass(frozen=True)
class AuditEntry:
    """One line of the audit trail (never the erased data itself)."""

    at: datetime
    who: str
    action: str
    count: int


def _store_error(error: sqlite3.Error, path: Path) -> CallStoreError:
    text = str(error).lower()
    if "locked" in text or "busy" in text:
        message = _(
            "the local call log {path} is locked by another process "
            "(another permanence command still running?): try again in a moment"
        )
        return CallStoreError(message.format(path=path), "locked", path)
    message = _(
        "the local call log {path} is damaged ({error}): move it aside (keep it, "
        "it may be repaired) and run the command again to start a new one"
    )
    return CallStoreError(message.format(path=path, error=error), "corrupt", path)


@contextmanager
def _translated(path: Path) -> Iterator[None]:
    """Turn SQLite lock and corruption errors into a message for the user."""
    try:
        yield
    except (sqlite3.OperationalError, sqlite3.DatabaseError) as error:
        if isinstance(error, sqlite3.IntegrityError):
            raise
        raise _store_error(error, path) from error


class CallStore:
    """The call log of one workspace, over a SQLite file."""

    def __init__(self, connection: sqlite3.Connection, path: Path) -> None:
        self.connection = connection
        self.path = path
        # Revisions seen when the sheet side read rows, by id.
        self._seen: dict[str, int] = {}

    @classmethod
    def open(cls, workspace: Workspace) -> CallStore:
        """Open (creating if needed) the call log of ``workspace``."""
        path = workspace.ensure_state_dir() / STORE_NAME
        return cls.open_path(path)

    @classmethod
    def open_path(cls, path: Path) -> CallStore:
        """Open (creating if needed) the call log stored at ``path``."""
        with _translated(path):
            connection = sqlite3.connect(
                path, timeout=BUSY_TIMEOUT_SECONDS, isolation_level=None
            )
            try:
                _prepare(connection)
            except BaseException:
                connection.close()
                raise
        return cls(connection, path)

    def close(self) -> None:
        """Close the database connection."""
        self.connection.close()

    def __enter__(self) -> CallStore:
        return self

    def __exit__(
        self,
        kind: type[BaseException] | None,
        error: BaseException | None,
        traceback: TracebackType | None,
    ) -> None:
        self.close()

    @contextmanager
    def _writing(self) -> Iterator[sqlite3.Connection]:
        """Run the block in one write transaction (all or nothing)."""
        with _translated(self.path):
            self.connection.execute("BEGIN IMMEDIATE")
            try:
                yield self.connection
            except BaseException:
                self.connection.execute("ROLLBACK")
                raise
            self.connection.execute("COMMIT")

    def _select(self, sql: str, params: Sequence[Any] = ()) -> list[CallRecord]:
        with _translated(self.path):
            rows = self.connection.execute(sql, params).fetchall()
        return [record_from_row(row) for row in rows]

    # -- writing -----------------------------------------------------------

    def add(self, record: CallRecord) -> None:
        """Store a new record durably, waiting for the sheet."""
        self.add_many([record])

    def add_many(self, records: Iterable[CallRecord]) -> None:
        """Store new records in one transaction (all or none)."""
        sql = (
            "INSERT INTO calls (id, utc, time, volunteer, volunteer_key, kind, "
            "reason, reason_is_new, caller_name, name_key, caller_phone, "
            "caller_email, fields, answer, note, follow_up, follow_up_open, "
            "anonymized_at, search_text, sheet_state) VALUES (:id, :utc, :time, "
            ":volunteer, :volunteer_key, :kind, :reason, :reason_is_new, "
            ":caller_name, :name_key, :caller_phone, :caller_email, :fields, "
            ":answer, :note, :follow_up, :follow_up_open, :anonymized_at, "
            f":search_text, '{SHEET_PENDING}')"
        )
        with self._writing() as connection:
            connection.executemany(sql, (row_values(r) for r in records))

    def replace_records(self, records: Iterable[CallRecord]) -> None:
        """Rewrite existing records; those already in the sheet become changed."""
        assignments = ", ".join(
            f"{name} = :{name}" for name in row_names() if name != "id"
        )
        sql = (
            f"UPDATE calls SET {assignments}, revision = revision + 1, "
            f"sheet_state = CASE sheet_state WHEN '{SHEET_DONE}' "
            f"THEN '{SHEET_CHANGED}' ELSE sheet_state END WHERE id = :id"
        )
        with self._writing() as connection:
            for record in records:
                if connection.execute(sql, row_values(record)).rowcount != 1:
                    raise KeyError(record.id)

    def close_follow_up(self, id: str, by: str, note: str, at: datetime) -> CallRecord:
        """Close the follow-up of record ``id``; return the updated record."""
        record = self.get(id)
        if record is None:
            raise KeyError(id)
        closed = with_follow_up_closed(record, by, note, at)
        self.replace_records([closed])
        return closed

    def anonymize(
        self,
        ids: Iterable[str],
        at: datetime,
        rewrite: Callable[[CallRecord], CallRecord] | None = None,
    ) -> list[CallRecord]:
        """Erase the caller's data of records ``ids``; return them as stored.

        ``rewrite`` decides what goes; by default the caller's name, phone,
        email and every reason field are cleared.
        """
        erase = rewrite or _clear_caller
        records = [self.get(id) for id in ids]
        changed = [
            erase(record)._replace(anonymized_at=at)
            for record in records
            if record is not None
        ]
        self.replace_records(changed)
        return changed

    def audit(self, action: str, who: str, count: int, at: datetime) -> None:
        """Add a line to the audit trail."""
        with self._writing() as connection:
            connection.execute(
                "INSERT INTO audit (at, who, action, count) VALUES (?, ?, ?, ?)",
                (at.isoformat(), who, action, count),
            )

    def audit_entries(self) -> list[AuditEntry]:
        """Return the audit trail, oldest first."""
        with _translated(self.path):
            rows = self.connection.execute(
                "SELECT at, who, action, count FROM audit ORDER BY id"
            ).fetchall()
        return [AuditEntry(datetime.fromisoformat(r[0]), *r[1:]) for r in rows]

    # -- reading -----------------------------------------------------------

    def get(self, id: str) -> CallRecord | None:
        """Return the record ``id``, or None."""
        found = self._select(f"SELECT {COLUMNS} FROM calls WHERE id = ?", (id,))
        return found[0] if found else None

    def search(self, query: CallQuery) -> list[CallRecord]:
        """Return the records matching ``query`` (newest first by default)."""
        sql, params = query_sql(query)
        return self._select(sql, params)

    def count(self, query: CallQuery) -> int:
        """Return how many records match ``query`` (ignoring its limit)."""
        sql, params = query_sql(query._replace(limit=None))
        count_sql = "SELECT count(*) FROM (" + sql.replace(COLUMNS, "1", 1) + ")"
        with _translated(self.path):
            row = self.connection.execute(count_sql, params).fetchone()
        return int(row[0])

    def by_contact(
        self, phone: str | None = None, email: str | None = None, limit: int = 20
    ) -> list[CallRecord]:
        """Return the latest records of a caller known by phone or email."""
        clauses, params = [], []
        if phone:
            clauses.append("caller_phone = ?")
            params.append(phone)
        if email:
            clauses.append("(caller_email <> '' AND lower(caller_email) = lower(?))")
            params.append(email)
        if not clauses:
            return []
        where = " OR ".join(clauses)
        sql = f"SELECT {COLUMNS} FROM calls WHERE {where} ORDER BY utc DESC LIMIT ?"
        return self._select(sql, [*params, limit])

    def by_name(self, name: str) -> list[CallRecord]:
        """Return the records whose caller name matches (accents and case aside)."""
        sql = f"SELECT {COLUMNS} FROM calls WHERE name_key = ? ORDER BY utc"
        return self._select(sql, (fold(name),))

    def older_than(self, moment: datetime) -> list[CallRecord]:
        """Return the records made before ``moment`` and not yet anonymised."""
        sql = (
            f"SELECT {COLUMNS} FROM calls WHERE utc < ? "
            "AND anonymized_at IS NULL ORDER BY utc"
        )
        return self._select(sql, (utc_key(moment),))

    def containing(self, text: str) -> list[CallRecord]:
        """Return the records whose texts contain ``text`` (accents aside)."""
        sql = (
            f"SELECT {COLUMNS} FROM calls WHERE search_text LIKE ? ESCAPE '\\' "
            "ORDER BY utc"
        )
        return self._select(sql, (like_pattern(fold(text)),))

    # -- the sheet side ------------------------------------------------------

    def _for_sheet(self, state: str) -> list[CallRecord]:
        sql = (
            f"SELECT {COLUMNS}, revision FROM calls WHERE sheet_state = ? "
            "ORDER BY utc, id"
        )
        with _translated(self.path):
            rows = self.connection.execute(sql, (state,)).fetchall()
        for row in rows:
            self._seen[row[0]] = row[-1]
        return [record_from_row(row) for row in rows]

    def pending_for_sheet(self) -> list[CallRecord]:
        """Return the records never confirmed in the sheet, oldest first."""
        return self._for_sheet(SHEET_PENDING)

    def changed_for_sheet(self) -> list[CallRecord]:
        """Return the records whose sheet row must be rewritten, oldest first."""
        return self._for_sheet(SHEET_CHANGED)

    def _mark(self, ids: Iterable[str], from_state: str) -> None:
        # A record changed since it was read goes (back) to 'changed'.
        sql = (
            "UPDATE calls SET sheet_state = CASE WHEN ? IS NULL OR revision = ? "
            f"THEN '{SHEET_DONE}' ELSE '{SHEET_CHANGED}' END "
            "WHERE id = ? AND sheet_state = ?"
        )
        with self._writing() as connection:
            for id in ids:
                seen = self._seen.get(id)
                connection.execute(sql, (seen, seen, id, from_state))

    def mark_in_sheet(self, ids: Iterable[str]) -> None:
        """Record that these pending records are now rows of the sheet."""
        self._mark(ids, SHEET_PENDING)

    def mark_sheet_updated(self, ids: Iterable[str]) -> None:
        """Record that the sheet rows of these changed records were rewritten."""
        self._mark(ids, SHEET_CHANGED)

    def sheet_state(self, id: str) -> str | None:
        """Return the sheet state of record ``id`` (None if unknown)."""
        with _translated(self.path):
            row = self.connection.execute(
                "SELECT sheet_state FROM calls WHERE id = ?", (id,)
            ).fetchone()
        return str(row[0]) if row else None


def _clear_caller(record: CallRecord) -> CallRecord:
    return record._replace(caller_name="", caller_phone="", caller_email="", fields={})


def _use_wal(connection: sqlite3.Connection) -> None:
    """Switch a new store to WAL, waiting while another process creates it.

    Switching the journal mode can fail at once with "database is locked"
    when a second process opens the brand-new file at the same moment (the
    busy timeout does not cover it), so it is retried for as long.
    """
    deadline = time.monotonic() + BUSY_TIMEOUT_SECONDS
    while True:
        try:
            if connection.execute("PRAGMA journal_mode").fetchone()[0] != "wal":
                connection.execute("PRAGMA journal_mode = WAL")
            return
        except sqlite3.OperationalError as error:
            if "locked" not in str(error) or time.monotonic() > deadline:
                raise
            time.sleep(0.02)


def _prepare(connection: sqlite3.Connection) -> None:
    """Set the durability options and create or check the schema."""
    connection.execute(f"PRAGMA busy_timeout = {int(BUSY_TIMEOUT_SECONDS * 1000)}")
    version = connection.execute("PRAGMA user_version").fetchone()[0]
    if version == SCHEMA_VERSION:
        connection.execute("PRAGMA synchronous = FULL")
        return
    _use_wal(connection)
    connection.execute("PRAGMA synchronous = FULL")
    connection.execute("BEGIN IMMEDIATE")
    try:
        version = connection.execute("PRAGMA user_version").fetchone()[0]
        if version == 0:
            # executescript() would commit first: run the statements one by one.
            for statement in SCHEMA.split(";"):
                if statement.strip():
                    connection.execute(statement)
            connection.execute(f"PRAGMA user_version = {SCHEMA_VERSION}")
        elif version != SCHEMA_VERSION:
            message = f"unknown call log schema version {version}"
            raise sqlite3.DatabaseError(message)
    except BaseException:
        if connection.in_transaction:
            connection.execute("ROLLBACK")
        raise
    if connection.in_transaction:
        connection.execute("COMMIT")
