"""``permanence schedule invites``: files, stable UIDs, SEQUENCE, cancellations."""

from __future__ import annotations

import subprocess
import sys
from datetime import UTC, datetime, timedelta
from pathlib import Path

import icalendar
import pytest

from permanence.invitations.state import read_history
from permanence.workspace import Workspace
from tests.conftest import Invoke
from tests.invitations_fixtures import (
    PARIS,
    SHIFTS,
    WINDOW,
    make_workspace,
    write_shifts,
)
from tests.libical import check_calendar


@pytest.fixture
def workspace(tmp_path: Path) -> Path:
    return make_workspace(tmp_path / "workspace")


def _invites(invoke: Invoke, workspace: Path, out: Path) -> None:
    outcome = invoke(["-w", workspace, "schedule", "invites", "-o", out, *WINDOW])
    assert outcome.exit_code == 0, outcome.stderr
    assert "fichier(s) d'agenda écrit(s)" in outcome.stderr


def _events(path: Path) -> dict[str, icalendar.Event]:
    calendar = icalendar.Calendar.from_ical(path.read_bytes())
    return {
        str(e["UID"]).split("@")[0].split(".")[0]: e for e in calendar.walk("VEVENT")
    }


def test_writes_one_file_per_volunteer_and_the_team_calendar(
    invoke: Invoke, workspace: Path, tmp_path: Path
) -> None:
    out = tmp_path / "agendas"
    _invites(invoke, workspace, out)
    names = sorted(path.name for path in out.iterdir())
    assert names == ["alice.ics", "bruno.ics", "chloe.ics", "denis.ics", "equipe.ics"]
    assert sorted(_events(out / "alice.ics")) == ["apres-ete", "avant-ete"]
    assert sorted(_events(out / "equipe.ics")) == sorted(SHIFTS)


def test_every_file_passes_libical_and_its_itip_rules(
    invoke: Invoke, workspace: Path, tmp_path: Path
) -> None:
    out = tmp_path / "agendas"
    _invites(invoke, workspace, out)
    for path in out.iterdir():
        report = check_calendar(path.read_bytes())
        assert report.errors == [], path.name
        assert len(report.events) == len(_events(path))


def test_volunteer_events_invite_them_with_links_and_reminders(
    invoke: Invoke, workspace: Path, tmp_path: Path
) -> None:
    out = tmp_path / "agendas"
    _invites(invoke, workspace, out)
    calendar = icalendar.Calendar.from_ical((out / "alice.ics").read_bytes())
    assert calendar["METHOD"] == "REQUEST"
    event = _events(out / "alice.ics")["apres-ete"]
    assert str(event["SUMMARY"]) == "Permanence téléphonique \u2013 Le Fil Solidaire"
    assert str(event["UID"]) == "apres-ete.alice@fil.example.org"
    assert event["ATTENDEE"].params["CN"] == "Alice Martin"
    assert event["ATTENDEE"].params["RSVP"] == "TRUE"
    assert str(event["ORGANIZER"]) == "mailto:coordination@fil.example.org"
    description = str(event["DESCRIPTION"])
    assert "Guide des bénévoles : https://fil.example.org/guide" in description
    assert (
        "Fiche d'appel : https://docs.google.com/spreadsheets/d/1abc/edit"
        in description
    )
    triggers = [a.decoded("TRIGGER") for a in event.walk("VALARM")]
    assert triggers == [-timedelta(days=1), -timedelta(minutes=30)]
    assert event.decoded("DTSTART").astimezone(UTC) == datetime(
        2026, 4, 4, 16, 0, tzinfo=UTC
    )


def test_team_calendar_is_published_with_names_and_no_addresses(
    invoke: Invoke, workspace: Path, tmp_path: Path
) -> None:
    out = tmp_path / "agendas"
    _invites(invoke, workspace, out)
    text = (out / "equipe.ics").read_text(encoding="utf-8")
    calendar = icalendar.Calendar.from_ical(text)
    assert calendar["METHOD"] == "PUBLISH"
    event = _events(out / "equipe.ics")["apres-ete"]
    assert "Alice Martin, Bruno Petit" in str(event["SUMMARY"])
    assert "ATTENDEE" not in event
    assert "@example.org" not in text
    assert "VALARM" not in text


def test_volunteer_without_email_gets_a_published_calendar(
    invoke: Invoke, workspace: Path, tmp_path: Path
) -> None:
    out = tmp_path / "agendas"
    _invites(invoke, workspace, out)
    calendar = icalendar.Calendar.from_ical((out / "denis.ics").read_bytes())
    assert calendar["METHOD"] == "PUBLISH"
    assert "ATTENDEE" not in calendar.walk("VEVENT")[0]


