"""``permanence schedule send`` against a real SMTP server on 127.0.0.1."""

from __future__ import annotations

import json
import os
import subprocess
import sys
import time
from collections.abc import Iterator
from email.message import EmailMessage
from pathlib import Path

import icalendar
import pytest

from permanence.invitations.state import STATE_FILE
from tests.conftest import Invoke
from tests.invitations_fixtures import (
    SEND_WINDOW,
    SHIFTS,
    make_workspace,
    smtp_block,
    write_shifts,
)
from tests.libical import check_calendar
from tests.smtp_server import (
    IGNORE_PLAIN_AUTH_WARNING,
    MailServer,
    Received,
    free_port,
    smtp_server,
)

__all__ = ["smtp_server"]
pytestmark = IGNORE_PLAIN_AUTH_WARNING


@pytest.fixture
def workspace(tmp_path: Path, smtp_server: MailServer) -> Path:
    return make_workspace(tmp_path / "workspace", smtp_block(smtp_server.port))


def _send(invoke: Invoke, workspace: Path, *extra: str, code: int = 0) -> str:
    outcome = invoke(["-w", workspace, "schedule", "send", *SEND_WINDOW, *extra])
    assert outcome.exit_code == code, outcome.stderr
    assert "Traceback" not in outcome.stderr
    return outcome.stdout + outcome.stderr


def _calendar(message: EmailMessage) -> icalendar.Calendar:
    part = next(p for p in message.walk() if p.get_content_type() == "text/calendar")
    text = part.get_content()
    assert check_calendar(text.encode()).errors == []
    return icalendar.Calendar.from_ical(text)


def _body(received: Received) -> str:
    body = received.message.get_body(("plain",))
    assert body is not None
    text: str = body.get_content()
    return text


def _by_recipient(server: MailServer) -> dict[str, Received]:
    found = {}
    for received in server.messages:
        (address,) = received.recipients
        method = _calendar(received.message)["METHOD"]
        found[f"{address.split('@')[0]} {method}"] = received
    return found


def test_each_volunteer_gets_their_invitations(
    invoke: Invoke, workspace: Path, smtp_server: MailServer
) -> None:
    output = _send(invoke, workspace)
    assert "Denis Roy (denis) n'a pas d'adresse e-mail" in output
    assert "3 message(s) envoyé(s)" in output
    mails = _by_recipient(smtp_server)
    assert sorted(mails) == ["alice REQUEST", "bruno REQUEST", "chloe REQUEST"]
    alice = mails["alice REQUEST"]
    assert alice.mail_from == "permanence@fil.example.org"
    structure = [p.get_content_type() for p in alice.message.walk()]
    assert structure == [
        "multipart/mixed",
        "multipart/alternative",
        "text/plain",
        "text/calendar",
        "application/ics",
    ]
    calendar = _calendar(alice.message)
    uids = sorted(str(e["UID"]) for e in calendar.walk("VEVENT"))
    assert uids == [
        "apres-ete.alice@fil.example.org",
        "avant-ete.alice@fil.example.org",
    ]
    attachment = next(alice.message.iter_attachments())
    assert attachment.get_filename() == "alice.ics"
    assert "nouveau créneau : le 28/03 de 18:00 à 21:00" in _body(alice)
    assert "https://fil.example.org/guide" in _body(alice)


def test_rerun_sends_nothing_when_nothing_changed(
    invoke: Invoke, workspace: Path, smtp_server: MailServer
) -> None:
    _send(invoke, workspace)
    smtp_server.clear()
    output = _send(invoke, workspace)
    assert smtp_server.messages == []
    assert "Rien à envoyer" in output


