"""The labelled query sets of the relevance benchmark stay usable."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest
import yaml

from bench.bench_faq import KINDS
from tests.conftest import REPO_ROOT, Invoke

SETS = sorted((REPO_ROOT / "bench").glob("faq_queries*.yaml"))
OTHER = REPO_ROOT / "bench" / "other-workspace"


def _known_ids(workspace: Path) -> set[str]:
    faq = {path.stem for path in (workspace / "faq").glob("*.md")}
    guide = {f"guide/{path.stem}" for path in (workspace / "guide").glob("*.md")}
    return faq | guide


def test_there_are_five_sets() -> None:
    assert [path.name for path in SETS] == [
        "faq_queries.yaml",
        "faq_queries_blind_a.yaml",
        "faq_queries_blind_b.yaml",
        "faq_queries_blind_c.yaml",
        "faq_queries_heldout.yaml",
    ]


@pytest.mark.parametrize(
    ("workspace", "path"),
    [*((REPO_ROOT, path) for path in SETS), (OTHER, OTHER / "queries.yaml")],
    ids=lambda value: value.name,
)
def test_every_query_has_a_kind_and_answers_that_exist(
    workspace: Path, path: Path
) -> None:
    queries = yaml.safe_load(path.read_text(encoding="utf-8"))["queries"]
    known = _known_ids(workspace)
    wrong = [
        item["query"]
        for item in queries
        if item["kind"] not in KINDS
        or (item["kind"] == "no_answer") != (not item["expected"])
        or not set(item["expected"]) <= known
    ]
    assert wrong == []
    assert len(queries) >= 84


def test_the_other_workspace_loads_without_problems(
    invoke: Invoke, tmp_path: Path
) -> None:
    workspace = tmp_path / "other"
    shutil.copytree(OTHER, workspace)
    guide = invoke(["-w", workspace, "guide", "--menu"])
    assert guide.exit_code == 0, guide.stderr
    assert "tapez 5" in guide.stdout
    search = invoke(["-w", workspace, "faq", "--json", "caution"])
    assert search.exit_code == 0
    assert search.stderr == ""  # no file reported as broken
