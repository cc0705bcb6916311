"""Handing the phone over: what the incoming volunteer must know, and what
the outgoing one tells the team.

``start_handoff`` gathers, for the volunteer taking the phone, who had it
before, the calls since then, the open follow-ups by owner, the new reasons
and unanswered FAQ questions, the previous volunteer's notes and today's
shifts; ``end_handoff`` gathers the shift's calls by reason, its follow-ups
and who comes next. Both record a shift event in the call log so that the
team knows who is on. The summaries hold no caller's details: only times,
reasons, volunteers and follow-up owners (see ``permanence.stats`` for how
free text typed by volunteers is shown).
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field, replace
from datetime import date, datetime, time, timedelta
from typing import TYPE_CHECKING

from permanence.calls.record import CallQuery, CallRecord, fold, new_call_id
from permanence.errors import UserInputError
from permanence.i18n import _
from permanence.stats import Period, ReasonCount, count_queries, mask_contacts

if TYPE_CHECKING:
    from permanence.adapters.callstore import CallStore
    from permanence.schedule import Schedule, Shift
    from permanence.workspace import Workspace

# When neither the log nor the schedule says when the phone was last handed
# over, the incoming volunteer is shown the last day.
DEFAULT_LOOKBACK = timedelta(days=1)


@dataclass(frozen=True)
class CallLine:
    """A call as a handoff shows it: when, why and who took it."""

    call_id: str
    time: datetime
    reason: str
    label: str
    is_new: bool
    volunteer: str


@dataclass(frozen=True)
class FollowUpLine:
    """A follow-up as a handoff shows it (no caller details)."""

    call_id: str
    opened: datetime
    reason: str
    label: str
    owner: str
    due: date | None
    is_open: bool


@dataclass(frozen=True)
class OwnerGroup:
    """The open follow-ups of one owner, oldest first."""

    owner: str
    follow_ups: tuple[FollowUpLine, ...]


@dataclass(frozen=True)
class ShiftEvent:
    """A shift start or end recorded in the call log."""

    volunteer: str
    time: datetime
    note: str = ""


@dataclass(frozen=True)
class ShiftSlot:
    """A shift of the schedule with its volunteers' names."""

    start: datetime
    end: datetime
    volunteers: tuple[str, ...]
    label: str = ""


@dataclass(frozen=True)
class HandoffRequest:
    """Who hands over, when, and what the command already knows."""

    volunteer: str
    at: datetime
    labels: Mapping[str, str] = field(default_factory=dict)
    links: Mapping[str, str] = field(default_factory=dict)
    note: str = ""


@dataclass(frozen=True)
class StartHandoff:
    """What the volunteer taking the phone must know."""

    volunteer: str
    at: datetime
    since: datetime
    previous_shift: ShiftSlot | None
    last_ended: ShiftEvent | None
    calls: list[CallLine]
    open_follow_ups: list[OwnerGroup]
    new_reasons: list[ReasonCount]
    unanswered: list[tuple[str, int]]
    today: list[ShiftSlot]
    links: dict[str, str]
    event_id: str = ""


@dataclass(frozen=True)
class EndHandoff:
    """What the volunteer leaving the phone tells the team."""

    volunteer: str
    at: datetime
    since: datetime
    call_count: int
    calls_by_reason: list[ReasonCount]
    new_reasons: list[ReasonCount]
    follow_ups_created: list[FollowUpLine]
    still_open: list[OwnerGroup]
    note: str
    next_shift: ShiftSlot | None
    event_id: str = ""


