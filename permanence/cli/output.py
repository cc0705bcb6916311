"""Consoles and output helpers shared by the commands.

Data goes to stdout; messages, prompts and warnings go to stderr. Rich
decides on colour by itself and respects ``NO_COLOR``.
"""

from __future__ import annotations

import sys
from functools import cache
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from rich.console import Console


@cache
def stdout() -> Console:
    """Return the console for data."""
    from rich.console import Console

    # No ``file``: Rich then writes to whatever sys.stdout is at print time.
    return Console(highlight=False)


@cache
def stderr() -> Console:
    """Return the console for messages."""
    from rich.console import Console

    return Console(stderr=True, highlight=False)


def print_json(value: Any) -> None:
    """Print ``value`` as indented JSON on stdout (UTF-8, not escaped)."""
    import json

    sys.stdout.write(json.dumps(value, ensure_ascii=False, indent=2, default=str))
    sys.stdout.write("\n")


def say(message: str) -> None:
    """Print a plain message for the user on stderr."""
    stderr().print(message, markup=False, soft_wrap=True)


def read_paragraph(prompt: str) -> str:
    """Show ``prompt``, then read standard input up to an empty line."""
    say(prompt)
    lines = []
    for line in sys.stdin:
        if not line.strip():
            break
        lines.append(line.rstrip("\n"))
    return "\n".join(lines)


def warn(message: str) -> None:
    """Print a warning on stderr, marked by a word as well as a colour."""
    from permanence.i18n import _

    stderr().print(f"[yellow]{_('Warning:')}[/yellow] ", end="")
    stderr().print(message, markup=False, soft_wrap=True)
