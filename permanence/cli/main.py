"""Entry point: choose the language, build the command tree, run it.

The language must be known before the commands are built, because their
help texts are translated then. It comes from the workspace's settings
(remembered in a small cache so that ``shifts.yaml`` is not parsed on
every start) or else from the locale.

A FAQ search also starts checking the knowledge base's files in the
background here, before the framework is loaded (``permanence.search.stamp``).
"""

from __future__ import annotations

import contextlib
import gc
import sys
from pathlib import Path

from permanence.errors import PermanenceError
from permanence.i18n import set_language
from permanence.workspace import Workspace, find_workspace

# The root options that take a value, as ``app._root`` declares them.
_VALUE_OPTIONS = ("--workspace", "-w")


def _workspace_argument(args: list[str]) -> Path | None:
    """Return the value of ``--workspace``/``-w`` in ``args``, if given."""
    for index, arg in enumerate(args):
        if arg.startswith("--workspace="):
            return Path(arg.split("=", 1)[1])
        if arg in _VALUE_OPTIONS and index + 1 < len(args):
            return Path(args[index + 1])
    return None


def _command_words(args: list[str]) -> list[str]:
    """Return the words of ``args`` after the root options."""
    index = 0
    while index < len(args) and args[index].startswith("-"):
        index += 2 if args[index] in _VALUE_OPTIONS else 1
    return args[index:]


def _is_faq_search(args: list[str]) -> bool:
    words = _command_words(args)
    return (
        len(words) >= 2
        and words[0] == "faq"
        and words[1] not in ("add", "unanswered", "--help")
    )


def find_given_workspace(args: list[str]) -> Workspace | None:
    """Return the workspace a command line is about, None if there is none."""
    try:
        return find_workspace(_workspace_argument(args))
    except PermanenceError:
        return None  # the command reports the problem itself


def choose_language(workspace: Workspace | None) -> str:
    """Set and return the interface language for a workspace (or none)."""
    from permanence.language_cache import workspace_language

    language = None
    if workspace is not None:
        # A broken shifts.yaml: the command reports it.
        with contextlib.suppress(PermanenceError):
            language = workspace_language(workspace)
    return set_language(language)


def run() -> None:
    """Run the ``permanence`` command (the console script)."""
    args = sys.argv[1:]
    workspace = find_given_workspace(args)
    if workspace is not None and _is_faq_search(args):
        from permanence.search.stamp import start_for_large_index

        start_for_large_index(workspace)
    choose_language(workspace)

    from permanence.cli.app import build_command

    command = build_command()
    # What exists now (the framework, the commands) lives until the process
    # ends. Out of the garbage collector's reach, it is not walked again by
    # its passes, nor by the collection the interpreter makes on exit: 5 to
    # 9 ms off every command (docs/benchmarks.md).
    gc.freeze()
    command.main(args, prog_name="permanence")
