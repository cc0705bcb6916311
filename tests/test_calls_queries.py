"""``permanence calls``, ``followups`` and ``done``."""

from __future__ import annotations

import csv
import io
import json
from datetime import datetime, timedelta
from pathlib import Path

import pytest

from permanence.adapters.callstore import CallStore
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


NOW = datetime.now(PARIS).replace(microsecond=0)


def calls(invoke: Invoke, root: Path, *args: str):  # type: ignore[no-untyped-def]
    return invoke(["-w", root, "calls", *args])


def test_calls_filters(invoke: Invoke, calls_workspace: Path) -> None:
    add_records(
        calls_workspace,
        [
            make_record(NOW - timedelta(days=30), note="ancien"),
            make_record(NOW - timedelta(days=2), reason="dons", volunteer="Karim"),
            make_record(NOW - timedelta(hours=1), answer="Tarif réduit expliqué"),
            make_record(NOW - timedelta(hours=2), follow_up="Paul"),
        ],
    )

    def count(*args: str) -> int:
        done = calls(invoke, calls_workspace, "--json", *args)
        assert done.exit_code == 0, done.stderr
        return len(json.loads(done.stdout))

    assert count() == 4
    assert count("--since", "7d") == 3
    assert count("--reason", "dons") == 1
    assert count("--volunteer", "karim") == 1
    assert count("--text", "REDUIT") == 1
    assert count("--open") == 1
    assert count("--limit", "2") == 2
    day = NOW - timedelta(days=30)
    assert count("--from", f"{day:%d/%m/%Y}", "--to", f"{day:%d/%m/%Y}") == 1


def test_calls_are_newest_first(invoke: Invoke, calls_workspace: Path) -> None:
    old, new = make_record(NOW - timedelta(days=3)), make_record(NOW)
    add_records(calls_workspace, [old, new])

    listed = json.loads(calls(invoke, calls_workspace, "--json").stdout)

    assert [item["id"] for item in listed] == [new.id, old.id]


def test_invalid_filters_say_what_to_fix(invoke: Invoke, calls_workspace: Path) -> None:
    for args, option in (
        (["--since", "hier"], "--since"),
        (["--from", "32/13/2026"], "--from"),
        (["--limit", "0"], "--limit"),
    ):
        done = calls(invoke, calls_workspace, *args)
        assert done.exit_code == 2
        assert option in done.stderr


def test_table_on_stdout_and_empty_message_on_stderr(
    invoke: Invoke, calls_workspace: Path
) -> None:
    empty = calls(invoke, calls_workspace)
    assert (empty.exit_code, empty.stdout) == (0, "")
    assert "Aucun appel trouvé." in empty.stderr

    record = make_record(NOW, note="Rappeler Mme Dupré")
    add_records(calls_workspace, [record])
    table = calls(invoke, calls_workspace)
    assert record.id in table.stdout
    assert "Dupré" in table.stdout


def test_csv_never_lets_a_spreadsheet_evaluate_a_value(
    invoke: Invoke, calls_workspace: Path
) -> None:
    record = make_record(
        NOW,
        caller_name='=HYPERLINK("http://evil.example","clic")',
        caller_phone="+33612345678",
        note="@SUM(A1)",
        answer="-2+3",
        fields={"precisions": "normal"},
    )
    add_records(calls_workspace, [record])

    done = calls(invoke, calls_workspace, "--csv")

    rows = list(csv.DictReader(io.StringIO(done.stdout)))
    assert len(rows) == 1
    row = rows[0]
    assert row["caller_name"] == '\'=HYPERLINK("http://evil.example","clic")'
    assert row["caller_phone"] == "'+33612345678"
    assert row["note"] == "'@SUM(A1)"
    assert row["answer"] == "'-2+3"
    assert row["fields"] == "precisions=normal"
    assert row["id"] == record.id


def test_followups_grouped_by_owner_oldest_first(
    invoke: Invoke, calls_workspace: Path
) -> None:
    records = [
        make_record(NOW - timedelta(days=1), follow_up="Paul", note="p-new"),
        make_record(NOW - timedelta(days=9), follow_up="Martine", note="m-old"),
        make_record(NOW - timedelta(days=5), follow_up="Paul", note="p-old"),
        make_record(NOW - timedelta(days=2), follow_up="Martine", note="m-new"),
        make_record(NOW - timedelta(days=3), note="no follow-up"),
    ]
    add_records(calls_workspace, records)

    done = invoke(["-w", calls_workspace, "followups", "--json"])

    groups = json.loads(done.stdout)
    assert [g["owner"] for g in groups] == ["Martine", "Paul"]
    notes = [[item["note"] for item in g["follow_ups"]] for g in groups]
    assert notes == [["m-old", "m-new"], ["p-old", "p-new"]]
    assert groups[0]["follow_ups"][0]["age_days"] == 9


def test_followups_text_shows_age(invoke: Invoke, calls_workspace: Path) -> None:
    add_records(
        calls_workspace, [make_record(NOW - timedelta(days=4), follow_up="Paul")]
    )

    done = invoke(["-w", calls_workspace, "followups"])

    assert "Paul" in done.stdout
    assert "4 j " in done.stdout


def test_done_closes_the_follow_up_with_who_and_when(
    invoke: Invoke, calls_workspace: Path
) -> None:
    record = make_record(NOW - timedelta(days=1), follow_up="Paul")
    add_records(calls_workspace, [record])
    with CallStore.open(Workspace(calls_workspace)) as store:
        store.mark_in_sheet([record.id])

    done = invoke(
        ["-w", calls_workspace, "done", record.id, "--note", "rappelée", "--as", "Paul"]
    )

    assert done.exit_code == 0, done.stderr
    [closed] = stored(calls_workspace)
    assert closed.follow_up is not None
    assert (closed.follow_up.done_by, closed.follow_up.done_note) == (
        "Paul",
        "rappelée",
    )
    assert closed.follow_up.done_at is not None
    assert closed.follow_up.done_at.utcoffset() is not None
    with CallStore.open(Workspace(calls_workspace)) as store:
        assert [r.id for r in store.changed_for_sheet()] == [record.id]
    listed = invoke(["-w", calls_workspace, "followups", "--json"])
    assert json.loads(listed.stdout) == []


def test_done_refuses_unknown_closed_or_plain_calls(
    invoke: Invoke, calls_workspace: Path
) -> None:
    plain = make_record(NOW)
    follow = make_record(NOW, follow_up="Paul")
    add_records(calls_workspace, [plain, follow])
    invoke(["-w", calls_workspace, "done", follow.id])

    unknown = invoke(["-w", calls_workspace, "done", "20200101-000000-zzzz"])
    no_follow_up = invoke(["-w", calls_workspace, "done", plain.id])
    twice = invoke(["-w", calls_workspace, "done", follow.id])

    assert unknown.exit_code == no_follow_up.exit_code == twice.exit_code == 2
    assert "aucun appel" in unknown.stderr
    assert "pas de suite" in no_follow_up.stderr
    assert "déjà été close par Léa" in twice.stderr
