"""The Sheets API v4 behind the emulator: spreadsheets, values, errors.

``SheetsApi.handle`` answers one logged request with a status and a JSON
body, as Google does; the HTTP server, the request log and the fault
injection live in ``tests/sheets_emulator.py``, the A1 ranges and cells in
``tests/sheets_grid.py``.
"""

from __future__ import annotations

import base64
import json
import random
import threading
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from tests.sheets_grid import (
    ApiError,
    Range,
    Sheet,
    append_values,
    check_values,
    read_values,
    resolve,
    write_values,
)

PREFIX = "/v4/spreadsheets/"
GOOGLE_TOKEN_URI = "https://oauth2.googleapis.com/token"


@dataclass
class LoggedRequest:
    """One request as the emulator received it."""

    method: str
    path: str  # percent-decoded, without the query
    query: dict[str, list[str]]
    body: Any
    authorization: str
    status: int = 0  # 0 while unanswered, -1 when dropped

    @property
    def is_token(self) -> bool:
        return self.path == "/token"


@dataclass
class Spreadsheet:
    """One spreadsheet of the emulator."""

    spreadsheet_id: str
    title: str
    sheets: list[Sheet]
    private: bool = False

    def sheet_by_id(self, sheet_id: int) -> Sheet | None:
        return next((s for s in self.sheets if s.sheet_id == sheet_id), None)


