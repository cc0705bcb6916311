"""Figures about the calls: why people call, when, and how fast we follow up.

The figures are built in two steps. First the calls of a period are
*tallied* into counts that hold no caller's personal data (reasons, times,
volunteers, follow-up owners and dates only): either from plain records
(``tally_records``, used by tests and small logs) or directly by SQL on the
local call store (``permanence.adapters.statsquery``), which is what the
command does so that a large log stays fast. Then ``build_figures`` turns
the tallies into the report: bars by reason, reasons not yet in the guide,
the weekday x hour grid, follow-up lead times, calls per volunteer and the
questions the FAQ could not answer.

Free text typed by volunteers (a new reason, an unanswered FAQ question)
is shown, because it is what the coordinator needs to improve the guide,
but phone numbers and e-mail addresses found in it are masked.
"""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, time, timedelta
from zoneinfo import ZoneInfo

from permanence.calls.contact import EMAIL_IN_TEXT, PHONE_IN_TEXT
from permanence.calls.record import CallRecord, fold
from permanence.workspace import Workspace

OLDEST_OPEN_SHOWN = 5
MASK = "[…]"
_DATE = re.compile(r"\d{4}-\d{2}-\d{2}|\d{1,2}/\d{1,2}/\d{2,4}")
_SPACES = re.compile(r"\s+")


@dataclass(frozen=True)
class Period:
    """A span of time: ``start`` included, ``end`` excluded (aware)."""

    start: datetime
    end: datetime


@dataclass(frozen=True)
class OpenFollowUp:
    """A follow-up nobody has closed yet (no caller details)."""

    call_id: str
    opened: datetime
    reason: str
    owner: str


@dataclass
class CallTallies:
    """Counts of the calls of a period, free of callers' personal data."""

    by_reason: Counter[str] = field(default_factory=Counter)
    by_volunteer: Counter[str] = field(default_factory=Counter)
    # (ISO weekday 1=Monday..7, local hour 0..23) -> calls
    by_weekday_hour: Counter[tuple[int, int]] = field(default_factory=Counter)
    close_seconds: list[float] = field(default_factory=list)
    open_count: int = 0
    oldest_open: list[OpenFollowUp] = field(default_factory=list)


@dataclass(frozen=True)
class ReasonCount:
    """How many calls had one reason."""

    reason: str
    label: str
    count: int


@dataclass(frozen=True)
class FollowUpFigures:
    """How fast follow-ups are closed, and what still waits."""

    closed: int
    open: int
    median_hours_to_close: float | None
    oldest_open: list[tuple[OpenFollowUp, float]]  # with its age in days


@dataclass(frozen=True)
class Figures:
    """Everything ``permanence stats`` reports for a period."""

    period: Period
    total_calls: int
    by_reason: list[ReasonCount]
    new_reasons: list[ReasonCount]
    weekday_hour: dict[tuple[int, int], int]
    follow_ups: FollowUpFigures
    by_volunteer: list[tuple[str, int]]
    unanswered: list[tuple[str, int]]


def mask_contacts(text: str) -> str:
    """Return ``text`` with e-mail addresses and phone numbers masked.

    Anything shaped like a phone number goes, whether or not it is a valid
    one (a wrong digit does not make it less personal); dates stay.
    """

    def replace_phone(match: re.Match[str]) -> str:
        found = match.group(0)
        return found if _DATE.fullmatch(found.strip()) else MASK

    return PHONE_IN_TEXT.sub(replace_phone, EMAIL_IN_TEXT.sub(MASK, text))


def period_since(now: datetime, span: timedelta) -> Period:
    """Return the ``span`` of time up to ``now``."""
    return Period(now - span, now)


def period_between(first: date, last: date, zone: ZoneInfo) -> Period:
    """Return the local days from ``first`` to ``last``, both included."""
    start = datetime.combine(first, time(0), zone)
    end = datetime.combine(last + timedelta(days=1), time(0), zone)
    return Period(start, end)


def tally_records(
    records: Iterable[CallRecord], period: Period, zone: ZoneInfo
) -> CallTallies:
    """Tally the calls of ``period`` among plain records.

    Follow-ups still open count whenever their call was made (up to the
    period's end): an old one still waiting matters most. Volunteers are
    counted by name regardless of case and accents, under the spelling of
    their latest record.
    """
    tallies = CallTallies()
    open_items: list[OpenFollowUp] = []
    spelling: dict[str, tuple[datetime, str]] = {}
    by_key: Counter[str] = Counter()
    for record in records:
        key = fold(record.volunteer)
        if key not in spelling or spelling[key][0] <= record.time:
            spelling[key] = (record.time, record.volunteer)
        if record.kind != "call" or record.time >= period.end:
            continue
        if record.has_open_follow_up:
            owner = record.follow_up.owner if record.follow_up else ""
            item = OpenFollowUp(record.id, record.time, record.reason, owner)
            open_items.append(item)
        if record.time >= period.start:
            by_key[key] += 1
            _tally_call(tallies, record, zone)
    for key, count in by_key.items():
        tallies.by_volunteer[spelling[key][1]] += count
    open_items.sort(key=lambda item: (item.opened.astimezone(UTC), item.call_id))
    tallies.open_count = len(open_items)
    tallies.oldest_open = open_items[:OLDEST_OPEN_SHOWN]
    return tallies


