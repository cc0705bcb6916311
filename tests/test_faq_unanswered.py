"""Questions the FAQ lacks: recorded with the time, listed for coordinators."""

from __future__ import annotations

import json
import shutil
from datetime import datetime, timedelta, timezone
from pathlib import Path

from permanence import faq
from permanence.workspace import Workspace
from tests.conftest import Invoke

PARIS = timezone(timedelta(hours=1))


def at(hour: int) -> datetime:
    return datetime(2026, 3, 2, hour, 15, tzinfo=PARIS)


def test_recorded_queries_are_read_back_with_their_time(tmp_path: Path) -> None:
    workspace = Workspace(tmp_path)
    assert faq.record_unanswered(workspace, "horaires de la piscine", now=at(9))
    assert faq.record_unanswered(workspace, "cours de yoga", now=at(10))
    assert faq.read_unanswered(workspace) == [
        faq.UnansweredQuery(at(9), "horaires de la piscine"),
        faq.UnansweredQuery(at(10), "cours de yoga"),
    ]
    lines = (tmp_path / ".permanence" / "unanswered.jsonl").read_text("utf-8")
    assert json.loads(lines.splitlines()[0])["time"] == "2026-03-02T09:15:00+01:00"


def test_nothing_recorded_reads_as_an_empty_list(tmp_path: Path) -> None:
    assert faq.read_unanswered(Workspace(tmp_path)) == []


def test_a_damaged_line_is_skipped(tmp_path: Path) -> None:
    workspace = Workspace(tmp_path)
    faq.record_unanswered(workspace, "yoga", now=at(9))
    log = tmp_path / ".permanence" / "unanswered.jsonl"
    with log.open("a", encoding="utf-8") as handle:
        handle.write('{"time": "2026-03-02T10:0\n')  # a write cut short
    faq.record_unanswered(workspace, "piscine", now=at(11))
    assert [q.query for q in faq.read_unanswered(workspace)] == ["yoga", "piscine"]


def test_phone_numbers_and_emails_are_not_kept(tmp_path: Path) -> None:
    workspace = Workspace(tmp_path)
    faq.record_unanswered(workspace, "rappeler 06 12 34 56 78 ou jo@example.org svp")
    assert faq.read_unanswered(workspace)[0].query == "rappeler … ou … svp"


def test_summary_groups_identical_queries_most_recent_first(tmp_path: Path) -> None:
    workspace = Workspace(tmp_path)
    faq.record_unanswered(workspace, "Cours de yoga ?", now=at(9))
    faq.record_unanswered(workspace, "piscine", now=at(10))
    faq.record_unanswered(workspace, "cours de Yoga", now=at(11))
    summaries = faq.summarize_unanswered(workspace)
    assert [(s.query, s.times, s.last_time) for s in summaries] == [
        ("cours de Yoga", 2, at(11)),
        ("piscine", 1, at(10)),
    ]


def test_unanswered_command_lists_them(invoke: Invoke, sample_workspace: Path) -> None:
    invoke(["-w", sample_workspace, "faq", "adopter", "un", "chien"])
    invoke(["-w", sample_workspace, "faq", "piscine"])
    invoke(["-w", sample_workspace, "faq", "Adopter", "un", "chien"])
    done = invoke(["-w", sample_workspace, "faq", "unanswered", "--json"])
    assert done.exit_code == 0
    listed = json.loads(done.stdout)
    assert [(item["query"], item["count"]) for item in listed] == [
        ("Adopter un chien", 2),
        ("piscine", 1),
    ]
    assert datetime.fromisoformat(listed[0]["last_time"]).utcoffset() is not None
    table = invoke(["-w", sample_workspace, "faq", "unanswered"])
    assert "Adopter un chien" in table.stdout
    assert "Questions sans réponse" in table.stdout


def test_unanswered_questions_show_the_closest_entry(
    invoke: Invoke, sample_workspace: Path
) -> None:
    invoke(["-w", sample_workspace, "faq", "il y a des marches pour entrer"])
    invoke(["-w", sample_workspace, "faq", "adopter", "un", "chien"])
    done = invoke(["-w", sample_workspace, "faq", "unanswered", "--json"])
    closest = {item["query"]: item["closest"] for item in json.loads(done.stdout)}
    # An entry covers the first in other words: a synonym is what lacks.
    assert closest == {
        "il y a des marches pour entrer": "accessibilite-fauteuil",
        "adopter un chien": None,
    }
    table = invoke(["-w", sample_workspace, "faq", "unanswered"]).stdout
    assert "Entrée la plus proche" in table
    assert "accessibilite-fauteuil" in table


def test_without_a_faq_folder_the_questions_are_still_listed(
    invoke: Invoke, sample_workspace: Path
) -> None:
    faq.record_unanswered(Workspace(sample_workspace), "piscine", now=at(9))
    shutil.rmtree(sample_workspace / "faq")
    done = invoke(["-w", sample_workspace, "faq", "unanswered", "--json"])
    assert done.exit_code == 0, done.stderr
    assert [(i["query"], i["closest"]) for i in json.loads(done.stdout)] == [
        ("piscine", None)
    ]


def test_unanswered_command_says_when_there_is_none(
    invoke: Invoke, sample_workspace: Path
) -> None:
    done = invoke(["-w", sample_workspace, "faq", "unanswered"], lang="en")
    assert done.exit_code == 0
    assert done.stdout == ""
    assert "Aucune question sans réponse" in done.stderr  # the workspace says fr


def test_a_query_without_meaningful_words_is_not_recorded(
    invoke: Invoke, sample_workspace: Path
) -> None:
    done = invoke(["-w", sample_workspace, "faq", "bonjour", "???"])
    assert done.exit_code == 0
    assert "notée" not in done.stderr
    assert faq.read_unanswered(Workspace(sample_workspace)) == []
