"""Aggregate queries on the local call log, for the statistics.

The figures need counts, not records: grouping in SQLite avoids building
one Python object per call, which is what keeps ``permanence stats`` fast
on a large log. The file is opened read-only and no column holding a
caller's personal data is read: only kinds, reasons, times, volunteers and
the follow-up owner and dates.

Speed comes from the call store's indexes (schema of
``permanence.adapters.callstore``): counts by reason and by volunteer scan
the small covering indexes ``(reason, utc)`` and ``(volunteer_key, utc)``
instead of the table, then subtract the few shift events; the hour grid
groups the covering index ``(kind, utc)``. ``+utc`` keeps SQLite from
choosing the plain ``utc`` index, which would read every row of the table.
Only the follow-up lead times need the table itself. (Running the two
long queries in threads on their own connections was tried: with two cores
and the rows handed to Python one by one, it was no faster.)
"""

from __future__ import annotations

import sqlite3
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path
from typing import Any

from permanence.adapters.callstore import STORE_NAME, CallStoreError, utc_key
from permanence.calls.record import KINDS
from permanence.i18n import _
from permanence.workspace import Workspace

_PERIOD = "+utc >= :start AND +utc < :end"
_SHIFT_KINDS = ", ".join(f"'{kind}'" for kind in KINDS if kind != "call")
_EVENTS = f"kind IN ({_SHIFT_KINDS}) AND utc >= :start AND utc < :end"
_CALLS = "kind = 'call' AND utc >= :start AND utc < :end"
# Follow-ups still open count whenever their call was made.
_OPEN = "+kind = 'call' AND utc < :end AND follow_up_open = 1"


@dataclass(frozen=True)
class OpenRow:
    """An open follow-up as the statistics see it."""

    call_id: str
    time: str  # local ISO time with its UTC offset
    reason: str
    owner: str


@dataclass
class StoreTallies:
    """Raw aggregates of the calls of a period."""

    by_reason: dict[str, int] = field(default_factory=dict)
    by_volunteer: dict[str, int] = field(default_factory=dict)
    # ("YYYY-MM-DD", hour, calls) in UTC; or in local time when the time
    # zone has offsets that are not whole hours (``local_hours``).
    by_hour: list[tuple[str, int, int]] = field(default_factory=list)
    local_hours: bool = False
    close_seconds: list[float] = field(default_factory=list)
    open_count: int = 0
    oldest_open: list[OpenRow] = field(default_factory=list)


def store_path(workspace: Workspace) -> Path:
    """Return where the workspace's call log lives."""
    return workspace.state_dir / STORE_NAME


def _connect(path: Path) -> sqlite3.Connection:
    """Open the log read-only, with memory-mapped reads.

    Mapping the file saves copying every page of the table scan; it costs
    address space, not memory. (A larger page cache was tried: filling it
    cost more than it saved on one pass.)
    """
    connection = sqlite3.connect(f"{path.as_uri()}?mode=ro", uri=True)
    connection.execute("PRAGMA mmap_size = 268435456")
    return connection


def tally_calls(
    path: Path,
    start: datetime,
    end: datetime,
    oldest: int = 5,
    whole_hour_zone: bool = True,
) -> StoreTallies:
    """Return the aggregates of the calls made in ``[start, end)``."""
    if not path.is_file():
        return StoreTallies()
    params = {"start": utc_key(start), "end": utc_key(end), "oldest": oldest}
    try:
        return _tally(path, params, whole_hour_zone)
    except sqlite3.Error as error:
        message = _(
            "the local call log {path} cannot be read ({error}): try again; if "
            "it persists, run 'permanence calls' to check the log"
        )
        text = message.format(path=path, error=error)
        raise CallStoreError(text, "corrupt", path) from error


def _tally(path: Path, params: dict[str, Any], whole_hour_zone: bool) -> StoreTallies:
    connection = _connect(path)
    try:
        tallies = _counts(connection, params)
        hours = {**params, "local": not whole_hour_zone}
        tallies.by_hour = _hours(connection, hours)
        tallies.local_hours = not whole_hour_zone
        tallies.close_seconds = _close_seconds(connection, params)
    finally:
        connection.close()
    return tallies


def _counts(connection: sqlite3.Connection, params: dict[str, Any]) -> StoreTallies:
    run = connection.execute
    events = run(
        f"SELECT reason, volunteer_key, count(*) FROM calls WHERE {_EVENTS} "
        "GROUP BY reason, volunteer_key",
        params,
    ).fetchall()
    by_reason = dict(
        run(
            f"SELECT reason, count(*) FROM calls WHERE {_PERIOD} GROUP BY reason",
            params,
        ).fetchall()
    )
    by_key = dict(
        run(
            f"SELECT volunteer_key, count(*) FROM calls WHERE {_PERIOD} "
            "GROUP BY volunteer_key",
            params,
        ).fetchall()
    )
    for reason, key, count in events:
        by_reason[reason] = by_reason.get(reason, 0) - count
        by_key[key] = by_key.get(key, 0) - count
    return StoreTallies(
        by_reason={reason: n for reason, n in by_reason.items() if n},
        by_volunteer=_named(connection, by_key),
        open_count=run(f"SELECT count(*) FROM calls WHERE {_OPEN}", params).fetchone()[
            0
        ],
        oldest_open=_oldest_open(connection, params),
    )


def _named(connection: sqlite3.Connection, by_key: dict[str, int]) -> dict[str, int]:
    """Return the counts under each volunteer's latest spelling of their name."""
    named: dict[str, int] = {}
    for key, count in by_key.items():
        if not count:
            continue
        row = connection.execute(
            "SELECT volunteer FROM calls WHERE volunteer_key = ? "
            "ORDER BY utc DESC LIMIT 1",
            (key,),
        ).fetchone()
        name = row[0] if row else key
        named[name] = named.get(name, 0) + count
    return named


def _hours(connection: sqlite3.Connection, params: dict[str, Any]) -> list[Any]:
    # The UTC hour maps to one local hour only when the offset is whole
    # hours; elsewhere the local time column is grouped (slower, exact).
    column = "time" if params["local"] else "utc"
    return connection.execute(
        f"SELECT substr({column}, 1, 10), CAST(substr({column}, 12, 2) AS INTEGER), "
        f"count(*) FROM calls WHERE {_CALLS} GROUP BY substr({column}, 1, 13)",
        params,
    ).fetchall()


def _close_seconds(connection: sqlite3.Connection, params: dict[str, Any]) -> list[Any]:
    rows = connection.execute(
        "SELECT (julianday(json_extract(follow_up, '$.done_at')) "
        "- julianday(time)) * 86400.0 FROM calls NOT INDEXED "
        f"WHERE {_CALLS} AND follow_up IS NOT NULL AND follow_up_open = 0",
        params,
    ).fetchall()
    return [float(row[0]) for row in rows if row[0] is not None]


def _oldest_open(
    connection: sqlite3.Connection, params: dict[str, Any]
) -> list[OpenRow]:
    rows = connection.execute(
        "SELECT id, time, reason, coalesce(json_extract(follow_up, '$.owner'), '') "
        f"FROM calls WHERE {_OPEN} ORDER BY utc, id LIMIT :oldest",
        params,
    ).fetchall()
    return [OpenRow(*row) for row in rows]