def _tally_call(tallies: CallTallies, record: CallRecord, zone: ZoneInfo) -> None:
    local = record.time.astimezone(zone)
    tallies.by_reason[record.reason] += 1
    tallies.by_weekday_hour[(local.isoweekday(), local.hour)] += 1
    follow_up = record.follow_up
    if follow_up is not None and follow_up.done_at is not None:
        # Timestamps, not datetime subtraction: with one tzinfo on both
        # sides Python subtracts wall-clock times, wrong across a DST change.
        seconds = follow_up.done_at.timestamp() - record.time.timestamp()
        tallies.close_seconds.append(seconds)


def tally_store(workspace: Workspace, period: Period, zone: ZoneInfo) -> CallTallies:
    """Tally the calls of ``period`` in the workspace's call log, in SQL."""
    from permanence.adapters import statsquery

    path = statsquery.store_path(workspace)
    whole_hours = _whole_hour_offsets(zone, period)
    raw = statsquery.tally_calls(
        path, period.start, period.end, OLDEST_OPEN_SHOWN, whole_hours
    )
    tallies = CallTallies(close_seconds=raw.close_seconds, open_count=raw.open_count)
    tallies.by_reason.update(raw.by_reason)
    tallies.by_volunteer.update(raw.by_volunteer)
    tallies.by_weekday_hour = _weekday_hours(raw.by_hour, zone, raw.local_hours)
    tallies.oldest_open = [
        OpenFollowUp(
            row.call_id, datetime.fromisoformat(row.time), row.reason, row.owner
        )
        for row in raw.oldest_open
    ]
    return tallies


def _whole_hour_offsets(zone: ZoneInfo, period: Period) -> bool:
    """True when ``zone``'s offsets in ``period`` are whole hours (most zones)."""
    moments = (period.start, period.end, period.start + (period.end - period.start) / 2)
    offsets = [zone.utcoffset(moment.replace(tzinfo=None)) for moment in moments]
    return all(o is not None and o.total_seconds() % 3600 == 0 for o in offsets)


