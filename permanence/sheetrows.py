"""How a call record looks as a row of the shared sheet, and back.

One row per record, the id in the first column (it is how a row is found
again). Every cell is text: dates are ISO 8601 with their UTC offset
(``2026-12-03 14:05:12+01:00``), the reason's fields are ``name: value``
lines. The headers and the few words written in cells (the record's kind,
"oui") follow the interface language; reading a row back accepts both
languages.
"""

from __future__ import annotations

from collections.abc import Mapping
from datetime import date, datetime

from permanence.calls.record import KINDS, CallRecord, FollowUp
from permanence.i18n import current_language

# The sheet is shared data, read by people and by this program: its words
# are fixed here for each language (not in the translation catalogs, which
# may change), and reading a row back accepts every language.
HEADERS = {
    "fr": (
        "Identifiant",
        "Date et heure",
        "Bénévole",
        "Type",
        "Motif",
        "Nouveau motif",
        "Nom",
        "Téléphone",
        "E-mail",
        "Champs",
        "Réponse apportée",
        "À transmettre",
        "Suivi : responsable",
        "Suivi : e-mail du responsable",
        "Suivi : échéance",
        "Suivi : clos le",
        "Suivi : clos par",
        "Suivi : note de clôture",
        "Anonymisé le",
    ),
    "en": (
        "Id",
        "Date and time",
        "Volunteer",
        "Kind",
        "Reason",
        "New reason",
        "Name",
        "Phone",
        "Email",
        "Fields",
        "Answer given",
        "To pass on",
        "Follow-up: owner",
        "Follow-up: owner's email",
        "Follow-up: due",
        "Follow-up: closed on",
        "Follow-up: closed by",
        "Follow-up: closing note",
        "Anonymised on",
    ),
}
WIDTH = len(HEADERS["fr"])
KIND_LABELS = {
    "fr": {
        "call": "Appel",
        "shift_started": "Début de permanence",
        "shift_ended": "Fin de permanence",
    },
    "en": {
        "call": "Call",
        "shift_started": "Shift started",
        "shift_ended": "Shift ended",
    },
}
YES = {"fr": "oui", "en": "yes"}


def _language() -> str:
    language = current_language()
    return language if language in HEADERS else "fr"


def header_row() -> list[str]:
    """Return the header row in the interface language."""
    return list(HEADERS[_language()])


def is_header(first_cell: str) -> bool:
    """True when a first cell is the id header (in any language)."""
    return first_cell.strip() in {headers[0] for headers in HEADERS.values()}


def kind_label(kind: str) -> str:
    """Return the word written in the sheet for a record's kind."""
    return KIND_LABELS[_language()].get(kind, kind)


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
        kind_label(record.kind),
        record.reason,
        YES[_language()] if record.reason_is_new else "",
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
        reason_is_new=cells[5].strip().lower() in YES.values(),
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
    for words in KIND_LABELS.values():
        labels.update({label: code for code, label in words.items()})
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


def format_fields(fields: Mapping[str, str]) -> str:
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
