"""How the call log is shown: tables, CSV, JSON, summaries, sheet outcomes.

CSV cells starting with ``=``, ``+``, ``-``, ``@`` (or a tab or carriage
return) are written with a leading single quote, so that a spreadsheet
opening the file shows them as text and never evaluates them as formulas;
a phone number ``+33…`` therefore reads ``'+33…`` in the raw file.
"""

from __future__ import annotations

import csv
import sys
from collections.abc import Iterable
from datetime import datetime
from typing import TYPE_CHECKING

from permanence.calls.queries import OpenFollowUps, age_in_days
from permanence.calls.record import CallRecord, record_to_dict
from permanence.cli import output
from permanence.i18n import _, ngettext

if TYPE_CHECKING:
    from permanence.sheetsync import PushReport

FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")
CSV_COLUMNS = (
    "id", "time", "volunteer", "kind", "reason", "reason_is_new", "caller_name",
    "caller_phone", "caller_email", "fields", "answer", "note",
    "follow_up_owner", "follow_up_due", "follow_up_done_at", "follow_up_done_by",
    "anonymized_at",
)  # fmt: skip


def safe_cell(value: str) -> str:
    """Return ``value`` so that a spreadsheet never evaluates it."""
    return f"'{value}" if value.startswith(FORMULA_STARTS) else value


def csv_row(record: CallRecord) -> list[str]:
    """Return the CSV cells of a record, in ``CSV_COLUMNS`` order."""
    follow_up = record.follow_up
    fields = "; ".join(f"{name}={value}" for name, value in record.fields.items())
    cells = [
        record.id, record.time.isoformat(), record.volunteer, record.kind,
        record.reason, "1" if record.reason_is_new else "", record.caller_name,
        record.caller_phone, record.caller_email, fields, record.answer, record.note,
        follow_up.owner if follow_up else "",
        follow_up.due.isoformat() if follow_up and follow_up.due else "",
        follow_up.done_at.isoformat() if follow_up and follow_up.done_at else "",
        follow_up.done_by if follow_up else "",
        record.anonymized_at.isoformat() if record.anonymized_at else "",
    ]  # fmt: skip
    return [safe_cell(cell) for cell in cells]


def print_csv(records: Iterable[CallRecord]) -> None:
    """Write the records as CSV (with a header line) on stdout."""
    writer = csv.writer(sys.stdout, lineterminator="\n")
    writer.writerow(CSV_COLUMNS)
    writer.writerows(csv_row(record) for record in records)


def print_json_records(records: Iterable[CallRecord]) -> None:
    """Write the records as a JSON list on stdout."""
    output.print_json([record_to_dict(record) for record in records])


def short(text: str, width: int = 40) -> str:
    """Return the first line of ``text``, cut to ``width`` characters."""
    line = text.strip().splitlines()[0] if text.strip() else ""
    return line if len(line) <= width else line[: width - 1] + "…"


def follow_up_text(record: CallRecord) -> str:
    """Return a short description of the record's follow-up."""
    follow_up = record.follow_up
    if follow_up is None:
        return ""
    if follow_up.is_open:
        due = f" ({follow_up.due:%d/%m})" if follow_up.due else ""
        return _("to do: {owner}").format(owner=follow_up.owner) + due
    return _("done by {who}").format(who=follow_up.done_by)


def print_calls_table(records: list[CallRecord]) -> None:
    """Print the records as a table on stdout."""
    from rich.table import Table

    table = Table(title=_("Calls"), show_lines=False)
    for header in (_("Id"), _("When"), _("Volunteer"), _("Reason"), _("Caller")):
        table.add_column(header, no_wrap=header != _("Caller"))
    table.add_column(_("Note"))
    table.add_column(_("Follow-up"))
    for record in records:
        reason = (
            f"{record.reason} ({_('new')})" if record.reason_is_new else record.reason
        )
        table.add_row(
            record.id,
            f"{record.time:%d/%m/%Y %H:%M}",
            record.volunteer,
            reason,
            record.caller_name or record.caller_phone or record.caller_email,
            short(record.note or record.answer),
            follow_up_text(record),
        )
    output.stdout().print(table)


def print_follow_ups(found: OpenFollowUps, now: datetime) -> None:
    """Print open follow-ups grouped by owner, with their age (plain text)."""
    if not found.groups:
        output.say(_("No open follow-up."))
        return
    lines = []
    for group in found.groups:
        lines.append(group.owner or _("(nobody)"))
        for record in group.records:
            days = _("{n} d").format(n=age_in_days(record, now))  # no plural: a column
            due = record.follow_up.due if record.follow_up else None
            due_text = f" — {_('due')} {due:%d/%m/%Y}" if due else ""
            text = short(record.note or record.answer, 50)
            lines.append(f"  {record.id}  {days}{due_text}  {record.reason}  {text}")
    sys.stdout.write("\n".join(lines) + "\n")
    if found.total > found.shown:
        hidden = found.total - found.shown
        output.say(_("… and {n} more (use --limit to see them)").format(n=hidden))


def follow_ups_json(found: OpenFollowUps, now: datetime) -> list[dict[str, object]]:
    """Return the open follow-ups grouped by owner, as JSON-ready data."""
    return [
        {
            "owner": group.owner,
            "follow_ups": [
                {**record_to_dict(record), "age_days": age_in_days(record, now)}
                for record in group.records
            ],
        }
        for group in found.groups
    ]


def say_sheet_outcome(outcome: PushReport | None) -> None:
    """Print on stderr, in one line, what happened with the shared sheet."""
    if outcome is None:
        return
    if outcome.problem:
        message = _(
            "Saved in the local log; waiting to be sent to the sheet ({problem}). "
            "'permanence sync' will send it."
        )
        output.say(message.format(problem=outcome.problem))
    elif outcome.waiting:
        message = ngettext(
            "Saved; {n} record still waiting for the sheet.",
            "Saved; {n} records still waiting for the sheet.",
            outcome.waiting,
        )
        output.say(message.format(n=outcome.waiting))
    else:
        output.say(_("Sent to the shared sheet."))
