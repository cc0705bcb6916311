"""``permanence sync`` and ``permanence sheet check``, run in-process."""

from __future__ import annotations

import json
from datetime import datetime
from pathlib import Path
from zoneinfo import ZoneInfo

from permanence.adapters.callstore import CallStore
from permanence.calls.record import CallRecord, new_call_id
from permanence.workspace import Workspace
from tests.conftest import Invoke
from tests.conftest_sheets import (  # noqa: F401
    SHEET_KEY,
    TAB,
    emulator_fixture,
    service_account_fixture,
    sheet_ids,
    sheet_workspace_fixture,
)
from tests.sheets_emulator import SERVICE_ACCOUNT_EMAIL, SheetsEmulator

PARIS = ZoneInfo("Europe/Paris")


def add_records(workspace: Path, count: int) -> list[str]:
    """Store ``count`` calls in the local log; return their ids."""
    records = []
    for index in range(count):
        at = datetime(2026, 12, 3, 9, index, tzinfo=PARIS)
        records.append(CallRecord(new_call_id(at), at, "Alice", reason="dons"))
    with CallStore.open(Workspace(workspace)) as store:
        store.add_many(records)
    return [r.id for r in records]


def test_sync_sends_everything_waiting_and_exits_0(
    invoke: Invoke, sheet_workspace: Path, sheets_emulator: SheetsEmulator
) -> None:
    ids = add_records(sheet_workspace, 3)

    outcome = invoke(["-w", sheet_workspace, "sync", "--json"])

    assert outcome.exit_code == 0, outcome.stderr
    assert json.loads(outcome.stdout) == {
        "pushed": 3,
        "updated": 0,
        "waiting": 0,
        "problem": None,
    }
    assert sheet_ids(sheets_emulator) == ids
    assert "Tableur : 3 ajouté(s)" in outcome.stderr


def test_sync_exits_3_when_the_sheet_is_unreachable(
    invoke: Invoke, sheet_workspace: Path, sheets_emulator: SheetsEmulator
) -> None:
    add_records(sheet_workspace, 2)
    sheets_emulator.stop()

    outcome = invoke(["-w", sheet_workspace, "sync"])

    assert outcome.exit_code == 3
    assert "injoignable" in outcome.stderr
    assert "en attente dans le journal local : 2 ; rien n'est perdu" in outcome.stderr
    assert outcome.stderr.count("\n") == 2  # the summary and the one problem line


def test_sync_exits_2_when_the_sheet_is_not_shared(
    invoke: Invoke, sheet_workspace: Path, sheets_emulator: SheetsEmulator
) -> None:
    add_records(sheet_workspace, 1)
    sheets_emulator.spreadsheets[SHEET_KEY].private = True

    outcome = invoke(["-w", sheet_workspace, "sync"])

    assert outcome.exit_code == 2
    assert SERVICE_ACCOUNT_EMAIL in outcome.stderr


def test_dry_run_lists_without_sending(
    invoke: Invoke, sheet_workspace: Path, sheets_emulator: SheetsEmulator
) -> None:
    ids = add_records(sheet_workspace, 2)

    table = invoke(["-w", sheet_workspace, "sync", "--dry-run"])
    as_json = invoke(["-w", sheet_workspace, "sync", "--dry-run", "--json"])

    assert table.exit_code == 0
    assert as_json.exit_code == 0
    assert all(id in table.stdout for id in ids)
    assert "ajouter la ligne" in table.stdout
    plan = json.loads(as_json.stdout)
    assert plan["append"] == ids
    assert plan["sheet_read"] is True
    assert sheets_emulator.values(SHEET_KEY, TAB) == []
    assert {r.method for r in sheets_emulator.sheets_requests()} == {"GET"}


def test_dry_run_without_the_sheet_plans_from_the_local_log(
    invoke: Invoke, sheet_workspace: Path, sheets_emulator: SheetsEmulator
) -> None:
    ids = add_records(sheet_workspace, 1)
    sheets_emulator.stop()

    outcome = invoke(["-w", sheet_workspace, "sync", "--dry-run", "--json"])

    assert outcome.exit_code == 0
    plan = json.loads(outcome.stdout)
    assert plan["append"] == ids
    assert plan["sheet_read"] is False
    assert "injoignable" in plan["problem"]


def test_sync_without_a_sheet_says_how_to_configure_one(
    invoke: Invoke, sample_workspace: Path
) -> None:
    outcome = invoke(["-w", sample_workspace, "sync"])

    assert outcome.exit_code == 2
    assert "sheet:" in outcome.stderr
    assert "shifts.yaml" in outcome.stderr


def test_sheet_check_reports_the_account_and_the_rows(
    invoke: Invoke, sheet_workspace: Path, sheets_emulator: SheetsEmulator
) -> None:
    add_records(sheet_workspace, 2)
    invoke(["-w", sheet_workspace, "sync"])

    outcome = invoke(["-w", sheet_workspace, "sheet", "check", "--json"])

    assert outcome.exit_code == 0, outcome.stderr
    check = json.loads(outcome.stdout)
    assert check["account"] == SERVICE_ACCOUNT_EMAIL
    assert check["rows"] == 2
    assert check["header"][0] == "Identifiant"
    assert check["problem"] is None


def test_sheet_check_refuses_credentials_inside_the_workspace(
    invoke: Invoke,
    sheet_workspace: Path,
    service_account: Path,
    monkeypatch: object,
) -> None:
    import pytest

    assert isinstance(monkeypatch, pytest.MonkeyPatch)
    inside = sheet_workspace / "google.json"
    inside.write_bytes(service_account.read_bytes())
    monkeypatch.setenv("PERMANENCE_CREDENTIALS", str(inside))

    outcome = invoke(["-w", sheet_workspace, "sheet", "check"])

    assert outcome.exit_code == 2
    assert "dossier de travail" in outcome.stderr