def test_rerun_keeps_uids_and_sequences(
    invoke: Invoke, workspace: Path, tmp_path: Path
) -> None:
    _invites(invoke, workspace, tmp_path / "first")
    _invites(invoke, workspace, tmp_path / "second")
    for name in ("alice.ics", "chloe.ics", "equipe.ics"):
        first = _events(tmp_path / "first" / name)
        second = _events(tmp_path / "second" / name)
        assert {k: (str(e["UID"]), e["SEQUENCE"]) for k, e in first.items()} == {
            k: (str(e["UID"]), e["SEQUENCE"]) for k, e in second.items()
        }
        assert {e["SEQUENCE"] for e in second.values()} == {0}


def test_a_moved_shift_grows_its_sequence_and_keeps_its_uid(
    invoke: Invoke, workspace: Path, tmp_path: Path
) -> None:
    _invites(invoke, workspace, tmp_path / "first")
    moved = {**SHIFTS, "jeudi": ("2026-03-12", "15:00-18:00", "chloe")}
    write_shifts(workspace, moved)
    _invites(invoke, workspace, tmp_path / "second")
    _invites(invoke, workspace, tmp_path / "third")
    before = _events(tmp_path / "first" / "chloe.ics")["jeudi"]
    after = _events(tmp_path / "second" / "chloe.ics")["jeudi"]
    again = _events(tmp_path / "third" / "chloe.ics")["jeudi"]
    assert str(after["UID"]) == str(before["UID"])
    assert (before["SEQUENCE"], after["SEQUENCE"], again["SEQUENCE"]) == (0, 1, 1)
    assert after.decoded("DTSTART").hour == 15
    untouched = _events(tmp_path / "second" / "chloe.ics")["apres-hiver"]
    assert untouched["SEQUENCE"] == 0


def test_removed_shift_and_removed_volunteer_become_cancellations(
    invoke: Invoke, workspace: Path, tmp_path: Path
) -> None:
    _invites(invoke, workspace, tmp_path / "first")
    changed = {k: v for k, v in SHIFTS.items() if k != "avant-ete"}
    changed["apres-ete"] = ("2026-04-04", "18:00-21:00", "alice")  # bruno leaves
    changed["apres-hiver"] = ("2026-10-31", "18:00-21:00", "chloe")  # so does denis
    write_shifts(workspace, changed)
    out = tmp_path / "second"
    _invites(invoke, workspace, out)
    removed = (("alice", "avant-ete"), ("bruno", "apres-ete"), ("denis", "apres-hiver"))
    for volunteer, uid in removed:
        path = out / f"{volunteer}-annulations.ics"
        calendar = icalendar.Calendar.from_ical(path.read_bytes())
        assert calendar["METHOD"] == "CANCEL"
        event = _events(path)[uid]
        assert str(event["STATUS"]) == "CANCELLED"
        assert event["SEQUENCE"] == 1
        assert str(event["UID"]) == f"{uid}.{volunteer}@fil.example.org"
        assert check_calendar(path.read_bytes()).errors == []
    assert sorted(_events(out / "alice.ics")) == ["apres-ete"]
    assert "apres-ete" not in _events(out / "bruno.ics")


def test_state_records_digest_and_sequence_per_uid(
    invoke: Invoke, workspace: Path, tmp_path: Path
) -> None:
    _invites(invoke, workspace, tmp_path / "out")
    history = read_history(Workspace(workspace))
    issued, sent = history.events["jeudi.chloe@fil.example.org"]
    digest, sequence, cancelled, start, end = issued
    assert (sequence, cancelled) == (0, False)
    assert len(digest) == 20
    assert (start, end) == ("2026-03-12T14:00:00+01:00", "2026-03-12T17:00:00+01:00")
    assert sent is None  # writing files is not sending
    assert "jeudi@fil.example.org" in history.team  # the team calendar's


def test_missing_coordinator_is_a_clear_error(
    invoke: Invoke, workspace: Path, tmp_path: Path
) -> None:
    path = workspace / "shifts.yaml"
    text = path.read_text(encoding="utf-8")
    start = text.index("  coordinator:")
    end = text.index("  reminders:")
    path.write_text(text[:start] + text[end:], encoding="utf-8")
    outcome = invoke(["-w", workspace, "schedule", "invites", "-o", tmp_path, *WINDOW])
    assert outcome.exit_code == 2
    assert "coordinator" in outcome.stderr
    assert "Traceback" not in outcome.stderr


def test_a_bad_date_is_a_clear_error(
    invoke: Invoke, workspace: Path, tmp_path: Path
) -> None:
    args = ["-w", workspace, "schedule", "invites", "-o", tmp_path, "--from", "12/03"]
    outcome = invoke(args)
    assert outcome.exit_code == 2
    assert "--from" in outcome.stderr


IMPORT_CHECK = """
import sys
from permanence.cli.app import build_command
import permanence.invitations.plan, permanence.invitations.files
build_command()
print("icalendar" in sys.modules, "keyring" in sys.modules)
"""


def test_icalendar_is_imported_only_by_the_invitation_commands() -> None:
    done = subprocess.run(
        [sys.executable, "-c", IMPORT_CHECK],
        capture_output=True,
        text=True,
        check=True,
    )
    assert done.stdout.split() == ["False", "False"]