def test_edits_send_exactly_the_updates_and_a_cancellation(
    invoke: Invoke, workspace: Path, smtp_server: MailServer
) -> None:
    _send(invoke, workspace)
    smtp_server.clear()
    edited = {k: v for k, v in SHIFTS.items() if k != "avant-ete"}  # removed
    edited["jeudi"] = ("2026-03-12", "15:00-18:00", "chloe")  # moved
    edited["mai"] = ("2026-05-16", "10:00-12:00", "bruno")  # added
    write_shifts(workspace, edited, smtp_block(smtp_server.port))
    _send(invoke, workspace)
    mails = _by_recipient(smtp_server)
    assert sorted(mails) == ["alice CANCEL", "bruno REQUEST", "chloe REQUEST"]

    (moved,) = _calendar(mails["chloe REQUEST"].message).walk("VEVENT")
    assert str(moved["UID"]) == "jeudi.chloe@fil.example.org"
    assert moved["SEQUENCE"] == 1
    assert "créneau du 12/03 déplacé de 14:00 à 15:00" in _body(mails["chloe REQUEST"])

    (cancelled,) = _calendar(mails["alice CANCEL"].message).walk("VEVENT")
    assert str(cancelled["UID"]) == "avant-ete.alice@fil.example.org"
    assert (str(cancelled["STATUS"]), cancelled["SEQUENCE"]) == ("CANCELLED", 1)
    assert "créneau du 28/03 à 18:00 annulé" in _body(mails["alice CANCEL"])

    (added,) = _calendar(mails["bruno REQUEST"].message).walk("VEVENT")
    assert (str(added["UID"]), added["SEQUENCE"]) == ("mai.bruno@fil.example.org", 0)
    assert "nouveau créneau : le 16/05 de 10:00 à 12:00" in _body(
        mails["bruno REQUEST"]
    )

    smtp_server.clear()
    _send(invoke, workspace)
    assert smtp_server.messages == []


def test_dry_run_shows_and_sends_nothing(
    invoke: Invoke, workspace: Path, smtp_server: MailServer
) -> None:
    outcome = invoke(
        ["-w", workspace, "schedule", "send", "--dry-run", "--json", *SEND_WINDOW]
    )
    assert outcome.exit_code == 0, outcome.stderr
    rows = json.loads(outcome.stdout)
    assert [(r["volunteer"], r["method"], r["new"]) for r in rows] == [
        ("alice", "REQUEST", 2),
        ("bruno", "REQUEST", 2),
        ("chloe", "REQUEST", 2),
    ]
    assert smtp_server.messages == []
    state = workspace / ".permanence" / STATE_FILE
    assert not state.exists()
    table = _send(invoke, workspace, "--dry-run")
    assert "alice@example.org" in table
    assert "Simulation : 3 message(s) seraient envoyés ; rien n'a été envoyé." in table
    assert smtp_server.messages == []
    _send(invoke, workspace)
    assert len(smtp_server.messages) == 3


def test_send_to_one_volunteer_leaves_the_others_for_later(
    invoke: Invoke, workspace: Path, smtp_server: MailServer
) -> None:
    _send(invoke, workspace, "--to", "alice")
    assert [m.recipients for m in smtp_server.messages] == [["alice@example.org"]]
    smtp_server.clear()
    _send(invoke, workspace)
    assert sorted(r for m in smtp_server.messages for r in m.recipients) == [
        "bruno@example.org",
        "chloe@example.org",
    ]


def test_unknown_volunteer_is_a_clear_error(invoke: Invoke, workspace: Path) -> None:
    output = _send(invoke, workspace, "--to", "zoe", code=2)
    assert "zoe" in output


def test_a_refused_message_is_sent_next_time_and_nothing_twice(
    invoke: Invoke, workspace: Path, smtp_server: MailServer
) -> None:
    smtp_server.refuse("bruno@example.org")
    output = _send(invoke, workspace, code=3)
    assert "bruno@example.org" in output
    assert sorted(r for m in smtp_server.messages for r in m.recipients) == [
        "alice@example.org",
        "chloe@example.org",
    ]
    smtp_server.refuse()
    smtp_server.clear()
    _send(invoke, workspace)
    assert [m.recipients for m in smtp_server.messages] == [["bruno@example.org"]]


def test_unreachable_server_exits_3_and_records_nothing(
    invoke: Invoke, tmp_path: Path
) -> None:
    workspace = make_workspace(tmp_path / "w", smtp_block(free_port()))
    output = _send(invoke, workspace, code=3)
    assert "impossible de joindre le serveur de messagerie 127.0.0.1" in output
    assert not (workspace / ".permanence" / STATE_FILE).exists()


