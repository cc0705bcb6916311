"""Handoff summaries as text: sections shared by the terminal, markdown and
plain-text outputs, and their JSON form.

A summary is first laid out as a ``Report`` (a title and sections of
lines), so that Rich, markdown for the team chat and plain text for mail
say exactly the same things. Only times, reasons, volunteers and follow-up
owners appear: the handoff data carries no caller details.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import asdict, dataclass, field, is_dataclass
from datetime import date, datetime
from typing import TYPE_CHECKING, Any

from permanence.i18n import _, ngettext

if TYPE_CHECKING:
    from permanence.handoff import (
        EndHandoff,
        FollowUpLine,
        OwnerGroup,
        ShiftSlot,
        StartHandoff,
    )
    from permanence.stats import ReasonCount

FORMATS = ("terminal", "markdown", "text")
_URL = re.compile(r"(https?://\S+)")
_MARKDOWN = re.compile(r"[\\*_`~|\[\]<>#]")
CALLS_LISTED = 40  # longer lists end with "… and N more"


@dataclass
class Section:
    """A titled part of a summary: a few lines, or a word saying it is empty."""

    title: str
    lines: list[str] = field(default_factory=list)
    empty: str = ""
    quote: bool = False  # the lines are the volunteer's own words


@dataclass
class Report:
    """A summary ready to be drawn in any format."""

    title: str
    sections: list[Section]


def when(moment: datetime) -> str:
    """Return a date and time the way the interface language writes them."""
    return _("{at:%Y-%m-%d %H:%M}").format(at=moment)


def clock(moment: datetime) -> str:
    """Return the time of day."""
    return _("{at:%H:%M}").format(at=moment)


def day(moment: date | datetime) -> str:
    """Return a date the way the interface language writes it."""
    return _("{at:%Y-%m-%d}").format(at=moment)


def slot_text(slot: ShiftSlot) -> str:
    """Return "14:00-17:00 Alice, Bruno (label)"."""
    names = ", ".join(slot.volunteers) or _("nobody")
    label = f" ({slot.label})" if slot.label else ""
    return f"{clock(slot.start)}-{clock(slot.end)} {names}{label}"


def reason_text(item: ReasonCount) -> str:
    """Return "label: count"."""
    return labelled(item.label, str(item.count))


def labelled(label: str, value: str) -> str:
    """Return "label: value", spaced as the interface language wants."""
    return _("{label}: {value}").format(label=label, value=value)


def follow_up_text(line: FollowUpLine, now: datetime) -> str:
    """Return one follow-up: its call, reason, age and due date."""
    age = max(0, (now - line.opened).days)
    text = _("{label}, call of {opened} ({age})").format(
        label=line.label,
        opened=when(line.opened),
        age=ngettext("{n} day ago", "{n} days ago", age).format(n=age)
        if age
        else _("today"),
    )
    if line.due is not None:
        text += " — " + _("due {due}").format(due=day(line.due))
    return f"{text} ({line.call_id})"


def owner_lines(groups: Sequence[OwnerGroup], now: datetime) -> list[str]:
    """Return one line per open follow-up, grouped under each owner."""
    lines = []
    for group in groups:
        owner = group.owner or _("no owner")
        for line in group.follow_ups:
            lines.append(f"{owner} — {follow_up_text(line, now)}")
    return lines


def start_report(handoff: StartHandoff) -> Report:
    """Lay out what the volunteer taking the phone must know."""
    title = _("Shift start — {volunteer}, {at}").format(
        volunteer=handoff.volunteer, at=when(handoff.at)
    )
    sections = [
        Section(_("Before you"), _before_lines(handoff), _("no previous shift known")),
        Section(
            _("Notes from the previous volunteer"),
            _note_lines(handoff.last_ended.note if handoff.last_ended else ""),
            _("none"),
            quote=True,
        ),
        _calls_section(handoff),
        _open_section(handoff.open_follow_ups, handoff.at),
        _new_reasons_section(handoff.new_reasons),
        Section(
            _("Questions the FAQ could not answer"),
            [f"« {query} » ({count})" for query, count in handoff.unanswered],
            _("none"),
        ),
        Section(
            _("On duty today"),
            [slot_text(slot) for slot in handoff.today],
            _("no shift in the schedule today"),
        ),
        Section(_("Links"), _link_lines(handoff.links), _("none configured")),
    ]
    return Report(title, sections)


def end_report(handoff: EndHandoff) -> Report:
    """Lay out what the volunteer leaving the phone tells the team."""
    title = _("Shift end — {volunteer}, {start} to {end}").format(
        volunteer=handoff.volunteer,
        start=when(handoff.since),
        end=clock(handoff.at),
    )
    count = handoff.call_count
    calls_title = ngettext("{n} call", "{n} calls", count).format(n=count)
    sections = [
        Section(
            calls_title,
            [reason_text(item) for item in handoff.calls_by_reason]
            + [_new_reason_text(item) for item in handoff.new_reasons],
            _("no call during the shift"),
        ),
        _new_reasons_section(handoff.new_reasons),
        Section(
            _("Follow-ups created during the shift"),
            [_created_text(line) for line in handoff.follow_ups_created],
            _("none"),
        ),
        _open_section(handoff.still_open, handoff.at),
        Section(_("Notable facts"), _note_lines(handoff.note), _("none"), quote=True),
        Section(
            _("Next shift"), _next_lines(handoff), _("no next shift in the schedule")
        ),
    ]
    return Report(title, sections)


def _next_lines(handoff: EndHandoff) -> list[str]:
    upcoming = handoff.next_shift
    return [f"{day(upcoming.start)} {slot_text(upcoming)}"] if upcoming else []


def _before_lines(handoff: StartHandoff) -> list[str]:
    lines = []
    if handoff.previous_shift is not None:
        slot = handoff.previous_shift
        lines.append(
            _("Previous shift: {date} {slot}").format(
                date=day(slot.start), slot=slot_text(slot)
            )
        )
    if handoff.last_ended is not None:
        ended = handoff.last_ended
        lines.append(
            _("{volunteer} ended a shift at {at}").format(
                volunteer=ended.volunteer, at=when(ended.time)
            )
        )
    return lines


def _note_lines(note: str) -> list[str]:
    return [line.rstrip() for line in note.strip().splitlines() if line.strip()]


def _calls_section(handoff: StartHandoff) -> Section:
    count = len(handoff.calls)
    title = ngettext("{n} call since {since}", "{n} calls since {since}", count).format(
        n=count, since=when(handoff.since)
    )
    lines = [
        f"{when(call.time)} — {call.label}"
        + (f" ({call.volunteer})" if call.volunteer else "")
        for call in handoff.calls[-CALLS_LISTED:]
    ]
    hidden = count - len(lines)
    if hidden:
        lines.insert(0, _("… {n} earlier calls not listed").format(n=hidden))
    return Section(title, lines, _("no call"))


def _open_section(groups: Sequence[OwnerGroup], now: datetime) -> Section:
    count = sum(len(group.follow_ups) for group in groups)
    title = _("Open follow-ups ({n}), by owner, oldest first").format(n=count)
    return Section(title, owner_lines(groups, now), _("none"))


def _new_reasons_section(reasons: Sequence[ReasonCount]) -> Section:
    return Section(
        _("New reasons (not in the guide yet)"),
        [f"« {item.label} » ({item.count})" for item in reasons],
        _("none"),
    )


def _new_reason_text(item: ReasonCount) -> str:
    return labelled(
        _("« {reason} » (new reason)").format(reason=item.label), str(item.count)
    )


def _created_text(line: FollowUpLine) -> str:
    state = _("still open") if line.is_open else _("already closed")
    owner = line.owner or _("no owner")
    return f"{owner} — {line.label}, {state} ({line.call_id})"


def _link_lines(links: dict[str, str]) -> list[str]:
    names = {"guide": _("Guide"), "sheet": _("Call sheet"), "website": _("Website")}
    return [labelled(names.get(key, key), url) for key, url in links.items()]


def to_markdown(report: Report) -> str:
    """Return the report as markdown for the team chat."""
    out = [f"#### {_escape_md(report.title)}", ""]
    for section in report.sections:
        out.append(f"**{_escape_md(section.title)}**")
        if not section.lines:
            out.append(f"_{_escape_md(section.empty)}_" if section.empty else "")
        prefix = "> " if section.quote else "- "
        out += [prefix + _escape_md(line) for line in section.lines]
        out.append("")
    return "\n".join(line for line in out).strip() + "\n"


def to_text(report: Report) -> str:
    """Return the report as plain text for a mail or a paste."""
    out = [report.title, "=" * min(len(report.title), 72), ""]
    for section in report.sections:
        out.append(section.title)
        if not section.lines and section.empty:
            out.append(f"  ({section.empty})")
        prefix = "  | " if section.quote else "  - "
        out += [prefix + line for line in section.lines]
        out.append("")
    return "\n".join(out).strip() + "\n"


def _escape_md(text: str) -> str:
    """Escape what would change the meaning in Mattermost/Slack markdown.

    Web addresses are left as they are, so that the chat still links them.
    """
    parts = _URL.split(text)
    for index in range(0, len(parts), 2):
        parts[index] = _MARKDOWN.sub(r"\\\g<0>", parts[index])
    return "".join(parts)


def to_json_value(value: Any) -> Any:
    """Return a JSON-ready copy of a handoff (dataclasses, dates as ISO)."""
    if is_dataclass(value) and not isinstance(value, type):
        return to_json_value(asdict(value))
    if isinstance(value, dict):
        return {str(key): to_json_value(item) for key, item in value.items()}
    if isinstance(value, (list, tuple)):
        return [to_json_value(item) for item in value]
    if isinstance(value, (date, datetime)):
        return value.isoformat()
    return value
