"""Pushing to a failing sheet: nothing lost, one clear line, no duplicate.

Real gspread and google-auth against the Sheets emulator, which answers
errors, times out, refuses the login or is stopped.
"""

from __future__ import annotations

import json
import time
from pathlib import Path

import pytest
from filelock import FileLock

from permanence.adapters.callstore import CallStore
from permanence.settings import Settings, load_settings
from permanence.sheetsync import AUTHORIZED_USER_FILE, LOCK_NAME, push_pending
from permanence.userconfig import config_dir
from permanence.workspace import Workspace
from tests.conftest_sheets import (  # noqa: F401
    SHEET_KEY,
    START,
    TAB,
    emulator_fixture,
    make_record,
    service_account_fixture,
    settings_fixture,
    sheet_ids,
    sheet_workspace_fixture,
    store_fixture,
    workspace_fixture,
)
from tests.sheets_emulator import SERVICE_ACCOUNT_EMAIL, SheetsEmulator, is_append


@pytest.mark.parametrize("status", [429, 500, 503])
def test_busy_or_failing_sheet_keeps_the_record_waiting(
    workspace: Workspace,
    settings: Settings,
    store: CallStore,
    sheets_emulator: SheetsEmulator,
    status: int,
) -> None:
    store.add(make_record())
    sheets_emulator.fail_next(status, match=is_append)

    failed = push_pending(workspace, settings, store)
    retried = push_pending(workspace, settings, store)

    assert (failed.pushed, failed.waiting, failed.retry_later) == (0, 1, True)
    assert failed.problem is not None
    assert "\n" not in failed.problem
    assert (retried.pushed, retried.waiting, retried.problem) == (1, 0, None)
    assert len(sheet_ids(sheets_emulator)) == 1