def choose_volunteer(
    schedule: Schedule | None, at: datetime, given: str, configured: str
) -> str:
    """Return who hands over: ``--as``, else the user's config, else the schedule."""
    for name in (given, configured):
        if name.strip():
            return volunteer_name(schedule, name.strip())
    if schedule is not None:
        from permanence.schedule import on_duty

        names = [volunteer.name for volunteer in on_duty(schedule, at)]
        if len(names) == 1:
            return names[0]
        if names:
            message = _("{names} are on duty now: say which one you are with --as NAME")
            raise UserInputError(message.format(names=", ".join(names)))
    message = _(
        "nobody is on duty at {time} in shifts.yaml: say who you are with --as "
        "NAME (or set 'volunteer' in your config)"
    )
    raise UserInputError(message.format(time=f"{at:%Y-%m-%d %H:%M}"))


def volunteer_name(schedule: Schedule | None, given: str) -> str:
    """Return the schedule's spelling of the volunteer ``given`` designates.

    ``given`` may be an id, a full name, or the start of either when only
    one volunteer matches (``karim`` for Karim Haddad); anyone else (a
    stand-in not in the schedule) keeps the name as typed.
    """
    if schedule is None:
        return given
    key = fold(given)
    exact = [v for v in schedule.volunteers if key in (fold(v.id), fold(v.name))]
    starting = [
        v
        for v in schedule.volunteers
        if fold(v.id).startswith(key) or fold(v.name).startswith(key)
    ]
    found = exact or starting
    return found[0].name if len(found) == 1 else given


def shift_event(kind: str, request: HandoffRequest) -> CallRecord:
    """Return the log record of a shift starting or ending."""
    return CallRecord(
        id=new_call_id(request.at),
        time=request.at,
        volunteer=request.volunteer,
        kind=kind,
        note=request.note,
    )


def begin_shift(
    workspace: Workspace, schedule: Schedule | None, request: HandoffRequest
) -> StartHandoff:
    """Gather the start handoff from the workspace and log "shift_started"."""
    from permanence.adapters.callstore import CallStore
    from permanence.faq import read_unanswered

    request = _with_labels(workspace, request)
    queries = [(item.time, item.query) for item in read_unanswered(workspace)]
    with CallStore.open(workspace) as store:
        handoff = start_handoff(store, schedule, request, queries)
    return replace(handoff, event_id=_save_event(workspace, "shift_started", request))


def finish_shift(
    workspace: Workspace, schedule: Schedule | None, request: HandoffRequest
) -> EndHandoff:
    """Gather the end handoff and log "shift_ended" with the volunteer's note.

    The event is saved even when the log cannot be read, so that the note
    typed is never lost (it then waits in a rescue file).
    """
    from permanence.adapters.callstore import CallStore

    request = _with_labels(workspace, request)
    try:
        with CallStore.open(workspace) as store:
            handoff = end_handoff(store, schedule, request)
    finally:
        event_id = _save_event(workspace, "shift_ended", request)
    return replace(handoff, event_id=event_id)


def _with_labels(workspace: Workspace, request: HandoffRequest) -> HandoffRequest:
    if request.labels:
        return request
    from permanence.calls.reasons import load_reasons

    labels = {r.code: r.label for r in load_reasons(workspace).reasons}
    return replace(request, labels=labels)


def _save_event(workspace: Workspace, kind: str, request: HandoffRequest) -> str:
    from permanence.calls.rescue import save_calls

    event = shift_event(kind, request)
    save_calls(workspace, [event])
    return event.id


def start_handoff(
    store: CallStore,
    schedule: Schedule | None,
    request: HandoffRequest,
    unanswered: Iterable[tuple[datetime, str]] = (),
) -> StartHandoff:
    """Gather what the volunteer taking the phone at ``request.at`` must know."""
    at = request.at
    last_ended = _last_event(store, "shift_ended", at)
    previous = _slot(schedule, _previous_shift(schedule, at))
    since = _handover_time(store, last_ended, previous, at)
    calls = _calls(store, Period(since, at), request.labels)
    return StartHandoff(
        volunteer=request.volunteer,
        at=at,
        since=since,
        previous_shift=previous,
        last_ended=last_ended,
        calls=calls,
        open_follow_ups=open_follow_ups(store, at, request.labels),
        new_reasons=new_reasons(calls),
        unanswered=count_queries(unanswered, Period(since, at)),
        today=shifts_of_day(schedule, at),
        links=dict(request.links),
    )


