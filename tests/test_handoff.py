"""``permanence handoff start|end`` on a seeded call log and the sample schedule.

The sample schedule has Fatou Diallo on Tuesdays 14:00-17:00 and Karim
Haddad with Thomas Girard on Tuesdays 18:00-20:00; 1 December 2026 is a
Tuesday. The clock is pinned with ``--at``.
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterable
from datetime import date, datetime
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest

from permanence.adapters.callstore import CallStore
from permanence.calls.record import CallQuery, CallRecord, FollowUp, new_call_id
from permanence.workspace import Workspace
from tests.conftest import Invoke

PARIS = ZoneInfo("Europe/Paris")
# Distinctive personal details: none may appear in any summary or export.
SECRETS = (
    "Zéphyrin Quatrebarbes",
    "+33612345678",
    "zephyrin@secret.example",
    "CHAMP-SECRET",
    "REPONSE-SECRETE",
    "NOTE-SECRETE",
)


def at(day: int, hour: int, minute: int = 0, month: int = 12) -> datetime:
    """Return a moment of 2026 in Paris."""
    return datetime(2026, month, day, hour, minute, tzinfo=PARIS)


def call(
    moment: datetime,
    volunteer: str,
    reason: str,
    new: bool = False,
    follow_up: FollowUp | None = None,
) -> CallRecord:
    """Return a call full of the caller's personal details."""
    return CallRecord(
        id=new_call_id(moment),
        time=moment,
        volunteer=volunteer,
        reason=reason,
        reason_is_new=new,
        caller_name=SECRETS[0],
        caller_phone=SECRETS[1],
        caller_email=SECRETS[2],
        fields={"nom": SECRETS[3]},
        answer=SECRETS[4],
        note=SECRETS[5],
        follow_up=follow_up,
    )


def event(moment: datetime, volunteer: str, kind: str, note: str = "") -> CallRecord:
    """Return a shift event."""
    return CallRecord(new_call_id(moment), moment, volunteer, kind=kind, note=note)


def seed(root: Path, records: Iterable[CallRecord]) -> None:
    """Write records into the workspace's call log."""
    with CallStore.open(Workspace(root)) as store:
        store.add_many(list(records))


def shift_events(root: Path, kind: str) -> list[CallRecord]:
    """Return the shift events of ``kind`` in the log, oldest first."""
    with CallStore.open(Workspace(root)) as store:
        query = CallQuery(kind=kind, limit=None, newest_first=False)
        return store.search(query)


def tuesday_afternoon() -> list[CallRecord]:
    """Fatou's shift on Tuesday 1 December, with its calls and follow-ups."""
    return [
        event(at(1, 14), "Fatou Diallo", "shift_started"),
        call(at(1, 14, 20), "Fatou Diallo", "adhesion"),
        call(
            at(1, 15, 5),
            "Fatou Diallo",
            "dons",
            follow_up=FollowUp("Martine Roussel", due=date(2026, 12, 5)),
        ),
        call(at(1, 16, 5), "Fatou Diallo", "Bruit des voisins", new=True),
        event(
            at(1, 17),
            "Fatou Diallo",
            "shift_ended",
            "Imprimante en panne.\nRappeler la mairie au 01 23 45 67 89",
        ),
        call(
            at(10, 10, month=11), "Jean Dupuis", "presse", follow_up=FollowUp("Nadia")
        ),
        call(at(20, 10, month=11), "Jean Dupuis", "presse", follow_up=FollowUp("Bob")),
    ]


@pytest.fixture
def terminal(monkeypatch: pytest.MonkeyPatch) -> None:
    """Output as on a terminal, with styles (``FORCE_COLOR``)."""
    monkeypatch.setenv("FORCE_COLOR", "1")


@pytest.fixture
def workspace(sample_workspace: Path) -> Path:
    """The sample workspace with Tuesday afternoon's calls logged."""
    seed(sample_workspace, tuesday_afternoon())
    return sample_workspace


START_ARGS = ("handoff", "start", "--at", "01/12/2026 18:00")


def run(invoke: Invoke, root: Path, *args: str, **kwargs: str) -> tuple[str, str]:
    """Run a command that must succeed; return its stdout and stderr."""
    outcome = invoke(["-w", root, *args], **kwargs)
    assert outcome.exit_code == 0, (outcome.stderr, outcome.exception)
    return outcome.stdout, outcome.stderr