class SheetsApi:
    """The emulated spreadsheets and the answers to each kind of request."""

    def __init__(self, require_auth: bool = False) -> None:
        self.spreadsheets: dict[str, Spreadsheet] = {}
        self.require_auth = require_auth
        self.tokens: set[str] = set()
        self.lock = threading.RLock()

    @property
    def token_uri(self) -> str:
        """The token address written in the keys this API accepts."""
        return GOOGLE_TOKEN_URI

    def add_spreadsheet(
        self,
        spreadsheet_id: str,
        title: str = "",
        sheets: tuple[str, ...] = ("Sheet1",),
    ) -> Spreadsheet:
        """Create a spreadsheet as Drive's files.create does (1000x26 tabs)."""
        tabs = [
            Sheet(0 if i == 0 else _new_sheet_id(), t, i) for i, t in enumerate(sheets)
        ]
        book = Spreadsheet(spreadsheet_id, title or spreadsheet_id, tabs)
        with self.lock:
            self.spreadsheets[spreadsheet_id] = book
        return book

    def values(self, spreadsheet_id: str, title: str) -> list[list[str]]:
        """Return a tab's cells as the API would show them."""
        with self.lock:
            book = self.spreadsheets[spreadsheet_id]
            sheet = next(s for s in book.sheets if s.title == title)
            return sheet.values()

    def raw_cells(self, spreadsheet_id: str, title: str) -> dict[tuple[int, int], Any]:
        """Return a copy of a tab's stored cells, as written."""
        with self.lock:
            book = self.spreadsheets[spreadsheet_id]
            return dict(next(s for s in book.sheets if s.title == title).cells)

    def handle(self, request: LoggedRequest) -> tuple[int, Any]:
        """Return the status and JSON body answering ``request``."""
        try:
            if request.is_token:
                return 200, self._token(request)
            self._check_auth(request)
            return 200, self._route(request)
        except ApiError as error:
            return error.code, error.envelope()

    def _check_auth(self, request: LoggedRequest) -> None:
        if not self.require_auth:
            return
        token = request.authorization.removeprefix("Bearer ")
        if token not in self.tokens:
            message = (
                "Request had invalid authentication credentials. Expected OAuth 2 "
                "access token, login cookie or other valid authentication credential."
            )
            raise ApiError(401, message)

    def _token(self, request: LoggedRequest) -> dict[str, Any]:
        form = request.body if isinstance(request.body, dict) else {}
        grant = form.get("grant_type", "")
        if grant == "urn:ietf:params:oauth:grant-type:jwt-bearer":
            claims = _jwt_claims(form.get("assertion", ""))
            # google-auth signs for Google's token address, whatever token_uri is.
            audiences = (self.token_uri, GOOGLE_TOKEN_URI)
            if claims.get("aud") not in audiences or not claims.get("iss"):
                raise ApiError(400, "Invalid JWT: audience or issuer")
        elif grant != "refresh_token":
            raise ApiError(400, f"Unsupported grant type: {grant}")
        token = f"local-access-token-{len(self.tokens) + 1}"
        with self.lock:
            self.tokens.add(token)
        return {"access_token": token, "expires_in": 3600, "token_type": "Bearer"}

    def _book(self, spreadsheet_id: str) -> Spreadsheet:
        book = self.spreadsheets.get(spreadsheet_id)
        if book is None:
            raise ApiError(404, "Requested entity was not found.")
        if book.private:
            raise ApiError(403, "The caller does not have permission")
        return book

    def _route(self, request: LoggedRequest) -> Any:
        if not request.path.startswith(PREFIX):
            raise ApiError(404, "Requested entity was not found.")
        rest = request.path[len(PREFIX) :]
        key, slash, values_part = rest.partition("/")
        if not slash:
            key, _, action = key.partition(":")
            with self.lock:
                book = self._book(key)
                if request.method == "GET" and not action:
                    return self._metadata(book)
                if request.method == "POST" and action == "batchUpdate":
                    return self._batch_update(book, request.body or {})
            raise ApiError(404, "Requested entity was not found.")
        with self.lock:
            return self._values(self._book(key), request, values_part)

    def _values(self, book: Spreadsheet, request: LoggedRequest, part: str) -> Any:
        method, query, body = request.method, request.query, request.body or {}
        formatted = (
            query.get("valueRenderOption", ["FORMATTED_VALUE"])[0]
            != "UNFORMATTED_VALUE"
        )
        if part == "values:batchGet" and method == "GET":
            ranges = [self._read(book, r, formatted) for r in query.get("ranges", [])]
            return {"spreadsheetId": book.spreadsheet_id, "valueRanges": ranges}
        if part == "values:batchUpdate" and method == "POST":
            return self._values_batch_update(book, body)
        if not part.startswith("values/"):
            raise ApiError(404, "Requested entity was not found.")
        range_text = part[len("values/") :]
        if method == "GET":
            return self._read(book, range_text, formatted)
        if method == "PUT":
            target = resolve(book.sheets, range_text)
            option = _input_option(query.get("valueInputOption", [None])[0])
            values = check_values(body.get("values"), "data.values")
            return {
                "spreadsheetId": book.spreadsheet_id,
                **write_values(target, values, option),
            }
        if method == "POST" and range_text.endswith(":append"):
            return self._append(book, range_text[: -len(":append")], query, body)
        if method == "POST" and range_text.endswith(":clear"):
            target = resolve(book.sheets, range_text[: -len(":clear")])
            _clear(target)
            return {"spreadsheetId": book.spreadsheet_id, "clearedRange": target.text()}
        raise ApiError(404, "Requested entity was not found.")

    def _read(
        self, book: Spreadsheet, range_text: str, formatted: bool
    ) -> dict[str, Any]:
        target = resolve(book.sheets, range_text)
        answer: dict[str, Any] = {"range": target.text(), "majorDimension": "ROWS"}
        rows = read_values(
            target.sheet, target.r0, target.c0, target.r1, target.c1, formatted
        )
        if rows:
            answer["values"] = rows
        return answer

    def _append(
        self, book: Spreadsheet, range_text: str, query: dict[str, list[str]], body: Any
    ) -> dict[str, Any]:
        target = resolve(book.sheets, range_text)
        option = _input_option(query.get("valueInputOption", [None])[0])
        values = check_values(body.get("values"), "data.values")
        insert = query.get("insertDataOption", ["OVERWRITE"])[0] == "INSERT_ROWS"
        answer = append_values(target, values, option, insert)
        answer["updates"] = {"spreadsheetId": book.spreadsheet_id, **answer["updates"]}
        return {"spreadsheetId": book.spreadsheet_id, **answer}

    def _values_batch_update(self, book: Spreadsheet, body: Any) -> dict[str, Any]:
        option = _input_option(body.get("valueInputOption"))
        responses, rows, columns, sheets = [], set(), set(), set()
        for index, item in enumerate(body.get("data") or []):
            target = resolve(book.sheets, item.get("range", ""))
            values = check_values(item.get("values"), f"data[{index}].values")
            report = write_values(target, values, option)
            responses.append({"spreadsheetId": book.spreadsheet_id, **report})
            sheets.add(target.sheet.sheet_id)
            for i, row in enumerate(values):
                rows.add((target.sheet.sheet_id, target.r0 + i))
                columns |= {
                    (target.sheet.sheet_id, target.c0 + j) for j in range(len(row))
                }
        return {
            "spreadsheetId": book.spreadsheet_id,
            "totalUpdatedRows": len(rows),
            "totalUpdatedColumns": len(columns),
            "totalUpdatedCells": sum(r["updatedCells"] for r in responses),
            "totalUpdatedSheets": len(sheets),
            "responses": responses,
        }

    def _metadata(self, book: Spreadsheet) -> dict[str, Any]:
        return {
            "spreadsheetId": book.spreadsheet_id,
            "properties": {
                "title": book.title,
                "locale": "fr_FR",
                "autoRecalc": "ON_CHANGE",
                "timeZone": "Europe/Paris",
            },
            "sheets": [{"properties": s.properties()} for s in book.sheets],
            "spreadsheetUrl": (
                f"https://docs.google.com/spreadsheets/d/{book.spreadsheet_id}/edit"
            ),
        }

    def _batch_update(self, book: Spreadsheet, body: Any) -> dict[str, Any]:
        replies = []
        for index, item in enumerate(body.get("requests") or []):
            kind = next(iter(item), "")
            try:
                replies.append(_SHEET_REQUESTS.get(kind, _ignored)(book, item[kind]))
            except ApiError as error:
                raise ApiError(
                    400, f"Invalid requests[{index}].{kind}: {error.message}"
                ) from None
        return {"spreadsheetId": book.spreadsheet_id, "replies": replies}