def end_handoff(
    store: CallStore, schedule: Schedule | None, request: HandoffRequest
) -> EndHandoff:
    """Gather what happened during the shift ending at ``request.at``."""
    at = request.at
    since = shift_start(store, schedule, request.volunteer, at)
    records = _call_records(store, Period(since, at))
    calls = [_call_line(record, request.labels) for record in records]
    created = [
        _follow_up_line(record, request.labels)
        for record in records
        if record.follow_up is not None
    ]
    return EndHandoff(
        volunteer=request.volunteer,
        at=at,
        since=since,
        call_count=len(calls),
        calls_by_reason=reasons_of(calls, new=False),
        new_reasons=new_reasons(calls),
        follow_ups_created=created,
        still_open=open_follow_ups(store, at, request.labels),
        note=mask_contacts(request.note),
        next_shift=_slot(schedule, _next_shift(schedule, at)),
    )


def shift_start(
    store: CallStore, schedule: Schedule | None, volunteer: str, at: datetime
) -> datetime:
    """Return when ``volunteer``'s shift ending at ``at`` began.

    Their last "shift_started" event counts unless they ended a shift since;
    else the schedule's shift they are on (under way or just ended); else
    the start of the day.
    """
    started = _last_event(store, "shift_started", at, volunteer)
    ended = _last_event(store, "shift_ended", at, volunteer)
    if started is not None and (ended is None or ended.time <= started.time):
        return started.time
    shift = _own_shift(schedule, volunteer, at)
    if shift is not None:
        return shift.start
    return datetime.combine(at.date(), time(0), at.tzinfo)


def open_follow_ups(
    store: CallStore, at: datetime, labels: Mapping[str, str]
) -> list[OwnerGroup]:
    """Return the follow-ups open at ``at``, grouped by owner, oldest first."""
    query = CallQuery(
        end=at, kind="call", open_only=True, limit=None, newest_first=False
    )
    groups: dict[str, list[FollowUpLine]] = {}
    for record in store.search(query):
        line = _follow_up_line(record, labels)
        groups.setdefault(line.owner, []).append(line)
    ordered = sorted(groups.items(), key=lambda item: item[1][0].opened)
    return [OwnerGroup(owner, tuple(lines)) for owner, lines in ordered]


def reasons_of(calls: Sequence[CallLine], new: bool) -> list[ReasonCount]:
    """Count ``calls`` by reason (the guide's, or the new ones), most first."""
    counts: dict[str, ReasonCount] = {}
    for call in calls:
        if call.is_new != new:
            continue
        key = fold(call.reason)
        known = counts.get(key)
        total = known.count + 1 if known else 1
        counts[key] = ReasonCount(call.reason, call.label, total)
    return sorted(counts.values(), key=lambda item: (-item.count, fold(item.label)))


def new_reasons(calls: Sequence[CallLine]) -> list[ReasonCount]:
    """Count the reasons typed by volunteers because the guide had none."""
    return reasons_of(calls, new=True)


def shifts_of_day(schedule: Schedule | None, at: datetime) -> list[ShiftSlot]:
    """Return the shifts of ``at``'s day with their volunteers' names."""
    if schedule is None:
        return []
    day = at.astimezone(schedule.zone).date()
    shifts = schedule.occurrences(day, day + timedelta(days=1))
    return [slot for shift in shifts if (slot := _slot(schedule, shift))]


def _last_event(
    store: CallStore, kind: str, at: datetime, volunteer: str = ""
) -> ShiftEvent | None:
    query = CallQuery(end=at, kind=kind, volunteer=volunteer, limit=1)
    found = store.search(query)
    if not found:
        return None
    record = found[0]
    return ShiftEvent(record.volunteer, record.time, mask_contacts(record.note))


