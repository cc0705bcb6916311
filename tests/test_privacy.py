"""``permanence purge`` and ``permanence forget``: callers' personal data."""

from __future__ import annotations

from datetime import datetime, timedelta
from pathlib import Path

import pytest

from permanence.adapters.callstore import CallStore
from permanence.calls.privacy import retention_cutoff, scrub_name
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
SECRET_NAME = "Jeanne Dupré-Séguin"
SECRET_PHONE = "+33612345678"
SECRET_EMAIL = "jeanne.dupre@example.org"


def old_call(**values: object):  # type: ignore[no-untyped-def]
    return make_record(
        NOW - timedelta(days=400),
        caller_name=SECRET_NAME,
        caller_phone=SECRET_PHONE,
        caller_email=SECRET_EMAIL,
        fields={
            "nom": SECRET_NAME,
            "telephone": SECRET_PHONE,
            "type_demande": "renouvellement",
            "personnes": "2",
            "precisions": "habite au 3 rue des Lilas",
        },
        answer="Tarif expliqué à Jeanne Dupré-Séguin",
        note="Rappeler au 06 12 34 56 78 ou autre@example.net",
        follow_up="Paul",
        **values,
    )


def everything_printed(*outcomes: object) -> str:
    return "".join(f"{o.stdout}{o.stderr}" for o in outcomes)  # type: ignore[attr-defined]


def audit_log(root: Path) -> str:
    return (root / ".permanence" / "audit.log").read_text(encoding="utf-8")


def test_purge_anonymises_old_calls_and_keeps_recent_ones(
    invoke: Invoke, calls_workspace: Path
) -> None:
    old, recent = old_call(), make_record(NOW - timedelta(days=30), caller_name="Zoé")
    add_records(calls_workspace, [old, recent])

    done = invoke(["-w", calls_workspace, "purge"])

    assert done.exit_code == 0, done.stderr
    assert old.id in done.stdout
    assert recent.id not in done.stdout
    purged, kept = stored(calls_workspace)
    assert kept == recent
    assert (purged.caller_name, purged.caller_phone, purged.caller_email) == (
        "",
        "",
        "",
    )
    assert purged.fields == {"type_demande": "renouvellement", "personnes": "2"}
    assert purged.answer == "Tarif expliqué à [***]"
    assert purged.note == "Rappeler au [***] ou [***]"
    assert (purged.reason, purged.volunteer, purged.time) == (
        old.reason,
        old.volunteer,
        old.time,
    )
    assert purged.follow_up == old.follow_up
    assert purged.anonymized_at is not None


def test_purge_audit_line_never_holds_the_erased_data(
    invoke: Invoke, calls_workspace: Path
) -> None:
    add_records(calls_workspace, [old_call(), old_call()])

    done = invoke(["-w", calls_workspace, "purge", "--as", "Nadia"])

    line = audit_log(calls_workspace)
    assert "\tNadia\tpurge\t2\n" in line
    with CallStore.open(Workspace(calls_workspace)) as store:
        [entry] = store.audit_entries()
    assert (entry.who, entry.action, entry.count) == ("Nadia", "purge", 2)
    for secret in ("Jeanne", "Dupré", "612345678", "12 34 56", "example.org"):
        assert secret not in line
        assert secret not in everything_printed(done)


def test_purge_dry_run_changes_nothing(invoke: Invoke, calls_workspace: Path) -> None:
    old = old_call()
    add_records(calls_workspace, [old])

    done = invoke(["-w", calls_workspace, "purge", "--dry-run"])

    assert done.exit_code == 0
    assert old.id in done.stdout
    assert "Essai" in done.stderr
    assert stored(calls_workspace) == [old]
    assert not (calls_workspace / ".permanence" / "audit.log").exists()


def test_purged_calls_already_in_the_sheet_are_flagged_for_rewrite(
    invoke: Invoke, calls_workspace: Path
) -> None:
    old = old_call()
    add_records(calls_workspace, [old])
    with CallStore.open(Workspace(calls_workspace)) as store:
        store.mark_in_sheet([old.id])

    invoke(["-w", calls_workspace, "purge"])

    with CallStore.open(Workspace(calls_workspace)) as store:
        assert [r.id for r in store.changed_for_sheet()] == [old.id]