def test_slow_sheet_times_out_and_the_late_row_is_not_duplicated(
    workspace: Workspace,
    settings: Settings,
    store: CallStore,
    sheets_emulator: SheetsEmulator,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setenv("PERMANENCE_SHEETS_TIMEOUT", "1")
    record = make_record()
    store.add(record)
    sheets_emulator.delay_next(2, match=is_append)  # lands after the timeout

    slow = push_pending(workspace, settings, store)
    _wait_for_rows(sheets_emulator, 2)
    again = push_pending(workspace, settings, store)

    assert slow.retry_later
    assert slow.waiting == 1
    assert "ReadTimeout" in (slow.problem or "")
    assert (again.pushed, again.waiting) == (1, 0)
    assert sheet_ids(sheets_emulator) == [record.id]


def _wait_for_rows(emulator: SheetsEmulator, count: int) -> None:

    deadline = time.monotonic() + 5
    while len(emulator.values(SHEET_KEY, TAB)) < count:
        assert time.monotonic() < deadline, "the delayed append never landed"
        time.sleep(0.05)


def test_unreachable_sheet_is_reported_in_one_line(
    workspace: Workspace,
    settings: Settings,
    store: CallStore,
    sheets_emulator: SheetsEmulator,
) -> None:
    store.add(make_record())
    sheets_emulator.stop()

    report = push_pending(workspace, settings, store)

    assert (report.pushed, report.waiting, report.retry_later) == (0, 1, True)
    assert report.problem is not None
    assert report.problem.startswith("le tableur est injoignable")


def test_sheet_not_shared_names_the_account_to_share_with(
    workspace: Workspace,
    settings: Settings,
    store: CallStore,
    sheets_emulator: SheetsEmulator,
) -> None:
    sheets_emulator.spreadsheets[SHEET_KEY].private = True
    store.add(make_record())

    report = push_pending(workspace, settings, store)

    assert not report.retry_later
    assert report.waiting == 1
    assert SERVICE_ACCOUNT_EMAIL in (report.problem or "")
    assert "Partager" in (report.problem or "")


def test_wrong_key_says_to_check_the_settings(
    workspace: Workspace, store: CallStore, sheets_emulator: SheetsEmulator
) -> None:
    settings = load_settings(workspace.shifts_file)
    assert settings.sheet is not None
    wrong = settings._replace(sheet=settings.sheet._replace(key="CLE-INCONNUE"))
    store.add(make_record())

    report = push_pending(workspace, wrong, store)

    assert report.waiting == 1
    assert not report.retry_later
    assert "CLE-INCONNUE" in (report.problem or "")
    assert "shifts.yaml" in (report.problem or "")


def test_refused_login_is_a_credentials_problem(
    workspace: Workspace,
    settings: Settings,
    store: CallStore,
    sheets_emulator: SheetsEmulator,
) -> None:
    sheets_emulator.fail_next(401, match=lambda r: r.is_token)
    store.add(make_record())

    report = push_pending(workspace, settings, store)

    assert report.waiting == 1
    assert not report.retry_later
    assert "identifiants" in (report.problem or "")
    assert not sheets_emulator.sheets_requests()


def test_credentials_inside_the_workspace_are_refused(
    workspace: Workspace,
    settings: Settings,
    store: CallStore,
    sheets_emulator: SheetsEmulator,
    service_account: Path,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    inside = workspace.root / "cle.json"
    inside.write_bytes(service_account.read_bytes())
    monkeypatch.setenv("PERMANENCE_CREDENTIALS", str(inside))
    store.add(make_record())

    report = push_pending(workspace, settings, store)

    assert report.waiting == 1
    assert "dossier de travail" in (report.problem or "")
    assert sheets_emulator.requests == []


def test_missing_credentials_say_where_to_configure_them(
    workspace: Workspace,
    settings: Settings,
    store: CallStore,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.delenv("PERMANENCE_CREDENTIALS")
    store.add(make_record())

    report = push_pending(workspace, settings, store)

    assert report.waiting == 1
    assert "PERMANENCE_CREDENTIALS" in (report.problem or "")


def test_a_push_in_progress_elsewhere_leaves_the_records_for_later(
    workspace: Workspace,
    settings: Settings,
    store: CallStore,
    sheets_emulator: SheetsEmulator,
) -> None:
    store.add(make_record())
    with FileLock(str(workspace.ensure_state_dir() / LOCK_NAME)):
        report = push_pending(workspace, settings, store, lock_wait=0.1)

    assert (report.pushed, report.waiting, report.retry_later) == (0, 1, True)
    assert sheets_emulator.requests == []


def test_oauth_login_uses_the_authorisation_kept_in_the_config_folder(
    workspace: Workspace,
    settings: Settings,
    store: CallStore,
    sheets_emulator: SheetsEmulator,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
) -> None:

    client_file = tmp_path / "client_secret.json"
    client_file.write_text('{"installed": {"client_id": "x"}}', encoding="utf-8")
    authorized = {
        "type": "authorized_user",
        "client_id": "local-client",
        "client_secret": "local-secret",
        "refresh_token": "local-refresh",
        "token_uri": sheets_emulator.token_uri,
    }
    config_dir().mkdir(parents=True, exist_ok=True)
    (config_dir() / AUTHORIZED_USER_FILE).write_text(json.dumps(authorized))
    monkeypatch.delenv("PERMANENCE_CREDENTIALS")
    monkeypatch.setenv("PERMANENCE_OAUTH", str(client_file))
    store.add(make_record())

    report = push_pending(workspace, settings, store)

    assert (report.pushed, report.problem) == (1, None)
    token = next(r for r in sheets_emulator.requests if r.is_token)
    assert token.body["grant_type"] == "refresh_token"


def test_oauth_not_yet_authorised_asks_to_run_sheet_check(
    workspace: Workspace,
    settings: Settings,
    store: CallStore,
    sheets_emulator: SheetsEmulator,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    client_file = tmp_path / "client_secret.json"
    client_file.write_text('{"installed": {"client_id": "x"}}', encoding="utf-8")
    monkeypatch.delenv("PERMANENCE_CREDENTIALS")
    monkeypatch.setenv("PERMANENCE_OAUTH", str(client_file))
    store.add(make_record())

    report = push_pending(workspace, settings, store)

    assert report.waiting == 1
    assert "permanence sheet check" in (report.problem or "")
    assert sheets_emulator.requests == []


def test_locked_local_log_after_the_append_is_reported_and_not_duplicated(
    workspace: Workspace,
    settings: Settings,
    store: CallStore,
    sheets_emulator: SheetsEmulator,
) -> None:
    import sqlite3

    record = make_record()
    store.add(record)
    store.connection.execute("PRAGMA busy_timeout = 100")  # fail fast
    holder = sqlite3.connect(store.path, isolation_level=None)
    holder.execute("BEGIN IMMEDIATE")

    blocked = push_pending(workspace, settings, store)
    holder.execute("ROLLBACK")
    holder.close()
    freed = push_pending(workspace, settings, store)

    assert (blocked.pushed, blocked.waiting, blocked.retry_later) == (0, 1, True)
    assert "verrouillé" in (blocked.problem or "")
    assert (freed.pushed, freed.waiting, freed.problem) == (1, 0, None)
    assert sheet_ids(sheets_emulator) == [record.id]
    assert store.sheet_state(record.id) == "in_sheet"
