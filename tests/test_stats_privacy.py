"""No caller's personal details leave the call log through a handoff or the
statistics: not in the terminal, markdown, text, JSON, CSV or HTML, nor in
the mail sent or the webhook body."""

from __future__ import annotations

from pathlib import Path

import pytest

from permanence.calls.record import FollowUp
from tests.conftest import Invoke
from tests.smtp_server import MailServer, smtp_server
from tests.test_handoff import SECRETS, at, call, seed, terminal, tuesday_afternoon
from tests.test_handoff_delivery import Hook, use_settings, webhook

__all__ = ["smtp_server", "terminal", "webhook"]  # fixtures, used by name

START = ("handoff", "start", "--as", "karim", "--at", "01/12/2026 18:00")
END = ("handoff", "end", "--as", "fatou", "--at", "01/12/2026 17:30")
PERIOD = ("--from", "01/11/2026", "--to", "31/12/2026")


@pytest.fixture
def workspace(sample_workspace: Path) -> Path:
    """Calls full of personal details, including a closed follow-up."""
    closed = FollowUp("Nadia", done_at=at(2, 9), done_note=SECRETS[5])
    seed(
        sample_workspace,
        [
            *tuesday_afternoon(),
            call(at(1, 16, 30), "Fatou Diallo", "dons", False, closed),
        ],
    )
    return sample_workspace


def assert_no_secret(text: str) -> None:
    found = [secret for secret in SECRETS if secret.casefold() in text.casefold()]
    assert found == []


@pytest.mark.parametrize(
    "args",
    [
        [*START],
        [*START, "--format", "markdown"],
        [*START, "--format", "text"],
        [*START, "--json"],
        [*END, "--note", "", "--format", "text"],
        [*END, "--note", "", "--json"],
        ["stats", *PERIOD],
        ["stats", *PERIOD, "--json"],
        ["stats", *PERIOD, "--csv"],
    ],
)
def test_outputs_carry_no_personal_details(
    invoke: Invoke, workspace: Path, args: list[str]
) -> None:
    outcome = invoke(["-w", workspace, *args])

    assert outcome.exit_code == 0, outcome.stderr
    assert "Adhérer à l'association" in outcome.stdout or "adhesion" in outcome.stdout
    assert_no_secret(outcome.stdout)
    assert_no_secret(outcome.stderr)


@pytest.mark.parametrize("args", [[*START], ["stats", *PERIOD]])
@pytest.mark.usefixtures("terminal")
def test_terminal_outputs_carry_no_personal_details(
    invoke: Invoke, workspace: Path, args: list[str]
) -> None:
    outcome = invoke(["-w", workspace, *args])

    assert outcome.exit_code == 0, outcome.stderr
    assert "\x1b[" in outcome.stdout  # Rich, as on a terminal
    assert_no_secret(outcome.stdout)


def test_html_report_carries_no_personal_details(
    invoke: Invoke, workspace: Path, tmp_path: Path
) -> None:
    target = tmp_path / "rapport.html"

    outcome = invoke(["-w", workspace, "stats", *PERIOD, "--html", target])

    assert outcome.exit_code == 0, outcome.stderr
    page = target.read_text(encoding="utf-8")
    assert "Adhérer à l&#x27;association" in page
    assert_no_secret(page)


def test_mail_and_webhook_carry_no_personal_details(
    invoke: Invoke,
    workspace: Path,
    smtp_server: MailServer,
    webhook: Hook,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    use_settings(workspace, smtp_server.port)
    monkeypatch.setenv("PERMANENCE_WEBHOOK", webhook.url)

    started = invoke(["-w", workspace, *START, "--send"])
    ended = invoke(["-w", workspace, *END, "--note", "RAS", "--send"])

    assert (started.exit_code, ended.exit_code) == (0, 0), ended.stderr
    bodies = [m.message.get_content() for m in smtp_server.messages]
    posted = [body["text"] for body in webhook.bodies]
    assert len(bodies) == 2
    assert len(posted) == 2
    assert "Adhérer à l'association" in bodies[0]
    for text in bodies + posted:
        assert_no_secret(text)
