"""How a call record looks as a row of the shared sheet, and back.

One row per record, the id in the first column (it is how a row is found
again). Every cell is text: dates are ISO 8601 with their UTC offset
(``2026-12-03 14:05:12+01:00``), the reason's fields are ``name: value``
lines. The headers and the few words written in cells (the record's kind,
"yes") follow the interface language; reading a row back accepts both
languages.
"""

from __future__ import annotations

from datetime import date, datetime

from permanence.calls.record import KINDS, CallRecord, FollowUp
from permanence.i18n import N_, _

HEADERS = (
    N_("Id"),
    N_("Date and time"),
    N_("Volunteer"),
    N_("Kind"),
    N_("Reason"),
    N_("New reason"),
    N_("Name"),
    N_("Phone"),
    N_("Email"),
    N_("Fields"),
    N_("Answer given"),
    N_("To pass on"),
    N_("Follow-up: owner"),
    N_("Follow-up: owner's email"),
    N_("Follow-up: due"),
    N_("Follow-up: closed on"),
    N_("Follow-up: closed by"),
    N_("Follow-up: closing note"),
    N_("Anonymised on"),
)
WIDTH = len(HEADERS)
KIND_LABELS = {
    "call": N_("Call"),
    "shift_started": N_("Shift started"),
    "shift_ended": N_("Shift ended"),
}
YES = N_("yes")


def header_row() -> list[str]:
    """Return the header row in the interface language."""
    return [_(header) for header in HEADERS]


def is_header(first_cell: str) -> bool:
    """True when a first cell is the id header (in any language)."""
    return first_cell.strip() in (HEADERS[0], _(HEADERS[0]), "Identifiant")


def _moment(value: datetime | None) -> str:
    return value.isoformat(sep=" ", timespec="seconds") if value else ""


def record_to_row(record: CallRecord) -> list[str]:
    """Return the sheet row of ``record`` (every cell a string)."""
    follow_up = record.follow_up or FollowUp(owner="")
    due = follow_up.due.isoformat() if follow_up.due else ""
    return [
        record.id,
        _moment(record.time),
        record.volunteer,
        _(KIND_LABELS.get(record.kind, record.kind)),
        record.reason,
        _(YES) if record.reason_is_new else "",
        record.caller_name,
        record.caller_phone,
        record.caller_email,
        format_fields(record.fields),
        record.answer,
        record.note,
        follow_up.owner,
        follow_up.owner_email,
        due,
        _moment(follow_up.done_at),
        follow_up.done_by,
        follow_up.done_note,
        _moment(record.anonymized_at),
    ]


def row_to_record(row: list[str]) -> CallRecord:
    """Read a sheet row back into a record; raise ValueError if malformed."""
    cells = [*row, *[""] * (WIDTH - len(row))]
    return CallRecord(
        id=cells[0],
        time=_parse_moment(cells[1], required=True) or datetime.min,
        volunteer=cells[2],
        kind=_parse_kind(cells[3]),
        reason=cells[4],
        reason_is_new=cells[5].strip().lower() in ("yes", _(YES).lower(), "oui"),
        caller_name=cells[6],
        caller_phone=cells[7],
        caller_email=cells[8],
        fields=parse_fields(cells[9]),
        answer=cells[10],
        note=cells[11],
        follow_up=_parse_follow_up(cells[12:18]),
        anonymized_at=_parse_moment(cells[18]),
    )


def _parse_moment(text: str, required: bool = False) -> datetime | None:
    if not text and not required:
        return None
    moment = datetime.fromisoformat(text)
    if moment.tzinfo is None:
        raise ValueError(f"{text!r} has no UTC offset")
    return moment


def _parse_kind(text: str) -> str:
    labels = {code: code for code in KINDS}
    for code, label in KIND_LABELS.items():
        labels[label] = code
        labels[_(label)] = code
    if text not in labels:
        raise ValueError(f"unknown kind {text!r}")
    return labels[text]


def _parse_follow_up(cells: list[str]) -> FollowUp | None:
    owner, email, due, done_at, done_by, done_note = cells
    if not any(cells):
        return None
    return FollowUp(
        owner=owner,
        owner_email=email,
        due=date.fromisoformat(due) if due else None,
        done_at=_parse_moment(done_at),
        done_by=done_by,
        done_note=done_note,
    )


def _escape(text: str, specials: str) -> str:
    text = text.replace("\\", "\\\\").replace("\n", "\\n")
    for char in specials:
        text = text.replace(char, "\\" + char)
    return text


def format_fields(fields: dict[str, str]) -> str:
    """Return the fields as ``name: value`` lines (escaped to read back)."""
    return "\n".join(f"{_escape(k, ':')}: {_escape(v, '')}" for k, v in fields.items())


def parse_fields(text: str) -> dict[str, str]:
    """Read ``name: value`` lines written by ``format_fields``."""
    fields: dict[str, str] = {}
    for line in text.split("\n") if text else []:
        name, value = _split_field(line)
        fields[name] = value
    return fields


def _unescape(text: str) -> str:
    out: list[str] = []
    index = 0
    while index < len(text):
        char = text[index]
        if char == "\\" and index + 1 < len(text):
            following = text[index + 1]
            out.append("\n" if following == "n" else following)
            index += 2
        else:
            out.append(char)
            index += 1
    return "".join(out)


def _split_field(line: str) -> tuple[str, str]:
    index = 0
    while index < len(line):
        if line[index] == "\\":
            index += 2
        elif line.startswith(": ", index):
            return _unescape(line[:index]), _unescape(line[index + 2 :])
        else:
            index += 1
    raise ValueError(f"field line without 'name: value': {line!r}")
