"""``permanence log``: options, JSON input and the interactive dialogue."""

from __future__ import annotations

import json
import re
from datetime import datetime, timedelta
from pathlib import Path

import pytest

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


ID = re.compile(r"^\d{8}-\d{6}-[0-9a-z]{4}$")
ADHESION = ["--reason", "adhesion", "--field", "nom=Jean Dupré"]
ADHESION += ["--field", "type_demande=renouv", "--yes"]


def log(invoke: Invoke, root: Path, *args: str, input: str | None = None):  # type: ignore[no-untyped-def]
    return invoke(["-w", root, "log", *args], input=input)


def test_options_record_a_call_with_e164_phone_and_offset(
    invoke: Invoke, calls_workspace: Path
) -> None:
    done = log(invoke, calls_workspace, *ADHESION, "--phone", "06 12 34 56 78")

    assert done.exit_code == 0, done.stderr
    assert ID.match(done.stdout.strip())
    [record] = stored(calls_workspace)
    assert record.id == done.stdout.strip()
    assert record.caller_phone == "+33612345678"
    assert record.fields["type_demande"] == "renouvellement"
    assert record.caller_name == "Jean Dupré"  # from the reason's 'nom' field
    assert record.volunteer == "Léa"
    assert record.time.utcoffset() in (timedelta(hours=1), timedelta(hours=2))
    assert re.search(r"[+-]\d\d:\d\d$", record.time.isoformat())


def test_stored_time_keeps_its_offset_in_json(
    invoke: Invoke, calls_workspace: Path
) -> None:
    log(invoke, calls_workspace, *ADHESION, "--at", "15/07/2026 10:30")

    listed = invoke(["-w", calls_workspace, "calls", "--json"])

    [record] = json.loads(listed.stdout)
    assert record["time"] == "2026-07-15T10:30:00+02:00"
    assert record["id"].startswith("20260715-103000-")


def test_unknown_field_is_refused_listing_the_allowed_ones(
    invoke: Invoke, calls_workspace: Path
) -> None:
    done = log(invoke, calls_workspace, *ADHESION, "--field", "couleur=bleu")

    assert done.exit_code == 2
    assert "couleur" in done.stderr
    assert "nom, telephone, type_demande" in done.stderr
    assert "Traceback" not in done.stderr
    assert stored(calls_workspace) == []


def test_missing_required_field_is_refused(
    invoke: Invoke, calls_workspace: Path
) -> None:
    done = log(invoke, calls_workspace, "--reason", "adhesion", "--yes")

    assert done.exit_code == 2
    assert "nom" in done.stderr
    assert "type_demande" in done.stderr
    assert stored(calls_workspace) == []


def test_every_invalid_option_is_reported_at_once(
    invoke: Invoke, calls_workspace: Path
) -> None:
    done = log(
        invoke, calls_workspace, *ADHESION, "--phone", "123", "--email", "x@",
        "--follow-up", "--due", "45/12/2026", "--field", "personnes=beaucoup",
    )  # fmt: skip

    assert done.exit_code == 2
    for option in ("--phone", "--email", "--due", "--field personnes"):
        assert option in done.stderr
    assert stored(calls_workspace) == []


def test_reason_is_required(invoke: Invoke, calls_workspace: Path) -> None:
    done = log(invoke, calls_workspace, "--caller", "Jean", "--yes")

    assert done.exit_code == 2
    assert "motif" in done.stderr
    assert stored(calls_workspace) == []


def test_unknown_reason_lists_the_codes(invoke: Invoke, calls_workspace: Path) -> None:
    done = log(invoke, calls_workspace, "--reason", "zzz", "--yes")

    assert done.exit_code == 2
    assert "adhesion, dons, donnees-personnelles" in done.stderr


def test_new_reason_is_flagged(invoke: Invoke, calls_workspace: Path) -> None:
    done = log(invoke, calls_workspace, "--new-reason", "Loto de Noël", "--yes")

    assert done.exit_code == 0, done.stderr
    [record] = stored(calls_workspace)
    assert (record.reason, record.reason_is_new) == ("Loto de Noël", True)


def test_follow_up_goes_to_the_reason_owner_by_default(
    invoke: Invoke, calls_workspace: Path
) -> None:
    log(invoke, calls_workspace, *ADHESION, "--follow-up", "--due", "24/12/2026")
    log(invoke, calls_workspace, *ADHESION, "--follow-up", "--owner", "Paul")

    first, second = stored(calls_workspace)
    assert first.follow_up is not None
    assert second.follow_up is not None
    assert first.follow_up.owner == "Martine Roussel"
    assert first.follow_up.owner_email == "adhesions@example.org"
    assert first.follow_up.due is not None
    assert first.follow_up.due.isoformat() == "2026-12-24"
    assert second.follow_up.owner == "Paul"


