"""Handoff summaries mailed to a real SMTP server and posted to a real HTTP
webhook on 127.0.0.1; a failed delivery never loses the shift event."""

from __future__ import annotations

import json
import re
import threading
from collections.abc import Iterator
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any

import pytest

from tests.conftest import Invoke
from tests.smtp_server import MailServer, free_port, smtp_server
from tests.test_handoff import seed, shift_events, tuesday_afternoon

__all__ = ["smtp_server"]  # the fixture, used by name

START = ("handoff", "start", "--as", "karim", "--at", "01/12/2026 18:00")


@dataclass
class Hook:
    """What the local webhook received, and the status it answers."""

    url: str
    status: int = 200
    bodies: list[dict[str, Any]] = field(default_factory=list)
    content_types: list[str] = field(default_factory=list)


@pytest.fixture
def webhook() -> Iterator[Hook]:
    """An incoming-webhook endpoint served by http.server in a thread."""
    hook = Hook(url="")

    class Handler(BaseHTTPRequestHandler):
        def do_POST(self) -> None:
            length = int(self.headers["Content-Length"])
            hook.bodies.append(json.loads(self.rfile.read(length)))
            hook.content_types.append(self.headers["Content-Type"])
            self.send_response(hook.status)
            self.end_headers()
            self.wfile.write(b"ok")

        def log_message(self, format: str, *args: Any) -> None:
            pass

    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    hook.url = f"http://127.0.0.1:{server.server_port}/hooks/s3cr3t-token"
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield hook
    server.shutdown()
    server.server_close()


def use_settings(root: Path, port: int) -> None:
    """Point the workspace's mail settings at a local server."""
    shifts = root / "shifts.yaml"
    text = shifts.read_text(encoding="utf-8")
    local = (
        "  smtp:\n    host: 127.0.0.1\n"
        f"    port: {port}\n    security: none\n"
        "    sender: Le Fil Solidaire <permanence@fil-solidaire.example.org>\n"
    )
    text = re.sub(r"  smtp:\n(    .*\n)+", local, text)
    shifts.write_text(text, encoding="utf-8")


@pytest.fixture
def workspace(sample_workspace: Path) -> Path:
    seed(sample_workspace, tuesday_afternoon())
    return sample_workspace


def test_send_mails_the_summary_to_the_team(
    invoke: Invoke, workspace: Path, smtp_server: MailServer
) -> None:
    use_settings(workspace, smtp_server.port)

    outcome = invoke(["-w", workspace, *START, "--format", "text", "--send"])

    assert outcome.exit_code == 0, outcome.stderr
    assert "Envoyé par courriel à equipe@fil-solidaire.example.org." in outcome.stderr
    [received] = smtp_server.messages
    assert received.recipients == ["equipe@fil-solidaire.example.org"]
    assert received.mail_from == "permanence@fil-solidaire.example.org"
    message = received.message
    assert message["Subject"] == "Prise de permanence — Karim Haddad, 01/12/2026 18:00"
    body = message.get_content().replace("\r\n", "\n")
    assert body == outcome.stdout  # the same text as printed
    assert "3 appels depuis le 01/12/2026 14:00" in body


def test_send_without_mail_settings_is_refused_before_logging(
    invoke: Invoke, workspace: Path
) -> None:
    shifts = workspace / "shifts.yaml"
    text = shifts.read_text(encoding="utf-8")
    shifts.write_text(re.sub(r"  smtp:\n(    .*\n)+", "", text), encoding="utf-8")

    outcome = invoke(["-w", workspace, *START, "--send"])

    assert outcome.exit_code == 2
    assert "--send a besoin de « team_email » et « smtp »" in outcome.stderr
    assert len(shift_events(workspace, "shift_started")) == 1


def test_unreachable_mail_server_keeps_the_event_and_exits_3(
    invoke: Invoke, workspace: Path
) -> None:
    use_settings(workspace, free_port())  # nobody listens there

    outcome = invoke(["-w", workspace, *START, "--send", "--format", "markdown"])

    assert outcome.exit_code == 3
    assert "127.0.0.1" in outcome.stderr
    assert "Le début de votre permanence est enregistré." in outcome.stderr
    assert outcome.stdout.startswith("#### Prise de permanence")  # still shown
    assert shift_events(workspace, "shift_started")[-1].volunteer == "Karim Haddad"


