"""The mail adapter against a real SMTP server (aiosmtpd on 127.0.0.1)."""

from __future__ import annotations

from collections.abc import Iterator
from email.message import EmailMessage
from pathlib import Path

import pytest

from permanence.adapters.mail import (
    compose_message,
    send_messages,
    smtp_password,
)
from permanence.errors import ExitCode, UnavailableError, UserInputError
from permanence.settings import SmtpSettings
from tests.smtp_server import (
    HOST,
    IGNORE_PLAIN_AUTH_WARNING,
    MailServer,
    free_port,
    self_signed_certificate,
    server_context,
    smtp_server,
)

__all__ = ["smtp_server"]
pytestmark = IGNORE_PLAIN_AUTH_WARNING

SENDER = ("Le Fil Solidaire", "permanence@fil.example.org")
CALENDAR = b"BEGIN:VCALENDAR\r\nMETHOD:REQUEST\r\nEND:VCALENDAR\r\n"


def _settings(server: MailServer, user: str = "") -> SmtpSettings:
    return SmtpSettings(host=HOST, port=server.port, security="none", user=user)


def _message(
    to: str = "alice@example.org", calendar: bytes | None = None
) -> EmailMessage:
    return compose_message(
        SENDER,
        ("Alice Martin", to),
        "Vos créneaux \u2013 Le Fil Solidaire",
        "Bonjour Alice,\nnouveau créneau : le 28/03 de 18:00 à 21:00\n",
        calendar,
    )


@pytest.fixture
def login_server() -> Iterator[MailServer]:
    """A server that requires the login permanence / s3cret."""
    pytest.importorskip("aiosmtpd", reason="aiosmtpd is a test dependency")
    server = MailServer()
    server.start(user="permanence", password="s3cret")
    yield server
    server.stop()


def test_plain_message_reaches_the_server(smtp_server: MailServer) -> None:
    report = send_messages(_settings(smtp_server), None, [_message()])
    assert report.sent == [0]
    received = smtp_server.messages[0]
    assert received.mail_from == "permanence@fil.example.org"
    assert received.recipients == ["alice@example.org"]
    assert received.message["Subject"] == "Vos créneaux \u2013 Le Fil Solidaire"
    body = received.message.get_body(("plain",))
    assert body is not None
    assert "nouveau créneau" in body.get_content()


def test_invitation_has_alternative_calendar_part_and_attachment(
    smtp_server: MailServer,
) -> None:
    send_messages(_settings(smtp_server), None, [_message(calendar=CALENDAR)])
    message = smtp_server.messages[0].message
    structure = [part.get_content_type() for part in message.walk()]
    assert structure == [
        "multipart/mixed",
        "multipart/alternative",
        "text/plain",
        "text/calendar",
        "application/ics",
    ]
    calendar = next(
        p for p in message.walk() if p.get_content_type() == "text/calendar"
    )
    assert calendar.get_param("method") == "REQUEST"
    assert calendar.get_content().replace("\r\n", "\n") == CALENDAR.decode().replace(
        "\r\n", "\n"
    )
    attachment = next(message.iter_attachments())
    assert attachment.get_filename() == "invitation.ics"
    assert attachment.get_content() == CALENDAR


