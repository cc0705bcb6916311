"""What a handoff shows: plain records of calls, follow-ups and shifts.

They carry no caller's details: times, reasons, volunteers and follow-up
owners only.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import date, datetime

from permanence.stats import ReasonCount


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
