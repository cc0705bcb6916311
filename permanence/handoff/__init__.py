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

from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import replace
from datetime import datetime, time, timedelta
from typing import TYPE_CHECKING

from permanence.calls.record import CallQuery, CallRecord, fold, new_call_id
from permanence.handoff.model import (
    CallLine,
    EndHandoff,
    FollowUpLine,
    HandoffRequest,
    OwnerGroup,
    ShiftEvent,
    ShiftSlot,
    StartHandoff,
)
from permanence.handoff.shifts import (
    choose_volunteer,
    next_shift,
    own_shift,
    previous_shift,
    shifts_of_day,
    slot_of,
    volunteer_name,
)
from permanence.stats import (
    Period,
    ReasonCount,
    count_queries,
    guide_code,
    mask_contacts,
)

if TYPE_CHECKING:
    from permanence.adapters.callstore import CallStore
    from permanence.schedule import Schedule
    from permanence.workspace import Workspace

__all__ = [
    "CallLine",
    "EndHandoff",
    "FollowUpLine",
    "HandoffRequest",
    "OwnerGroup",
    "ShiftEvent",
    "ShiftSlot",
    "StartHandoff",
    "begin_shift",
    "choose_volunteer",
    "end_handoff",
    "finish_shift",
    "open_follow_ups",
    "shift_start",
    "start_handoff",
    "volunteer_name",
]

# When neither the log nor the schedule says when the phone was last handed
# over, the incoming volunteer is shown the last day.
DEFAULT_LOOKBACK = timedelta(days=1)


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
    from permanence.faq import normalise_query, read_unanswered

    request = _with_labels(workspace, request)
    queries = [(item.time, item.query) for item in read_unanswered(workspace)]
    with CallStore.open(workspace) as store:
        handoff = start_handoff(store, schedule, request, queries, normalise_query)
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
    same_query: Callable[[str], str] = str.casefold,
) -> StartHandoff:
    """Gather what the volunteer taking the phone at ``request.at`` must know.

    ``unanswered`` are the FAQ's unanswered questions with their times;
    those asked since the handover are counted, grouped by ``same_query``.
    """
    at = request.at
    last_ended = _last_event(store, "shift_ended", at)
    previous = slot_of(schedule, previous_shift(schedule, at))
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
        unanswered=count_queries(unanswered, Period(since, at), same_query),
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
        next_shift=slot_of(schedule, next_shift(schedule, at)),
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
    shift = own_shift(schedule, volunteer, at)
    if shift is not None:
        return shift.start
    return datetime.combine(at.date(), time(0), at.tzinfo)


def open_follow_ups(
    store: CallStore, at: datetime, labels: Mapping[str, str]
) -> list[OwnerGroup]:
    """Return the follow-ups open at ``at``, grouped by owner, oldest first."""
    # No kind: only calls have follow-ups, and without it SQLite can use the
    # small index of open follow-ups instead of reading every call.
    query = CallQuery(end=at, open_only=True, limit=None, newest_first=False)
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
    if last_ended is None:
        return previous.start if previous is not None else at - DEFAULT_LOOKBACK
    started = _start_of_ended_shift(store, last_ended)
    if started is not None:
        return started
    if previous is not None and previous.start <= last_ended.time:
        return previous.start
    return last_ended.time


def _start_of_ended_shift(store: CallStore, ended: ShiftEvent) -> datetime | None:
    """Return when the shift that ``ended`` closes was logged as started.

    A start logged before that volunteer's previous end belongs to an older
    shift, whose start was forgotten: it does not count.
    """
    started = _last_event(store, "shift_started", ended.time, ended.volunteer)
    if started is None:
        return None
    before = _last_event(store, "shift_ended", ended.time, ended.volunteer)
    if before is not None and before.time >= started.time:
        return None
    return started.time


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


def _reason(record: CallRecord, labels: Mapping[str, str]) -> tuple[str, str, bool]:
    """Return the reason's code (or masked text), label, and whether it is new.

    New means not in the current guide; without a guide, the volunteer's
    own choice when logging the call says it.
    """
    code = guide_code(record.reason, labels) if labels else None
    if code is not None:
        return code, labels[code], False
    if labels or record.reason_is_new:
        text = mask_contacts(record.reason) or "?"
        return text, text, True
    return record.reason, record.reason or "?", False


def _call_line(record: CallRecord, labels: Mapping[str, str]) -> CallLine:
    reason, label, is_new = _reason(record, labels)
    return CallLine(record.id, record.time, reason, label, is_new, record.volunteer)


def _follow_up_line(record: CallRecord, labels: Mapping[str, str]) -> FollowUpLine:
    follow_up = record.follow_up
    assert follow_up is not None
    reason, label, _is_new = _reason(record, labels)
    return FollowUpLine(
        call_id=record.id,
        opened=record.time,
        reason=reason,
        label=label,
        owner=follow_up.owner,
        due=follow_up.due,
        is_open=follow_up.is_open,
    )
