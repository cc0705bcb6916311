"""Looking back at the call log: searches, open follow-ups, closing them."""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass
from datetime import datetime, time, timedelta
from zoneinfo import ZoneInfo

from permanence.adapters.callstore import CallStore
from permanence.calls.record import CallQuery, CallRecord
from permanence.calls.values import parse_date, parse_span
from permanence.errors import UserInputError
from permanence.i18n import _


@dataclass(frozen=True)
class SearchOptions:
    """The options of ``permanence calls``, as typed."""

    start: str = ""
    end: str = ""
    since: str = ""
    reason: str = ""
    volunteer: str = ""
    text: str = ""
    open_only: bool = False
    limit: int = 50


def _day_start(text: str, option: str, zone: ZoneInfo) -> datetime:
    try:
        day = parse_date(text)
    except ValueError as error:
        raise UserInputError(f"{option}: {error}") from error
    return datetime.combine(day, time(), zone)


def build_query(options: SearchOptions, now: datetime) -> CallQuery:
    """Return the query for ``options``; raise ``UserInputError`` if one is wrong."""
    zone = now.tzinfo if isinstance(now.tzinfo, ZoneInfo) else ZoneInfo("UTC")
    start = _day_start(options.start, "--from", zone) if options.start else None
    end = None
    if options.end:
        end = _day_start(options.end, "--to", zone) + timedelta(days=1)
    if options.since:
        try:
            start = now - parse_span(options.since)
        except ValueError as error:
            raise UserInputError(f"--since: {error}") from error
    if options.limit < 1:
        raise UserInputError(_("--limit must be 1 or more"))
    return CallQuery(
        start=start,
        end=end,
        reason=options.reason.strip(),
        volunteer=options.volunteer.strip(),
        text=options.text.strip(),
        open_only=options.open_only,
        limit=options.limit,
    )


@dataclass(frozen=True)
class OwnerFollowUps:
    """The open follow-ups of one owner, oldest first."""

    owner: str
    records: list[CallRecord]


@dataclass(frozen=True)
class OpenFollowUps:
    """Open follow-ups grouped by owner, and how many were left out."""

    groups: list[OwnerFollowUps]
    total: int
    shown: int


def open_follow_ups(store: CallStore, limit: int) -> OpenFollowUps:
    """Return the ``limit`` oldest open follow-ups, grouped by owner."""
    query = CallQuery(open_only=True, limit=limit, newest_first=False)
    records = store.search(query)
    total = store.count(query) if len(records) == limit else len(records)
    by_owner: dict[str, list[CallRecord]] = defaultdict(list)
    for record in records:
        owner = record.follow_up.owner if record.follow_up else ""
        by_owner[owner].append(record)
    groups = [OwnerFollowUps(owner, found) for owner, found in by_owner.items()]
    groups.sort(key=lambda group: (group.records[0].time, group.owner))
    return OpenFollowUps(groups, total, len(records))


def close_follow_up(
    store: CallStore, id: str, by: str, note: str, at: datetime
) -> CallRecord:
    """Close the follow-up of call ``id``; raise ``UserInputError`` if it can't be."""
    record = store.get(id.strip())
    if record is None:
        message = _(
            "no call has the id '{id}': 'permanence followups' lists the open ones"
        )
        raise UserInputError(message.format(id=id))
    if record.follow_up is None:
        message = _("call {id} has no follow-up to close")
        raise UserInputError(message.format(id=id))
    if not record.follow_up.is_open:
        done_at = record.follow_up.done_at
        message = _("the follow-up of call {id} was already closed by {who} on {date}")
        when = f"{done_at:%d/%m/%Y %H:%M}" if done_at else "?"
        who = record.follow_up.done_by or "?"
        raise UserInputError(message.format(id=id, who=who, date=when))
    return store.close_follow_up(record.id, by, note.strip(), at)


def age_in_days(record: CallRecord, now: datetime) -> int:
    """Return how many whole days ago the call was made."""
    return max(0, (now - record.time).days)
