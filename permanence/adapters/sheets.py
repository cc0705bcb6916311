"""Google Sheets access for the call log: the client and the few calls used.

Only gspread's low-level ``HTTPClient`` calls are used (``values_get``,
``values_append``, ``values_batch_update``, ``batch_update``): opening the
spreadsheet with ``open_by_key`` would cost metadata requests on every
call logged. The plain ``HTTPClient`` never sleeps and retries; a short
timeout bounds every request (the token request included), so a volunteer
with a caller on the line is never kept waiting by the network. Every
failure becomes a ``SheetError`` whose ``kind`` tells the caller whether to
retry later or to fix something.

When ``PERMANENCE_SHEETS_ENDPOINT`` is set (tests, benchmarks), requests for
``https://sheets.googleapis.com`` (and Google's OAuth token address) go to
that local address instead; the credentials and their login run exactly as
in real use.

gspread, google-auth and requests are imported inside the functions only.
"""

from __future__ import annotations

import json
import os
from collections.abc import Iterator, Mapping, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any

SHEETS_API = "https://sheets.googleapis.com"
OAUTH_API = "https://oauth2.googleapis.com"
ENDPOINT_VARIABLE = "PERMANENCE_SHEETS_ENDPOINT"
TIMEOUT_VARIABLE = "PERMANENCE_SHEETS_TIMEOUT"
SCOPES = ("https://www.googleapis.com/auth/spreadsheets",)
DEFAULT_TIMEOUT = 5.0  # seconds, to connect and to read each answer

# What went wrong, from the caller's point of view.
UNREACHABLE = "unreachable"  # network, timeout, 408, 429, 5xx: retry later
CREDENTIALS = "credentials"  # 401, unreadable or refused credentials
FORBIDDEN = "forbidden"  # 403: the sheet is not shared with the account
NOT_FOUND = "not_found"  # 404: no spreadsheet with this key
MISSING_TAB = "missing_tab"  # the worksheet does not exist (yet)
REJECTED = "rejected"  # any other refusal (400...)


class SheetError(Exception):
    """A sheet request failed; ``kind`` says what to do about it."""

    def __init__(self, kind: str, detail: str, status: int | None = None) -> None:
        super().__init__(detail)
        self.kind = kind
        self.detail = detail
        self.status = status

    @property
    def retry_later(self) -> bool:
        """True when the same request may well succeed later."""
        return self.kind == UNREACHABLE


@dataclass(frozen=True)
class Credentials:
    """Where the Google credentials are: a service-account key or OAuth files."""

    kind: str  # "service_account" or "oauth"
    path: Path  # the key file, or the OAuth client secrets file
    authorized_user: Path | None = None  # OAuth only: the token gspread keeps


def service_account_email(path: Path) -> str:
    """Return the address a service-account key logs in as ('' if unknown)."""
    try:
        info = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return ""
    return str(info.get("client_email", "")) if isinstance(info, dict) else ""


def timeout_seconds() -> float:
    """Return the request timeout (``PERMANENCE_SHEETS_TIMEOUT`` overrides it)."""
    value = os.environ.get(TIMEOUT_VARIABLE, "")
    try:
        return float(value) if value else DEFAULT_TIMEOUT
    except ValueError:
        return DEFAULT_TIMEOUT


def make_client(
    credentials: Credentials, timeout: float | None = None, interactive: bool = False
) -> Any:
    """Return a gspread client logged in with ``credentials`` (no request yet).

    OAuth needs a browser the first time; unless ``interactive``, a missing
    authorisation is reported instead of opening one.
    """
    import gspread

    with translated_errors(reading_credentials=True):
        if credentials.kind == "oauth":
            client = _oauth_client(credentials, interactive)
        else:
            client = gspread.service_account(
                filename=str(credentials.path),
                scopes=list(SCOPES),
                http_client=gspread.HTTPClient,
            )
    seconds = timeout_seconds() if timeout is None else timeout
    client.http_client.set_timeout((seconds, seconds))
    endpoint = os.environ.get(ENDPOINT_VARIABLE, "")
    if endpoint:
        _redirect(client.http_client.session, endpoint.rstrip("/"))
    return client


def _oauth_client(credentials: Credentials, interactive: bool) -> Any:
    import gspread

    authorized = credentials.authorized_user
    if authorized is None or (not interactive and not authorized.is_file()):
        raise SheetError(CREDENTIALS, "oauth-not-authorized")
    return gspread.oauth(
        scopes=list(SCOPES),
        credentials_filename=str(credentials.path),
        authorized_user_filename=str(authorized),
        http_client=gspread.HTTPClient,
    )


