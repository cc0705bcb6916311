"""A real SMTP server on 127.0.0.1 (aiosmtpd) that keeps what it receives.

Use the ``smtp_server`` fixture (registered through ``pytest_plugins`` or
imported into a test module): it starts a server on a free port and
returns a ``MailServer`` whose ``messages`` are parsed back with the
standard library. ``MailServer.require_login(user, password)`` turns on
SMTP AUTH; ``refuse(address)`` makes the server refuse one recipient.
"""

from __future__ import annotations

import email
import socket
from collections.abc import Iterator
from dataclasses import dataclass, field
from email.message import EmailMessage
from email.policy import default
from typing import Any

import pytest

HOST = "127.0.0.1"


@dataclass(frozen=True)
class Received:
    """One message as the server got it."""

    mail_from: str
    recipients: list[str]
    message: EmailMessage


@dataclass
class _Handler:
    received: list[Received] = field(default_factory=list)
    refused: set[str] = field(default_factory=set)

    async def handle_RCPT(
        self, server: Any, session: Any, envelope: Any, address: str, options: Any
    ) -> str:
        if address in self.refused:
            return "550 5.1.1 No such user here"
        envelope.rcpt_tos.append(address)
        return "250 OK"

    async def handle_DATA(self, server: Any, session: Any, envelope: Any) -> str:
        parsed = email.message_from_bytes(envelope.content, policy=default)
        assert isinstance(parsed, EmailMessage)
        self.received.append(
            Received(envelope.mail_from, list(envelope.rcpt_tos), parsed)
        )
        return "250 Message accepted for delivery"


@dataclass
class _Login:
    """Checks SMTP AUTH credentials against the one account allowed."""

    user: str = ""
    password: str = ""

    def __call__(
        self, server: Any, session: Any, envelope: Any, mechanism: str, data: Any
    ) -> Any:
        from aiosmtpd.smtp import AuthResult, LoginPassword

        ok = (
            isinstance(data, LoginPassword)
            and data.login.decode() == self.user
            and data.password.decode() == self.password
        )
        return AuthResult(success=ok)


def free_port() -> int:
    """Return a TCP port nobody listens on (aiosmtpd cannot take port 0)."""
    with socket.socket() as probe:
        probe.bind((HOST, 0))
        port: int = probe.getsockname()[1]
    return port


class MailServer:
    """A running aiosmtpd server and what it received."""

    def __init__(self) -> None:
        self.port = free_port()
        self._handler = _Handler()
        self._login = _Login()
        self._controller: Any = None

    @property
    def messages(self) -> list[Received]:
        """Return the messages received so far."""
        return self._handler.received

    def clear(self) -> None:
        """Forget the messages received so far."""
        self._handler.received.clear()

    def refuse(self, *addresses: str) -> None:
        """Make the server refuse these recipients (550), or none if empty."""
        self._handler.refused = set(addresses)

    def start(self, user: str = "", password: str = "") -> None:
        """Start listening; require a login when ``user`` is given."""
        from aiosmtpd.controller import Controller

        self._login.user, self._login.password = user, password
        options: dict[str, Any] = {}
        if user:
            options = {
                "authenticator": self._login,
                "auth_require_tls": False,
                "auth_required": True,
            }
        self._controller = Controller(
            self._handler, hostname=HOST, port=self.port, **options
        )
        self._controller.start()

    def stop(self) -> None:
        """Stop listening (the port is then closed)."""
        if self._controller is not None:
            self._controller.stop()
            self._controller = None


@pytest.fixture
def smtp_server() -> Iterator[MailServer]:
    """A started SMTP server without login; stopped after the test."""
    pytest.importorskip("aiosmtpd", reason="aiosmtpd is a test dependency")
    server = MailServer()
    server.start()
    yield server
    server.stop()