def test_start_shows_what_happened_since_the_previous_shift(
    invoke: Invoke, workspace: Path
) -> None:
    out, _ = run(
        invoke, workspace, "handoff", "start", "--as", "karim",
        "--at", "01/12/2026 18:00", "--format", "text",
    )  # fmt: skip

    assert out.startswith("Prise de permanence — Karim Haddad, 01/12/2026 18:00")
    assert "Créneau précédent : 01/12/2026 14:00-17:00 Fatou Diallo" in out
    assert "Fatou Diallo a terminé sa permanence le 01/12/2026 17:00" in out
    assert "3 appels depuis le 01/12/2026 14:00" in out
    assert "01/12/2026 14:20 — Adhérer à l'association (Fatou Diallo)" in out
    assert "« Bruit des voisins » (1)" in out
    assert "| Imprimante en panne." in out
    assert "18:00-20:00 Karim Haddad, Thomas Girard (Permanence du soir)" in out
    assert "Guide : https://fil-solidaire.example.org/guide" in out


def test_start_groups_open_follow_ups_by_owner_oldest_first(
    invoke: Invoke, workspace: Path
) -> None:
    out, _ = run(
        invoke, workspace, "handoff", "start", "--as", "Karim Haddad",
        "--at", "2026-12-01 18:00", "--json",
    )  # fmt: skip

    groups = json.loads(out)["open_follow_ups"]
    assert [group["owner"] for group in groups] == ["Nadia", "Bob", "Martine Roussel"]
    assert groups[2]["follow_ups"][0]["due"] == "2026-12-05"
    assert groups[2]["follow_ups"][0]["label"] == (
        "Faire un don ou obtenir un reçu fiscal"
    )


def test_start_logs_a_shift_started_event(invoke: Invoke, workspace: Path) -> None:
    out, err = run(
        invoke, workspace, "handoff", "start", "--as", "karim",
        "--at", "01/12/2026 18:00", "--json",
    )  # fmt: skip

    started = shift_events(workspace, "shift_started")
    assert [(e.volunteer, e.time) for e in started] == [
        ("Fatou Diallo", at(1, 14)),
        ("Karim Haddad", at(1, 18)),
    ]
    assert json.loads(out)["event_id"] == started[-1].id
    assert "Le début de votre permanence est enregistré." not in err  # only on trouble


def test_start_finds_the_volunteer_on_duty_in_the_schedule(
    invoke: Invoke, workspace: Path
) -> None:
    out, _ = run(
        invoke, workspace, "handoff", "start", "--at", "01/12/2026 14:30", "--json"
    )

    assert json.loads(out)["volunteer"] == "Fatou Diallo"


def test_start_asks_who_when_two_volunteers_are_on_duty(
    invoke: Invoke, workspace: Path
) -> None:
    outcome = invoke(["-w", workspace, "handoff", "start", "--at", "01/12/2026 18:30"])

    assert outcome.exit_code == 2
    assert "Karim Haddad, Thomas Girard sont de permanence" in outcome.stderr
    assert "--as" in outcome.stderr
    assert len(shift_events(workspace, "shift_started")) == 1  # nothing logged


def test_start_without_anyone_on_duty_asks_for_a_name(
    invoke: Invoke, workspace: Path
) -> None:
    outcome = invoke(["-w", workspace, "handoff", "start", "--at", "06/12/2026 03:00"])

    assert outcome.exit_code == 2
    assert "personne n'est de permanence à 2026-12-06 03:00" in outcome.stderr
    assert "Traceback" not in outcome.stderr