def test_login_with_the_password_from_the_environment(
    login_server: MailServer, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("PERMANENCE_SMTP_PASSWORD", "s3cret")
    settings = _settings(login_server, user="permanence")
    password = smtp_password(settings)
    assert send_messages(settings, password, [_message()]).sent == [0]
    assert len(login_server.messages) == 1


def test_password_variable_can_be_renamed(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("MY_SMTP_SECRET", "s3cret")
    settings = SmtpSettings(host=HOST, user="permanence")
    assert smtp_password(settings, "MY_SMTP_SECRET") == "s3cret"


def test_wrong_password_is_a_clear_error(login_server: MailServer) -> None:
    settings = _settings(login_server, user="permanence")
    with pytest.raises(UserInputError) as caught:
        send_messages(settings, "wrong", [_message()])
    assert "permanence" in caught.value.message
    assert "wrong" not in caught.value.message
    assert caught.value.exit_code == ExitCode.BAD_INPUT
    assert login_server.messages == []


def test_missing_password_names_the_variable_and_the_keyring(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    import keyring
    from keyring.backends.null import Keyring

    monkeypatch.setattr(keyring.core, "_keyring_backend", Keyring())
    with pytest.raises(UserInputError) as caught:
        smtp_password(SmtpSettings(host=HOST, user="permanence"))
    assert "PERMANENCE_SMTP_PASSWORD" in caught.value.message
    assert "keyring set permanence permanence" in caught.value.message


class _MemoryKeyring:
    """A keyring backend holding passwords in memory (keyring's plug-in API)."""

    priority = 1

    def __init__(self) -> None:
        self.passwords: dict[tuple[str, str], str] = {}

    def get_password(self, service: str, username: str) -> str | None:
        return self.passwords.get((service, username))

    def set_password(self, service: str, username: str, password: str) -> None:
        self.passwords[(service, username)] = password


def test_password_from_the_keyring(
    login_server: MailServer, monkeypatch: pytest.MonkeyPatch
) -> None:
    import keyring
    from keyring.backend import KeyringBackend

    backend_class = type("Memory", (_MemoryKeyring, KeyringBackend), {})
    backend = backend_class()
    keyring.set_keyring(backend)
    monkeypatch.setattr(keyring.core, "_keyring_backend", backend)
    keyring.set_password("permanence", "permanence", "s3cret")
    settings = _settings(login_server, user="permanence")
    password = smtp_password(settings)
    assert password == "s3cret"
    assert send_messages(settings, password, [_message()]).sent == [0]


def test_no_login_needed_without_user() -> None:
    assert smtp_password(SmtpSettings(host=HOST)) is None


def test_unreachable_server_is_unavailable() -> None:
    settings = SmtpSettings(host=HOST, port=free_port(), security="none")
    with pytest.raises(UnavailableError) as caught:
        send_messages(settings, None, [_message()])
    assert f"{HOST}:{settings.port}" in caught.value.message
    assert caught.value.exit_code == ExitCode.UNAVAILABLE


def test_refused_recipient_is_reported_and_the_others_sent(
    smtp_server: MailServer,
) -> None:
    smtp_server.refuse("nobody@example.org")
    seen: list[int] = []
    messages = [_message(), _message("nobody@example.org"), _message("bob@example.org")]
    report = send_messages(_settings(smtp_server), None, messages, on_sent=seen.append)
    assert report.sent == seen == [0, 2]
    assert [index for index, _ in report.refused] == [1]
    assert "550" in report.refused[0][1]
    assert [m.recipients for m in smtp_server.messages] == [
        ["alice@example.org"],
        ["bob@example.org"],
    ]


def test_starttls_refused_by_a_plain_server_is_a_clear_error(
    smtp_server: MailServer,
) -> None:
    settings = SmtpSettings(host=HOST, port=smtp_server.port, security="starttls")
    with pytest.raises(UserInputError) as caught:
        send_messages(settings, None, [_message()])
    assert "STARTTLS" in caught.value.message


@pytest.mark.parametrize("security", ["starttls", "ssl"])
def test_encrypted_connections_deliver(
    security: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    pytest.importorskip("cryptography", reason="makes the test certificate")
    cert_path, key_path = self_signed_certificate(tmp_path)
    monkeypatch.setenv("SSL_CERT_FILE", str(cert_path))  # trust it, as a CA
    server = MailServer()
    server.start(security=security, tls=server_context(cert_path, key_path))
    try:
        settings = SmtpSettings(host=HOST, port=server.port, security=security)
        assert send_messages(settings, None, [_message()]).sent == [0]
    finally:
        server.stop()
    assert [m.recipients for m in server.messages] == [["alice@example.org"]]


def test_untrusted_certificate_is_refused(tmp_path: Path) -> None:
    pytest.importorskip("cryptography", reason="makes the test certificate")
    server = MailServer()
    server.start(security="ssl", tls=server_context(*self_signed_certificate(tmp_path)))
    try:
        settings = SmtpSettings(host=HOST, port=server.port, security="ssl")
        with pytest.raises(UnavailableError) as caught:
            send_messages(settings, None, [_message()])
    finally:
        server.stop()
    assert "CERTIFICATE_VERIFY_FAILED" in caught.value.message
    assert server.messages == []
