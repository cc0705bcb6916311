"""The SQLite call log: durability options, sheet states, concurrency, rescue."""

from __future__ import annotations

import json
import sqlite3
import subprocess
import sys
import time
from datetime import datetime, timedelta
from pathlib import Path

import pytest

from permanence.adapters import callrows, callstore
from permanence.adapters.callstore import CallStore
from permanence.calls.record import CallQuery, record_to_dict
from permanence.calls.rescue import import_rescued, rescue_dir
from permanence.workspace import Workspace
from tests.conftest import Invoke
from tests.test_calls_support import (
    PARIS,
    add_records,
    make_calls_workspace,
    make_record,
    stored,
)


@pytest.fixture
def calls_workspace(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """A workspace with its own small guide; the user is the volunteer Léa."""
    return make_calls_workspace(tmp_path, monkeypatch)


T0 = datetime(2026, 12, 3, 14, 5, 12, tzinfo=PARIS)


@pytest.fixture
def store(tmp_path: Path) -> CallStore:
    opened = CallStore.open(Workspace(tmp_path))
    yield opened  # type: ignore[misc]
    opened.close()


def test_schema_is_versioned_in_wal_with_indexes(tmp_path: Path) -> None:
    CallStore.open(Workspace(tmp_path)).close()

    connection = sqlite3.connect(tmp_path / ".permanence" / "calls.sqlite3")
    assert connection.execute("PRAGMA user_version").fetchone()[0] == 1
    assert connection.execute("PRAGMA journal_mode").fetchone()[0] == "wal"
    names = {row[0] for row in connection.execute("SELECT name FROM sqlite_master")}
    for index in ("calls_utc", "calls_reason", "calls_volunteer", "calls_phone"):
        assert index in names
    assert {"calls_email", "calls_open", "audit"} <= names


def test_record_round_trips_with_offset_and_follow_up(store: CallStore) -> None:
    record = make_record(
        T0, caller_phone="+33612345678", fields={"nom": "Zoé"}, follow_up="Paul"
    )
    store.add(record)

    again = store.get(record.id)

    assert again == record
    assert again is not None
    assert again.time.isoformat() == "2026-12-03T14:05:12+01:00"
    assert again.follow_up is not None
    assert again.follow_up.is_open


def test_open_follow_up_search_uses_its_index(store: CallStore) -> None:
    sql, params = callrows.query_sql(CallQuery(open_only=True, newest_first=False))

    plan = " ".join(
        row[3] for row in store.connection.execute(f"EXPLAIN QUERY PLAN {sql}", params)
    )

    assert "calls_open" in plan


def test_newest_first_search_walks_the_time_index(store: CallStore) -> None:
    sql, params = callrows.query_sql(CallQuery(text="dupont"))

    plan = " ".join(
        row[3] for row in store.connection.execute(f"EXPLAIN QUERY PLAN {sql}", params)
    )

    assert "calls_utc" in plan
    assert "TEMP B-TREE" not in plan


def test_search_filters(store: CallStore) -> None:
    store.add_many(
        [
            make_record(T0, note="Mme Dupré rappellera", volunteer="Léa"),
            make_record(T0 + timedelta(hours=1), reason="dons", volunteer="Karim"),
            make_record(T0 + timedelta(days=3), follow_up="Paul"),
        ]
    )

    def ids(**criteria: object) -> int:
        return len(store.search(CallQuery(**criteria)))  # type: ignore[arg-type]

    assert ids(text="DUPRE") == 1
    assert ids(reason="dons") == 1
    assert ids(volunteer="karim") == 1
    assert ids(open_only=True) == 1
    assert ids(start=T0 + timedelta(minutes=30)) == 2
    assert ids(end=T0 + timedelta(minutes=30)) == 1
    assert ids(limit=2) == 2
    newest = store.search(CallQuery())[0]
    assert newest.time == T0 + timedelta(days=3)


def test_by_contact_matches_phone_and_email_case_insensitively(
    store: CallStore,
) -> None:
    store.add_many(
        [
            make_record(T0, caller_phone="+33612345678"),
            make_record(T0, caller_email="Anne@Example.org"),
            make_record(T0, caller_phone="+33699999999"),
        ]
    )

    assert len(store.by_contact(phone="+33612345678")) == 1
    assert len(store.by_contact(email="anne@example.org")) == 1
    assert len(store.by_contact("+33612345678", "anne@example.org")) == 2
    assert store.by_contact() == []


def test_sheet_states_follow_the_record(store: CallStore) -> None:
    older, newer = make_record(T0, follow_up="Paul"), make_record(T0 + timedelta(1))
    store.add_many([newer, older])

    assert [r.id for r in store.pending_for_sheet()] == [older.id, newer.id]
    store.mark_in_sheet([older.id, newer.id])
    assert store.pending_for_sheet() == []
    assert store.changed_for_sheet() == []

    store.close_follow_up(older.id, "Paul", "rappelée", T0 + timedelta(hours=2))
    [changed] = store.changed_for_sheet()
    assert changed.follow_up is not None
    assert changed.follow_up.done_by == "Paul"
    store.mark_sheet_updated([older.id])
    assert store.changed_for_sheet() == []


def test_change_between_push_and_confirmation_is_not_lost(store: CallStore) -> None:
    record = make_record(T0, follow_up="Paul")
    store.add(record)
    store.pending_for_sheet()  # the sheet side reads the row...

    other = CallStore.open_path(store.path)  # ...another process closes it...
    other.close_follow_up(record.id, "Paul", "", T0 + timedelta(hours=1))
    other.close()
    store.mark_in_sheet([record.id])  # ...then the first push is confirmed

    assert [r.id for r in store.changed_for_sheet()] == [record.id]


def test_changes_to_a_pending_record_keep_it_pending(store: CallStore) -> None:
    record = make_record(T0, follow_up="Paul", caller_name="Zoé")
    store.add(record)

    store.anonymize([record.id], T0 + timedelta(days=1))

    [pending] = store.pending_for_sheet()
    assert pending.caller_name == ""
    assert pending.anonymized_at is not None
    assert store.changed_for_sheet() == []


def test_audit_trail(store: CallStore) -> None:
    store.audit("purge", "Léa", 3, T0)

    [entry] = store.audit_entries()

    assert (entry.action, entry.who, entry.count, entry.at) == ("purge", "Léa", 3, T0)


def test_two_processes_logging_at_the_same_moment(calls_workspace: Path) -> None:
    CallStore.open(Workspace(calls_workspace)).close()
    command = [sys.executable, "-m", "permanence", "log", "--reason", "dons", "--yes"]
    processes = [
        subprocess.Popen(
            [*command, "--as", name],
            cwd=calls_workspace,
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
        )
        for name in ("Léa", "Karim", "Sophie", "Paul")
    ]
    outputs = [process.communicate(timeout=60) for process in processes]

    assert [p.returncode for p in processes] == [0, 0, 0, 0], outputs
    ids = [out.strip() for out, _err in outputs]
    records = stored(calls_workspace)
    assert sorted(r.id for r in records) == sorted(ids)
    assert sorted(r.volunteer for r in records) == ["Karim", "Léa", "Paul", "Sophie"]


def _log(invoke: Invoke, root: Path, name: str):  # type: ignore[no-untyped-def]
    return invoke(["-w", root, "log", "--reason", "dons", "--caller", name, "--yes"])


def test_locked_store_rescues_the_call_then_imports_it_once(
    invoke: Invoke, calls_workspace: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(callstore, "BUSY_TIMEOUT_SECONDS", 0.2)
    CallStore.open(Workspace(calls_workspace)).close()
    holder = sqlite3.connect(calls_workspace / ".permanence" / "calls.sqlite3")
    holder.execute("BEGIN EXCLUSIVE")

    locked = _log(invoke, calls_workspace, "Zoé")
    holder.rollback()
    holder.close()

    assert locked.exit_code == 3
    assert "verrouillé par un autre processus" in locked.stderr
    assert "Rien n'est perdu" in locked.stderr
    [rescued] = list(rescue_dir(Workspace(calls_workspace)).glob("*.json"))
    assert json.loads(rescued.read_text(encoding="utf-8"))["caller_name"] == "Zoé"
    assert stored(calls_workspace) == []

    recovered = _log(invoke, calls_workspace, "Yves")
    assert recovered.exit_code == 0
    assert "Versé dans le journal des appels après un incident" in recovered.stderr
    assert _log(invoke, calls_workspace, "Xavier").exit_code == 0
    names = sorted(r.caller_name for r in stored(calls_workspace))
    assert names == ["Xavier", "Yves", "Zoé"]
    assert not rescued.exists()


def test_corrupt_store_rescues_the_call_and_says_what_to_do(
    invoke: Invoke, calls_workspace: Path
) -> None:
    state = calls_workspace / ".permanence"
    state.mkdir()
    (state / "calls.sqlite3").write_bytes(b"this is not a database at all" * 100)

    broken = _log(invoke, calls_workspace, "Zoé")

    assert broken.exit_code == 2
    assert "endommagé" in broken.stderr
    assert "déplacez-le" in broken.stderr
    assert "Traceback" not in broken.stderr
    assert len(list((state / "rescue").glob("*.json"))) == 1

    (state / "calls.sqlite3").rename(state / "calls.sqlite3.damaged")
    assert _log(invoke, calls_workspace, "Yves").exit_code == 0
    assert _log(invoke, calls_workspace, "Xavier").exit_code == 0
    assert sorted(r.caller_name for r in stored(calls_workspace)) == [
        "Xavier",
        "Yves",
        "Zoé",
    ]


def test_rescued_record_already_stored_is_not_added_again(
    calls_workspace: Path,
) -> None:
    workspace = Workspace(calls_workspace)
    record = make_record(T0, caller_name="Zoé")
    add_records(calls_workspace, [record])
    folder = rescue_dir(workspace)
    folder.mkdir(parents=True)
    (folder / f"{record.id}.json").write_text(json.dumps(record_to_dict(record)))
    other = make_record(T0 + timedelta(1))._replace(caller_name="Yves")
    (folder / f"{other.id}.json").write_text(json.dumps(record_to_dict(other)))

    with CallStore.open(workspace) as store:
        imported = import_rescued(store, workspace)

    assert imported == [other.id]
    assert len(stored(calls_workspace)) == 2
    assert list(folder.glob("*.json")) == []


def test_processes_creating_the_store_at_once_all_succeed(tmp_path: Path) -> None:
    # Every process waits for the same instant, then opens the brand-new file.
    script = (
        "import sys, time\n"
        "from pathlib import Path\n"
        "from permanence.adapters.callstore import CallStore\n"
        "time.sleep(max(0.0, float(sys.argv[2]) - time.time()))\n"
        "CallStore.open_path(Path(sys.argv[1])).close()\n"
    )
    for round_number in range(4):
        path = tmp_path / f"calls-{round_number}.sqlite3"
        start = f"{time.time() + 0.6:.3f}"
        processes = [
            subprocess.Popen(
                [sys.executable, "-c", script, str(path), start],
                stderr=subprocess.PIPE,
                text=True,
            )
            for _ in range(6)
        ]
        errors = [process.communicate(timeout=60)[1] for process in processes]
        assert [p.returncode for p in processes] == [0] * 6, errors
