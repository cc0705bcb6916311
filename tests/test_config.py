"""``permanence config``: effective values and their sources, no secrets."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from tests.conftest import Invoke


def test_config_shows_sources_and_hides_the_password(
    invoke: Invoke, sample_workspace: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("PERMANENCE_VOLUNTEER", "Camille")
    monkeypatch.setenv("PERMANENCE_SMTP_PASSWORD", "s3cr3t-pass")
    monkeypatch.setenv("PERMANENCE_WEBHOOK", "https://chat.example.org/hooks/t0ken")
    outcome = invoke(["-w", sample_workspace, "config", "--json"])
    assert outcome.exit_code == 0
    rows = {row["key"]: row for row in json.loads(outcome.stdout)}
    assert rows["volunteer"]["value"] == "Camille"
    assert rows["volunteer"]["source"] == "env:PERMANENCE_VOLUNTEER"
    assert rows["workspace"]["source"] == "--workspace"
    assert rows["smtp password"]["value"] == "défini"
    assert rows["webhook"]["value"] == "défini"
    assert "s3cr3t-pass" not in outcome.stdout + outcome.stderr
    assert "t0ken" not in outcome.stdout + outcome.stderr


def test_config_reads_the_user_file(
    invoke: Invoke,
    sample_workspace: Path,
    monkeypatch: pytest.MonkeyPatch,
    tmp_path: Path,
) -> None:
    folder = tmp_path / "conf"
    folder.mkdir()
    (folder / "config.yaml").write_text("volunteer: Samir\n", encoding="utf-8")
    monkeypatch.setenv("PERMANENCE_CONFIG_DIR", str(folder))
    outcome = invoke(["-w", sample_workspace, "config", "--json"])
    rows = {row["key"]: row for row in json.loads(outcome.stdout)}
    assert rows["volunteer"] == {
        "key": "volunteer",
        "value": "Samir",
        "source": str(folder / "config.yaml"),
    }


def test_unknown_key_in_the_user_file_is_exit_2(
    invoke: Invoke,
    sample_workspace: Path,
    monkeypatch: pytest.MonkeyPatch,
    tmp_path: Path,
) -> None:
    (tmp_path / "config.yaml").write_text("volonteer: Samir\n", encoding="utf-8")
    monkeypatch.setenv("PERMANENCE_CONFIG_DIR", str(tmp_path))
    outcome = invoke(["-w", sample_workspace, "config"])
    assert outcome.exit_code == 2
    assert "config.yaml:1:1" in outcome.stderr
    assert "volunteer" in outcome.stderr


def test_an_edited_user_file_is_read_again(
    invoke: Invoke,
    sample_workspace: Path,
    monkeypatch: pytest.MonkeyPatch,
    tmp_path: Path,
) -> None:
    monkeypatch.setenv("PERMANENCE_CONFIG_DIR", str(tmp_path))
    config = tmp_path / "config.yaml"

    def volunteer() -> str:
        outcome = invoke(["-w", sample_workspace, "config", "--json"])
        rows = {row["key"]: row for row in json.loads(outcome.stdout)}
        return str(rows["volunteer"]["value"])

    config.write_text("volunteer: Samir\n", encoding="utf-8")
    assert volunteer() == "Samir"
    assert volunteer() == "Samir"  # from the cache this time
    config.write_text("volunteer: Léa Martin\n", encoding="utf-8")
    assert volunteer() == "Léa Martin"
