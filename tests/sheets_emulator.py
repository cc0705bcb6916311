"""A Google Sheets API v4 emulator on 127.0.0.1, for real gspread clients.

It serves the endpoints gspread uses (spreadsheet metadata, sheet
add/delete/update, values get/update/append/clear/batchGet/batchUpdate)
plus ``POST /token`` for google-auth's service-account login, answers with
Google's status codes and JSON error envelopes, logs every request, and
injects faults on demand: error statuses, slow answers, stalls a test can
act during (kill the client), dropped connections and a stopped server.
It is checked against real recorded Google traffic by
``tests/test_sheets_emulator.py``.
"""

from __future__ import annotations

import base64
import contextlib
import functools
import json
import random
import socket
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any
from urllib.parse import parse_qs, unquote, urlsplit

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
SERVICE_ACCOUNT_EMAIL = "journal@permanence-tests.iam.gserviceaccount.com"


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
class Fault:
    """What to do to the next requests matching ``match``."""

    count: int
    status: int = 0  # answer this error status instead
    delay: float = 0.0  # handle the request after sleeping this long
    drop: bool = False  # close the connection without answering
    match: Callable[[LoggedRequest], bool] | None = None


@dataclass
class Stall:
    """Holds one matching request until the test releases it.

    With ``apply_first`` the request takes effect before the stall (the
    client never hears back); otherwise it is dropped after the release.
    """

    match: Callable[[LoggedRequest], bool]
    apply_first: bool
    reached: threading.Event = field(default_factory=threading.Event)
    released: threading.Event = field(default_factory=threading.Event)

    def wait(self, timeout: float = 10.0) -> bool:
        """Wait until a request is held; return False on timeout."""
        return self.reached.wait(timeout)

    def release(self) -> None:
        self.released.set()


@dataclass
class Spreadsheet:
    """One spreadsheet of the emulator."""

    spreadsheet_id: str
    title: str
    sheets: list[Sheet]
    private: bool = False

    def sheet_by_id(self, sheet_id: int) -> Sheet | None:
        return next((s for s in self.sheets if s.sheet_id == sheet_id), None)


def is_append(request: LoggedRequest) -> bool:
    """Match the values:append requests."""
    return request.method == "POST" and request.path.endswith(":append")


class SheetsEmulator:
    """The emulator's state, fault plan and HTTP server."""

    def __init__(self, require_auth: bool = False) -> None:
        self.spreadsheets: dict[str, Spreadsheet] = {}
        self.requests: list[LoggedRequest] = []
        self.faults: list[Fault] = []
        self.stalls: list[Stall] = []
        self.require_auth = require_auth
        self.tokens: set[str] = set()
        self.down = False  # drop every connection without answering
        self.lock = threading.RLock()
        self.server: ThreadingHTTPServer | None = None
        self.port = 0

    # -- life cycle ----------------------------------------------------------

    def start(self) -> SheetsEmulator:
        """Listen on 127.0.0.1 (the same port again after a ``stop``)."""
        server = ThreadingHTTPServer(("127.0.0.1", self.port), _Handler)
        server.daemon_threads = True
        server.emulator = self  # type: ignore[attr-defined]
        self.port = server.server_address[1]
        self.server = server
        threading.Thread(
            target=server.serve_forever, kwargs={"poll_interval": 0.05}, daemon=True
        ).start()
        return self

    def stop(self) -> None:
        """Stop listening: clients get 'connection refused'."""
        if self.server is not None:
            self.server.shutdown()
            self.server.server_close()
            self.server = None
        for stall in self.stalls:
            stall.release()

    @property
    def base_url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    @property
    def token_uri(self) -> str:
        return f"{self.base_url}/token"

    # -- state ---------------------------------------------------------------

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

    def sheets_requests(self) -> list[LoggedRequest]:
        """Return the logged Sheets API requests (token requests left out)."""
        with self.lock:
            return [r for r in self.requests if not r.is_token]

    def clear_log(self) -> None:
        with self.lock:
            self.requests.clear()

    # -- faults --------------------------------------------------------------

    def fail_next(
        self,
        status: int,
        count: int = 1,
        match: Callable[[LoggedRequest], bool] | None = None,
    ) -> None:
        """Answer the next ``count`` matching requests with ``status``."""
        with self.lock:
            self.faults.append(Fault(count, status=status, match=match))

    def delay_next(
        self,
        seconds: float,
        count: int = 1,
        match: Callable[[LoggedRequest], bool] | None = None,
    ) -> None:
        """Handle the next ``count`` matching requests after ``seconds``."""
        with self.lock:
            self.faults.append(Fault(count, delay=seconds, match=match))

    def drop_next(
        self, count: int = 1, match: Callable[[LoggedRequest], bool] | None = None
    ) -> None:
        """Close the connection of the next ``count`` matching requests."""
        with self.lock:
            self.faults.append(Fault(count, drop=True, match=match))

    def stall_next(
        self,
        match: Callable[[LoggedRequest], bool] = is_append,
        apply_first: bool = False,
    ) -> Stall:
        """Hold the next matching request until ``Stall.release()``."""
        stall = Stall(match, apply_first)
        with self.lock:
            self.stalls.append(stall)
        return stall

    def _take_fault(self, request: LoggedRequest) -> Fault | None:
        with self.lock:
            for fault in self.faults:
                wanted = fault.match(request) if fault.match else not request.is_token
                if fault.count > 0 and wanted:
                    fault.count -= 1
                    return fault
        return None

    def _take_stall(self, request: LoggedRequest) -> Stall | None:
        with self.lock:
            for stall in self.stalls:
                if not stall.reached.is_set() and stall.match(request):
                    stall.reached.set()
                    return stall
        return None

    # -- dispatch ------------------------------------------------------------

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
            audiences = (self.token_uri, "https://oauth2.googleapis.com/token")
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


