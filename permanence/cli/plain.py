"""Light output for the commands run with a caller on the line.

Rich takes longer to import than these commands take to run, so the
everyday views (the guide's list, FAQ answers) are styled with the
framework's own ``typer.style``: colour and bold on a terminal, plain text
when piped or when ``NO_COLOR`` is set.
"""

from __future__ import annotations

import os
import sys
from collections.abc import Sequence

import typer


def use_color() -> bool:
    """Return whether stdout gets colour: a terminal, and no ``NO_COLOR``."""
    return sys.stdout.isatty() and not os.environ.get("NO_COLOR")


def styled(text: str, **style: object) -> str:
    """Return ``text`` styled for stdout (``bold=True``, ``fg="cyan"``...)."""
    if not use_color():
        return text
    return typer.style(text, **style)  # type: ignore[arg-type]


def print_columns(headers: Sequence[str], rows: Sequence[Sequence[str]]) -> None:
    """Print rows as aligned columns under bold headers."""
    widths = [len(header) for header in headers]
    for row in rows:
        widths = [
            max(width, len(cell)) for width, cell in zip(widths, row, strict=True)
        ]
    line = "  ".join(
        header.ljust(width) for header, width in zip(headers, widths, strict=True)
    )
    print(styled(line.rstrip(), bold=True))
    for row in rows:
        print(
            "  ".join(
                cell.ljust(width) for cell, width in zip(row, widths, strict=True)
            ).rstrip()
        )