def test_as_names_the_volunteer(invoke: Invoke, calls_workspace: Path) -> None:
    log(invoke, calls_workspace, *ADHESION, "--as", "Karim")

    assert stored(calls_workspace)[0].volunteer == "Karim"


def test_unknown_volunteer_is_asked_to_say_who(
    invoke: Invoke, calls_workspace: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.delenv("PERMANENCE_VOLUNTEER")

    done = log(invoke, calls_workspace, *ADHESION)

    assert done.exit_code == 2
    assert "--as" in done.stderr
    assert "volunteer" in done.stderr
    assert stored(calls_workspace) == []


def test_volunteer_from_the_user_config_file(
    invoke: Invoke, calls_workspace: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    import os

    monkeypatch.delenv("PERMANENCE_VOLUNTEER")
    config = Path(os.environ["PERMANENCE_CONFIG_DIR"]) / "config.yaml"
    config.write_text("volunteer: Sophie\n", encoding="utf-8")

    log(invoke, calls_workspace, *ADHESION)

    assert stored(calls_workspace)[0].volunteer == "Sophie"


def test_late_call_in_the_future_is_refused(
    invoke: Invoke, calls_workspace: Path
) -> None:
    later = datetime.now(PARIS) + timedelta(days=2)

    done = log(invoke, calls_workspace, *ADHESION, "--at", f"{later:%d/%m/%Y %H:%M}")

    assert done.exit_code == 2
    assert "--at" in done.stderr


def test_json_single_record(invoke: Invoke, calls_workspace: Path) -> None:
    item = {
        "reason": "dons",
        "caller": "Anne",
        "phone": "06 98 76 54 32",
        "fields": {"montant": "50"},
        "follow_up": True,
    }

    done = log(invoke, calls_workspace, "--json", input=json.dumps(item))

    assert done.exit_code == 0, done.stderr
    [record] = stored(calls_workspace)
    assert record.caller_phone == "+33698765432"
    assert record.fields == {"montant": "50"}
    assert record.follow_up is not None
    assert record.follow_up.owner == "Trésorier"


def test_json_list_is_saved_entirely(invoke: Invoke, calls_workspace: Path) -> None:
    items = [
        {"reason": "dons", "at": "2026-11-02 09:15", "as": "Karim"},
        {"new_reason": "Question sur le loto", "note": "rappeler"},
    ]

    done = log(invoke, calls_workspace, "--json", input=json.dumps(items))

    assert done.exit_code == 0, done.stderr
    assert len(done.stdout.split()) == 2
    first, second = stored(calls_workspace)
    assert (first.volunteer, first.time.isoformat()) == (
        "Karim",
        "2026-11-02T09:15:00+01:00",
    )
    assert second.reason_is_new
    assert second.volunteer == "Léa"


def test_json_with_errors_saves_nothing_and_names_index_and_key(
    invoke: Invoke, calls_workspace: Path
) -> None:
    items = [
        {"reason": "dons"},
        {"reason": "adhesion", "fields": {"nom": "X"}, "phone": "12"},
        {"reason": "dons", "colour": "blue"},
    ]

    done = log(invoke, calls_workspace, "--json", input=json.dumps(items))

    assert done.exit_code == 2
    assert "appel n° 2, « phone »" in done.stderr
    assert "appel n° 2, « fields.type_demande »" in done.stderr
    assert "appel n° 3, « colour »" in done.stderr
    assert "appel n° 1" not in done.stderr
    assert stored(calls_workspace) == []


def test_json_that_does_not_parse(invoke: Invoke, calls_workspace: Path) -> None:
    done = log(invoke, calls_workspace, "--json", input="{not json")

    assert done.exit_code == 2
    assert "JSON" in done.stderr


# -- interactive ---------------------------------------------------------------

ANSWERS_AFTER_REASON = [
    "Jean Dupré",  # nom
    "06 12 34 56 78",  # telephone
    "2",  # type_demande: renouvellement
    "",  # personnes
    "",  # date_souhaitee
    "",  # recu
    "",  # precisions
    "",  # caller's name: defaults to nom
    "",  # caller's phone: defaults to telephone
    "",  # caller's e-mail
    "Tarif expliqué",  # answer
    "Rappeler lundi",  # note
    "non",  # follow-up
    "oui",  # confirmation
]


def dialogue(invoke: Invoke, root: Path, lines: list[str]):  # type: ignore[no-untyped-def]
    return invoke(["-w", root, "log", "-i"], input="\n".join(lines) + "\n")


def test_interactive_reason_by_number(invoke: Invoke, calls_workspace: Path) -> None:
    done = dialogue(invoke, calls_workspace, ["1", *ANSWERS_AFTER_REASON])

    assert done.exit_code == 0, done.stderr
    assert ID.match(done.stdout.strip()), "stdout carries only the id"
    [record] = stored(calls_workspace)
    assert record.reason == "adhesion"
    assert (record.caller_name, record.caller_phone) == ("Jean Dupré", "+33612345678")
    assert record.answer == "Tarif expliqué"
    assert record.note == "Rappeler lundi"
    assert record.follow_up is None


def test_interactive_shows_greeting_and_fitting_faq(
    invoke: Invoke, calls_workspace: Path
) -> None:
    done = dialogue(invoke, calls_workspace, ["1", *ANSWERS_AFTER_REASON])

    assert "« Association Test, bonjour ! »" in done.stderr
    assert "Pas dans l'accueil" not in done.stderr
    assert "Combien coûte l'adhésion ?" in done.stderr  # written for the reason
    assert "Où est ma carte ?" in done.stderr  # shares a tag
    assert "Quand êtes-vous ouverts ?" not in done.stderr


def test_interactive_reason_by_letters_without_accents(
    invoke: Invoke, calls_workspace: Path
) -> None:
    done = dialogue(invoke, calls_workspace, ["ADHÉR", *ANSWERS_AFTER_REASON])

    assert done.exit_code == 0, done.stderr
    assert stored(calls_workspace)[0].reason == "adhesion"


def test_interactive_ambiguous_letters_list_the_candidates(
    invoke: Invoke, calls_workspace: Path
) -> None:
    lines = ["don", "dons", "", "", "", "", "", "", "non", "oui"]

    done = dialogue(invoke, calls_workspace, lines)

    assert done.exit_code == 0, done.stderr
    assert "Plusieurs motifs correspondent à « don »" in done.stderr
    assert "2. Faire un don (dons)" in done.stderr
    assert "3. Données personnelles (donnees-personnelles)" in done.stderr
    assert stored(calls_workspace)[0].reason == "dons"


def test_interactive_autre_takes_a_new_reason(
    invoke: Invoke, calls_workspace: Path
) -> None:
    lines = ["autre", "Question sur le loto", "", "", "", "", "", "non", "oui"]

    done = dialogue(invoke, calls_workspace, lines)

    assert done.exit_code == 0, done.stderr
    [record] = stored(calls_workspace)
    assert (record.reason, record.reason_is_new) == ("Question sur le loto", True)


def test_interactive_invalid_values_are_asked_again_alone(
    invoke: Invoke, calls_workspace: Path
) -> None:
    lines = ["1", "Jean Dupré", "0612", "06 12 34 56 78", "9", "2", "deux", "2"]
    lines += ["", "", "", "", "", "jean@", "jean@example.org", "", "", "non", "oui"]

    done = dialogue(invoke, calls_workspace, lines)

    assert done.exit_code == 0, done.stderr
    assert "« 0612 » n'est pas un numéro de téléphone valide" in done.stderr
    assert "« jean@ » n'est pas une adresse e-mail" in done.stderr
    [record] = stored(calls_workspace)
    assert record.caller_name == "Jean Dupré"  # typed once, kept
    assert record.caller_phone == "+33612345678"
    assert record.caller_email == "jean@example.org"
    assert record.fields["personnes"] == "2"


def test_interactive_required_field_cannot_be_empty(
    invoke: Invoke, calls_workspace: Path
) -> None:
    lines = ["1", "", *ANSWERS_AFTER_REASON]

    done = dialogue(invoke, calls_workspace, lines)

    assert done.exit_code == 0, done.stderr
    assert "Celui-ci est obligatoire." in done.stderr


def test_interactive_follow_up_with_owner_and_due(
    invoke: Invoke, calls_workspace: Path
) -> None:
    lines = ["1", *ANSWERS_AFTER_REASON[:-2], "oui", "", "31/12/2026", "oui"]

    done = dialogue(invoke, calls_workspace, lines)

    assert done.exit_code == 0, done.stderr
    follow_up = stored(calls_workspace)[0].follow_up
    assert follow_up is not None
    assert follow_up.owner == "Martine Roussel"
    assert follow_up.due is not None
    assert follow_up.due.isoformat() == "2026-12-31"


def test_end_of_input_before_confirmation_saves_nothing(
    invoke: Invoke, calls_workspace: Path
) -> None:
    done = dialogue(invoke, calls_workspace, ["1", "Jean Dupré", "06 12 34 56 78"])

    assert done.exit_code == 130
    assert "rien n'a été enregistré" in done.stderr
    assert "Traceback" not in done.stderr
    assert done.stdout == ""
    assert stored(calls_workspace) == []


def test_declining_the_confirmation_saves_nothing(
    invoke: Invoke, calls_workspace: Path
) -> None:
    done = dialogue(invoke, calls_workspace, ["1", *ANSWERS_AFTER_REASON[:-1], "non"])

    assert done.exit_code == 0
    assert "Rien n'a été enregistré." in done.stderr
    assert stored(calls_workspace) == []


def test_interactive_shows_the_callers_earlier_calls(
    invoke: Invoke, calls_workspace: Path
) -> None:
    earlier = make_record(
        datetime(2026, 10, 5, 11, 0, tzinfo=PARIS),
        caller_phone="+33612345678",
        note="Carte pas reçue",
        follow_up="Martine Roussel",
    )
    add_records(calls_workspace, [earlier])

    done = dialogue(invoke, calls_workspace, ["1", *ANSWERS_AFTER_REASON])

    assert "Cette personne a déjà appelé" in done.stderr
    assert "05/10/2026 adhesion" in done.stderr
    assert "suite à donner ouverte : Martine Roussel" in done.stderr


def test_ctrl_c_during_the_dialogue_saves_nothing(calls_workspace: Path) -> None:
    import os
    import select
    import signal
    import subprocess
    import sys
    import time

    process = subprocess.Popen(
        [sys.executable, "-m", "permanence", "log", "-i"],
        cwd=calls_workspace,
        stdin=subprocess.PIPE,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        env={**os.environ, "LANG": "fr_FR.UTF-8"},
    )
    assert process.stdin is not None
    assert process.stderr is not None
    process.stdin.write("1\nJean Dupré\n".encode())
    process.stdin.flush()
    seen, deadline = b"", time.monotonic() + 20
    while "Téléphone pour le rappel".encode() not in seen:
        assert time.monotonic() < deadline, seen.decode()
        ready, _, _ = select.select([process.stderr], [], [], 1)
        if ready:
            seen += os.read(process.stderr.fileno(), 4096)

    process.send_signal(signal.SIGINT)
    out, err = process.communicate(timeout=30)

    assert process.returncode == 130
    assert "Interrompu : rien n'a été enregistré." in err.decode()
    assert "Traceback" not in err.decode()
    assert out == b""
    assert stored(calls_workspace) == []


def test_with_a_sheet_but_no_credentials_the_call_waits_locally(
    invoke: Invoke, calls_workspace: Path
) -> None:
    from permanence.adapters.callstore import CallStore
    from permanence.workspace import Workspace

    shifts = calls_workspace / "shifts.yaml"
    text = shifts.read_text(encoding="utf-8")
    shifts.write_text(
        text + "  sheet:\n    key: CleDuTableurDeTest\n", encoding="utf-8"
    )

    done = log(invoke, calls_workspace, *ADHESION)

    assert done.exit_code == 0, done.stderr
    assert "en attente d'envoi vers le tableur" in done.stderr
    assert "permanence sync" in done.stderr
    with CallStore.open(Workspace(calls_workspace)) as store:
        assert [r.id for r in store.pending_for_sheet()] == [done.stdout.strip()]


def test_volunteer_on_duty_is_taken_from_the_schedule(sample_workspace: Path) -> None:
    from permanence.calls.recording import current_volunteer
    from permanence.settings import workspace_settings
    from permanence.workspace import Workspace

    workspace = Workspace(sample_workspace)
    settings = workspace_settings(workspace)
    # In the sample schedule, Fatou Diallo alone holds Tuesday afternoons,
    # and nobody is on duty on Tuesday mornings.
    tuesday_afternoon = datetime(2026, 12, 1, 15, 0, tzinfo=PARIS)
    tuesday_morning = datetime(2026, 12, 1, 8, 0, tzinfo=PARIS)
    assert current_volunteer(workspace, settings, tuesday_afternoon) == "Fatou Diallo"
    assert current_volunteer(workspace, settings, tuesday_morning) is None