def _handover_time(
    store: CallStore,
    last_ended: ShiftEvent | None,
    previous: ShiftSlot | None,
    at: datetime,
) -> datetime:
    """Return when the previous volunteer took the phone.

    The start of the shift that was last ended in the log (its
    "shift_started" event, else the schedule's previous shift if it began
    before that end, else the end itself); with no end logged, the previous
    shift in the schedule; else one day before.
    """
    if last_ended is not None:
        moment = last_ended.time + timedelta(microseconds=1)
        started = _last_event(store, "shift_started", moment, last_ended.volunteer)
        if started is not None:
            return started.time
        if previous is not None and previous.start <= last_ended.time:
            return previous.start
        return last_ended.time
    if previous is not None:
        return previous.start
    return at - DEFAULT_LOOKBACK


def _call_records(store: CallStore, period: Period) -> list[CallRecord]:
    query = CallQuery(
        start=period.start,
        end=period.end,
        kind="call",
        limit=None,
        newest_first=False,
    )
    return store.search(query)


def _calls(
    store: CallStore, period: Period, labels: Mapping[str, str]
) -> list[CallLine]:
    return [_call_line(record, labels) for record in _call_records(store, period)]


def _reason_label(reason: str, is_new: bool, labels: Mapping[str, str]) -> str:
    if is_new:
        return mask_contacts(reason) or "?"
    return labels.get(reason, reason) or "?"


def _call_line(record: CallRecord, labels: Mapping[str, str]) -> CallLine:
    is_new = record.reason_is_new and record.reason not in labels
    reason = mask_contacts(record.reason) if is_new else record.reason
    label = _reason_label(record.reason, is_new, labels)
    return CallLine(record.id, record.time, reason, label, is_new, record.volunteer)


def _follow_up_line(record: CallRecord, labels: Mapping[str, str]) -> FollowUpLine:
    follow_up = record.follow_up
    assert follow_up is not None
    is_new = record.reason_is_new and record.reason not in labels
    return FollowUpLine(
        call_id=record.id,
        opened=record.time,
        reason=mask_contacts(record.reason) if is_new else record.reason,
        label=_reason_label(record.reason, is_new, labels),
        owner=follow_up.owner,
        due=follow_up.due,
        is_open=follow_up.is_open,
    )


def _previous_shift(schedule: Schedule | None, at: datetime) -> Shift | None:
    if schedule is None:
        return None
    from permanence.schedule import previous_shift

    return previous_shift(schedule, at)


def _next_shift(schedule: Schedule | None, at: datetime) -> Shift | None:
    if schedule is None:
        return None
    from permanence.schedule import next_shift

    return next_shift(schedule, at)


def _own_shift(schedule: Schedule | None, volunteer: str, at: datetime) -> Shift | None:
    """Return the shift of ``volunteer`` under way at ``at``, or just ended."""
    if schedule is None:
        return None
    from permanence.schedule import current_shifts

    key = fold(volunteer)
    candidates = [*current_shifts(schedule, at), _previous_shift(schedule, at)]
    for shift in candidates:
        if shift is None:
            continue
        names = [fold(name) for name in _names(schedule, shift.volunteers)]
        ids = [fold(volunteer_id) for volunteer_id in shift.volunteers]
        if key in names or key in ids:
            return shift
    return None


def _names(schedule: Schedule, volunteer_ids: Iterable[str]) -> tuple[str, ...]:
    names = []
    for volunteer_id in volunteer_ids:
        volunteer = schedule.volunteer(volunteer_id)
        names.append(volunteer.name if volunteer else volunteer_id)
    return tuple(names)


def _slot(schedule: Schedule | None, shift: Shift | None) -> ShiftSlot | None:
    if schedule is None or shift is None:
        return None
    names = _names(schedule, shift.volunteers)
    return ShiftSlot(shift.start, shift.end, names, shift.label)
