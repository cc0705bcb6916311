"""Pushing the call log to the sheet: rows, idempotency, request budget.

Real gspread and google-auth talk HTTP to the Sheets emulator; the local
store is the real SQLite call log.
"""

from __future__ import annotations

from datetime import date, timedelta

from permanence.adapters.callstore import CallStore
from permanence.calls.record import FollowUp
from permanence.i18n import set_language
from permanence.settings import Settings
from permanence.sheetrows import HEADERS, record_to_row
from permanence.sheetsync import plan_push, push_pending
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
from tests.sheets_emulator import SheetsEmulator, is_append


def sheets_calls(emulator: SheetsEmulator) -> list[str]:
    """Return 'METHOD path' of the Sheets requests made (token left out)."""
    return [
        f"{r.method} {r.path.rsplit('/', 1)[-1]}" for r in emulator.sheets_requests()
    ]


def test_first_push_writes_the_header_then_the_row_in_two_requests(
    workspace: Workspace,
    settings: Settings,
    store: CallStore,
    sheets_emulator: SheetsEmulator,
) -> None:
    record = make_record()
    store.add(record)

    report = push_pending(workspace, settings, store)

    assert report == type(report)(pushed=1, updated=0, waiting=0)
    rows = sheets_emulator.values(SHEET_KEY, TAB)
    assert rows[0] == list(HEADERS["fr"])
    assert rows[1][:3] == [record.id, "2026-12-03 14:00:00+01:00", "Alice"]
    assert sheets_calls(sheets_emulator) == [
        "GET 'Appels'!A:A",
        "POST 'Appels'!A:S:append",
    ]
    assert store.sheet_state(record.id) == "in_sheet"


def test_second_push_appends_without_a_second_header(
    workspace: Workspace,
    settings: Settings,
    store: CallStore,
    sheets_emulator: SheetsEmulator,
) -> None:
    store.add(make_record(0))
    push_pending(workspace, settings, store)
    sheets_emulator.clear_log()
    store.add(make_record(1))

    report = push_pending(workspace, settings, store)

    assert report.pushed == 1
    assert len(sheets_emulator.sheets_requests()) == 2
    rows = sheets_emulator.values(SHEET_KEY, TAB)
    assert [row[0] for row in rows].count("Identifiant") == 1
    assert len(rows) == 3


def test_values_are_sent_raw_and_stay_text(
    workspace: Workspace,
    settings: Settings,
    store: CallStore,
    sheets_emulator: SheetsEmulator,
) -> None:
    tricky: dict[str, object] = {
        "note": '=HYPERLINK("http://x","y")',
        "answer": "@équipe voir plus bas",
        "caller_name": "-Dupont",
        "caller_phone": "+33612345678",
        "fields": {"montant": "0012", "date": "03/12/2026"},
    }
    record = make_record(0, **tricky)
    store.add(record)

    push_pending(workspace, settings, store)

    appends = [r for r in sheets_emulator.sheets_requests() if is_append(r)]
    assert appends[0].query["valueInputOption"] == ["RAW"]
    cells = sheets_emulator.raw_cells(SHEET_KEY, TAB)
    row = {col: value for (r, col), value in cells.items() if r == 1}
    assert row[11] == tricky["note"]
    assert row[10] == tricky["answer"]
    assert row[6] == tricky["caller_name"]
    assert row[7] == "+33612345678"
    assert row[9] == "montant: 0012\ndate: 03/12/2026"
    assert all(isinstance(value, str) for value in cells.values())


def test_a_row_already_in_the_sheet_is_not_appended_again(
    workspace: Workspace,
    settings: Settings,
    store: CallStore,
    sheets_emulator: SheetsEmulator,
) -> None:
    record = make_record()
    store.add(record)
    # The row landed, but the answer was lost (crash, timeout): still pending.
    sheets_emulator.spreadsheets[SHEET_KEY].sheets[0].cells.update(
        {(0, 0): "Identifiant", (1, 0): record.id, (1, 2): "ancienne valeur"}
    )

    report = push_pending(workspace, settings, store)

    assert report.pushed == 1
    assert sheet_ids(sheets_emulator) == [record.id]
    assert sheets_emulator.values(SHEET_KEY, TAB)[1] == record_to_row(record)[:12]
    assert store.sheet_state(record.id) == "in_sheet"
    assert not any(is_append(r) for r in sheets_emulator.sheets_requests())


