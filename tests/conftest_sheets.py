"""Fixtures for the shared-sheet tests: an emulator, a key, a workspace.

Import them into a test module with
``from tests.conftest_sheets import emulator_fixture, ...  # noqa: F401``;
each is registered under the name given to ``pytest.fixture(name=...)``.
The workspace's ``shifts.yaml`` gets a ``sheet:`` block, and the
environment points the real client at the emulator
(``PERMANENCE_SHEETS_ENDPOINT``) with a real service-account key whose
``token_uri`` is the emulator's (``PERMANENCE_CREDENTIALS``), so
google-auth signs and exchanges a real JWT.
"""

from __future__ import annotations

import os
import subprocess
import sys
from collections.abc import Iterator
from datetime import datetime, timedelta
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest

from permanence.adapters.callstore import CallStore
from permanence.calls.record import CallRecord, new_call_id
from permanence.i18n import set_language
from permanence.settings import Settings, load_settings
from permanence.workspace import Workspace
from tests.sheets_emulator import SheetsEmulator, write_service_account

SHEET_KEY = "1FilSolidaireTestJournalDesAppels"
TAB = "Appels"
REQUEST_TIMEOUT = "5"  # seconds, as in real use; the slow-sheet tests lower it


@pytest.fixture(name="sheets_emulator")
def emulator_fixture() -> Iterator[SheetsEmulator]:
    """A running emulator holding the association's spreadsheet."""
    emulator = SheetsEmulator(require_auth=True).start()
    emulator.add_spreadsheet(SHEET_KEY, "Journal des appels", sheets=(TAB,))
    yield emulator
    emulator.stop()


@pytest.fixture(name="service_account")
def service_account_fixture(
    tmp_path_factory: pytest.TempPathFactory, sheets_emulator: SheetsEmulator
) -> Path:
    """A service-account key file outside the workspace."""
    folder = tmp_path_factory.mktemp("google")
    return write_service_account(folder / "key.json", sheets_emulator.token_uri)


def add_sheet_block(workspace: Path, key: str = SHEET_KEY, tab: str = TAB) -> None:
    """Give ``shifts.yaml`` a ``sheet:`` block under ``settings:``."""
    shifts = workspace / "shifts.yaml"
    text = shifts.read_text(encoding="utf-8")
    block = f"settings:\n  sheet:\n    key: {key}\n    worksheet: {tab}\n"
    assert "\nsettings:\n" in f"\n{text}"
    shifts.write_text(text.replace("settings:\n", block, 1), encoding="utf-8")


@pytest.fixture(name="sheet_workspace")
def sheet_workspace_fixture(
    sample_workspace: Path,
    sheets_emulator: SheetsEmulator,
    service_account: Path,
    monkeypatch: pytest.MonkeyPatch,
) -> Path:
    """A workspace whose call log goes to the emulator's sheet."""
    add_sheet_block(sample_workspace)
    monkeypatch.setenv("PERMANENCE_SHEETS_ENDPOINT", sheets_emulator.base_url)
    monkeypatch.setenv("PERMANENCE_CREDENTIALS", str(service_account))
    monkeypatch.setenv("PERMANENCE_SHEETS_TIMEOUT", REQUEST_TIMEOUT)
    return sample_workspace


PARIS = ZoneInfo("Europe/Paris")
START = datetime(2026, 12, 3, 14, 0, tzinfo=PARIS)


def make_record(index: int = 0, **changes: object) -> CallRecord:
    """A call record at START + index minutes."""
    at = START + timedelta(minutes=index)
    record = CallRecord(
        id=new_call_id(at),
        time=at,
        volunteer="Alice",
        reason="adhesion",
        caller_name="Camille Martin",
        caller_phone="+33612345678",
        fields={"type_demande": "renouvellement"},
        answer="Formulaire envoyé",
        note="Rappeler jeudi",
    )
    return record._replace(**changes)


@pytest.fixture(name="workspace")
def workspace_fixture(sheet_workspace: Path) -> Workspace:
    """The sheet workspace, as the package sees it."""
    return Workspace(sheet_workspace)


@pytest.fixture(name="settings")
def settings_fixture(workspace: Workspace) -> Settings:
    """Its settings, in French."""
    set_language("fr")
    return load_settings(workspace.shifts_file)


@pytest.fixture(name="store")
def store_fixture(workspace: Workspace) -> Iterator[CallStore]:
    """Its local call log, open."""
    with CallStore.open(workspace) as opened:
        yield opened


def permanence(workspace: Path, *args: str) -> list[str]:
    """Return the command line running the real CLI on ``workspace``."""
    return [sys.executable, "-m", "permanence", "-w", str(workspace), *args]


def log_args(
    note: str = "", phone: str = "06 12 34 56 78", caller: str = ""
) -> list[str]:
    """Return the arguments of a non-interactive ``permanence log``.

    A new reason is used, so that the test does not depend on the fields
    the sample guide asks for.
    """
    return [
        "log",
        "--new-reason",
        "Question sur le parking",
        "--caller",
        caller or "Camille Martin",
        "--phone",
        phone,
        "--answer",
        "Parking gratuit le samedi",
        "--note",
        note or "rien à transmettre",
        "--as",
        "Alice",
        "--yes",
    ]


def run(
    workspace: Path, *args: str, timeout: float = 60
) -> subprocess.CompletedProcess[str]:
    """Run ``permanence ARGS`` as a separate process and wait for it."""
    return subprocess.run(
        permanence(workspace, *args),
        capture_output=True,
        text=True,
        timeout=timeout,
        env=dict(os.environ),
        stdin=subprocess.DEVNULL,
        check=False,
    )


def start(workspace: Path, *args: str) -> subprocess.Popen[str]:
    """Start ``permanence ARGS`` as a separate process."""
    return subprocess.Popen(
        permanence(workspace, *args),
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        stdin=subprocess.DEVNULL,
        text=True,
        env=dict(os.environ),
    )


def stored(workspace: Path) -> list[CallRecord]:
    """Return every record of the workspace's local call log, oldest first."""
    from permanence.calls.record import CallQuery

    with CallStore.open(Workspace(workspace)) as store:
        return store.search(CallQuery(limit=None, newest_first=False))


def sheet_states(workspace: Path) -> dict[str, str | None]:
    """Return the sheet state of each stored record."""
    with CallStore.open(Workspace(workspace)) as store:
        return {r.id: store.sheet_state(r.id) for r in stored(workspace)}


def sheet_ids(emulator: SheetsEmulator) -> list[str]:
    """Return the ids in the sheet's first column, header left out."""
    rows = emulator.values(SHEET_KEY, TAB)
    return [row[0] for row in rows[1:] if row]


def assert_each_call_once(
    workspace: Path, emulator: SheetsEmulator, count: int
) -> None:
    """Every stored call is exactly once in the sheet, and marked as sent."""
    ids = [r.id for r in stored(workspace)]
    in_sheet = sheet_ids(emulator)
    assert len(ids) == count
    assert sorted(in_sheet) == sorted(ids)
    assert set(sheet_states(workspace).values()) == {"in_sheet"}
