"""``permanence faq add``: new entries, well formed, never over another one."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from permanence.errors import UserInputError
from permanence.faq import PreparedEntry, slugify, write_entry
from permanence.knowledge import FaqEntry, load_faq
from tests.conftest import Invoke

QUESTION = "Avez-vous un défibrillateur à l'accueil ?"
FLAGS = [
    "--question", QUESTION,
    "--tags", "santé, sécurité",
    "--reason", "informations-generales",
    "--answer", "Oui, près de la porte d'entrée.",
]  # fmt: skip


def read_entry(path: Path) -> FaqEntry:
    loaded = load_faq(path.parent)
    assert loaded.problems == []
    return next(entry for entry in loaded.items if entry.path == path)


def written_path(stdout: str) -> Path:
    # The test runner echoes typed input on stdout (a terminal would show
    # it as it is typed); the path is the last line.
    return Path(stdout.strip().splitlines()[-1])


def test_slug_strips_accents_and_shortens_on_a_word() -> None:
    assert slugify("Où déposer des vêtements ?") == "ou-deposer-des-vetements"
    long = slugify("Est-ce que " + "très " * 30 + "long ?")
    assert len(long) <= 50
    assert not long.endswith("-")
    assert slugify("?!") == "question"


def test_add_with_flags_writes_a_well_formed_entry(
    invoke: Invoke, sample_workspace: Path
) -> None:
    done = invoke(["-w", sample_workspace, "faq", "add", *FLAGS])
    assert done.exit_code == 0, done.stderr
    path = Path(done.stdout.strip())
    assert (
        path == sample_workspace / "faq" / "avez-vous-un-defibrillateur-a-l-accueil.md"
    )
    entry = read_entry(path)
    assert entry.question == QUESTION
    assert entry.tags == ("santé", "sécurité")
    assert entry.reason == "informations-generales"
    assert entry.answer == "Oui, près de la porte d'entrée."


def test_a_new_entry_is_found_by_the_next_search(
    invoke: Invoke, sample_workspace: Path
) -> None:
    invoke(["-w", sample_workspace, "faq", "--json", "braderie"])  # builds the index
    invoke(["-w", sample_workspace, "faq", "add", *FLAGS])
    done = invoke(["-w", sample_workspace, "faq", "--json", "défibrillateur"])
    assert json.loads(done.stdout)[0]["id"] == "avez-vous-un-defibrillateur-a-l-accueil"


def test_same_question_twice_gets_a_numbered_file_and_keeps_the_first(
    invoke: Invoke, sample_workspace: Path
) -> None:
    first = Path(invoke(["-w", sample_workspace, "faq", "add", *FLAGS]).stdout.strip())
    before = first.read_text(encoding="utf-8")
    other = [*FLAGS[:-1], "Autre réponse."]
    second = Path(invoke(["-w", sample_workspace, "faq", "add", *other]).stdout.strip())
    third = Path(invoke(["-w", sample_workspace, "faq", "add", *other]).stdout.strip())
    assert second.name == first.stem + "-2.md"
    assert third.name == first.stem + "-3.md"
    assert first.read_text(encoding="utf-8") == before
    assert "Autre réponse." in second.read_text(encoding="utf-8")


def test_prompts_ask_for_everything_and_the_answer_ends_on_an_empty_line(
    invoke: Invoke, sample_workspace: Path
) -> None:
    typed = (
        "Vous prêtez des fauteuils ?\nmatériel, prêt\n\n"
        "Non, nous n'en avons pas.\nVoyez le CCAS.\n\n"
    )
    done = invoke(["-w", sample_workspace, "faq", "add"], input=typed)
    assert done.exit_code == 0, done.stderr
    entry = read_entry(written_path(done.stdout))
    assert entry.question == "Vous prêtez des fauteuils ?"
    assert entry.tags == ("matériel", "prêt")
    assert entry.reason is None
    assert entry.answer == "Non, nous n'en avons pas.\nVoyez le CCAS."
    assert "Question" in done.stderr  # prompts go to stderr, the path to stdout


def test_a_mistyped_reason_is_asked_again_and_nothing_is_lost(
    invoke: Invoke, sample_workspace: Path
) -> None:
    typed = "Une question ?\n\nadhesoin\nadhesion\nLa réponse.\n\n"
    done = invoke(["-w", sample_workspace, "faq", "add"], input=typed)
    assert done.exit_code == 0, done.stderr
    assert "adhesoin" in done.stderr
    entry = read_entry(written_path(done.stdout))
    assert (entry.reason, entry.answer) == ("adhesion", "La réponse.")


def test_answer_read_from_standard_input(
    invoke: Invoke, sample_workspace: Path
) -> None:
    args = ["-w", sample_workspace, "faq", "add", "--question", "Q ?", "--tags", ""]
    done = invoke([*args, "--answer", "-"], input="Ligne 1\n\nLigne 3\n")
    assert done.exit_code == 0, done.stderr
    entry = read_entry(Path(done.stdout.strip()))
    assert entry.answer == "Ligne 1\n\nLigne 3"


def test_unknown_reason_given_as_flag_exits_2_and_writes_nothing(
    invoke: Invoke, sample_workspace: Path
) -> None:
    before = sorted((sample_workspace / "faq").iterdir())
    done = invoke(["-w", sample_workspace, "faq", "add", *FLAGS[:4], "--reason", "zzz",
                   "--answer", "Oui."])  # fmt: skip
    assert done.exit_code == 2
    assert "zzz" in done.stderr
    assert "adhesion" in done.stderr  # the valid codes are listed
    assert sorted((sample_workspace / "faq").iterdir()) == before


def test_empty_answer_exits_2(invoke: Invoke, sample_workspace: Path) -> None:
    done = invoke(["-w", sample_workspace, "faq", "add", *FLAGS[:-1], " "])
    assert done.exit_code == 2
    assert "réponse est vide" in done.stderr


def test_dry_run_shows_the_file_and_writes_nothing(
    invoke: Invoke, sample_workspace: Path
) -> None:
    before = sorted((sample_workspace / "faq").iterdir())
    done = invoke(["-w", sample_workspace, "faq", "add", *FLAGS, "--dry-run"])
    assert done.exit_code == 0, done.stderr
    assert done.stdout.startswith("---\nquestion: ")
    assert "Oui, près de la porte d'entrée." in done.stdout
    assert "avez-vous-un-defibrillateur-a-l-accueil.md" in done.stderr
    assert sorted((sample_workspace / "faq").iterdir()) == before


def test_added_entries_load_with_the_rest_of_the_faq(
    invoke: Invoke, sample_workspace: Path
) -> None:
    count = len(load_faq(sample_workspace / "faq").items)
    invoke(["-w", sample_workspace, "faq", "add", *FLAGS])
    loaded = load_faq(sample_workspace / "faq")
    assert loaded.problems == []
    assert len(loaded.items) == count + 1


def test_with_question_given_missing_tags_and_reason_are_not_asked(
    invoke: Invoke, sample_workspace: Path
) -> None:
    args = ["-w", sample_workspace, "faq", "add", "--question", "Avez-vous un piano ?"]
    done = invoke([*args, "--answer", "Non."], input="")
    assert done.exit_code == 0, done.stderr
    entry = read_entry(Path(done.stdout.strip()))
    assert (entry.tags, entry.reason, entry.answer) == ((), None, "Non.")


def test_an_unwritable_place_is_reported_with_what_to_fix(tmp_path: Path) -> None:
    prepared = PreparedEntry(tmp_path / "gone" / "q.md", "---\nquestion: Q\n---\n\nR\n")
    with pytest.raises(UserInputError, match=r"gone/q\.md \(No such file"):
        write_entry(prepared)
