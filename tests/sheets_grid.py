"""The spreadsheet model behind the Sheets API emulator: A1 ranges and grids.

Kept apart from the HTTP side (``tests/sheets_emulator.py``) so that each
stays readable. The behaviours follow the real API as recorded in gspread's
cassettes: whole-sheet ranges span the grid, trailing empty cells and rows
are trimmed, numbers come back as strings under ``FORMATTED_VALUE``, and
sheet titles are quoted in answers only when they need it.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Any, ClassVar

_CELL = re.compile(r"^([A-Za-z]*)(\d*)$")
_PLAIN_TITLE = re.compile(r"^[A-Za-z_][A-Za-z0-9_]*$")
_LOOKS_LIKE_CELL = re.compile(r"^[A-Za-z]{1,3}\d+$")


class ApiError(Exception):
    """An error the emulator answers with Google's JSON envelope."""

    STATUS: ClassVar[dict[int, str]] = {
        400: "INVALID_ARGUMENT",
        401: "UNAUTHENTICATED",
        403: "PERMISSION_DENIED",
        404: "NOT_FOUND",
        429: "RESOURCE_EXHAUSTED",
        500: "INTERNAL",
        503: "UNAVAILABLE",
    }

    def __init__(self, code: int, message: str, details: list[Any] | None = None):
        super().__init__(message)
        self.code = code
        self.message = message
        self.details = details

    def envelope(self) -> dict[str, Any]:
        """Return the ``{"error": {...}}`` body Google sends."""
        error: dict[str, Any] = {
            "code": self.code,
            "message": self.message,
            "status": self.STATUS.get(self.code, "UNKNOWN"),
        }
        if self.details is not None:
            error["details"] = self.details
        return {"error": error}


def column_letters(index: int) -> str:
    """Return the letters of a 0-based column index (0 -> A, 26 -> AA)."""
    letters = ""
    index += 1
    while index:
        index, rest = divmod(index - 1, 26)
        letters = chr(65 + rest) + letters
    return letters


def column_index(letters: str) -> int:
    """Return the 0-based index of column ``letters``."""
    index = 0
    for char in letters.upper():
        index = index * 26 + ord(char) - 64
    return index - 1


def quote_title(title: str) -> str:
    """Return the title as the API writes it in a range answer."""
    if _PLAIN_TITLE.match(title) and not _LOOKS_LIKE_CELL.match(title):
        return title
    return "'" + title.replace("'", "''") + "'"


def a1(title: str, r0: int, c0: int, r1: int, c1: int) -> str:
    """Return ``Title!A1:B2`` (or ``Title!A1`` for a single cell)."""
    start = f"{column_letters(c0)}{r0 + 1}"
    end = f"{column_letters(c1)}{r1 + 1}"
    cells = start if (r0, c0) == (r1, c1) else f"{start}:{end}"
    return f"{quote_title(title)}!{cells}"


@dataclass
class Sheet:
    """One tab: its properties and its non-empty cells."""

    sheet_id: int
    title: str
    index: int
    rows: int = 1000
    columns: int = 26
    hidden: bool = False
    cells: dict[tuple[int, int], Any] = field(default_factory=dict)

    def properties(self) -> dict[str, Any]:
        """Return the ``properties`` object of the metadata."""
        props: dict[str, Any] = {
            "sheetId": self.sheet_id,
            "title": self.title,
            "index": self.index,
            "sheetType": "GRID",
            "gridProperties": {"rowCount": self.rows, "columnCount": self.columns},
        }
        if self.hidden:
            props["hidden"] = True
        return props

    def values(self) -> list[list[str]]:
        """Return every row as formatted strings (trimmed, as the API does)."""
        return read_values(self, 0, 0, self.rows - 1, self.columns - 1, True)


@dataclass(frozen=True)
class Range:
    """A resolved rectangle of one sheet (0-based, inclusive)."""

    sheet: Sheet
    r0: int
    c0: int
    r1: int
    c1: int
    whole_sheet: bool = False
    explicit_end: bool = True

    def text(self) -> str:
        return a1(self.sheet.title, self.r0, self.c0, self.r1, self.c1)


def _split_range(text: str) -> tuple[str | None, str]:
    """Split ``'Title'!A1:B2`` into title (unquoted) and cells."""
    if text.startswith("'"):
        end = text.rfind("'")
        title = text[1:end].replace("''", "'")
        rest = text[end + 1 :]
        return title, rest[1:] if rest.startswith("!") else rest
    if "!" in text:
        title, cells = text.rsplit("!", 1)
        return title, cells
    return None, text


def resolve(sheets: list[Sheet], text: str) -> Range:
    """Return the rectangle named by an A1 range, as the API reads it."""
    title, cells = _split_range(text)
    by_title = {sheet.title: sheet for sheet in sheets}
    if title is None and cells in by_title:
        title, cells = cells, ""
    sheet = by_title.get(title) if title is not None else sheets[0]
    if sheet is None:
        raise ApiError(400, f"Unable to parse range: {text}")
    if not cells:
        return Range(sheet, 0, 0, sheet.rows - 1, sheet.columns - 1, True)
    return _cells_range(sheet, cells, text)


