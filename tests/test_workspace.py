"""Finding the workspace and reading its settings."""

from __future__ import annotations

from pathlib import Path

import pytest

from permanence.errors import InvalidInputError, WorkspaceError
from permanence.settings import load_settings
from permanence.workspace import find_workspace


def test_workspace_is_found_from_a_subfolder(sample_workspace: Path) -> None:
    inner = sample_workspace / "faq"
    assert find_workspace(cwd=inner).root == sample_workspace


def test_environment_variable_names_the_workspace(
    sample_workspace: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("PERMANENCE_WORKSPACE", str(sample_workspace))
    assert find_workspace(cwd=tmp_path).root == sample_workspace


def test_missing_workspace_says_how_to_give_one(tmp_path: Path) -> None:
    with pytest.raises(WorkspaceError, match="--workspace"):
        find_workspace(cwd=tmp_path)


def test_explicit_workspace_must_exist(tmp_path: Path) -> None:
    with pytest.raises(WorkspaceError, match="n'existe pas"):
        find_workspace(tmp_path / "nowhere")


def test_sample_settings_load(sample_workspace: Path) -> None:
    settings = load_settings(sample_workspace / "shifts.yaml")
    assert settings.name == "Le Fil Solidaire"
    assert settings.language == "fr"
    assert settings.zone.key == "Europe/Paris"


def test_settings_problems_are_all_reported_with_positions(tmp_path: Path) -> None:
    path = tmp_path / "shifts.yaml"
    path.write_text(
        "settings:\n"
        "  name: Asso\n"
        "  timezon: Europe/Paris\n"
        "  language: de\n"
        "  retention_months: -3\n",
        encoding="utf-8",
    )
    with pytest.raises(InvalidInputError) as caught:
        load_settings(path)
    lines = [f"{p.line}:{p.column}" for p in caught.value.problems]
    messages = " | ".join(p.message for p in caught.value.problems)
    assert lines == ["3:3", "4:13", "5:21"]
    assert "vouliez-vous dire « timezone »" in messages
    assert "langue non prise en charge « de »" in messages
    assert "retention_months" in messages


def test_yaml_syntax_error_names_the_line(tmp_path: Path) -> None:
    path = tmp_path / "shifts.yaml"
    path.write_text("settings:\n  name: [Asso\n  language: fr\n", encoding="utf-8")
    with pytest.raises(InvalidInputError) as caught:
        load_settings(path)
    problem = caught.value.problems[0]
    assert problem.path == path
    assert problem.line == 3
    assert "YAML invalide" in problem.message


def test_sheet_key_is_taken_from_its_address(tmp_path: Path) -> None:
    path = tmp_path / "shifts.yaml"
    path.write_text(
        "settings:\n  sheet:\n"
        "    url: https://docs.google.com/spreadsheets/d/AbC123_x/edit#gid=0\n",
        encoding="utf-8",
    )
    sheet = load_settings(path).sheet
    assert sheet is not None
    assert (sheet.key, sheet.worksheet) == ("AbC123_x", "Appels")


def test_a_key_written_twice_is_reported_where_it_repeats(tmp_path: Path) -> None:
    path = tmp_path / "shifts.yaml"
    path.write_text(
        "settings:\n  name: A\n  language: fr\n  name: B\n", encoding="utf-8"
    )
    with pytest.raises(InvalidInputError) as caught:
        load_settings(path)
    problem = caught.value.problems[0]
    assert (problem.line, problem.column) == (4, 3)
    assert problem.message == "« name » est écrit deux fois ici : n'en gardez qu'un"


def test_state_folder_ignores_itself_whoever_creates_it(sample_workspace: Path) -> None:
    from permanence.workspace import Workspace

    workspace = Workspace(sample_workspace)
    cache = workspace.cache_file("example.pickle")
    assert cache.parent.parent == workspace.state_dir
    assert (workspace.state_dir / ".gitignore").read_text(encoding="utf-8") == "*\n"
