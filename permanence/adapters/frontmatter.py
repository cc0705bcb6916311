"""Markdown files with a YAML front matter block between ``---`` lines."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from permanence.adapters.yamlfile import LocatedDict, parse_yaml, read_text
from permanence.errors import InvalidInputError, Problem
from permanence.i18n import _

FENCE = "---"


@dataclass(frozen=True)
class MarkdownPage:
    """A markdown file split into its front matter and its body."""

    path: Path
    meta: LocatedDict
    body: str
    body_line: int  # line number where the body starts, for messages


def split_front_matter(text: str, path: Path) -> tuple[str, str, int]:
    """Return (front matter YAML, body, first body line) of a page's text."""
    lines = text.splitlines(keepends=True)
    if not lines or lines[0].strip() != FENCE:
        message = _("missing front matter: the file must start with a '---' line")
        raise InvalidInputError([Problem(path, message, 1, 1)])
    for index in range(1, len(lines)):
        if lines[index].strip() == FENCE:
            header = "".join(lines[1:index])
            body = "".join(lines[index + 1 :])
            return header, body, index + 2
    message = _("front matter not closed: add a '---' line after it")
    raise InvalidInputError([Problem(path, message, 1, 1)])


def read_page(path: Path) -> MarkdownPage:
    """Read a markdown page; raise ``InvalidInputError`` naming the line."""
    text = read_text(path)
    header, body, body_line = split_front_matter(text, path)
    # A leading newline makes YAML positions count from the file's first line.
    meta = parse_yaml("\n" + header, path)
    if meta is None:
        meta = LocatedDict()
    if not isinstance(meta, LocatedDict):
        message = _("the front matter must be a list of 'key: value' lines")
        raise InvalidInputError([Problem(path, message, 2, 1)])
    return MarkdownPage(path, meta, body.strip("\n"), body_line)


def render_page(meta: dict[str, object], body: str) -> str:
    """Return the text of a page with ``meta`` as front matter."""
    import yaml

    header = yaml.safe_dump(meta, allow_unicode=True, sort_keys=False).strip()
    return f"{FENCE}\n{header}\n{FENCE}\n\n{body.strip()}\n"
