"""A Google Sheets API v4 emulator on 127.0.0.1, for real gspread clients.

It serves the endpoints gspread uses (spreadsheet metadata, sheet
add/delete/update, values get/update/append/clear/batchGet/batchUpdate)
plus ``POST /token`` for google-auth's service-account login, answers with
Google's status codes and JSON error envelopes, logs every request, and
injects faults on demand: error statuses, slow answers, stalls a test can
act during (kill the client), dropped connections and a stopped server.
The answers themselves come from ``tests/sheets_api.py``. It is checked
against real recorded Google traffic by
``tests/test_sheets_emulator.py``.
"""

from __future__ import annotations

import contextlib
import functools
import json
import socket
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any
from urllib.parse import parse_qs, unquote, urlsplit

from tests.sheets_api import LoggedRequest, SheetsApi, Spreadsheet
from tests.sheets_grid import ApiError

__all__ = ["LoggedRequest", "SheetsEmulator", "Spreadsheet", "is_append"]

SERVICE_ACCOUNT_EMAIL = "journal@permanence-tests.iam.gserviceaccount.com"


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


def is_append(request: LoggedRequest) -> bool:
    """Match the values:append requests."""
    return request.method == "POST" and request.path.endswith(":append")


class SheetsEmulator(SheetsApi):
    """The HTTP server, its request log and its fault plan."""

    def __init__(self, require_auth: bool = False) -> None:
        super().__init__(require_auth)
        self.requests: list[LoggedRequest] = []
        self.faults: list[Fault] = []
        self.stalls: list[Stall] = []
        self.down = False  # drop every connection without answering
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