def test_webhook_receives_the_markdown_summary(
    invoke: Invoke, workspace: Path, webhook: Hook
) -> None:
    outcome = invoke(["-w", workspace, *START, "--webhook", webhook.url])

    assert outcome.exit_code == 0, outcome.stderr
    assert "Publié sur la messagerie de l'équipe." in outcome.stderr
    [body] = webhook.bodies
    assert list(body) == ["text"]
    assert body["text"].startswith("#### Prise de permanence — Karim Haddad")
    assert "**Suivis en cours (3), par responsable" in body["text"]
    assert webhook.content_types == ["application/json; charset=utf-8"]


def test_webhook_of_the_personal_config_is_used_by_end(
    invoke: Invoke,
    sample_workspace: Path,
    webhook: Hook,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    use_settings(sample_workspace, free_port())
    monkeypatch.setenv("PERMANENCE_WEBHOOK", webhook.url)

    outcome = invoke(
        ["-w", sample_workspace, "handoff", "end", "--as", "fatou",
         "--at", "01/12/2026 17:00", "--note", "RAS"]
    )  # fmt: skip

    assert outcome.exit_code == 0, outcome.stderr
    assert "> RAS" in webhook.bodies[0]["text"]


def test_webhook_in_the_shared_settings_is_refused(
    invoke: Invoke, sample_workspace: Path
) -> None:
    shifts = sample_workspace / "shifts.yaml"
    text = shifts.read_text(encoding="utf-8")
    secret = "https://chat.example.org/hooks/s3cr3t-t0ken"
    shifts.write_text(
        text.replace("  team_email:", f"  webhook: {secret}\n  team_email:"),
        encoding="utf-8",
    )

    outcome = invoke(["-w", sample_workspace, "handoff", "end", "--as", "fatou"])

    assert outcome.exit_code == 2
    assert "PERMANENCE_WEBHOOK" in outcome.stderr
    assert "s3cr3t" not in outcome.stderr + outcome.stdout


def test_webhook_refusing_keeps_the_event_and_exits_3(
    invoke: Invoke, sample_workspace: Path, webhook: Hook
) -> None:
    webhook.status = 404

    outcome = invoke(
        ["-w", sample_workspace, "handoff", "end", "--as", "fatou",
         "--at", "01/12/2026 17:00", "--note", "Note à garder", "--webhook",
         webhook.url]
    )  # fmt: skip

    assert outcome.exit_code == 3
    assert "a refusé le message (HTTP 404)" in outcome.stderr
    assert "vos notes sont enregistrées" in outcome.stderr
    assert "s3cr3t-token" not in outcome.stderr  # the address is a secret
    assert shift_events(sample_workspace, "shift_ended")[0].note == "Note à garder"


def test_unreachable_webhook_exits_3(invoke: Invoke, workspace: Path) -> None:
    url = f"http://127.0.0.1:{free_port()}/hooks/x"

    outcome = invoke(["-w", workspace, *START, "--webhook", url])

    assert outcome.exit_code == 3
    assert "impossible de joindre la messagerie de l'équipe" in outcome.stderr
    assert len(shift_events(workspace, "shift_started")) == 2


def test_malformed_webhook_address_is_refused_before_logging(
    invoke: Invoke, workspace: Path
) -> None:
    outcome = invoke(["-w", workspace, *START, "--webhook", "chat.example/s3cr3t"])

    assert outcome.exit_code == 2
    assert "l'adresse du webhook n'est pas valide" in outcome.stderr
    assert "s3cr3t" not in outcome.stderr
    assert len(shift_events(workspace, "shift_started")) == 1


def test_slow_webhook_times_out_with_a_clear_error() -> None:
    from permanence.adapters.webhook import post_markdown
    from permanence.errors import UnavailableError

    release = threading.Event()

    class Slow(BaseHTTPRequestHandler):
        def do_POST(self) -> None:
            release.wait(5)

        def log_message(self, format: str, *args: Any) -> None:
            pass

    server = ThreadingHTTPServer(("127.0.0.1", 0), Slow)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    url = f"http://127.0.0.1:{server.server_port}/hooks/x"
    try:
        with pytest.raises(UnavailableError) as caught:
            post_markdown(url, "texte", timeout=0.3)
    finally:
        release.set()
        server.shutdown()
        server.server_close()

    assert "127.0.0.1" in caught.value.message
    assert caught.value.exit_code == 3