def test_closed_follow_up_rewrites_the_row_found_by_id(
    workspace: Workspace,
    settings: Settings,
    store: CallStore,
    sheets_emulator: SheetsEmulator,
) -> None:
    records = [
        make_record(i, follow_up=FollowUp("Bob", due=date(2026, 12, 10)))
        for i in range(3)
    ]
    store.add_many(records)
    push_pending(workspace, settings, store)
    sheets_emulator.clear_log()
    closed_at = START + timedelta(days=1)
    store.close_follow_up(records[1].id, "Bob", "rappelée", closed_at)

    report = push_pending(workspace, settings, store)

    assert (report.pushed, report.updated, report.waiting) == (0, 1, 0)
    assert sheets_calls(sheets_emulator) == [
        "GET 'Appels'!A:A",
        "POST values:batchUpdate",
    ]
    rows = sheets_emulator.values(SHEET_KEY, TAB)
    assert [row[0] for row in rows[1:]] == [r.id for r in records]
    assert rows[2][15:18] == ["2026-12-04 14:00:00+01:00", "Bob", "rappelée"]
    assert len(rows[1]) == 15
    assert len(rows[3]) == 15


def test_anonymised_record_erases_the_callers_data_in_the_sheet(
    workspace: Workspace,
    settings: Settings,
    store: CallStore,
    sheets_emulator: SheetsEmulator,
) -> None:
    record = make_record()
    store.add(record)
    push_pending(workspace, settings, store)
    store.anonymize([record.id], START + timedelta(days=400))

    push_pending(workspace, settings, store)

    row = sheets_emulator.values(SHEET_KEY, TAB)[1]
    assert "Camille Martin" not in row
    assert "+33612345678" not in row
    assert row[18] == "2028-01-07 14:00:00+01:00"


def test_thousand_waiting_records_take_three_requests(
    workspace: Workspace,
    settings: Settings,
    store: CallStore,
    sheets_emulator: SheetsEmulator,
) -> None:
    first = [make_record(i, follow_up=FollowUp("Bob")) for i in range(10)]
    store.add_many(first)
    push_pending(workspace, settings, store)
    for record in first:
        store.close_follow_up(record.id, "Bob", "fait", START + timedelta(days=2))
    store.add_many([make_record(100 + i) for i in range(1000)])
    sheets_emulator.clear_log()

    report = push_pending(workspace, settings, store)

    assert (report.pushed, report.updated, report.waiting) == (1000, 10, 0)
    assert len(sheets_emulator.sheets_requests()) == 3
    assert len(sheet_ids(sheets_emulator)) == 1010


def test_missing_worksheet_is_created_with_its_header(
    workspace: Workspace,
    settings: Settings,
    store: CallStore,
    sheets_emulator: SheetsEmulator,
) -> None:
    sheets_emulator.add_spreadsheet(SHEET_KEY, "Journal", sheets=("Feuille 1",))
    store.add(make_record())

    report = push_pending(workspace, settings, store)

    assert report.pushed == 1
    assert sheets_emulator.values(SHEET_KEY, TAB)[0][0] == "Identifiant"
    assert [r.status for r in sheets_emulator.sheets_requests()] == [400, 200, 200]


def test_headers_follow_the_interface_language(
    workspace: Workspace,
    settings: Settings,
    store: CallStore,
    sheets_emulator: SheetsEmulator,
) -> None:
    set_language("en")
    store.add(make_record())

    push_pending(workspace, settings, store)

    assert sheets_emulator.values(SHEET_KEY, TAB)[0][:3] == [
        "Id",
        "Date and time",
        "Volunteer",
    ]
    assert sheets_emulator.values(SHEET_KEY, TAB)[1][3] == "Call"


def test_nothing_waiting_makes_no_request(
    workspace: Workspace,
    settings: Settings,
    store: CallStore,
    sheets_emulator: SheetsEmulator,
) -> None:
    report = push_pending(workspace, settings, store)

    assert (report.pushed, report.updated, report.waiting) == (0, 0, 0)
    assert sheets_emulator.requests == []


def test_plan_reads_the_sheet_without_writing(
    workspace: Workspace,
    settings: Settings,
    store: CallStore,
    sheets_emulator: SheetsEmulator,
) -> None:
    there, missing = make_record(0), make_record(1)
    store.add_many([there, missing])
    sheets_emulator.spreadsheets[SHEET_KEY].sheets[0].cells[(0, 0)] = there.id

    plan = plan_push(workspace, settings, store)

    assert plan.sheet_read
    assert [r.id for r in plan.to_append] == [missing.id]
    assert plan.already_in_sheet == [there.id]
    assert [r.method for r in sheets_emulator.sheets_requests()] == ["GET"]
    assert store.sheet_state(there.id) == "pending"


def test_importing_the_sheet_modules_loads_no_google_library() -> None:
    import subprocess
    import sys

    probe = (
        "import sys, permanence.sheetsync, permanence.cli.sheet;"
        "print(sorted({m.split('.')[0] for m in sys.modules}"
        " & {'gspread', 'google', 'requests', 'filelock', 'rich'}))"
    )
    done = subprocess.run(
        [sys.executable, "-c", probe], capture_output=True, text=True, check=True
    )

    assert done.stdout.strip() == "[]"
