"""Black-box: the real CLI, as separate processes, against a failing sheet.

Each test ends the same way: every call is exactly once in the sheet and
in the local log (marked as sent), or a clear message says what waits and
nothing is lost.
"""

from __future__ import annotations

import sqlite3
import time
from collections.abc import Callable
from pathlib import Path

import pytest

from permanence.calls.rescue import rescue_dir
from permanence.workspace import Workspace
from tests.conftest_sheets import (  # noqa: F401
    SHEET_KEY,
    TAB,
    assert_each_call_once,
    emulator_fixture,
    log_args,
    run,
    service_account_fixture,
    sheet_ids,
    sheet_states,
    sheet_workspace_fixture,
    start,
    stored,
)
from tests.sheets_emulator import SheetsEmulator, is_append

STORE_FILE = Path(".permanence/calls.sqlite3")


def wait_until(condition: Callable[[], bool], seconds: float = 20) -> None:
    """Poll ``condition`` until it holds; fail after ``seconds``."""
    deadline = time.monotonic() + seconds
    while not condition():
        assert time.monotonic() < deadline, "condition never met"
        time.sleep(0.05)


def test_logging_a_call_sends_it_raw_in_two_requests(
    sheet_workspace: Path, sheets_emulator: SheetsEmulator
) -> None:
    note = '=HYPERLINK("http://x","y")'

    done = run(sheet_workspace, *log_args(note=note, caller="@Camille"))

    assert done.returncode == 0, done.stderr
    assert len(sheets_emulator.sheets_requests()) == 2
    append = next(r for r in sheets_emulator.sheets_requests() if is_append(r))
    assert append.query["valueInputOption"] == ["RAW"]
    row = sheets_emulator.raw_cells(SHEET_KEY, TAB)
    assert row[(1, 11)] == note
    assert row[(1, 6)] == "@Camille"
    assert row[(1, 7)] == "+33612345678"
    assert_each_call_once(sheet_workspace, sheets_emulator, 1)


def test_killed_while_the_append_is_in_flight(
    sheet_workspace: Path, sheets_emulator: SheetsEmulator
) -> None:
    stall = sheets_emulator.stall_next(is_append, apply_first=False)
    process = start(sheet_workspace, *log_args())
    assert stall.wait(30), process.communicate()

    process.kill()
    process.wait()
    stall.release()  # the request never took effect
    waiting = sheet_states(sheet_workspace)
    synced = run(sheet_workspace, "sync")

    assert list(waiting.values()) == ["pending"]
    assert synced.returncode == 0, synced.stderr
    assert_each_call_once(sheet_workspace, sheets_emulator, 1)


def test_killed_after_the_append_landed_before_the_local_mark(
    sheet_workspace: Path, sheets_emulator: SheetsEmulator
) -> None:
    stall = sheets_emulator.stall_next(is_append, apply_first=True)
    process = start(sheet_workspace, *log_args())
    assert stall.wait(30), process.communicate()

    landed = sheet_ids(sheets_emulator)
    process.kill()
    process.wait()
    stall.release()
    waiting = sheet_states(sheet_workspace)
    synced = run(sheet_workspace, "sync")

    assert landed == list(waiting)
    assert list(waiting.values()) == ["pending"]
    assert synced.returncode == 0, synced.stderr
    assert_each_call_once(sheet_workspace, sheets_emulator, 1)


@pytest.mark.parametrize("mode", ["refused", "dropped"])
def test_sheet_down_then_back(
    sheet_workspace: Path, sheets_emulator: SheetsEmulator, mode: str
) -> None:
    if mode == "refused":
        sheets_emulator.stop()
    else:
        sheets_emulator.down = True

    logged = [run(sheet_workspace, *log_args()) for _ in range(3)]
    waiting = sheet_states(sheet_workspace)
    unreachable = run(sheet_workspace, "sync")
    if mode == "refused":
        sheets_emulator.start()
    sheets_emulator.down = False
    synced = run(sheet_workspace, "sync")

    assert [done.returncode for done in logged] == [0, 0, 0]
    assert all("injoignable" in done.stderr for done in logged)
    assert list(waiting.values()) == ["pending"] * 3
    assert unreachable.returncode == 3
    assert synced.returncode == 0, synced.stderr
    assert_each_call_once(sheet_workspace, sheets_emulator, 3)


@pytest.mark.parametrize("status", [429, 500, 503])
def test_refused_append_waits_for_the_next_command(
    sheet_workspace: Path, sheets_emulator: SheetsEmulator, status: int
) -> None:
    sheets_emulator.fail_next(status, match=is_append)

    first = run(sheet_workspace, *log_args())
    waiting = sheet_states(sheet_workspace)
    second = run(sheet_workspace, *log_args())

    assert first.returncode == 0
    assert second.returncode == 0
    expected = "saturé" if status == 429 else "injoignable (HTTP"
    assert expected in first.stderr
    assert "permanence sync" in first.stderr
    assert list(waiting.values()) == ["pending"]
    assert_each_call_once(sheet_workspace, sheets_emulator, 2)


