"""How call records map to rows of the SQLite call log: schema and queries.

The table keeps, beside each record's own columns, folded (accent- and
case-free) copies of the volunteer's and the caller's names and of the
searchable texts, so that searches use plain indexed comparisons.
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from datetime import UTC, datetime
from typing import Any

from permanence.calls.record import (
    CallQuery,
    CallRecord,
    fold,
    follow_up_from_dict,
    follow_up_to_dict,
)

SCHEMA_VERSION = 1


SCHEMA = """
CREATE TABLE calls (
    id TEXT PRIMARY KEY,
    utc TEXT NOT NULL,
    time TEXT NOT NULL,
    volunteer TEXT NOT NULL,
    volunteer_key TEXT NOT NULL,
    kind TEXT NOT NULL,
    reason TEXT NOT NULL,
    reason_is_new INTEGER NOT NULL,
    caller_name TEXT NOT NULL,
    name_key TEXT NOT NULL,
    caller_phone TEXT NOT NULL,
    caller_email TEXT NOT NULL,
    fields TEXT NOT NULL,
    answer TEXT NOT NULL,
    note TEXT NOT NULL,
    follow_up TEXT,
    follow_up_open INTEGER NOT NULL,
    anonymized_at TEXT,
    search_text TEXT NOT NULL,
    revision INTEGER NOT NULL DEFAULT 1,
    sheet_state TEXT NOT NULL
);
CREATE INDEX calls_utc ON calls (utc, id);
CREATE INDEX calls_reason ON calls (reason, utc, id);
CREATE INDEX calls_volunteer ON calls (volunteer_key, utc, id);
CREATE INDEX calls_kind ON calls (kind, utc, id);
CREATE INDEX calls_phone ON calls (caller_phone) WHERE caller_phone <> '';
CREATE INDEX calls_email ON calls (lower(caller_email)) WHERE caller_email <> '';
CREATE INDEX calls_name ON calls (name_key) WHERE name_key <> '';
CREATE INDEX calls_open ON calls (utc, id) WHERE follow_up_open = 1;
CREATE INDEX calls_sheet ON calls (utc, id) WHERE sheet_state <> 'in_sheet';
CREATE TABLE audit (
    id INTEGER PRIMARY KEY,
    at TEXT NOT NULL,
    who TEXT NOT NULL,
    action TEXT NOT NULL,
    count INTEGER NOT NULL
);
"""

COLUMNS = (
    "id, time, volunteer, kind, reason, reason_is_new, caller_name, "
    "caller_phone, caller_email, fields, answer, note, follow_up, anonymized_at"
)


def utc_key(moment: datetime) -> str:
    """Return the sortable UTC text stored for an aware ``moment``."""
    return moment.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%S.%f")


def row_names() -> tuple[str, ...]:
    return (
        "id", "utc", "time", "volunteer", "volunteer_key", "kind", "reason",
        "reason_is_new", "caller_name", "name_key", "caller_phone",
        "caller_email", "fields", "answer", "note", "follow_up",
        "follow_up_open", "anonymized_at", "search_text",
    )  # fmt: skip


def _search_text(record: CallRecord) -> str:
    parts = [record.caller_name, record.answer, record.note, record.reason]
    parts += record.fields.values()
    return fold(" \n ".join(part for part in parts if part))


def row_values(record: CallRecord) -> dict[str, Any]:
    follow_up = record.follow_up
    anonymized = record.anonymized_at
    return {
        "id": record.id,
        "utc": utc_key(record.time),
        "time": record.time.isoformat(),
        "volunteer": record.volunteer,
        "volunteer_key": fold(record.volunteer),
        "kind": record.kind,
        "reason": record.reason,
        "reason_is_new": int(record.reason_is_new),
        "caller_name": record.caller_name,
        "name_key": fold(record.caller_name),
        "caller_phone": record.caller_phone,
        "caller_email": record.caller_email,
        "fields": json.dumps(record.fields, ensure_ascii=False),
        "answer": record.answer,
        "note": record.note,
        "follow_up": json.dumps(follow_up_to_dict(follow_up)) if follow_up else None,
        "follow_up_open": int(record.has_open_follow_up),
        "anonymized_at": anonymized.isoformat() if anonymized else None,
        "search_text": _search_text(record),
    }


def record_from_row(row: Sequence[Any]) -> CallRecord:
    return CallRecord(
        id=row[0],
        time=datetime.fromisoformat(row[1]),
        volunteer=row[2],
        kind=row[3],
        reason=row[4],
        reason_is_new=bool(row[5]),
        caller_name=row[6],
        caller_phone=row[7],
        caller_email=row[8],
        fields=json.loads(row[9]),
        answer=row[10],
        note=row[11],
        follow_up=follow_up_from_dict(json.loads(row[12])) if row[12] else None,
        anonymized_at=datetime.fromisoformat(row[13]) if row[13] else None,
    )


def like_pattern(text: str) -> str:
    escaped = text.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")
    return f"%{escaped}%"


def query_sql(query: CallQuery) -> tuple[str, list[Any]]:
    """Return the SQL and parameters of ``query``, walking an index in time order.

    TODO: a word found in few calls makes the text search read the whole
    table (about 190 ms at 100,000 calls); an FTS5 index on ``search_text``
    would keep it flat, at the price of a bigger file and slower inserts.
    """
    clauses: list[str] = []
    params: list[Any] = []
    for condition, value in (
        ("utc >= ?", utc_key(query.start) if query.start else None),
        ("utc < ?", utc_key(query.end) if query.end else None),
        ("reason = ?", query.reason or None),
        ("volunteer_key = ?", fold(query.volunteer) or None),
        ("kind = ?", query.kind or None),
        (
            "search_text LIKE ? ESCAPE '\\'",
            like_pattern(fold(query.text)) if query.text else None,
        ),
    ):
        if value is not None:
            clauses.append(condition)
            params.append(value)
    if query.open_only:
        clauses.append("follow_up_open = 1")
    where = f" WHERE {' AND '.join(clauses)}" if clauses else ""
    order = "DESC" if query.newest_first else "ASC"
    sql = f"SELECT {COLUMNS} FROM calls{where} ORDER BY utc {order}, id {order}"
    if query.limit is not None:
        sql += " LIMIT ?"
        params.append(query.limit)
    return sql, params