def test_unchanged_files_are_left_alone_and_changed_ones_rewritten(
    invoke: Invoke, workspace: Path, tmp_path: Path
) -> None:
    out = tmp_path / "agendas"
    _invites(invoke, workspace, out)
    before = {path.name: path.read_bytes() for path in out.iterdir()}
    (out / "bruno.ics").unlink()
    moved = {**SHIFTS, "jeudi": ("2026-03-12", "15:00-18:00", "chloe")}
    write_shifts(workspace, moved)
    outcome = invoke(["-w", workspace, "schedule", "invites", "-o", out, *WINDOW])
    assert outcome.exit_code == 0, outcome.stderr
    assert "3 fichier(s) d'agenda écrit(s)" in outcome.stderr
    assert "2 inchangé(s)" in outcome.stderr
    after = {path.name: path.read_bytes() for path in out.iterdir()}
    assert after["alice.ics"] == before["alice.ics"]
    assert after["denis.ics"] == before["denis.ics"]
    assert after["chloe.ics"] != before["chloe.ics"]
    assert after["equipe.ics"] != before["equipe.ics"]
    assert _events(out / "bruno.ics").keys() == {"apres-ete", "avant-hiver"}


def test_the_sample_workspace_calendars_pass_libical(
    invoke: Invoke, sample_workspace: Path, tmp_path: Path
) -> None:
    out = tmp_path / "agendas"
    args = ["schedule", "invites", "-o", out, "--from", "2026-09-01"]
    outcome = invoke(["-w", sample_workspace, *args, "--to", "2027-06-30"])
    assert outcome.exit_code == 0, outcome.stderr
    files = sorted(out.iterdir())
    assert len(files) >= 2
    for path in files:
        report = check_calendar(path.read_bytes())
        assert report.errors == [], path.name
        local = [
            event.start.astimezone(PARIS).strftime("%H:%M") for event in report.events
        ]
        parsed = [
            e.decoded("DTSTART").strftime("%H:%M") for e in _events(path).values()
        ]
        assert sorted(local) == sorted(parsed), path.name


def test_a_second_command_waits_for_the_first_then_says_so(
    invoke: Invoke,
    workspace: Path,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    from permanence.invitations import state
    from permanence.workspace import Workspace

    monkeypatch.setattr(state, "LOCK_WAIT_SECONDS", 0.1)
    with state.history_lock(Workspace(workspace)):
        args = ["-w", workspace, "schedule", "invites", "-o", tmp_path / "a", *WINDOW]
        outcome = invoke(args)
    assert outcome.exit_code == 2
    assert "est en cours sur cet espace de travail" in outcome.stderr
    assert invoke(args).exit_code == 0


def test_history_forgets_events_long_before_the_window(
    invoke: Invoke, workspace: Path, tmp_path: Path
) -> None:
    _invites(invoke, workspace, tmp_path / "first")
    write_shifts(workspace, {**SHIFTS, "futur": ("2028-03-04", "10:00-12:00", "alice")})
    args = ["schedule", "invites", "-o", tmp_path / "later", "--from", "2028-01-01"]
    outcome = invoke(["-w", workspace, *args, "--to", "2028-12-31"])
    assert outcome.exit_code == 0, outcome.stderr
    history = read_history(Workspace(workspace))
    assert list(history.events) == ["futur.alice@fil.example.org"]
    assert list(history.team) == ["futur@fil.example.org"]


def test_shift_ids_with_dots_cancel_for_the_right_volunteer(
    invoke: Invoke, workspace: Path, tmp_path: Path
) -> None:
    dotted = {**SHIFTS, "soir.special": ("2026-05-02", "18:00-20:00", "alice")}
    write_shifts(workspace, dotted)
    _invites(invoke, workspace, tmp_path / "first")
    write_shifts(workspace, SHIFTS)
    out = tmp_path / "second"
    _invites(invoke, workspace, out)
    cancellations = sorted(p.name for p in out.glob("*-annulations.ics"))
    assert cancellations == ["alice-annulations.ics"]
    (event,) = _events(out / "alice-annulations.ics").values()
    assert str(event["UID"]) == "soir.special.alice@fil.example.org"


def test_khal_lists_the_team_calendar_at_local_times(
    invoke: Invoke, workspace: Path, tmp_path: Path
) -> None:
    from tests.test_ical import khal_listing

    out = tmp_path / "agendas"
    _invites(invoke, workspace, out)
    lines = khal_listing(
        out / "equipe.ics", tmp_path / "khal", "Europe/Paris", "2026-03-01"
    )
    assert [line.split(" | ")[0] for line in lines] == [
        "2026-03-12 14:00 -> 2026-03-12 17:00",
        "2026-03-28 18:00 -> 2026-03-28 21:00",
        "2026-04-04 18:00 -> 2026-04-04 21:00",
        "2026-10-24 18:00 -> 2026-10-24 21:00",
        "2026-10-31 18:00 -> 2026-10-31 21:00",
    ]
    assert "Alice Martin, Bruno Petit" in lines[2]
