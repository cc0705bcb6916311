"""A real SMTP server on 127.0.0.1 (aiosmtpd) that keeps what it receives.

Use the ``smtp_server`` fixture (registered through ``pytest_plugins`` or
imported into a test module): it starts a server on a free port and
returns a ``MailServer`` whose ``messages`` are parsed back with the
standard library. ``MailServer.require_login(user, password)`` turns on
SMTP AUTH; ``refuse(address)`` makes the server refuse one recipient.
"""

from __future__ import annotations

import asyncio
import email
import socket
import ssl
from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from email.message import EmailMessage
from email.policy import default
from pathlib import Path
from typing import Any

import pytest

HOST = "127.0.0.1"
# Plain-text AUTH on 127.0.0.1 is what the tests exercise; aiosmtpd warns
# about it on every connection. Apply with ``pytestmark``.
IGNORE_PLAIN_AUTH_WARNING = pytest.mark.filterwarnings(
    "ignore:Requiring AUTH while not requiring TLS:UserWarning"
)


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
    held: set[str] = field(default_factory=set)

    async def handle_RCPT(
        self, server: Any, session: Any, envelope: Any, address: str, options: Any
    ) -> str:
        if address in self.refused:
            return "550 5.1.1 No such user here"
        envelope.rcpt_tos.append(address)
        return "250 OK"

    async def handle_DATA(self, server: Any, session: Any, envelope: Any) -> str:
        if self.held & set(envelope.rcpt_tos):
            while self.held & set(envelope.rcpt_tos):  # no answer until released
                await asyncio.sleep(0.01)
            return "451 4.3.0 Held message dropped, try again later"
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
        # handled=False: aiosmtpd itself answers 535 to a wrong password.
        return AuthResult(success=ok, handled=False)


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

    def hold(self, *addresses: str) -> None:
        """Leave messages to these recipients unanswered, then refuse them (451)."""
        self._handler.held = set(addresses)

    def start(
        self,
        user: str = "",
        password: str = "",
        security: str = "none",
        tls: ssl.SSLContext | None = None,
    ) -> None:
        """Start listening; require a login when ``user`` is given.

        ``security`` is ``starttls`` (STARTTLS required) or ``ssl``
        (encrypted from the start) with the server context ``tls``.
        """
        from aiosmtpd.controller import Controller

        self._login.user, self._login.password = user, password
        options: dict[str, Any] = {}
        if user:
            options = {
                "authenticator": self._login,
                "auth_require_tls": False,
                "auth_required": True,
            }
        if security == "starttls":
            options.update(tls_context=tls, require_starttls=True)
        elif security == "ssl":
            options.update(ssl_context=tls)
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


def self_signed_certificate(folder: Path) -> tuple[Path, Path]:
    """Write a certificate for 127.0.0.1 and its key; return their paths.

    Point ``SSL_CERT_FILE`` at the certificate to make clients trust it.
    """
    import ipaddress

    from cryptography import x509
    from cryptography.hazmat.primitives import hashes, serialization
    from cryptography.hazmat.primitives.asymmetric import ec
    from cryptography.x509.oid import NameOID

    key = ec.generate_private_key(ec.SECP256R1())
    name = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, HOST)])
    now = datetime.now(UTC)
    address = x509.IPAddress(ipaddress.ip_address(HOST))
    certificate = (
        x509.CertificateBuilder()
        .subject_name(name)
        .issuer_name(name)
        .public_key(key.public_key())
        .serial_number(x509.random_serial_number())
        .not_valid_before(now - timedelta(minutes=5))
        .not_valid_after(now + timedelta(days=1))
        .add_extension(x509.SubjectAlternativeName([address]), critical=False)
        .add_extension(x509.BasicConstraints(ca=True, path_length=None), critical=True)
        .sign(key, hashes.SHA256())
    )
    cert_path, key_path = folder / "server.pem", folder / "server.key"
    cert_path.write_bytes(certificate.public_bytes(serialization.Encoding.PEM))
    key_path.write_bytes(
        key.private_bytes(
            serialization.Encoding.PEM,
            serialization.PrivateFormat.PKCS8,
            serialization.NoEncryption(),
        )
    )
    return cert_path, key_path


def server_context(cert_path: Path, key_path: Path) -> ssl.SSLContext:
    """Return a server-side TLS context with this certificate."""
    context = ssl.create_default_context(ssl.Purpose.CLIENT_AUTH)
    context.load_cert_chain(cert_path, key_path)
    return context
