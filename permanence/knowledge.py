"""The knowledge base: guide pages, call reasons and FAQ entries.

Guide pages are ``guide/*.md``; a page whose front matter has ``reason`` is
a call reason (code, label, phone-menu digit, owner, fields to collect,
related FAQ tags). FAQ entries are ``faq/*.md`` with ``question``, ``tags``
and an optional ``reason``; the body is the answer.
"""

from __future__ import annotations

from pathlib import Path
from typing import Generic, NamedTuple, TypeVar

from permanence.errors import InvalidInputError, Problem
from permanence.i18n import _

# Parsing pages (``permanence.knowledge_pages``) needs the YAML parser; it is
# imported by the functions that read files, so that using a cached guide or
# FAQ never loads it.

T = TypeVar("T")


class Owner(NamedTuple):
    """Who calls of a reason are passed on to."""

    role: str
    name: str = ""
    email: str = ""


class ReasonField(NamedTuple):
    """A piece of information to take down for a call reason."""

    name: str
    label: str
    required: bool = False
    kind: str = "text"
    choices: tuple[str, ...] = ()
    help: str = ""


class CallReason(NamedTuple):
    """Why someone calls, and what to do about it."""

    code: str
    label: str
    page_id: str
    digit: int | None = None
    owner: Owner | None = None
    fields: tuple[ReasonField, ...] = ()
    faq_tags: tuple[str, ...] = ()


class GuidePage(NamedTuple):
    """A page of the guide, possibly describing a call reason."""

    id: str
    path: Path
    title: str
    body: str
    order: int = 100
    reason: CallReason | None = None


class FaqEntry(NamedTuple):
    """A question asked by callers, with its answer."""

    id: str
    path: Path
    question: str
    answer: str
    tags: tuple[str, ...] = ()
    reason: str | None = None


class Loaded(Generic[T]):
    """Items read from a folder, and the problems of the files skipped."""

    def __init__(self) -> None:
        self.items: list[T] = []
        self.problems: list[Problem] = []


def _markdown_files(folder: Path) -> list[Path]:
    return sorted(path for path in folder.glob("*.md") if not path.name.startswith("."))


def load_guide(guide_dir: Path) -> Loaded[GuidePage]:
    """Read every guide page; broken pages are skipped and reported."""
    from permanence.adapters.frontmatter import read_page
    from permanence.knowledge_pages import parse_guide_page

    loaded: Loaded[GuidePage] = Loaded()
    for path in _markdown_files(guide_dir):
        try:
            page = read_page(path)
            loaded.items.append(parse_guide_page(page))
        except InvalidInputError as error:
            loaded.problems.extend(error.problems)
    loaded.items.sort(key=lambda page: (page.order, page.id))
    _check_unique_reasons(loaded)
    return loaded


def _check_unique_reasons(loaded: Loaded[GuidePage]) -> None:
    codes: dict[str, Path] = {}
    digits: dict[int, Path] = {}
    for page in loaded.items:
        if page.reason is None:
            continue
        reason = page.reason
        if reason.code in codes:
            message = _(
                "reason '{code}' is already defined in {other}: give it another code"
            )
            loaded.problems.append(
                Problem(
                    page.path,
                    message.format(code=reason.code, other=codes[reason.code]),
                )
            )
        codes[reason.code] = page.path
        if reason.digit is not None:
            if reason.digit in digits:
                message = _(
                    "menu digit {digit} is already used by {other}: choose another one"
                )
                loaded.problems.append(
                    Problem(
                        page.path,
                        message.format(digit=reason.digit, other=digits[reason.digit]),
                    )
                )
            digits[reason.digit] = page.path


def load_faq(faq_dir: Path) -> Loaded[FaqEntry]:
    """Read every FAQ entry; broken entries are skipped and reported."""
    from permanence.adapters.frontmatter import read_page
    from permanence.knowledge_pages import parse_faq_entry

    loaded: Loaded[FaqEntry] = Loaded()
    for path in _markdown_files(faq_dir):
        try:
            loaded.items.append(parse_faq_entry(read_page(path)))
        except InvalidInputError as error:
            loaded.problems.extend(error.problems)
    return loaded


def reasons(pages: list[GuidePage]) -> list[CallReason]:
    """Return the call reasons of the guide, in guide order."""
    return [page.reason for page in pages if page.reason is not None]
