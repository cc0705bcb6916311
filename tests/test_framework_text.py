"""The framework's own texts (help layout, usage errors) follow the language."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from permanence.cli.app import COMMANDS, build_command, load_command
from permanence.cli.framework_text import translate_click_message
from tests.conftest import Invoke

# What the framework prints in English when nothing translates it.
ENGLISH_MARKERS = (
    "Usage:",
    "Show this message",
    "default:",
    "[required]",
    "Install completion",
    "Commands:",
    "COMMAND [ARGS]",
    "<str>",
    "<int",
    "<path>",
)


def _command_paths() -> list[list[str]]:
    root = build_command()
    for name in COMMANDS:
        root.add_command(load_command(name), name)

    def walk(command: Any, path: list[str]) -> list[list[str]]:
        found = [path]
        for name, sub in sorted(getattr(command, "commands", {}).items()):
            found += walk(sub, [*path, name])
        return found

    return walk(root, [])


def test_every_help_screen_is_french_from_top_to_bottom(
    invoke: Invoke, sample_workspace: Path
) -> None:
    english = {}
    for path in _command_paths():
        outcome = invoke(["-w", sample_workspace, *path, "--help"])
        assert outcome.exit_code == 0, path
        assert "Utilisation : permanence" in outcome.stdout, path
        assert "Afficher cette aide et quitter." in outcome.stdout, path
        found = [marker for marker in ENGLISH_MARKERS if marker in outcome.stdout]
        if found:
            english[" ".join(path) or "permanence"] = found
    assert english == {}


def test_help_keeps_the_framework_texts_in_english(
    invoke: Invoke, tmp_path: Path
) -> None:
    # A folder without settings: the locale chooses the language.
    outcome = invoke(["-w", tmp_path, "faq", "search", "--help"], lang="en")
    assert outcome.stdout.startswith(
        "Usage: permanence faq search [OPTIONS] {WORDS...}"
    )
    assert "Show this message and exit." in outcome.stdout
    assert "[default: 3; x>=1]" in outcome.stdout
    assert "[required]" in outcome.stdout


def test_french_help_shows_defaults_requirements_and_value_kinds(
    invoke: Invoke, sample_workspace: Path
) -> None:
    outcome = invoke(["-w", sample_workspace, "faq", "search", "--help"])
    assert "Utilisation : permanence faq search [OPTIONS] {MOTS...}" in outcome.stdout
    assert "-n, --limit <nombre>" in outcome.stdout
    assert "[par défaut : 3; x>=1]" in outcome.stdout
    assert "MOTS...  La question, ou quelques mots.  [obligatoire]" in outcome.stdout


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["faq", "search"], "Argument manquant : MOTS..."),
        (
            ["faq", "search", "-n", "x", "don"],
            "Valeur incorrecte pour '--limit' / '-n' : 'x' n'est pas un nombre entier.",
        ),
        (
            ["faq", "search", "-n", "0", "don"],
            "Valeur incorrecte pour '--limit' / '-n' : 0 est en dehors des valeurs "
            "acceptées (x>=1).",
        ),
        (["faq", "search", "don", "--limit"], "L'option '--limit' attend une valeur."),
        (
            ["faq", "search", "--json=oui", "don"],
            "L'option '--json' ne prend pas de valeur.",
        ),
        (
            ["faq", "search", "--limt", "2", "don"],
            "Option inconnue : --limt (vouliez-vous dire --limit ?)",
        ),
        (["gide"], "Commande inconnue : 'gide'. Vouliez-vous dire 'guide' ?"),
        (
            ["handoff", "stat"],
            "Commande inconnue : 'stat'. Vouliez-vous dire 'start' ?",
        ),
        (["xyz"], "Commande inconnue : 'xyz'."),
        (
            ["guide", "accueil", "en", "plus"],
            "Mots en trop (en plus) : mettez entre guillemets une valeur",
        ),
    ],
)
def test_usage_errors_are_french_with_exit_2(
    invoke: Invoke, sample_workspace: Path, args: list[str], message: str
) -> None:
    outcome = invoke(["-w", sample_workspace, *args])
    assert outcome.exit_code == 2
    assert f"Erreur : {message}" in outcome.stderr
    assert "Error" not in outcome.stderr
    assert "Traceback" not in outcome.stderr


def test_a_usage_error_shows_the_usage_line_and_where_help_is(
    invoke: Invoke, sample_workspace: Path
) -> None:
    outcome = invoke(["-w", sample_workspace, "faq", "search", "-n", "x", "don"])
    lines = outcome.stderr.splitlines()
    assert lines[0] == "Utilisation : permanence faq search [OPTIONS] {MOTS...}"
    assert lines[1] == "Pour l'aide : 'permanence faq search --help'."


def test_usage_errors_are_english_when_the_interface_is(
    invoke: Invoke, tmp_path: Path
) -> None:
    outcome = invoke(["-w", tmp_path, "faq", "search", "-n", "x"], lang="en")
    assert outcome.exit_code == 2
    assert outcome.stderr.splitlines()[:2] == [
        "Usage: permanence faq search [OPTIONS] {WORDS...}",
        "Try 'permanence faq search --help' for help.",
    ]
    assert outcome.stderr.endswith(
        "Error: Invalid value for '--limit' / '-n': 'x' is not a whole number.\n"
    )
    missing = invoke(["-w", tmp_path, "faq", "search"], lang="en")
    assert missing.stderr.endswith("Error: Missing argument: WORDS...\n")


def test_an_answer_cut_short_at_a_prompt_is_reported_in_french(
    invoke: Invoke, sample_workspace: Path
) -> None:
    outcome = invoke(["-w", sample_workspace, "faq", "add"], input="")
    assert outcome.exit_code == 130
    assert outcome.stderr.rstrip().endswith("Abandon.")


def test_an_unknown_wording_is_shown_as_it_is() -> None:
    message = "Something the framework says in a new way."
    assert translate_click_message(message) == message