def _weekday_hours(
    hours: Iterable[tuple[str, int, int]], zone: ZoneInfo, local: bool
) -> Counter[tuple[int, int]]:
    """Turn ("YYYY-MM-DD", hour, calls) rows into (ISO weekday, local hour) counts.

    UTC hours are shifted by the day's offset, looked up once per day (and
    per hour only on the days the offset changes). Cells are summed in a
    flat list: this loop runs once per hour with calls, 17,000 times for
    two years of calls.
    """
    cells = [0] * (7 * 24)
    days: dict[str, tuple[int, int] | None] = {}
    for day, hour, count in hours:
        if day not in days:
            days[day] = _day_start(day, zone, local)
        steady = days[day]
        if steady is None:  # the offset changes that day
            moment = datetime.fromisoformat(f"{day}T{hour:02d}:00+00:00")
            moment = moment.astimezone(zone)
            weekday, local_hour = moment.isoweekday(), moment.hour
        else:
            weekday, first_hour = steady
            shift, local_hour = divmod(first_hour + hour, 24)
            weekday = (weekday - 1 + shift) % 7 + 1
        cells[(weekday - 1) * 24 + local_hour] += count
    return Counter(
        {(index // 24 + 1, index % 24): n for index, n in enumerate(cells) if n}
    )


def _day_start(day: str, zone: ZoneInfo, local: bool) -> tuple[int, int] | None:
    """Return the local weekday and hour at the start of ``day``'s hours."""
    if local:
        return date.fromisoformat(day).isoweekday(), 0
    return _steady_start(day, zone)


def _steady_start(day: str, zone: ZoneInfo) -> tuple[int, int] | None:
    """Return the local weekday and hour of 00:00 UTC on ``day``, or None
    when the offset is not the same all day."""
    midnight = datetime.fromisoformat(f"{day}T00:00+00:00")
    first = midnight.astimezone(zone)
    last = (midnight + timedelta(hours=23)).astimezone(zone)
    if first.utcoffset() != last.utcoffset():
        return None
    return first.isoweekday(), first.hour


def count_queries(
    queries: Iterable[tuple[datetime, str]],
    period: Period,
    same: Callable[[str], str] = str.casefold,
) -> list[tuple[str, int]]:
    """Count the unanswered FAQ questions of ``period``, most asked first.

    Questions with the same ``same(text)`` are counted together (the FAQ's
    own grouping, which ignores accents and punctuation, in the commands),
    under the spelling first seen.
    """
    counts: Counter[str] = Counter()
    spelling: dict[str, str] = {}
    for asked_at, query in queries:
        if not period.start <= asked_at < period.end:
            continue
        text = mask_contacts(_SPACES.sub(" ", query).strip())
        if not text:
            continue
        key = same(text) or text.casefold()
        spelling.setdefault(key, text)
        counts[key] += 1
    return sorted(
        ((spelling[key], count) for key, count in counts.items()),
        key=lambda item: (-item[1], item[0].casefold()),
    )


def build_figures(
    tallies: CallTallies,
    period: Period,
    labels: Mapping[str, str],
    unanswered: Sequence[tuple[str, int]],
    now: datetime,
) -> Figures:
    """Turn tallies into the report; ``labels`` maps guide codes to labels."""
    known, new = _split_reasons(tallies.by_reason, labels)
    return Figures(
        period=period,
        total_calls=sum(tallies.by_reason.values()),
        by_reason=known,
        new_reasons=new,
        weekday_hour=dict(tallies.by_weekday_hour),
        follow_ups=_follow_up_figures(tallies, now),
        by_volunteer=_most_first(tallies.by_volunteer.items()),
        unanswered=list(unanswered),
    )


def guide_code(reason: str, labels: Mapping[str, str]) -> str | None:
    """Return the guide's code for ``reason`` (one of its codes or labels)."""
    text = _SPACES.sub(" ", reason).strip()
    if text in labels:
        return text
    folded = text.casefold()
    return next(
        (code for code, label in labels.items() if label.casefold() == folded), None
    )


def _split_reasons(
    counts: Mapping[str, int], labels: Mapping[str, str]
) -> tuple[list[ReasonCount], list[ReasonCount]]:
    """Separate the guide's reasons from those not in the guide.

    A reason is the guide's when it is one of its codes or labels (a new
    reason typed by a volunteer and since added to the guide counts with
    it); anything else is a reason to add (free text, masked for contacts).
    """
    known: Counter[str] = Counter()
    new: Counter[str] = Counter()
    spelling: dict[str, str] = {}
    for reason, count in counts.items():
        text = _SPACES.sub(" ", reason).strip()
        code = guide_code(text, labels)
        if code is not None:
            known[code] += count
            continue
        shown = mask_contacts(text) if text else "?"
        spelling.setdefault(shown.casefold(), shown)
        new[shown.casefold()] += count
    known_list = [
        ReasonCount(code, labels[code], count)
        for code, count in _most_first(known.items())
    ]
    new_list = [
        ReasonCount(spelling[key], spelling[key], count)
        for key, count in _most_first(new.items())
    ]
    return known_list, new_list


def _follow_up_figures(tallies: CallTallies, now: datetime) -> FollowUpFigures:
    median = None
    if tallies.close_seconds:
        median = median_of(tallies.close_seconds) / 3600
    oldest = [
        (item, (now.timestamp() - item.opened.timestamp()) / 86400)
        for item in tallies.oldest_open
    ]
    return FollowUpFigures(
        closed=len(tallies.close_seconds),
        open=tallies.open_count,
        median_hours_to_close=median,
        oldest_open=oldest,
    )


def median_of(values: Sequence[float]) -> float:
    """Return the median of ``values`` (not empty).

    The ``statistics`` module would do, but importing it costs more than
    this whole function on the start-up path of ``handoff``.
    """
    ordered = sorted(values)
    middle = len(ordered) // 2
    if len(ordered) % 2:
        return ordered[middle]
    return (ordered[middle - 1] + ordered[middle]) / 2


def _most_first(items: Iterable[tuple[str, int]]) -> list[tuple[str, int]]:
    return sorted(items, key=lambda item: (-item[1], item[0].casefold()))


def collect_figures(
    workspace: Workspace, period: Period, zone: ZoneInfo, now: datetime
) -> Figures:
    """Return the figures of ``period`` from the workspace's call log and FAQ."""
    from permanence.calls.reasons import load_reasons
    from permanence.faq import normalise_query, read_unanswered

    labels = {reason.code: reason.label for reason in load_reasons(workspace).reasons}
    queries = [(item.time, item.query) for item in read_unanswered(workspace)]
    unanswered = count_queries(queries, period, normalise_query)
    tallies = tally_store(workspace, period, zone)
    return build_figures(tallies, period, labels, unanswered, now)