def test_purge_twice_changes_nothing_the_second_time(
    invoke: Invoke, calls_workspace: Path
) -> None:
    add_records(calls_workspace, [old_call()])
    invoke(["-w", calls_workspace, "purge"])

    again = invoke(["-w", calls_workspace, "purge"])

    assert again.stdout == ""
    assert "0 appel modifié" in again.stderr


def test_forget_by_phone_erases_the_caller_and_scrubs_other_notes(
    invoke: Invoke, calls_workspace: Path
) -> None:
    own = make_record(
        NOW - timedelta(days=3), caller_name="Jeanne", caller_phone=SECRET_PHONE
    )
    mention = make_record(
        NOW - timedelta(days=2), note="Sa fille rappellera au 06.12.34.56.78"
    )
    unrelated = make_record(NOW - timedelta(days=1), note="Appeler le 01 23 45 67 89")
    add_records(calls_workspace, [own, mention, unrelated])

    done = invoke(["-w", calls_workspace, "forget", "--phone", "06 12 34 56 78"])

    assert done.exit_code == 0, done.stderr
    first, second, third = stored(calls_workspace)
    assert (first.caller_name, first.caller_phone) == ("", "")
    assert first.anonymized_at is not None
    assert second.note == "Sa fille rappellera au [***]"
    assert third == unrelated
    assert "\tforget\t2\n" in audit_log(calls_workspace)
    assert "12 34 56" not in everything_printed(done)


def test_forget_by_email_ignores_case(invoke: Invoke, calls_workspace: Path) -> None:
    own = make_record(
        NOW - timedelta(hours=2),
        caller_email=SECRET_EMAIL,
        note=f"écrire à {SECRET_EMAIL}",
    )
    mention = make_record(NOW, answer="Envoyé à Jeanne.Dupre@EXAMPLE.org")
    add_records(calls_workspace, [own, mention])

    done = invoke(
        ["-w", calls_workspace, "forget", "--email", "JEANNE.DUPRE@example.org"]
    )

    assert done.exit_code == 0, done.stderr
    first, second = stored(calls_workspace)
    assert first.caller_email == ""
    assert first.note == "écrire à [***]"
    assert second.answer == "Envoyé à [***]"


def test_forget_by_name_ignores_accents_and_case(
    invoke: Invoke, calls_workspace: Path
) -> None:
    own = make_record(
        NOW - timedelta(hours=2), caller_name=SECRET_NAME, fields={"nom": SECRET_NAME}
    )
    mention = make_record(
        NOW - timedelta(hours=1), note="Voir avec JEANNE DUPRE-SEGUIN demain"
    )
    other = make_record(NOW, caller_name="Jeanne Martin", note="Jeanne Martin")
    add_records(calls_workspace, [own, mention, other])

    done = invoke(
        [
            "-w",
            calls_workspace,
            "forget",
            "--name",
            "jeanne dupre-seguin",
            "--as",
            "Nadia",
        ]
    )

    assert done.exit_code == 0, done.stderr
    first, second, third = stored(calls_workspace)
    assert first.caller_name == ""
    assert "nom" not in first.fields
    assert second.note == "Voir avec [***] demain"
    assert third == other
    assert "Dupr" not in audit_log(calls_workspace)


def test_forget_dry_run_and_missing_criteria(
    invoke: Invoke, calls_workspace: Path
) -> None:
    own = make_record(NOW, caller_phone=SECRET_PHONE)
    add_records(calls_workspace, [own])

    dry = invoke(
        ["-w", calls_workspace, "forget", "--phone", SECRET_PHONE, "--dry-run"]
    )
    nothing = invoke(["-w", calls_workspace, "forget"])
    bad = invoke(["-w", calls_workspace, "forget", "--phone", "12"])

    assert own.id in dry.stdout
    assert stored(calls_workspace) == [own]
    assert nothing.exit_code == 2
    assert "--phone, --email ou --name" in nothing.stderr
    assert bad.exit_code == 2
    assert "--phone" in bad.stderr


def test_scrub_name_matches_whole_words_only() -> None:
    assert scrub_name("Anne-Marie et Annette", "anne") == "[***]-Marie et Annette"
    assert scrub_name("Rien à voir", "anne") == "Rien à voir"


def test_retention_cutoff_clamps_the_day() -> None:
    moment = datetime(2027, 3, 31, 10, 0, tzinfo=PARIS)

    assert retention_cutoff(moment, 1).date().isoformat() == "2027-02-28"
    assert retention_cutoff(moment, 12).date().isoformat() == "2026-03-31"