def _input_option(value: str | None) -> str:
    if value not in ("RAW", "USER_ENTERED"):
        raise ApiError(400, "'valueInputOption' is required but not specified")
    return value


def _clear(target: Range) -> None:
    sheet = target.sheet
    for r, c in list(sheet.cells):
        if target.r0 <= r <= target.r1 and target.c0 <= c <= target.c1:
            del sheet.cells[(r, c)]


def _new_sheet_id() -> int:
    return random.randint(1, 2**31 - 1)


def _add_sheet(book: Spreadsheet, spec: dict[str, Any]) -> dict[str, Any]:
    props = spec.get("properties") or {}
    title = props.get("title") or f"Sheet{len(book.sheets) + 1}"
    if any(s.title == title for s in book.sheets):
        raise ApiError(
            400,
            f'A sheet with the name "{title}" already exists. '
            "Please enter another name.",
        )
    grid = props.get("gridProperties") or {}
    sheet = Sheet(
        props.get("sheetId") or _new_sheet_id(),
        title,
        len(book.sheets),
        grid.get("rowCount") or 1000,
        grid.get("columnCount") or 26,
    )
    book.sheets.append(sheet)
    return {"addSheet": {"properties": sheet.properties()}}


def _delete_sheet(book: Spreadsheet, spec: dict[str, Any]) -> dict[str, Any]:
    sheet = book.sheet_by_id(spec.get("sheetId", -1))
    if sheet is None:
        raise ApiError(400, f"No grid with id: {spec.get('sheetId')}")
    if len(book.sheets) == 1:
        raise ApiError(400, "You can't remove all the sheets in a document.")
    book.sheets.remove(sheet)
    for index, other in enumerate(book.sheets):
        other.index = index
    return {}


def _update_sheet_properties(book: Spreadsheet, spec: dict[str, Any]) -> dict[str, Any]:
    props = spec.get("properties") or {}
    sheet = book.sheet_by_id(props.get("sheetId", 0))
    if sheet is None:
        raise ApiError(400, f"No grid with id: {props.get('sheetId')}")
    fields = spec.get("fields", "")
    grid = props.get("gridProperties") or {}
    if "hidden" in fields:
        visible = [s for s in book.sheets if not s.hidden and s is not sheet]
        if props.get("hidden") and not visible:
            raise ApiError(400, "You can't hide all the sheets in a document.")
        sheet.hidden = bool(props.get("hidden"))
    if "title" in fields:
        sheet.title = props.get("title") or sheet.title
    sheet.rows = grid.get("rowCount") or sheet.rows
    sheet.columns = grid.get("columnCount") or sheet.columns
    return {}


def _ignored(book: Spreadsheet, spec: Any) -> dict[str, Any]:
    """Formatting, validation and the like: accepted, not modelled."""
    return {}


_SHEET_REQUESTS: dict[str, Callable[[Spreadsheet, Any], dict[str, Any]]] = {
    "addSheet": _add_sheet,
    "deleteSheet": _delete_sheet,
    "updateSheetProperties": _update_sheet_properties,
}


def _jwt_claims(assertion: str) -> dict[str, Any]:
    try:
        payload = assertion.split(".")[1]
        padded = payload + "=" * (-len(payload) % 4)
        claims = json.loads(base64.urlsafe_b64decode(padded))
    except (IndexError, ValueError) as error:
        raise ApiError(400, f"Invalid JWT: {error}") from None
    return claims if isinstance(claims, dict) else {}