def test_slow_sheet_times_out_without_duplicating_the_late_row(
    sheet_workspace: Path,
    sheets_emulator: SheetsEmulator,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setenv("PERMANENCE_SHEETS_TIMEOUT", "1")
    sheets_emulator.delay_next(2.5, match=is_append)

    logged = run(sheet_workspace, *log_args())
    waiting = sheet_states(sheet_workspace)
    wait_until(lambda: len(sheet_ids(sheets_emulator)) == 1)
    synced = run(sheet_workspace, "sync", "--json")

    assert logged.returncode == 0
    assert "ReadTimeout" in logged.stderr
    assert list(waiting.values()) == ["pending"]
    assert synced.returncode == 0
    assert '"pushed": 1' in synced.stdout
    assert_each_call_once(sheet_workspace, sheets_emulator, 1)


def test_two_volunteers_logging_at_the_same_moment(
    sheet_workspace: Path, sheets_emulator: SheetsEmulator
) -> None:
    stall = sheets_emulator.stall_next(is_append, apply_first=True)
    first = start(sheet_workspace, *log_args(caller="Camille Martin"))
    assert stall.wait(30), first.communicate()
    second = start(sheet_workspace, *log_args(caller="Dominique Petit"))

    wait_until(lambda: len(stored(sheet_workspace)) == 2)
    stall.release()
    outputs = [first.communicate(timeout=30), second.communicate(timeout=30)]

    assert [first.returncode, second.returncode] == [0, 0], outputs
    assert_each_call_once(sheet_workspace, sheets_emulator, 2)


def test_two_processes_started_together_push_each_call_once(
    sheet_workspace: Path, sheets_emulator: SheetsEmulator
) -> None:
    # The log exists already: two first-ever commands racing to create it is
    # the local log's business (its rescue files cover it).
    assert run(sheet_workspace, "sync", "--dry-run").returncode == 0
    processes = [start(sheet_workspace, *log_args()) for _ in range(2)]

    outputs = [process.communicate(timeout=60) for process in processes]

    assert [p.returncode for p in processes] == [0, 0], outputs
    assert_each_call_once(sheet_workspace, sheets_emulator, 2)


def test_damaged_local_log_rescues_the_call_and_sync_sends_it(
    sheet_workspace: Path, sheets_emulator: SheetsEmulator
) -> None:
    store = sheet_workspace / STORE_FILE
    store.parent.mkdir(exist_ok=True)
    store.write_bytes(b"this is not a database" * 100)

    logged = run(sheet_workspace, *log_args())
    refused = run(sheet_workspace, "sync")
    store.rename(store.with_suffix(".damaged"))  # what the message asks
    synced = run(sheet_workspace, "sync")

    assert logged.returncode != 0
    assert "Traceback" not in logged.stderr
    assert str(store) in logged.stderr
    assert refused.returncode == 2
    assert "Traceback" not in refused.stderr
    assert synced.returncode == 0, synced.stderr
    assert not list(rescue_dir(Workspace(sheet_workspace)).glob("*.json"))
    assert_each_call_once(sheet_workspace, sheets_emulator, 1)


def test_locked_local_log_rescues_the_call_and_sync_sends_it(
    sheet_workspace: Path, sheets_emulator: SheetsEmulator
) -> None:
    assert run(sheet_workspace, "sync", "--dry-run").returncode == 0  # creates it
    holder = sqlite3.connect(sheet_workspace / STORE_FILE, isolation_level=None)
    holder.execute("BEGIN EXCLUSIVE")

    logged = run(sheet_workspace, *log_args())
    holder.execute("ROLLBACK")
    holder.close()
    synced = run(sheet_workspace, "sync")

    assert logged.returncode == 3
    assert "Traceback" not in logged.stderr
    assert synced.returncode == 0, synced.stderr
    assert_each_call_once(sheet_workspace, sheets_emulator, 1)


def test_closing_a_follow_up_and_forgetting_a_caller_rewrite_the_row(
    sheet_workspace: Path, sheets_emulator: SheetsEmulator
) -> None:
    logged = run(sheet_workspace, *log_args(), "--follow-up", "--owner", "Bob")
    call_id = logged.stdout.strip()
    sheets_emulator.clear_log()

    closed = run(sheet_workspace, "done", call_id, "--note", "rappelée", "--as", "Bob")
    after_done = sheets_emulator.values(SHEET_KEY, TAB)[1]
    done_requests = [r.method for r in sheets_emulator.sheets_requests()]
    forgotten = run(
        sheet_workspace, "forget", "--phone", "06 12 34 56 78", "--as", "Nadia"
    )
    after_forget = sheets_emulator.values(SHEET_KEY, TAB)[1]

    assert logged.returncode == 0, logged.stderr
    assert closed.returncode == 0, closed.stderr
    assert done_requests == ["GET", "POST"]
    assert after_done[12] == "Bob"
    assert after_done[16:18] == ["Bob", "rappelée"]
    assert forgotten.returncode == 0, forgotten.stderr
    assert "Camille Martin" not in after_forget
    assert "+33612345678" not in after_forget
    assert after_forget[18] != ""
    assert_each_call_once(sheet_workspace, sheets_emulator, 1)
