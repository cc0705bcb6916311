"""``permanence faq``: searching the sample workspace, nothing found, the log."""

from __future__ import annotations

import json
import shutil
from datetime import datetime
from pathlib import Path

import pytest

from permanence import faq
from permanence.workspace import Workspace
from tests.conftest import Invoke


def search_ids(invoke: Invoke, workspace: Path, *query: str) -> list[str]:
    done = invoke(["-w", workspace, "faq", "--json", *query])
    assert done.exit_code == 0, done.stderr
    return [item["id"] for item in json.loads(done.stdout)]


@pytest.mark.parametrize(
    ("query", "acceptable"),
    [
        (["combien", "coûte", "l'adhésion"], {"montant-cotisation"}),  # exact
        (["recu", "fiscal"], {"delai-recu-fiscal", "recu-fiscal-perdu"}),  # accents
        (["EPICERIE", "SOLIDAIRE"], {"epicerie-solidaire"}),  # case
        (["brderie"], {"braderie"}),  # typo
        (["staionnement"], {"stationnement"}),  # swapped letters
        # Slips in forms whose stem is known: "donées" stems like "don".
        (
            ["effacer", "mes", "donées"],
            {"effacer-mes-donnees", "guide/donnees-personnelles"},
        ),
        (
            ["inscritpion", "repas", "solidaire"],
            {"repas-solidaire", "inscription-evenement"},
        ),
        (["les", "bénévoles", "sont-ils", "formés"], {"formation-benevoles"}),
        (["comment", "devenir", "membre"], {"montant-cotisation", "guide/adhesion"}),
        (["vide-grenier"], {"braderie"}),  # synonym
        (["legs"], {"legs-donation"}),  # one word
    ],
)
def test_sample_queries_find_the_right_answer_first(
    invoke: Invoke, sample_workspace: Path, query: list[str], acceptable: set[str]
) -> None:
    assert search_ids(invoke, sample_workspace, *query)[0] in acceptable


def test_json_results_carry_id_path_question_score_and_snippet(
    invoke: Invoke, sample_workspace: Path
) -> None:
    done = invoke(["-w", sample_workspace, "faq", "--json", "parking"])
    first = json.loads(done.stdout)[0]
    assert set(first) == {"id", "path", "question", "score", "snippet"}
    assert first["path"] == "faq/stationnement.md"
    assert first["score"] > 0
    assert "parking" in first["snippet"].lower()


def test_guide_pages_are_found_with_their_title_as_question(
    invoke: Invoke, sample_workspace: Path
) -> None:
    done = invoke(["-w", sample_workspace, "faq", "--json", "--limit", "10", "presse"])
    pages = [item for item in json.loads(done.stdout) if item["id"] == "guide/presse"]
    assert pages
    assert pages[0]["question"] == "Demandes de la presse"


def test_limit_caps_the_answers(invoke: Invoke, sample_workspace: Path) -> None:
    assert len(search_ids(invoke, sample_workspace, "--limit", "1", "cotisation")) == 1
    assert len(search_ids(invoke, sample_workspace, "-n", "5", "cotisation")) == 5
    assert len(search_ids(invoke, sample_workspace, "cotisation")) == 3


def test_out_of_scope_query_prints_nothing_and_is_logged(
    invoke: Invoke, sample_workspace: Path
) -> None:
    before = datetime.now().astimezone().replace(microsecond=0)
    done = invoke(["-w", sample_workspace, "faq", "--json", "adopter", "un", "chien"])
    assert done.exit_code == 0
    assert json.loads(done.stdout) == []
    assert "adopter un chien" in done.stderr
    log = sample_workspace / ".permanence" / "unanswered.jsonl"
    line = json.loads(log.read_text(encoding="utf-8").splitlines()[-1])
    assert line["query"] == "adopter un chien"
    moment = datetime.fromisoformat(line["time"])
    assert moment.utcoffset() is not None
    assert before <= moment <= datetime.now().astimezone()


def test_an_answered_query_is_not_logged(
    invoke: Invoke, sample_workspace: Path
) -> None:
    search_ids(invoke, sample_workspace, "braderie")
    assert faq.read_unanswered(Workspace(sample_workspace)) == []


@pytest.mark.parametrize(
    ("lang", "message"),
    [("fr", "Aucune réponse trouvée pour « piscine »"), ("en", "No answer found for")],
)
def test_nothing_found_is_said_in_the_interface_language(
    invoke: Invoke, sample_workspace: Path, lang: str, message: str
) -> None:
    shifts = sample_workspace / "shifts.yaml"
    shifts.write_text(
        shifts.read_text(encoding="utf-8").replace("language: fr", ""), encoding="utf-8"
    )
    done = invoke(["-w", sample_workspace, "faq", "piscine"], lang=lang)
    assert done.exit_code == 0
    assert done.stdout == ""
    assert message in done.stderr