class _Handler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"
    disable_nagle_algorithm = True

    def log_message(self, format: str, *args: Any) -> None:
        """Keep the test output quiet."""

    def do_GET(self) -> None:
        self._serve("GET")

    def do_POST(self) -> None:
        self._serve("POST")

    def do_PUT(self) -> None:
        self._serve("PUT")

    def do_DELETE(self) -> None:
        self._serve("DELETE")

    def _serve(self, method: str) -> None:
        emulator: SheetsEmulator = self.server.emulator  # type: ignore[attr-defined]
        request = self._logged(method)
        with emulator.lock:
            emulator.requests.append(request)
        if emulator.down:
            return self._drop(request)
        fault = emulator._take_fault(request)
        if fault is not None and fault.delay:
            time.sleep(fault.delay)
        if fault is not None and fault.drop:
            return self._drop(request)
        stall = emulator._take_stall(request)
        if stall is not None and not stall.apply_first:
            stall.released.wait(30)
            return self._drop(request)
        if fault is not None and fault.status:
            text = _FAULT_TEXT.get(fault.status, "Internal error encountered.")
            status, body = fault.status, ApiError(fault.status, text).envelope()
        else:
            status, body = emulator.handle(request)
        if stall is not None:
            stall.released.wait(30)
        request.status = status
        self._answer(status, body)

    def _logged(self, method: str) -> LoggedRequest:
        split = urlsplit(self.path)
        length = int(self.headers.get("Content-Length") or 0)
        raw = self.rfile.read(length) if length else b""
        body: Any = None
        if (
            raw
            and self.headers.get_content_type() == "application/x-www-form-urlencoded"
        ):
            body = {k: v[0] for k, v in parse_qs(raw.decode()).items()}
        elif raw:
            try:
                body = json.loads(raw)
            except ValueError:
                body = raw.decode(errors="replace")
        return LoggedRequest(
            method,
            unquote(split.path),
            parse_qs(split.query, keep_blank_values=True),
            body,
            self.headers.get("Authorization", ""),
        )

    def _drop(self, request: LoggedRequest) -> None:
        request.status = -1
        self.close_connection = True
        with contextlib.suppress(OSError):
            self.connection.shutdown(socket.SHUT_RDWR)

    def _answer(self, status: int, body: Any) -> None:
        data = json.dumps(body, ensure_ascii=False).encode()
        try:
            self.send_response(status)
            self.send_header("Content-Type", "application/json; charset=UTF-8")
            self.send_header("Content-Length", str(len(data)))
            self.end_headers()
            self.wfile.write(data)
        except OSError:
            self.close_connection = True  # the client went away (killed)


_FAULT_TEXT = {
    429: (
        "Quota exceeded for quota metric 'Write requests' and limit 'Write requests "
        "per minute per user' of service 'sheets.googleapis.com' for consumer "
        "'project_number:000000000000'."
    ),
    503: "The service is currently unavailable.",
    408: "Request timed out.",
    401: "Request had invalid authentication credentials.",
    403: "The caller does not have permission",
    404: "Requested entity was not found.",
    400: "Invalid request.",
}


@functools.cache
def _private_key_pem() -> str:
    """Return a fresh RSA key (PEM), made once per test session."""
    from cryptography.hazmat.primitives import serialization
    from cryptography.hazmat.primitives.asymmetric import rsa

    key = rsa.generate_private_key(public_exponent=65537, key_size=2048)
    return key.private_bytes(
        serialization.Encoding.PEM,
        serialization.PrivateFormat.PKCS8,
        serialization.NoEncryption(),
    ).decode()


def write_service_account(path: Path, token_uri: str) -> Path:
    """Write a service-account key file (real RSA key) using ``token_uri``."""
    info = {
        "type": "service_account",
        "project_id": "permanence-tests",
        "private_key_id": "local-test-key",
        "private_key": _private_key_pem(),
        "client_email": SERVICE_ACCOUNT_EMAIL,
        "client_id": "000000000000000000000",
        "token_uri": token_uri,
    }
    path.write_text(json.dumps(info), encoding="utf-8")
    path.chmod(0o600)
    return path
