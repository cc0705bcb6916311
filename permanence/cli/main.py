"""Entry point: choose the language, build the command tree, run it.

The language must be known before the commands are built, because their
help texts are translated then. It comes from the workspace's settings
(remembered in a small cache so that ``shifts.yaml`` is not parsed on
every start) or else from the locale.
"""

from __future__ import annotations

import sys
from pathlib import Path

from permanence.i18n import set_language
from permanence.workspace import find_workspace


def _workspace_argument(args: list[str]) -> Path | None:
    """Return the value of ``--workspace``/``-w`` in ``args``, if given."""
    for index, arg in enumerate(args):
        if arg.startswith("--workspace="):
            return Path(arg.split("=", 1)[1])
        if arg in ("--workspace", "-w") and index + 1 < len(args):
            return Path(args[index + 1])
    return None


def choose_language(args: list[str]) -> str:
    """Set and return the interface language for a command line."""
    from permanence.errors import PermanenceError
    from permanence.language_cache import workspace_language

    try:
        workspace = find_workspace(_workspace_argument(args))
        language = workspace_language(workspace)
    except PermanenceError:
        language = None  # the command reports the problem itself
    return set_language(language)


def run() -> None:
    """Run the ``permanence`` command (the console script)."""
    from permanence.cli.app import build_command

    args = sys.argv[1:]
    choose_language(args)
    build_command().main(args, prog_name="permanence")
