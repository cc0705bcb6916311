"""Requests and time spent on the shared sheet by ``log`` and ``sync``.

Runs the real CLI against the Sheets emulator of the tests (real gspread,
real google-auth service-account login on 127.0.0.1) and prints, for each
command, the HTTP requests the emulator received (the token exchange
apart from the Sheets API calls) and the wall time, next to the floor.

    python bench/bench_sheets.py
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
import tempfile
import time
from datetime import datetime, timedelta
from pathlib import Path
from zoneinfo import ZoneInfo

REPO = Path(__file__).resolve().parent.parent
if str(REPO) not in sys.path:
    sys.path.insert(0, str(REPO))

from bench.timing import floor_argv, median_times, ms, permanence_argv, print_table  # noqa: E402
from tests.conftest_sheets import SHEET_KEY, TAB, add_sheet_block  # noqa: E402
from tests.sheets_emulator import SheetsEmulator, write_service_account  # noqa: E402

WAITING = 1000
LOG_ARGS = (
    "log",
    "--new-reason",
    "Question sur le parking",
    "--caller",
    "Camille Martin",
    "--phone",
    "06 12 34 56 78",
    "--answer",
    "Parking gratuit le samedi",
    "--as",
    "Alice",
    "--yes",
)


def make_workspace(target: Path, with_sheet: bool) -> Path:
    """Copy the sample workspace; give it a ``sheet:`` block if asked."""
    target.mkdir(parents=True)
    for name in ("guide", "faq"):
        shutil.copytree(REPO / name, target / name)
    shutil.copy(REPO / "shifts.yaml", target / "shifts.yaml")
    if with_sheet:
        add_sheet_block(target)
    return target


def timed_run(argv: list[str], env: dict[str, str]) -> float:
    """Run a command once; return its wall time; fail loudly."""
    start = time.perf_counter()
    done = subprocess.run(argv, env=env, capture_output=True, text=True, check=False)
    elapsed = time.perf_counter() - start
    if done.returncode != 0:
        raise RuntimeError(f"{argv} exited {done.returncode}: {done.stderr[-500:]}")
    return elapsed


def counted(
    emulator: SheetsEmulator, argv: list[str], env: dict[str, str]
) -> list[object]:
    """Run once; return [token requests, Sheets requests, their list, time]."""
    emulator.clear_log()
    elapsed = timed_run(argv, env)
    requests = list(emulator.requests)
    sheets = [r for r in requests if not r.is_token]
    calls = ", ".join(f"{r.method} {r.path.rsplit('/', 1)[-1]}" for r in sheets)
    return [len(requests) - len(sheets), len(sheets), calls, ms(elapsed)]


def add_waiting(workspace: Path, count: int, follow_ups: int = 0) -> list[str]:
    """Store ``count`` calls in the local log, none sent yet; return their ids.

    The first ``follow_ups`` of them carry an open follow-up.
    """
    from permanence.adapters.callstore import CallStore
    from permanence.calls.record import CallRecord, FollowUp, new_call_id
    from permanence.workspace import Workspace

    start = datetime(2026, 11, 2, 9, 0, tzinfo=ZoneInfo("Europe/Paris"))
    records = []
    for index in range(count):
        at = start + timedelta(minutes=index)
        follow_up = FollowUp("Bob") if index < follow_ups else None
        records.append(CallRecord(new_call_id(at), at, "Alice", follow_up=follow_up))
    with CallStore.open(Workspace(workspace)) as store:
        store.add_many(records)
    return [record.id for record in records[:follow_ups]]


def close_follow_ups(workspace: Path, ids: list[str]) -> None:
    """Close these follow-ups locally: their sheet rows must be rewritten."""
    from permanence.adapters.callstore import CallStore
    from permanence.workspace import Workspace

    now = datetime.now(ZoneInfo("Europe/Paris"))
    with CallStore.open(Workspace(workspace)) as store:
        for id in ids:
            store.close_follow_up(id, "Bob", "rappelé", now)


def main() -> None:
    """Measure and print the sheet's request counts and times."""
    emulator = SheetsEmulator(require_auth=True).start()
    emulator.add_spreadsheet(SHEET_KEY, "Journal des appels", sheets=(TAB,))
    with tempfile.TemporaryDirectory() as folder:
        root = Path(folder)
        sheet_ws = make_workspace(root / "with-sheet", with_sheet=True)
        local_ws = make_workspace(root / "local-only", with_sheet=False)
        env = {
            **os.environ,
            "PERMANENCE_CONFIG_DIR": str(root / "config"),
            "PERMANENCE_SHEETS_ENDPOINT": emulator.base_url,
            "PERMANENCE_CREDENTIALS": str(
                write_service_account(root / "key.json", emulator.token_uri)
            ),
            "LANG": "fr_FR.UTF-8",
        }
        log = permanence_argv("-w", str(sheet_ws), *LOG_ARGS)
        rows = [
            ["log, first call (header row written)", *counted(emulator, log, env)],
            ["log, second call", *counted(emulator, log, env)],
        ]
        sync = permanence_argv("-w", str(sheet_ws), "sync")
        with_follow_up = add_waiting(sheet_ws, WAITING, follow_ups=10)
        rows.append([f"sync, {WAITING} calls waiting", *counted(emulator, sync, env)])
        close_follow_ups(sheet_ws, with_follow_up)
        add_waiting(sheet_ws, WAITING)
        label = f"sync, {WAITING} waiting + 10 follow-ups closed"
        rows.append([label, *counted(emulator, sync, env)])
        rows.append(["sync, nothing waiting", *counted(emulator, sync, env)])
        print_table(
            "Sheet requests",
            ["command", "token requests", "Sheets API requests", "calls", "wall time"],
            rows,
        )
        _print_times(sheet_ws, local_ws, env)
        sheet_rows = len(emulator.values(SHEET_KEY, TAB))
        print(
            f"\nRows in the emulated sheet at the end: {sheet_rows} (header included)"
        )
    emulator.stop()


def _print_times(sheet_ws: Path, local_ws: Path, env: dict[str, str]) -> None:
    commands = {
        "floor (one-command Typer app)": floor_argv(),
        "log, local log only (no sheet)": permanence_argv(
            "-w", str(local_ws), *LOG_ARGS
        ),
        "log, with the sheet": permanence_argv("-w", str(sheet_ws), *LOG_ARGS),
    }
    times = median_times(commands, runs=9, env=env, warmup=1)
    floor = times["floor (one-command Typer app)"]
    print_table(
        "Time to log a call (median of 9 interleaved runs)",
        ["command", "wall time", "ratio to floor"],
        [[name, ms(value), f"{value / floor:.1f}x"] for name, value in times.items()],
    )


if __name__ == "__main__":
    main()
