"""The root command: help everywhere, version, errors and exit codes."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from typer.testing import CliRunner

from permanence import __version__
from permanence.cli.app import build_app, build_command
from tests.conftest import Invoke


def _commands(
    command: Any, path: tuple[str, ...] = ()
) -> list[tuple[tuple[str, ...], Any]]:
    found = [(path, command)]
    for name, sub in getattr(command, "commands", {}).items():
        found += _commands(sub, (*path, name))
    return found


def test_every_command_and_option_has_help() -> None:
    from permanence.cli.app import COMMANDS, load_command

    root = build_command()
    for name in COMMANDS:
        root.add_command(load_command(name), name)
    lacking = []
    for path, command in _commands(root):
        if not command.help:
            lacking.append(" ".join(path) or "permanence")
        for param in command.params:
            if getattr(param, "help", "x") in ("", None) and param.name != "help":
                lacking.append(f"{' '.join(path)} {param.name}")
    assert lacking == []


def test_help_is_french_by_default_and_english_on_request(
    invoke: Invoke, tmp_path: Path
) -> None:
    french = invoke(["-w", tmp_path, "--help"])
    english = invoke(["-w", tmp_path, "--help"], lang="en")
    assert "Tenir une permanence téléphonique" in french.stdout
    assert "Run a volunteer phone hotline" in english.stdout


def test_version_is_printed(invoke: Invoke) -> None:
    outcome = invoke(["--version"])
    assert outcome.exit_code == 0
    assert outcome.stdout.strip() == f"permanence {__version__}"


def test_missing_workspace_is_exit_2_without_traceback(
    invoke: Invoke, tmp_path: Path
) -> None:
    outcome = invoke(["-w", tmp_path / "absent", "guide"])
    assert outcome.exit_code == 2
    assert "n'existe pas" in outcome.stderr
    assert "Traceback" not in outcome.stderr + outcome.stdout


def _app_with_a_bug() -> Any:
    app = build_app()

    @app.command("boom", help="Fails like a bug would.")
    def boom() -> None:
        raise ZeroDivisionError("division by zero")

    return app


def test_bug_prints_one_line_and_the_debug_hint(tmp_path: Path) -> None:
    outcome = CliRunner().invoke(_app_with_a_bug(), ["-w", str(tmp_path), "boom"])
    assert outcome.exit_code == 70
    assert "--debug" in outcome.stderr
    assert "ZeroDivisionError" in outcome.stderr
    assert "Traceback" not in outcome.stderr


def test_bug_shows_its_traceback_with_debug(tmp_path: Path) -> None:
    outcome = CliRunner().invoke(
        _app_with_a_bug(), ["--debug", "-w", str(tmp_path), "boom"]
    )
    assert isinstance(outcome.exception, ZeroDivisionError)


def test_command_map_matches_what_the_modules_register() -> None:
    from permanence.cli.app import COMMANDS, module_commands

    registered = {
        name: module
        for module in set(COMMANDS.values())
        for name in module_commands(module)
    }
    assert registered == COMMANDS


def test_every_command_has_a_summary_in_the_root_help(
    invoke: Invoke, tmp_path: Path
) -> None:
    from permanence.cli.app import COMMANDS
    from permanence.cli.summaries import SUMMARIES

    assert set(SUMMARIES) == set(COMMANDS)
    outcome = invoke(["-w", tmp_path, "--help"])
    assert (
        "  faq        Trouver la réponse à la question d'un appelant." in outcome.stdout
    )


def test_a_reader_that_stops_early_gets_no_error(sample_workspace: Path) -> None:
    import subprocess
    import sys

    # An answer larger than a pipe's buffer, so that writing it must block.
    long_answer = "Une réponse très détaillée sur la braderie.\n" * 4000
    (sample_workspace / "faq" / "braderie-longue.md").write_text(
        "---\nquestion: Braderie en détail ?\ntags: [braderie]\n---\n" + long_answer,
        encoding="utf-8",
    )
    argv = [sys.executable, "-m", "permanence", "-w", str(sample_workspace)]
    process = subprocess.Popen(
        [*argv, "faq", "braderie", "détail"],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
    )
    assert process.stdout is not None
    process.stdout.readline()
    process.stdout.close()  # like `| head -1`
    _, errors = process.communicate(timeout=60)
    assert process.returncode == 0
    assert errors.decode() == ""


def test_an_unusable_output_path_is_exit_2_naming_it(
    invoke: Invoke, sample_workspace: Path, tmp_path: Path
) -> None:
    target = tmp_path / "missing-folder" / "rapport.html"
    outcome = invoke(["-w", sample_workspace, "stats", "--html", target])
    assert outcome.exit_code == 2
    assert f"{target} :" in outcome.stderr
    assert "vérifiez le chemin" in outcome.stderr
    assert "Traceback" not in outcome.stderr


@pytest.mark.parametrize(
    ("args", "searches"),
    [
        (["faq", "reçu", "fiscal"], True),
        (["-w", "faq", "faq", "search", "add"], True),
        (["--debug", "-vv", "--workspace=ici", "faq", "don"], True),
        (["faq", "add"], False),
        (["faq", "unanswered"], False),
        (["faq"], False),
        (["-w", "faq", "guide"], False),
        (["who"], False),
    ],
)
def test_a_faq_search_is_told_before_the_framework_loads(
    args: list[str], searches: bool
) -> None:
    from permanence.cli.main import _is_faq_search

    assert _is_faq_search(args) is searches


@pytest.mark.parametrize(
    ("words", "expected"),
    [
        ("permanence fa", "faq"),
        ("permanence faq search --l", "--limit"),
        ("permanence hand", "handoff"),
    ],
)
def test_shell_completion_offers_commands_and_options(
    words: str, expected: str, tmp_path: Path
) -> None:
    import os
    import subprocess
    import sys

    env = {
        **os.environ,
        "_PERMANENCE_COMPLETE": "complete_bash",
        "COMP_WORDS": words,
        "COMP_CWORD": str(len(words.split()) - 1),
    }
    code = (
        "import sys\nfrom permanence.cli.main import run\n"
        "sys.argv = ['permanence']\nrun()"
    )
    done = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, env=env,
        cwd=tmp_path, check=False,
    )  # fmt: skip
    assert done.returncode == 0, done.stderr
    assert expected in done.stdout.split()
