"""Aggregate queries on the local call log, for the statistics.

The figures need counts, not records: grouping in SQLite avoids building
one Python object per call, which is what keeps ``permanence stats`` fast
on a large log. The file is opened read-only and only the columns without
callers' personal data are read (reason, time, volunteer, follow-up owner
and dates). The schema is the one written by ``permanence.adapters.callstore``.
"""

from __future__ import annotations

import sqlite3
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path

from permanence.adapters.callstore import STORE_NAME, utc_key
from permanence.workspace import Workspace

_CALLS = "kind = 'call' AND utc >= :start AND utc < :end"
# Follow-ups still open count whenever their call was made.
_OPEN = "kind = 'call' AND utc < :end AND follow_up_open = 1"


@dataclass(frozen=True)
class OpenRow:
    """An open follow-up as the statistics see it."""

    call_id: str
    time: str  # local ISO time with its UTC offset
    reason: str
    owner: str


@dataclass(frozen=True)
class StoreTallies:
    """Raw aggregates of the calls of a period."""

    by_reason: list[tuple[str, bool, int]]
    by_volunteer: list[tuple[str, int]]
    # (weekday 0=Sunday as SQLite's %w, local hour, calls)
    by_weekday_hour: list[tuple[int, int, int]]
    close_seconds: list[float]
    open_count: int
    oldest_open: list[OpenRow]


def store_path(workspace: Workspace) -> Path:
    """Return where the workspace's call log lives."""
    return workspace.state_dir / STORE_NAME


def tally_calls(
    path: Path, start: datetime, end: datetime, oldest: int = 5
) -> StoreTallies:
    """Return the aggregates of the calls made in ``[start, end)``."""
    if not path.is_file():
        return StoreTallies([], [], [], [], 0, [])
    params = {"start": utc_key(start), "end": utc_key(end), "oldest": oldest}
    connection = sqlite3.connect(f"{path.as_uri()}?mode=ro", uri=True)
    try:
        return _tally(connection, params)
    finally:
        connection.close()


def _tally(connection: sqlite3.Connection, params: dict[str, object]) -> StoreTallies:
    run = connection.execute
    by_reason = run(
        f"SELECT reason, reason_is_new, count(*) FROM calls WHERE {_CALLS} "
        "GROUP BY reason, reason_is_new",
        params,
    ).fetchall()
    by_volunteer = run(
        f"SELECT volunteer, count(*) FROM calls WHERE {_CALLS} GROUP BY volunteer",
        params,
    ).fetchall()
    # ``time`` is the local ISO time: its date and hour are the local ones.
    grid = run(
        "SELECT CAST(strftime('%w', substr(time, 1, 10)) AS INTEGER), "
        "CAST(substr(time, 12, 2) AS INTEGER), count(*) "
        f"FROM calls WHERE {_CALLS} GROUP BY substr(time, 1, 13)",
        params,
    ).fetchall()
    return StoreTallies(
        by_reason=[(r, bool(new), n) for r, new, n in by_reason],
        by_volunteer=by_volunteer,
        by_weekday_hour=_merge_grid(grid),
        close_seconds=_close_seconds(connection, params),
        open_count=_open_count(connection, params),
        oldest_open=_oldest_open(connection, params),
    )


def _merge_grid(rows: list[tuple[int, int, int]]) -> list[tuple[int, int, int]]:
    merged: dict[tuple[int, int], int] = {}
    for weekday, hour, count in rows:
        merged[(weekday, hour)] = merged.get((weekday, hour), 0) + count
    return [(day, hour, count) for (day, hour), count in sorted(merged.items())]


def _close_seconds(
    connection: sqlite3.Connection, params: dict[str, object]
) -> list[float]:
    rows = connection.execute(
        "SELECT (julianday(json_extract(follow_up, '$.done_at')) "
        "- julianday(time)) * 86400.0 FROM calls "
        f"WHERE {_CALLS} AND follow_up IS NOT NULL AND follow_up_open = 0",
        params,
    ).fetchall()
    return [float(row[0]) for row in rows if row[0] is not None]


def _open_count(connection: sqlite3.Connection, params: dict[str, object]) -> int:
    row = connection.execute(
        f"SELECT count(*) FROM calls WHERE {_OPEN}", params
    ).fetchone()
    return int(row[0])


def _oldest_open(
    connection: sqlite3.Connection, params: dict[str, object]
) -> list[OpenRow]:
    rows = connection.execute(
        "SELECT id, time, reason, coalesce(json_extract(follow_up, '$.owner'), '') "
        f"FROM calls WHERE {_OPEN} ORDER BY utc, id LIMIT :oldest",
        params,
    ).fetchall()
    return [OpenRow(*row) for row in rows]
