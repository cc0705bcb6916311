"""``permanence schedule check|show|standin`` on the sample workspace."""

from __future__ import annotations

import json
from pathlib import Path

from tests.conftest import Invoke


def english(workspace: Path) -> Path:
    """Drop the workspace's language setting so the locale decides."""
    shifts = workspace / "shifts.yaml"
    text = shifts.read_text(encoding="utf-8").replace("  language: fr\n", "")
    shifts.write_text(text, encoding="utf-8")
    return workspace


def test_check_reports_gaps_conflicts_and_standins_in_french(
    invoke: Invoke, sample_workspace: Path
) -> None:
    outcome = invoke(
        [
            "-w",
            sample_workspace,
            "schedule",
            "check",
            "--from",
            "2026-10-19",
            "--to",
            "2026-11-01",
        ]
    )
    assert outcome.exit_code == 1
    assert outcome.stdout.splitlines() == [
        "Créneaux du lundi 19/10/2026 au dimanche 01/11/2026 : 19",
        "",
        "Personne de permanence (1) :",
        "  TROU  jeudi 29/10/2026 14:00-17:00",
        "        pourraient le prendre : Amina Ouali, Jean Dupuis, Thomas Girard",
        "",
        "Créneaux à revoir (2) :",
        "  mercredi 28/10/2026 09:00-12:00  mercredi-matin-sophie-20261028: "
        "Sophie Bernard est absent·e ce jour-là",
        "        pourraient le prendre : Luc Moreau, Amina Ouali, Claire Martin, "
        "Jean Dupuis (et 1 autre(s))",
        "  vendredi 30/10/2026 14:00-17:00  vendredi-apres-midi-sophie-20261030: "
        "Sophie Bernard est absent·e ce jour-là",
        "        pourraient le prendre : Luc Moreau, Amina Ouali, Jean Dupuis, "
        "Thomas Girard",
    ]
    assert "3 problèmes trouvés dans le planning" in outcome.stderr


def test_check_in_english_reports_the_weekly_maximum(
    invoke: Invoke, sample_workspace: Path
) -> None:
    workspace = english(sample_workspace)
    args = [
        "-w",
        workspace,
        "schedule",
        "check",
        "--today",
        "2026-09-28",
        "--to",
        "2026-10-04",
    ]
    outcome = invoke(args, lang="en")
    assert outcome.exit_code == 1
    lines = outcome.stdout.splitlines()
    assert lines[0] == "Shifts from Monday 2026-09-28 to Sunday 2026-10-04: 11"
    assert "Over their weekly maximum (1):" in lines
    assert "  Luc Moreau: 2 shifts in week 2026-W40 (maximum 1)" in lines
    assert "        Saturday 2026-10-03 13:00-17:00  portes-ouvertes" in lines
    standins = "could step in: Amina Ouali, Jean Dupuis, Thomas Girard"
    assert f"        portes-ouvertes: {standins}" in lines
    assert "1 problem found in the schedule" in outcome.stderr


def test_check_json_and_exit_0_when_all_is_covered(
    invoke: Invoke, sample_workspace: Path
) -> None:
    args = ["-w", sample_workspace, "schedule", "check", "--json"]
    outcome = invoke([*args, "--from", "2026-11-02", "--to", "2026-11-08"])
    assert outcome.exit_code == 0, outcome.stderr
    data = json.loads(outcome.stdout)
    assert (data["from"], data["to"]) == ("2026-11-02", "2026-11-08")
    assert data["shifts"] == 10
    assert data["gaps"] == data["overloads"] == data["conflicts"] == []


def test_check_json_lists_gap_candidates_least_loaded_first(
    invoke: Invoke, sample_workspace: Path
) -> None:
    args = ["-w", sample_workspace, "schedule", "check", "--json"]
    outcome = invoke([*args, "--from", "2027-02-01", "--to", "2027-02-07"])
    assert outcome.exit_code == 1
    (gap,) = json.loads(outcome.stdout)["gaps"]
    assert (gap["start"], gap["end"]) == (
        "2027-02-03T09:00:00+01:00",
        "2027-02-03T12:00:00+01:00",
    )
    loads = [(c["shifts_that_week"], c["shifts_around"]) for c in gap["candidates"]]
    assert loads == sorted(loads)
    # Everyone free has one shift that week: ties go by name.
    assert [c["id"] for c in gap["candidates"]][:2] == ["amina-ouali", "claire-martin"]
    assert "sophie-bernard" in [c["id"] for c in gap["candidates"]]