def test_missing_smtp_settings_exit_2(invoke: Invoke, tmp_path: Path) -> None:
    workspace = make_workspace(tmp_path / "w")
    output = _send(invoke, workspace, code=2)
    assert "smtp" in output


@pytest.fixture
def login_workspace(tmp_path: Path) -> Iterator[tuple[Path, MailServer]]:
    server = MailServer()
    server.start(user="permanence@fil.example.org", password="s3cret")
    smtp = smtp_block(server.port, user="permanence@fil.example.org")
    yield make_workspace(tmp_path / "w", smtp), server
    server.stop()


def test_login_with_the_password_from_the_environment(
    invoke: Invoke,
    login_workspace: tuple[Path, MailServer],
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    workspace, server = login_workspace
    monkeypatch.setenv("PERMANENCE_SMTP_PASSWORD", "s3cret")
    output = _send(invoke, workspace)
    assert len(server.messages) == 3
    assert "s3cret" not in output


def test_password_variable_named_in_the_user_config(
    invoke: Invoke,
    login_workspace: tuple[Path, MailServer],
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    workspace, server = login_workspace
    config = Path(os.environ["PERMANENCE_CONFIG_DIR"]) / "config.yaml"
    config.write_text("smtp_password_env: FIL_SMTP_SECRET\n", encoding="utf-8")
    monkeypatch.setenv("FIL_SMTP_SECRET", "s3cret")
    _send(invoke, workspace)
    assert len(server.messages) == 3


def test_wrong_password_is_a_clear_error(
    invoke: Invoke,
    login_workspace: tuple[Path, MailServer],
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    workspace, server = login_workspace
    monkeypatch.setenv("PERMANENCE_SMTP_PASSWORD", "wrong-one")
    output = _send(invoke, workspace, code=2)
    assert "a refusé la connexion de permanence@fil.example.org" in output
    assert "wrong-one" not in output
    assert server.messages == []


def test_missing_password_names_where_to_put_it(
    invoke: Invoke,
    login_workspace: tuple[Path, MailServer],
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    import keyring
    from keyring.backends.null import Keyring

    monkeypatch.setattr(keyring.core, "_keyring_backend", Keyring())
    workspace, server = login_workspace
    output = _send(invoke, workspace, code=2)
    assert "PERMANENCE_SMTP_PASSWORD" in output
    assert "keyring set permanence" in output
    assert server.messages == []


def test_a_run_killed_midway_resends_only_what_was_not_accepted(
    invoke: Invoke, workspace: Path, smtp_server: MailServer
) -> None:
    script = Path(sys.executable).parent / "permanence"
    if not script.exists():
        pytest.skip("the permanence command is not installed in this environment")
    smtp_server.hold("bruno@example.org")
    args = [str(script), "-w", str(workspace), "schedule", "send", *SEND_WINDOW]
    process = subprocess.Popen(
        args, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL
    )
    try:
        deadline = time.monotonic() + 20
        while not smtp_server.messages and time.monotonic() < deadline:
            time.sleep(0.02)
        time.sleep(0.2)  # bruno's message is now waiting for the server's answer
    finally:
        process.kill()  # SIGKILL: no clean-up, no final save
        process.wait()
    assert [m.recipients for m in smtp_server.messages] == [["alice@example.org"]]
    smtp_server.hold()
    smtp_server.clear()
    _send(invoke, workspace)
    assert sorted(r for m in smtp_server.messages for r in m.recipients) == [
        "bruno@example.org",
        "chloe@example.org",
    ]


def test_messages_follow_the_workspace_language(
    invoke: Invoke, workspace: Path, smtp_server: MailServer
) -> None:
    path = workspace / "shifts.yaml"
    path.write_text(
        path.read_text(encoding="utf-8").replace("language: fr", "language: en"),
        encoding="utf-8",
    )
    output = _send(invoke, workspace, "--to", "alice")
    assert "1 message(s) sent." in output
    (alice,) = smtp_server.messages
    assert alice.message["Subject"] == "Your phone line shifts \u2013 Le Fil Solidaire"
    assert "new shift: 28/03 from 18:00 to 21:00" in _body(alice)
    event = _calendar(alice.message).walk("VEVENT")[0]
    assert str(event["SUMMARY"]) == "Phone line shift \u2013 Le Fil Solidaire"