def test_start_uses_the_volunteer_of_the_user_config(
    invoke: Invoke, workspace: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("PERMANENCE_VOLUNTEER", "thomas")

    out, _ = run(
        invoke, workspace, "handoff", "start", "--at", "01/12/2026 18:30", "--json"
    )

    assert json.loads(out)["volunteer"] == "Thomas Girard"


def test_end_sums_up_the_shift_and_keeps_the_note(
    invoke: Invoke, sample_workspace: Path
) -> None:
    seed(sample_workspace, tuesday_afternoon()[:4])  # Fatou has not ended yet
    out, _ = run(
        invoke, sample_workspace, "handoff", "end", "--as", "fatou",
        "--at", "01/12/2026 17:02", "--format", "markdown",
        "--note", "Le local ferme à 19h jeudi.",
    )  # fmt: skip

    assert out.startswith(
        "#### Fin de permanence — Fatou Diallo, du 01/12/2026 14:00 à 17:02"
    )
    assert "**3 appels**" in out
    assert "- Adhérer à l'association : 1" in out
    assert "- « Bruit des voisins » (nouveau motif) : 1" in out
    assert (
        "- Martine Roussel — Faire un don ou obtenir un reçu fiscal, toujours ouvert"
        in out
    )
    assert "> Le local ferme à 19h jeudi." in out
    assert "- 01/12/2026 18:00-20:00 Karim Haddad, Thomas Girard" in out
    ended = shift_events(sample_workspace, "shift_ended")
    assert [(e.volunteer, e.note) for e in ended] == [
        ("Fatou Diallo", "Le local ferme à 19h jeudi.")
    ]


def test_end_asks_for_notable_facts_up_to_an_empty_line(
    invoke: Invoke, sample_workspace: Path
) -> None:
    typed = "Imprimante en panne.\nAppeler Nadia demain.\n\nnot a note\n"
    outcome = invoke(
        ["-w", sample_workspace, "handoff", "end", "--as", "fatou",
         "--at", "01/12/2026 17:00", "--json"],
        input=typed,
    )  # fmt: skip

    assert outcome.exit_code == 0, outcome.stderr
    assert "Terminez par une ligne vide" in outcome.stderr
    note = "Imprimante en panne.\nAppeler Nadia demain."
    assert json.loads(outcome.stdout)["note"] == note
    assert shift_events(sample_workspace, "shift_ended")[0].note == note


def test_end_counts_from_the_schedule_when_the_start_was_not_logged(
    invoke: Invoke, sample_workspace: Path
) -> None:
    seed(sample_workspace, tuesday_afternoon()[1:4])  # no shift_started
    out, _ = run(
        invoke, sample_workspace, "handoff", "end", "--as", "fatou",
        "--at", "01/12/2026 17:10", "--note", "", "--json",
    )  # fmt: skip

    summary = json.loads(out)
    assert summary["since"] == "2026-12-01T14:00:00+01:00"
    assert summary["call_count"] == 3
    assert [item["owner"] for item in summary["follow_ups_created"]] == [
        "Martine Roussel"
    ]


def test_notes_of_the_end_are_shown_at_the_next_start(
    invoke: Invoke, sample_workspace: Path
) -> None:
    run(
        invoke, sample_workspace, "handoff", "end", "--as", "fatou",
        "--at", "01/12/2026 17:00", "--note", "Clé du local chez Karim.",
    )  # fmt: skip
    out, _ = run(
        invoke, sample_workspace, "handoff", "start", "--as", "karim",
        "--at", "01/12/2026 18:00", "--format", "markdown",
    )  # fmt: skip

    assert "**Notes de la personne précédente**\n> Clé du local chez Karim." in out


def test_phone_numbers_in_notes_are_masked_in_summaries(
    invoke: Invoke, workspace: Path
) -> None:
    out, _ = run(
        invoke, workspace, "handoff", "start", "--as", "karim",
        "--at", "01/12/2026 18:00", "--format", "text",
    )  # fmt: skip

    assert "Rappeler la mairie au […]" in out
    assert "01 23 45 67 89" not in out
    stored = shift_events(workspace, "shift_ended")[0].note
    assert stored.endswith("01 23 45 67 89")  # nothing typed is lost


def test_start_lists_questions_the_faq_could_not_answer(
    invoke: Invoke, workspace: Path
) -> None:
    from permanence.faq import record_unanswered

    for moment, query in (
        (at(1, 15), "Location de la salle des fêtes"),
        (at(1, 16), "location de la salle  des fêtes"),
        (at(20, 9, month=11), "Trop ancien pour être montré"),
    ):
        record_unanswered(Workspace(workspace), query, now=moment)

    out, _ = run(
        invoke, workspace, "handoff", "start", "--as", "karim",
        "--at", "01/12/2026 18:00", "--json",
    )  # fmt: skip

    assert json.loads(out)["unanswered"] == [["Location de la salle des fêtes", 2]]


def test_summary_in_english(invoke: Invoke, workspace: Path) -> None:
    shifts = workspace / "shifts.yaml"
    text = shifts.read_text(encoding="utf-8")
    shifts.write_text(text.replace("language: fr", "language: en"), encoding="utf-8")

    out, _ = run(
        invoke, workspace, "handoff", "start", "--as", "karim",
        "--at", "2026-12-01 18:00", "--format", "text", lang="en",
    )  # fmt: skip

    assert out.startswith("Shift start — Karim Haddad, 2026-12-01 18:00")
    assert "3 calls since 2026-12-01 14:00" in out
    assert "Open follow-ups (3), by owner, oldest first" in out
    assert "Guide: https://fil-solidaire.example.org/guide" in out


@pytest.mark.usefixtures("terminal")
def test_rich_summary_on_a_terminal(invoke: Invoke, workspace: Path) -> None:
    out, _ = run(
        invoke, workspace, "handoff", "start", "--as", "karim",
        "--at", "01/12/2026 18:00",
    )  # fmt: skip

    assert "\x1b[" in out  # styled by Rich
    assert "Prise de permanence — Karim Haddad" in out
    assert "• 01/12/2026 15:05 — Faire un don ou obtenir un reçu fiscal" in out
    assert "│ Imprimante en panne." in out


def test_default_format_in_a_pipe_is_the_plain_text(
    invoke: Invoke, workspace: Path
) -> None:
    args = ("handoff", "start", "--as", "karim", "--at", "01/12/2026 18:00")
    piped, _ = run(invoke, workspace, *args)
    text, _ = run(invoke, workspace, *args, "--format", "text")

    assert piped == text


def test_bad_format_and_bad_moment_are_refused_before_logging(
    invoke: Invoke, workspace: Path
) -> None:
    bad_format = invoke(
        ["-w", workspace, "handoff", "start", "--as", "karim", "--format", "pdf"]
    )
    bad_moment = invoke(
        ["-w", workspace, "handoff", "start", "--as", "karim", "--at", "demain"]
    )

    assert bad_format.exit_code == 2
    assert "--format : « pdf » n'est pas l'un de terminal, markdown, text" in (
        bad_format.stderr
    )
    assert bad_moment.exit_code == 2
    assert "--at" in bad_moment.stderr
    assert "JJ/MM/AAAA" not in bad_moment.stdout
    assert len(shift_events(workspace, "shift_started")) == 1


def test_markdown_escapes_what_would_change_the_meaning() -> None:
    from permanence.cli.report_render import Report, Section, to_markdown

    report = Report("T", [Section("S", ["*gras* _x_ [lien] https://a.example/b_c"])])

    text = to_markdown(report)

    assert r"\*gras\* \_x\_ \[lien\] https://a.example/b_c" in text
    assert re.search(r"^\*\*S\*\*$", text, re.MULTILINE)


def test_broken_schedule_only_blocks_when_it_must_say_who(
    invoke: Invoke, workspace: Path
) -> None:
    shifts = workspace / "shifts.yaml"
    text = shifts.read_text(encoding="utf-8")
    broken = text.replace(
        "volunteers: [marie-lefebvre]", "volunteers: [marie-inconnue]"
    )
    assert broken != text
    shifts.write_text(broken, encoding="utf-8")

    given = invoke(["-w", workspace, *START_ARGS, "--as", "Karim Haddad", "--json"])
    guessed = invoke(["-w", workspace, "handoff", "start", "--at", "01/12/2026 14:30"])

    assert given.exit_code == 0, given.stderr
    assert "marie-inconnue" in given.stderr  # the problem is shown...
    assert json.loads(given.stdout)["today"] == []  # ...and shifts are left out
    assert guessed.exit_code == 2
    assert "marie-inconnue" in guessed.stderr


def test_a_start_of_an_older_shift_is_not_taken_for_the_last_one(
    invoke: Invoke, workspace: Path
) -> None:
    # Fatou logged her start and end on Tuesday; on Wednesday only her end.
    seed(workspace, [event(at(2, 17), "Fatou Diallo", "shift_ended", "RAS")])

    out, _ = run(
        invoke, workspace, "handoff", "start", "--as", "claire",
        "--at", "03/12/2026 09:00", "--json",
    )  # fmt: skip

    summary = json.loads(out)
    assert summary["last_ended"]["time"] == "2026-12-02T17:00:00+01:00"
    # Not Tuesday 14:00: the schedule's shift before that end, Wednesday 9:00.
    assert summary["since"] == "2026-12-02T09:00:00+01:00"
    assert summary["calls"] == []