def _redirect(session: Any, endpoint: str) -> None:
    """Send the session's Google requests to ``endpoint``.

    The Sheets API, and the OAuth token refresh, which google-auth always
    sends to Google's own token address for a personal account (its
    separate session is a private attribute, hence the guard).
    """
    from requests.adapters import HTTPAdapter

    class LoopbackAdapter(HTTPAdapter):
        """Rewrites a Google address prefix to the local endpoint."""

        def __init__(self, prefix: str) -> None:
            super().__init__()
            self.prefix = prefix

        def send(self, request: Any, *args: Any, **kwargs: Any) -> Any:
            request.url = endpoint + request.url[len(self.prefix) :]
            return super().send(request, *args, **kwargs)

    # Proxies are chosen from the original https address: ignore them.
    session.trust_env = False
    session.mount(SHEETS_API + "/", LoopbackAdapter(SHEETS_API))
    token_session = getattr(session, "_auth_request_session", None)
    if token_session is not None:
        token_session.trust_env = False
        token_session.mount(OAUTH_API + "/", LoopbackAdapter(OAUTH_API))


@contextmanager
def translated_errors(reading_credentials: bool = False) -> Iterator[None]:
    """Turn gspread, google-auth and network exceptions into ``SheetError``.

    With ``reading_credentials``, an unreadable or malformed key file is a
    credentials problem too.
    """
    import requests
    from google.auth import exceptions as auth_errors
    from gspread.exceptions import APIError

    try:
        yield
    except APIError as error:
        raise _api_error(error) from error
    except requests.exceptions.RequestException as error:
        raise SheetError(UNREACHABLE, type(error).__name__) from error
    except auth_errors.TransportError as error:
        raise SheetError(UNREACHABLE, type(error).__name__) from error
    except auth_errors.RefreshError as error:
        kind = UNREACHABLE if getattr(error, "retryable", False) else CREDENTIALS
        raise SheetError(kind, type(error).__name__) from error
    except auth_errors.GoogleAuthError as error:
        raise SheetError(CREDENTIALS, type(error).__name__) from error
    except (OSError, ValueError, KeyError) as error:
        if not reading_credentials:
            raise
        raise SheetError(CREDENTIALS, type(error).__name__) from error


def _api_error(error: Any) -> SheetError:
    status = int(getattr(error, "code", 0) or 0)
    message = str((getattr(error, "error", None) or {}).get("message", ""))
    detail = f"HTTP {status}"
    if status in (408, 429) or status >= 500:
        return SheetError(UNREACHABLE, detail, status)
    kinds = {401: CREDENTIALS, 403: FORBIDDEN, 404: NOT_FOUND}
    if status in kinds:
        return SheetError(kinds[status], detail, status)
    if status == 400 and message.startswith("Unable to parse range"):
        return SheetError(MISSING_TAB, detail, status)
    return SheetError(REJECTED, f"{detail}: {message}", status)


def quoted(title: str) -> str:
    """Return the worksheet title quoted for an A1 range."""
    return "'" + title.replace("'", "''") + "'"


class SheetTab:
    """One worksheet of one spreadsheet, through a gspread client."""

    def __init__(self, client: Any, key: str, title: str, width: int) -> None:
        self.http = client.http_client
        self.key = key
        self.title = title
        self.last_column = _column_letters(width - 1)

    def read_column(self) -> list[str]:
        """Return column A, one string per row ('' for an empty cell)."""
        with translated_errors():
            answer = self.http.values_get(self.key, f"{quoted(self.title)}!A:A")
        return [str(row[0]) if row else "" for row in answer.get("values", [])]

    def read_rows(self, first: int, last: int) -> list[list[str]]:
        """Return rows ``first`` to ``last`` (1-based, inclusive)."""
        cells = f"A{first}:{self.last_column}{last}"
        with translated_errors():
            answer = self.http.values_get(self.key, f"{quoted(self.title)}!{cells}")
        return [[str(value) for value in row] for row in answer.get("values", [])]

    def append_rows(self, rows: Sequence[Sequence[str]]) -> None:
        """Append rows after the table, inserting new rows, values kept as text."""
        params = {"valueInputOption": "RAW", "insertDataOption": "INSERT_ROWS"}
        body = {"values": [list(row) for row in rows]}
        cells = f"{quoted(self.title)}!A:{self.last_column}"
        with translated_errors():
            self.http.values_append(self.key, cells, params, body)

    def write_rows(self, rows: Mapping[int, Sequence[str]]) -> None:
        """Rewrite whole rows (1-based numbers) in one request, as text."""
        data = [
            {
                "range": f"{quoted(self.title)}!A{number}:{self.last_column}{number}",
                "values": [list(values)],
            }
            for number, values in sorted(rows.items())
        ]
        with translated_errors():
            self.http.values_batch_update(
                self.key, {"valueInputOption": "RAW", "data": data}
            )

    def add(self) -> None:
        """Create the worksheet."""
        request = {"addSheet": {"properties": {"title": self.title}}}
        with translated_errors():
            self.http.batch_update(self.key, {"requests": [request]})


def _column_letters(index: int) -> str:
    letters = ""
    index += 1
    while index:
        index, rest = divmod(index - 1, 26)
        letters = chr(65 + rest) + letters
    return letters
