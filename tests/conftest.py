"""Shared fixtures: isolated user config, sample workspaces, in-process CLI."""

from __future__ import annotations

import shutil
import sys
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass
from pathlib import Path

import pytest
from typer.testing import CliRunner

from permanence.cli import context
from permanence.cli.app import build_command
from permanence.i18n import set_language

REPO_ROOT = Path(__file__).resolve().parent.parent
DATA = Path(__file__).resolve().parent / "data"


@dataclass
class Outcome:
    """What a command printed and returned."""

    exit_code: int
    stdout: str
    stderr: str
    exception: BaseException | None


Invoke = Callable[..., Outcome]


@pytest.fixture(autouse=True)
def _isolated_user(
    tmp_path_factory: pytest.TempPathFactory, monkeypatch: pytest.MonkeyPatch
) -> Iterator[None]:
    """Point every per-user path at a temporary folder; clear our variables."""
    import os

    for name in list(os.environ):
        if name.startswith("PERMANENCE_"):
            monkeypatch.delenv(name)
    config = tmp_path_factory.mktemp("user-config")
    monkeypatch.setenv("PERMANENCE_CONFIG_DIR", str(config))
    monkeypatch.setenv("LANG", "fr_FR.UTF-8")
    monkeypatch.delenv("LANGUAGE", raising=False)
    monkeypatch.delenv("LC_ALL", raising=False)
    monkeypatch.delenv("LC_MESSAGES", raising=False)
    monkeypatch.setenv("COLUMNS", "120")
    yield
    context.reset()
    set_language(None)


@pytest.fixture
def sample_workspace(tmp_path: Path) -> Path:
    """A private copy of the repository's sample workspace."""
    target = tmp_path / "workspace"
    target.mkdir()
    for name in ("guide", "faq"):
        shutil.copytree(REPO_ROOT / name, target / name)
    shutil.copy(REPO_ROOT / "shifts.yaml", target / "shifts.yaml")
    return target


@pytest.fixture
def invoke() -> Invoke:
    """Run ``permanence ARGS`` in-process; stdout and stderr kept apart.

    ``lang`` chooses the locale the command starts with (the workspace's
    own ``language`` setting still wins, as in real use).
    """

    def run(args: Sequence[str], input: str | None = None, lang: str = "fr") -> Outcome:
        from permanence.cli.main import choose_language, find_given_workspace

        args = [str(arg) for arg in args]
        env = {"LANG": f"{lang}_{lang.upper()}.UTF-8"}
        runner = CliRunner()
        with runner.isolation(input=input, env=env) as (out, err, _):
            choose_language(find_given_workspace(args))
            command = build_command()
            code, exception = 0, None
            try:
                command.main(args=args, prog_name="permanence")
            except SystemExit as stop:
                code = stop.code if isinstance(stop.code, int) else 1
                exception = stop if code else None
            except Exception as error:  # reported to the test, not raised
                code, exception = 1, error
            finally:
                sys.stdout.flush()
                sys.stderr.flush()
            stdout, stderr = out.getvalue(), err.getvalue()
        return Outcome(code, stdout.decode(), stderr.decode(), exception)

    return run
