"""Sending mail through the association's SMTP server.

Generic: it composes and sends ``EmailMessage`` objects (with or without
a calendar invitation) and reports which ones the server accepted, so
that callers only record what was really sent. The password never comes
from the workspace: it is read from an environment variable or from the
user's keyring, and it is never printed.
"""

from __future__ import annotations

import os
import smtplib
import socket
import ssl
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime
from email.message import EmailMessage
from email.utils import format_datetime, formataddr, make_msgid

from permanence.errors import UnavailableError, UserInputError
from permanence.i18n import _
from permanence.settings import SmtpSettings

DEFAULT_PASSWORD_VARIABLE = "PERMANENCE_SMTP_PASSWORD"
KEYRING_SERVICE = "permanence"
TIMEOUT_SECONDS = 30.0


@dataclass
class SendReport:
    """Which messages the server accepted, and why the others were refused."""

    sent: list[int] = field(default_factory=list)
    refused: list[tuple[int, str]] = field(default_factory=list)


def smtp_password(smtp: SmtpSettings, variable: str = "") -> str | None:
    """Return the SMTP password, or None when the server needs no login.

    It comes from the environment variable ``variable`` (the user's
    ``smtp_password_env`` setting; ``PERMANENCE_SMTP_PASSWORD`` by
    default), or else from the user's keyring (service ``permanence``,
    the SMTP user as username).
    """
    if not smtp.user:
        return None
    variable = variable or DEFAULT_PASSWORD_VARIABLE
    password = os.environ.get(variable) or _keyring_password(smtp.user)
    if password:
        return password
    message = _(
        "no password for the mail account {user}: set the environment variable "
        "{variable}, or store it in your keyring with: keyring set {service} {user}"
    )
    raise UserInputError(
        message.format(user=smtp.user, variable=variable, service=KEYRING_SERVICE)
    )


def _keyring_password(user: str) -> str | None:
    try:
        import keyring
        from keyring.errors import KeyringError
    except ImportError:
        return None
    try:
        return keyring.get_password(KEYRING_SERVICE, user)
    except KeyringError:
        return None


def compose_message(
    sender: tuple[str, str],
    recipient: tuple[str, str],
    subject: str,
    body: str,
    calendar: bytes | None = None,
    method: str = "REQUEST",
    filename: str = "invitation.ics",
) -> EmailMessage:
    """Return a message: plain text, plus an iTIP calendar part if given.

    With a calendar, the body is multipart/alternative (text/plain and
    ``text/calendar; method=...``, which mail clients turn into accept and
    decline buttons), and the same calendar is attached as a ``.ics`` file.
    """
    message = EmailMessage()
    message["From"] = formataddr(sender)
    message["To"] = formataddr(recipient)
    message["Subject"] = subject
    message["Date"] = format_datetime(datetime.now(UTC))
    domain = sender[1].rpartition("@")[2] or None
    message["Message-ID"] = make_msgid(domain=domain)
    message.set_content(body, cte="quoted-printable")
    if calendar is not None:
        # base64 passes any relay (no 8BITMIME needed) and encodes a year of
        # shifts faster than quoted-printable.
        message.add_alternative(
            calendar.decode("utf-8"),
            subtype="calendar",
            params={"method": method},
            cte="base64",
        )
        message.add_attachment(
            calendar, maintype="application", subtype="ics", filename=filename
        )
    return message


def send_messages(
    smtp: SmtpSettings,
    password: str | None,
    messages: Sequence[EmailMessage],
    on_sent: Callable[[int], None] | None = None,
) -> SendReport:
    """Send ``messages`` in one session; call ``on_sent(i)`` as each is accepted.

    Raise ``UserInputError`` when the settings or the login are wrong and
    ``UnavailableError`` when the server cannot be reached or drops the
    connection (the messages accepted before that stay reported).
    """
    report = SendReport()
    with _connect(smtp, password) as client:
        for index, message in enumerate(messages):
            reason = _send_one(client, smtp, message)
            if reason is None:
                report.sent.append(index)
                if on_sent is not None:
                    on_sent(index)
            else:
                report.refused.append((index, reason))
    return report


def _send_one(
    client: smtplib.SMTP, smtp: SmtpSettings, message: EmailMessage
) -> str | None:
    """Send one message; return None if accepted, else the server's reason."""
    try:
        client.send_message(message)
    except smtplib.SMTPRecipientsRefused as error:
        return "; ".join(_reply(code, text) for code, text in error.recipients.values())
    except smtplib.SMTPResponseException as error:
        return _reply(error.smtp_code, error.smtp_error)
    except OSError as error:  # includes SMTPServerDisconnected
        raise _unreachable(smtp, error) from error
    return None


def _reply(code: int, text: bytes | str) -> str:
    if isinstance(text, bytes):
        text = text.decode("utf-8", "replace")
    return f"{code} {text}"


def _connect(smtp: SmtpSettings, password: str | None) -> smtplib.SMTP:
    """Open a session: connect, secure it as configured, log in."""
    if not smtp.host:
        message = _("no mail server configured: add 'smtp' with its 'host' to {file}")
        raise UserInputError(message.format(file="shifts.yaml"))
    try:
        client = _open(smtp)
    except (OSError, smtplib.SMTPException) as error:
        raise _unreachable(smtp, error) from error
    try:
        _login(client, smtp, password)
    except BaseException:
        client.close()
        raise
    return client


def _open(smtp: SmtpSettings) -> smtplib.SMTP:
    context = ssl.create_default_context()
    if smtp.security == "ssl":
        return smtplib.SMTP_SSL(
            smtp.host, smtp.port, timeout=TIMEOUT_SECONDS, context=context
        )
    client = smtplib.SMTP(smtp.host, smtp.port, timeout=TIMEOUT_SECONDS)
    if smtp.security == "starttls":
        try:
            client.starttls(context=context)
        except smtplib.SMTPNotSupportedError as error:
            client.close()
            message = _(
                "the mail server {host} does not offer STARTTLS: set 'security' "
                "to ssl or none in the 'smtp' settings"
            )
            raise UserInputError(message.format(host=smtp.host)) from error
    return client


def _login(client: smtplib.SMTP, smtp: SmtpSettings, password: str | None) -> None:
    if not smtp.user:
        return
    try:
        client.login(smtp.user, password or "")
    except smtplib.SMTPAuthenticationError as error:
        message = _(
            "the mail server refused the login of {user}: check the password "
            "(environment variable or keyring) and the 'user' setting"
        )
        raise UserInputError(message.format(user=smtp.user)) from error
    except smtplib.SMTPNotSupportedError as error:
        message = _(
            "the mail server {host} does not accept a login here: check "
            "'security' (most servers want starttls or ssl) and 'user'"
        )
        raise UserInputError(message.format(host=smtp.host)) from error


def _unreachable(smtp: SmtpSettings, error: BaseException) -> UnavailableError:
    if isinstance(error, socket.timeout):
        reason = _("no answer")
    else:
        reason = str(error) or type(error).__name__
    message = _(
        "could not reach the mail server {host}:{port} ({reason}): check the "
        "'smtp' settings and the connection; what was not sent will be sent "
        "next time"
    )
    return UnavailableError(
        message.format(host=smtp.host, port=smtp.port, reason=reason)
    )