def _cells_range(sheet: Sheet, cells: str, text: str) -> Range:
    start, _, end = cells.partition(":")
    first, second = _CELL.match(start), _CELL.match(end) if end else None
    if first is None or (end and second is None):
        raise ApiError(400, f"Unable to parse range: {text}")
    c0 = column_index(first.group(1)) if first.group(1) else 0
    r0 = int(first.group(2)) - 1 if first.group(2) else 0
    if not end:
        if not (first.group(1) and first.group(2)):
            raise ApiError(400, f"Unable to parse range: {text}")
        return Range(sheet, r0, c0, r0, c0, explicit_end=False)
    assert second is not None
    c1 = column_index(second.group(1)) if second.group(1) else sheet.columns - 1
    r1 = int(second.group(2)) - 1 if second.group(2) else sheet.rows - 1
    if r1 >= sheet.rows or c1 >= sheet.columns:
        message = (
            f"Range ({quote_title(sheet.title)}!{cells}) exceeds grid limits. "
            f"Max rows: {sheet.rows}, max columns: {sheet.columns}"
        )
        raise ApiError(400, message)
    return Range(sheet, min(r0, r1), min(c0, c1), max(r0, r1), max(c0, c1))


def format_value(value: Any, formatted: bool) -> Any:
    """Return a cell as the API renders it."""
    if not formatted:
        return value
    if isinstance(value, bool):
        return "TRUE" if value else "FALSE"
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value)


def read_values(
    sheet: Sheet, r0: int, c0: int, r1: int, c1: int, formatted: bool
) -> list[list[Any]]:
    """Return the rows of a rectangle, trailing empties trimmed."""
    rows: list[list[Any]] = []
    for r in range(r0, r1 + 1):
        row = [
            format_value(sheet.cells[(r, c)], formatted)
            if (r, c) in sheet.cells
            else ""
            for c in range(c0, c1 + 1)
        ]
        while row and row[-1] == "":
            row.pop()
        rows.append(row)
    while rows and not rows[-1]:
        rows.pop()
    return rows


def check_values(values: Any, field_name: str) -> list[list[Any]]:
    """Return ``values`` if it is a list of lists, else the API's 400."""
    if values is None:
        return []
    if isinstance(values, list) and all(isinstance(row, list) for row in values):
        return values
    shown = f'"{values}"' if isinstance(values, str) else json_text(values)
    message = (
        f"Invalid value at '{field_name}' "
        f"(type.googleapis.com/google.protobuf.ListValue), {shown}"
    )
    details = [
        {
            "@type": "type.googleapis.com/google.rpc.BadRequest",
            "fieldViolations": [{"field": field_name, "description": message}],
        }
    ]
    raise ApiError(400, message, details)


def json_text(value: Any) -> str:
    import json

    return json.dumps(value)


def user_entered(value: Any) -> Any:
    """Interpret a typed value as Sheets does with ``USER_ENTERED``."""
    if not isinstance(value, str):
        return value
    if value.startswith("'"):
        return value[1:]
    if value.upper() in ("TRUE", "FALSE"):
        return value.upper() == "TRUE"
    try:
        number = float(value.replace(" ", ""))
    except ValueError:
        return value
    return int(number) if number.is_integer() and "." not in value else number


def write_values(
    target: Range, values: list[list[Any]], input_option: str
) -> dict[str, Any]:
    """Write rows from the rectangle's top-left cell; return the update report."""
    sheet = target.sheet
    height = len(values)
    width = max((len(row) for row in values), default=0)
    if target.r0 + height > sheet.rows or target.c0 + width > sheet.columns:
        message = (
            f"Range ({target.text()}) exceeds grid limits. "
            f"Max rows: {sheet.rows}, max columns: {sheet.columns}"
        )
        raise ApiError(400, message)
    for i, row in enumerate(values):
        for j, value in enumerate(row):
            _store_cell(sheet, (target.r0 + i, target.c0 + j), value, input_option)
    r1 = target.r0 + max(height, 1) - 1
    c1 = target.c0 + max(width, 1) - 1
    return {
        "updatedRange": a1(sheet.title, target.r0, target.c0, r1, c1),
        "updatedRows": height,
        "updatedColumns": width,
        "updatedCells": sum(len(row) for row in values),
    }


def _store_cell(
    sheet: Sheet, where: tuple[int, int], value: Any, input_option: str
) -> None:
    if value is None:
        return  # a JSON null leaves the cell as it is
    if input_option == "USER_ENTERED":
        value = user_entered(value)
    if value == "":
        sheet.cells.pop(where, None)
    else:
        sheet.cells[where] = value


def append_values(
    target: Range, values: list[list[Any]], input_option: str, insert_rows: bool
) -> dict[str, Any]:
    """Append rows after the table found in the range; return the API answer."""
    sheet = target.sheet
    c_last = (
        sheet.columns - 1
        if target.whole_sheet or not target.explicit_end
        else target.c1
    )
    used = [
        (r, c) for (r, c) in sheet.cells if r >= target.r0 and target.c0 <= c <= c_last
    ]
    answer: dict[str, Any] = {}
    start = target.r0
    if used:
        first_row = min(r for r, _ in used)
        last_row = max(r for r, _ in used)
        table_c1 = max(c for _, c in used)
        answer["tableRange"] = a1(sheet.title, first_row, target.c0, last_row, table_c1)
        start = last_row + 1
    width = max((len(row) for row in values), default=0)
    if insert_rows:
        _insert_rows(sheet, start, len(values))
    sheet.rows = max(sheet.rows, start + len(values))
    sheet.columns = max(sheet.columns, target.c0 + width)
    place = Range(sheet, start, target.c0, start, target.c0)
    answer["updates"] = write_values(place, values, input_option)
    return answer


def _insert_rows(sheet: Sheet, at: int, count: int) -> None:
    moved = {
        (r + count if r >= at else r, c): value for (r, c), value in sheet.cells.items()
    }
    sheet.cells = moved
    sheet.rows += count