def test_check_rejects_a_bad_date(invoke: Invoke, sample_workspace: Path) -> None:
    outcome = invoke(
        ["-w", sample_workspace, "schedule", "check", "--from", "2026-02-30"]
    )
    assert outcome.exit_code == 2
    assert "--from" in outcome.stderr
    assert "Traceback" not in outcome.stderr


def test_show_marks_gaps_with_a_word(invoke: Invoke, sample_workspace: Path) -> None:
    outcome = invoke(
        ["-w", sample_workspace, "schedule", "show", "--week", "2026-10-28"]
    )
    assert outcome.exit_code == 0, outcome.stderr
    text = outcome.stdout
    assert "Semaine du lundi 26/10/2026" in text
    rows = [line for line in text.splitlines() if line.startswith("│ 14:00-17:00")]
    assert len(rows) == 1
    cells = [cell.strip() for cell in rows[0].strip("│").split("│")]
    assert cells == [
        "14:00-17:00",
        "Jean D.",
        "Fatou D.",
        "",
        "TROU",
        "Sophie B.",
        "",
        "",
    ]
    assert "TROU : heures d'ouverture sans personne de permanence." in text


def test_show_json_lists_the_week(invoke: Invoke, sample_workspace: Path) -> None:
    outcome = invoke(
        ["-w", sample_workspace, "schedule", "show", "--week", "2026-12-21", "--json"]
    )
    assert outcome.exit_code == 0, outcome.stderr
    data = json.loads(outcome.stdout)
    assert data["week_of"] == "2026-12-21"
    assert data["shifts"] == []
    assert data["gaps"] == []
    assert data["closed"]["2026-12-24"] == "Vacances de Noël"


def test_standin_by_rule_and_date(invoke: Invoke, sample_workspace: Path) -> None:
    args = ["-w", sample_workspace, "schedule", "standin", "mercredi-matin-sophie"]
    outcome = invoke([*args, "--date", "2026-10-28", "--json"])
    assert outcome.exit_code == 0, outcome.stderr
    data = json.loads(outcome.stdout)
    assert data["shift"] == "mercredi-matin-sophie-20261028"
    assert data["booked"] == ["sophie-bernard"]
    ids = [c["id"] for c in data["candidates"]]
    assert ids == [
        "luc-moreau",
        "amina-ouali",
        "claire-martin",
        "jean-dupuis",
        "thomas-girard",
    ]


def test_standin_text_names_phones_and_loads(
    invoke: Invoke, sample_workspace: Path
) -> None:
    outcome = invoke(
        ["-w", sample_workspace, "schedule", "standin", "jeudi-soir-20270211"]
    )
    assert outcome.exit_code == 0, outcome.stderr
    assert outcome.stdout.splitlines() == [
        "Permanence du soir (jeudi-soir-20270211)  jeudi 11/02/2027 18:00-20:00",
        "Inscrit·es : Amina Ouali",
        "Pourraient le prendre, les moins chargé·es d'abord :",
        "  Sophie Bernard  06 39 98 12 07  (0 créneau cette semaine-là)",
        "  Karim Haddad  06 39 98 12 06  (1 créneau cette semaine-là)",
    ]


def test_standin_for_an_unknown_shift_suggests_the_format(
    invoke: Invoke, sample_workspace: Path
) -> None:
    outcome = invoke(
        ["-w", sample_workspace, "schedule", "standin", "mardi-soire"], lang="fr"
    )
    assert outcome.exit_code == 2
    assert "« mardi-soir-AAAAMMJJ »" in outcome.stderr


def test_check_of_a_single_day_and_reversed_range(
    invoke: Invoke, sample_workspace: Path
) -> None:
    base = ["-w", sample_workspace, "schedule", "check", "--json"]
    one_day = invoke([*base, "--from", "2026-10-29", "--to", "2026-10-29"])
    assert one_day.exit_code == 1
    assert len(json.loads(one_day.stdout)["gaps"]) == 1
    reversed_range = invoke([*base, "--from", "2026-10-29", "--to", "2026-10-28"])
    assert reversed_range.exit_code == 2
    assert "--to ne doit pas venir avant --from" in reversed_range.stderr