def test_entries_close_to_an_unanswered_query_are_listed_apart(
    invoke: Invoke, sample_workspace: Path
) -> None:
    query = ["il", "y", "a", "des", "marches", "pour", "entrer"]
    done = invoke(["-w", sample_workspace, "faq", *query])
    assert done.exit_code == 0
    assert "Aucune réponse trouvée" in done.stderr
    lines = done.stdout.splitlines()
    assert lines[0] == "Questions proches, qui n'y répondent peut-être pas :"
    assert "accessibilite-fauteuil" in lines[2]
    # Not answers: the JSON list stays empty and the question is noted.
    assert search_ids(invoke, sample_workspace, *query) == []
    unanswered = faq.read_unanswered(Workspace(sample_workspace))
    assert [entry.query for entry in unanswered] == [" ".join(query)] * 2


@pytest.fixture
def coloured_output(monkeypatch: pytest.MonkeyPatch) -> None:
    """Make the output styled, as on a terminal."""
    monkeypatch.setenv("FORCE_COLOR", "1")
    monkeypatch.delenv("NO_COLOR", raising=False)


def test_matching_words_are_highlighted(
    invoke: Invoke, sample_workspace: Path, coloured_output: None
) -> None:
    done = invoke(["-w", sample_workspace, "faq", "garer", "voiture"])
    assert done.exit_code == 0
    # bold, underlined and yellow: inside the bold question, and in the
    # answer where a synonym of the query matched
    mark = "\x1b[33m\x1b[1m\x1b[4m{}\x1b[0m"
    assert mark.format("garer") in done.stdout
    assert mark.format("stationnement") in done.stdout
    assert mark.format("peut").lower() not in done.stdout.lower()


def test_no_color_leaves_plain_text(invoke: Invoke, sample_workspace: Path) -> None:
    done = invoke(["-w", sample_workspace, "faq", "garer", "voiture"])
    assert "\x1b[" not in done.stdout
    assert "garer" in done.stdout


def test_answers_show_question_id_path_and_text(
    invoke: Invoke, sample_workspace: Path
) -> None:
    done = invoke(["-w", sample_workspace, "faq", "se", "garer"])
    assert done.exit_code == 0
    assert "1. Peut-on se garer près de l'association ?" in done.stdout
    assert "stationnement — faq/stationnement.md" in done.stdout
    assert "L'association n'a pas de parking." in done.stdout


def test_the_search_spans_mark_the_matched_words(sample_workspace: Path) -> None:
    outcome = faq.search(Workspace(sample_workspace), "garer voiture", record=False)
    best = outcome.answers[0]
    marked = [best.question[a:b] for a, b in best.question_spans]
    assert marked == ["garer"]


def test_search_is_the_default_subcommand(
    invoke: Invoke, sample_workspace: Path
) -> None:
    direct = search_ids(invoke, sample_workspace, "braderie")
    explicit = invoke(["-w", sample_workspace, "faq", "search", "--json", "braderie"])
    assert [item["id"] for item in json.loads(explicit.stdout)] == direct
    # "search add" searches the word "add" instead of adding an entry
    entries = sorted((sample_workspace / "faq").iterdir())
    word = invoke(["-w", sample_workspace, "faq", "search", "--json", "add"])
    assert word.exit_code == 0
    assert json.loads(word.stdout) == []
    assert "« add »" in word.stderr
    assert sorted((sample_workspace / "faq").iterdir()) == entries


def test_faq_without_words_shows_the_help(
    invoke: Invoke, sample_workspace: Path
) -> None:
    done = invoke(["-w", sample_workspace, "faq"])
    assert "unanswered" in done.stdout + done.stderr
    assert "add" in done.stdout + done.stderr


def test_a_broken_entry_is_reported_and_skipped(
    invoke: Invoke, sample_workspace: Path
) -> None:
    broken = sample_workspace / "faq" / "cassee.md"
    broken.write_text("---\nquestoin: La braderie ?\n---\nRéponse.\n", encoding="utf-8")
    done = invoke(["-w", sample_workspace, "faq", "--json", "braderie"])
    assert done.exit_code == 0
    assert json.loads(done.stdout)[0]["id"] == "braderie"
    assert f"{broken}:2:1: " in done.stderr
    assert "« question » manquante" in done.stderr
    again = invoke(["-w", sample_workspace, "faq", "--json", "braderie"])
    assert f"{broken}:2:1: " in again.stderr  # still said when the index is reused


def test_missing_faq_folder_exits_2(invoke: Invoke, sample_workspace: Path) -> None:
    shutil.rmtree(sample_workspace / "faq")
    done = invoke(["-w", sample_workspace, "faq", "braderie"])
    assert done.exit_code == 2
    assert "faq" in done.stderr
    assert "Traceback" not in done.stderr


def test_broken_file_messages_follow_the_interface_language(
    invoke: Invoke, sample_workspace: Path
) -> None:
    shifts = sample_workspace / "shifts.yaml"
    shifts.write_text(
        shifts.read_text(encoding="utf-8").replace("language: fr", ""), encoding="utf-8"
    )
    broken = sample_workspace / "faq" / "cassee.md"
    broken.write_text("---\ntags: [a]\n---\nRéponse.\n", encoding="utf-8")
    french = invoke(["-w", sample_workspace, "faq", "--json", "braderie"], lang="fr")
    english = invoke(["-w", sample_workspace, "faq", "--json", "braderie"], lang="en")
    assert "manquante" in french.stderr
    assert "missing 'question'" in english.stderr
