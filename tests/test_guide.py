"""``permanence guide``: pages, reasons, the phone menu, and broken pages."""

from __future__ import annotations

import json
from pathlib import Path

from tests.conftest import Invoke


def test_guide_lists_pages_and_reasons(invoke: Invoke, sample_workspace: Path) -> None:
    outcome = invoke(["-w", sample_workspace, "guide", "--json"])
    assert outcome.exit_code == 0
    pages = json.loads(outcome.stdout)
    codes = [page["reason"]["code"] for page in pages if "reason" in page]
    assert "presse" in codes
    assert len(codes) == len(set(codes))
    assert any("reason" not in page for page in pages)  # plain rule pages too


def test_press_page_shows_owner_and_fields(
    invoke: Invoke, sample_workspace: Path
) -> None:
    outcome = invoke(["-w", sample_workspace, "guide", "presse"])
    assert outcome.exit_code == 0
    assert "Transmis à" in outcome.stdout
    assert "À noter" in outcome.stdout
    assert "(obligatoire)" in outcome.stdout


def test_menu_script_lists_digits_in_order(
    invoke: Invoke, sample_workspace: Path
) -> None:
    outcome = invoke(["-w", sample_workspace, "guide", "--menu"])
    assert outcome.exit_code == 0
    lines = outcome.stdout.strip().splitlines()
    assert lines[0] == "Bonjour, ici Le Fil Solidaire."
    digits = [
        int(line.rsplit("tapez ", 1)[1].rstrip("."))
        for line in lines
        if "tapez" in line
    ]
    assert digits == sorted(digits)
    assert len(digits) >= 5
    assert lines[-1] == "Pour réécouter ce menu, restez en ligne."


def test_menu_in_english(invoke: Invoke, sample_workspace: Path) -> None:
    shifts = sample_workspace / "shifts.yaml"
    shifts.write_text(
        shifts.read_text(encoding="utf-8").replace("language: fr", "language: en"),
        encoding="utf-8",
    )
    outcome = invoke(["-w", sample_workspace, "guide", "--menu"])
    assert "press 1." in outcome.stdout


def test_unknown_page_lists_the_choices(invoke: Invoke, sample_workspace: Path) -> None:
    outcome = invoke(["-w", sample_workspace, "guide", "pressse"])
    assert outcome.exit_code == 2
    assert "presse" in outcome.stderr
    assert "Traceback" not in outcome.stderr


def test_broken_page_is_reported_and_skipped(
    invoke: Invoke, sample_workspace: Path
) -> None:
    broken = sample_workspace / "guide" / "zz-casse.md"
    broken.write_text(
        "---\ntitle: Cassé\nreason: [oops\n---\nTexte\n", encoding="utf-8"
    )
    outcome = invoke(["-w", sample_workspace, "guide", "--json"])
    assert outcome.exit_code == 0
    assert f"{broken}:4" in outcome.stderr
    assert "YAML invalide" in outcome.stderr
    assert "presse" in outcome.stdout


def test_page_problems_name_line_and_column(
    invoke: Invoke, sample_workspace: Path
) -> None:
    page = sample_workspace / "guide" / "zz-faux.md"
    page.write_text(
        "---\ntitle: Faux\nreason: Faux Motif\ndigti: 3\n"
        "fields:\n  - label: Sans nom\n---\nTexte\n",
        encoding="utf-8",
    )
    outcome = invoke(["-w", sample_workspace, "guide", "--json"])
    assert f"{page}:3:9: le code de motif « Faux Motif »" in outcome.stderr
    assert f"{page}:4:1: clé inconnue « digti »" in outcome.stderr
    assert "vouliez-vous dire « digit »" in outcome.stderr
    assert f"{page}:6:5: chaque champ doit avoir au moins un « name »" in outcome.stderr


def test_missing_guide_folder_is_exit_2(invoke: Invoke, tmp_path: Path) -> None:
    (tmp_path / "shifts.yaml").write_text("settings:\n  name: X\n", encoding="utf-8")
    outcome = invoke(["-w", tmp_path, "guide"])
    assert outcome.exit_code == 2
    assert "guide" in outcome.stderr
    assert "Traceback" not in outcome.stderr
