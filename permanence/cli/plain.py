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
    """Return whether stdout gets colour, by the same rules as Rich.

    ``NO_COLOR`` turns colour off, ``FORCE_COLOR`` on; otherwise colour is
    used on a terminal only.
    """
    if os.environ.get("NO_COLOR"):
        return False
    return bool(os.environ.get("FORCE_COLOR")) or sys.stdout.isatty()


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


Span = tuple[int, int]
HIGHLIGHT: dict[str, object] = {"bold": True, "underline": True, "fg": "yellow"}


def highlighted(text: str, spans: Sequence[Span], offset: int = 0) -> str:
    """Return ``text`` with the ``spans`` (shifted by ``offset``) highlighted."""
    if not use_color() or not spans:
        return text
    pieces, position = [], 0
    for start, end in sorted(spans):
        start, end = max(start - offset, position), min(end - offset, len(text))
        if start >= end:
            continue
        pieces += [text[position:start], styled(text[start:end], **HIGHLIGHT)]
        position = end
    pieces.append(text[position:])
    return "".join(pieces)


def wrapped_lines(text: str, width: int) -> list[tuple[int, str]]:
    """Split ``text`` into lines of at most ``width`` characters, at spaces.

    Each line comes with its offset in ``text``, so that highlights found
    in the whole text can be applied line by line.
    """
    lines: list[tuple[int, str]] = []
    offset = 0
    for paragraph in text.split("\n"):
        start = offset
        while len(paragraph) - (start - offset) > width:
            cut = paragraph.rfind(" ", start - offset, start - offset + width + 1)
            if cut <= start - offset:  # one word longer than the line
                cut = start - offset + width
            lines.append((start, paragraph[start - offset : cut]))
            start = offset + cut + (paragraph[cut : cut + 1] == " ")
        lines.append((start, paragraph[start - offset :]))
        offset += len(paragraph) + 1
    return lines


def joined_paragraphs(markdown: str) -> str:
    """Join the lines of each markdown paragraph, keeping lists and blanks.

    Each joining newline becomes a space, so offsets into the text stay valid.
    """
    import re

    return re.sub(r"(?<=\S)\n(?=[^\s\-*#>|\d])", " ", markdown)


def print_highlighted(
    text: str,
    spans: Sequence[Span],
    first: str = "",
    bold: bool = False,
) -> None:
    """Print markdown ``text`` wrapped to the terminal, ``spans`` highlighted.

    ``first`` starts the first line (a number) and indents the others;
    ``bold`` makes the text bold where it is not highlighted.
    """
    import shutil

    indent = " " * len(first)
    width = max(20, shutil.get_terminal_size().columns - len(indent))
    for number, (offset, line) in enumerate(
        wrapped_lines(joined_paragraphs(text), width)
    ):
        marked = highlighted(line, spans, offset)
        if bold and marked == line:
            marked = styled(line, bold=True)
        start = styled(first, bold=True) if number == 0 and first else indent
        print(start + marked)
