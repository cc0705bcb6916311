"""The call record: what a volunteer writes down about one call.

This module is the contract between the local call log and the shared
sheet: plain frozen dataclasses, their JSON form, and the call ids. It only
imports the standard library, so that the SQLite adapter can build records
without pulling in any domain logic.

Call ids look like ``20261203-140512-k3x9``: the local date and time of the
call (association timezone) and four random characters. They sort by time
(within one day and outside the autumn DST hour), stay unique even when two
volunteers log at the same second, and can be read out over the phone: the
random part uses lower-case letters and digits without ``i``, ``l``, ``o``
and ``u``, which are easily mistaken for ``1``, ``0`` or ``v``.
"""

from __future__ import annotations

import os
import unicodedata
from collections.abc import Mapping
from datetime import date, datetime
from typing import Any, NamedTuple

KINDS = ("call", "shift_started", "shift_ended")
ID_ALPHABET = "0123456789abcdefghjkmnpqrstvwxyz"
SHEET_PENDING = "pending"  # never confirmed in the sheet
SHEET_DONE = "in_sheet"  # the sheet row matches the record
SHEET_CHANGED = "changed"  # in the sheet, but the row must be rewritten


class FollowUp(NamedTuple):
    """Something to do after the call, and who does it."""

    owner: str
    owner_email: str = ""
    due: date | None = None
    done_at: datetime | None = None
    done_by: str = ""
    done_note: str = ""

    @property
    def is_open(self) -> bool:
        """True while nobody has closed the follow-up."""
        return self.done_at is None


class CallRecord(NamedTuple):
    """One entry of the call log (a call, or a shift starting or ending)."""

    id: str
    time: datetime  # aware, association timezone, keeps its UTC offset
    volunteer: str
    kind: str = "call"
    reason: str = ""  # a guide reason code, or the text of a new reason
    reason_is_new: bool = False
    caller_name: str = ""
    caller_phone: str = ""  # E.164
    caller_email: str = ""  # normalised
    fields: Mapping[str, str] = {}  # read only: records never change in place
    answer: str = ""
    note: str = ""
    follow_up: FollowUp | None = None
    anonymized_at: datetime | None = None

    @property
    def has_open_follow_up(self) -> bool:
        """True when the record carries a follow-up nobody has closed."""
        return self.follow_up is not None and self.follow_up.is_open


class CallQuery(NamedTuple):
    """What to look for in the call log; empty criteria match everything."""

    start: datetime | None = None  # inclusive, aware
    end: datetime | None = None  # exclusive, aware
    reason: str = ""
    volunteer: str = ""  # case-insensitive exact name
    text: str = ""  # in name, answer, note and field values
    open_only: bool = False
    kind: str = ""
    limit: int | None = 50
    newest_first: bool = True


def fold(text: str) -> str:
    """Return ``text`` without accents, case or extra spaces, for matching."""
    decomposed = unicodedata.normalize("NFKD", text.casefold())
    bare = "".join(c for c in decomposed if not unicodedata.combining(c))
    return " ".join(bare.split())


def new_call_id(at: datetime) -> str:
    """Return a fresh id for a record made at ``at`` (local time)."""
    # 256 is a multiple of 32: each byte picks a character uniformly.
    suffix = "".join(ID_ALPHABET[byte % 32] for byte in os.urandom(4))
    return f"{at:%Y%m%d-%H%M%S}-{suffix}"


def with_follow_up_closed(
    record: CallRecord, by: str, note: str, at: datetime
) -> CallRecord:
    """Return ``record`` with its follow-up closed by ``by`` at ``at``."""
    if record.follow_up is None:
        raise ValueError(f"record {record.id} has no follow-up")
    done = record.follow_up._replace(done_at=at, done_by=by, done_note=note)
    return record._replace(follow_up=done)


def _iso(value: date | datetime | None) -> str | None:
    return value.isoformat() if value is not None else None


def follow_up_to_dict(follow_up: FollowUp) -> dict[str, Any]:
    """Return the JSON form of a follow-up."""
    return {
        "owner": follow_up.owner,
        "owner_email": follow_up.owner_email,
        "due": _iso(follow_up.due),
        "done_at": _iso(follow_up.done_at),
        "done_by": follow_up.done_by,
        "done_note": follow_up.done_note,
        "open": follow_up.is_open,
    }


def record_to_dict(record: CallRecord) -> dict[str, Any]:
    """Return the JSON form of a record (ISO dates with their UTC offset)."""
    follow_up = record.follow_up
    return {
        "id": record.id,
        "time": record.time.isoformat(),
        "volunteer": record.volunteer,
        "kind": record.kind,
        "reason": record.reason,
        "reason_is_new": record.reason_is_new,
        "caller_name": record.caller_name,
        "caller_phone": record.caller_phone,
        "caller_email": record.caller_email,
        "fields": dict(record.fields),
        "answer": record.answer,
        "note": record.note,
        "follow_up": follow_up_to_dict(follow_up) if follow_up else None,
        "anonymized_at": _iso(record.anonymized_at),
    }


def _datetime(value: Any) -> datetime | None:
    return datetime.fromisoformat(value) if value else None


def follow_up_from_dict(data: dict[str, Any]) -> FollowUp:
    """Build a follow-up from its JSON form."""
    due = data.get("due")
    return FollowUp(
        owner=str(data.get("owner") or ""),
        owner_email=str(data.get("owner_email") or ""),
        due=date.fromisoformat(due) if due else None,
        done_at=_datetime(data.get("done_at")),
        done_by=str(data.get("done_by") or ""),
        done_note=str(data.get("done_note") or ""),
    )


def record_from_dict(data: dict[str, Any]) -> CallRecord:
    """Build a record from its JSON form (as written by ``record_to_dict``)."""
    follow_up = data.get("follow_up")
    time = datetime.fromisoformat(data["time"])
    if time.tzinfo is None:
        raise ValueError(f"time {data['time']!r} has no UTC offset")
    return CallRecord(
        id=str(data["id"]),
        time=time,
        volunteer=str(data.get("volunteer") or ""),
        kind=str(data.get("kind") or "call"),
        reason=str(data.get("reason") or ""),
        reason_is_new=bool(data.get("reason_is_new", False)),
        caller_name=str(data.get("caller_name") or ""),
        caller_phone=str(data.get("caller_phone") or ""),
        caller_email=str(data.get("caller_email") or ""),
        fields={str(k): str(v) for k, v in (data.get("fields") or {}).items()},
        answer=str(data.get("answer") or ""),
        note=str(data.get("note") or ""),
        follow_up=follow_up_from_dict(follow_up) if follow_up else None,
        anonymized_at=_datetime(data.get("anonymized_at")),
    )
