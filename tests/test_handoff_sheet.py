"""Shift events reach the shared sheet (a Sheets API emulator on 127.0.0.1
talked to by the real client) as soon as they are logged; an unreachable
sheet leaves them waiting in the local log."""

from __future__ import annotations

from pathlib import Path

from tests.conftest import Invoke
from tests.conftest_sheets import (  # noqa: F401
    SHEET_KEY,
    TAB,
    emulator_fixture,
    service_account_fixture,
    sheet_ids,
    sheet_states,
    sheet_workspace_fixture,
)
from tests.sheets_emulator import SheetsEmulator
from tests.test_handoff import shift_events


def test_start_pushes_the_shift_event_to_the_sheet(
    invoke: Invoke, sheet_workspace: Path, sheets_emulator: SheetsEmulator
) -> None:
    outcome = invoke(
        ["-w", sheet_workspace, "handoff", "start", "--as", "karim",
         "--at", "01/12/2026 18:00", "--format", "text"]
    )  # fmt: skip

    assert outcome.exit_code == 0, outcome.stderr
    [event] = shift_events(sheet_workspace, "shift_started")
    assert sheet_ids(sheets_emulator) == [event.id]
    row = sheets_emulator.values(SHEET_KEY, TAB)[1]
    assert "Karim Haddad" in row
    assert sheet_states(sheet_workspace)[event.id] == "in_sheet"


def test_end_with_the_sheet_down_keeps_the_event_waiting(
    invoke: Invoke, sheet_workspace: Path, sheets_emulator: SheetsEmulator
) -> None:
    sheets_emulator.stop()

    outcome = invoke(
        ["-w", sheet_workspace, "handoff", "end", "--as", "fatou",
         "--at", "01/12/2026 17:00", "--note", "Clé chez Karim", "--json"]
    )  # fmt: skip

    assert outcome.exit_code == 0, outcome.stderr
    assert "permanence sync" in outcome.stderr
    [event] = shift_events(sheet_workspace, "shift_ended")
    assert event.note == "Clé chez Karim"
    assert sheet_states(sheet_workspace)[event.id] == "pending"
