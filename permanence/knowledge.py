"""The knowledge base: guide pages, call reasons and FAQ entries.

Guide pages are ``guide/*.md``; a page whose front matter has ``reason`` is
a call reason (code, label, phone-menu digit, owner, fields to collect,
related FAQ tags). FAQ entries are ``faq/*.md`` with ``question``, ``tags``
and an optional ``reason``; the body is the answer.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import Generic, TypeVar

from permanence.adapters.frontmatter import MarkdownPage, read_page
from permanence.adapters.yamlfile import LocatedDict, LocatedList, unknown_key_problems
from permanence.errors import InvalidInputError, Problem
from permanence.i18n import _

PAGE_KEYS = ("title", "order", "reason", "label", "digit", "owner", "fields", "faq_tags")
OWNER_KEYS = ("role", "name", "email")
FIELD_KEYS = ("name", "label", "required", "kind", "choices", "help")
FIELD_KINDS = ("text", "long_text", "date", "phone", "email", "number", "choice", "yes_no")
FAQ_KEYS = ("question", "tags", "reason")
SLUG = re.compile(r"^[a-z0-9][a-z0-9_-]*$")
T = TypeVar("T")


@dataclass(frozen=True)
class Owner:
    """Who calls of a reason are passed on to."""

    role: str
    name: str = ""
    email: str = ""


@dataclass(frozen=True)
class ReasonField:
    """A piece of information to take down for a call reason."""

    name: str
    label: str
    required: bool = False
    kind: str = "text"
    choices: tuple[str, ...] = ()
    help: str = ""


@dataclass(frozen=True)
class CallReason:
    """Why someone calls, and what to do about it."""

    code: str
    label: str
    page_id: str
    digit: int | None = None
    owner: Owner | None = None
    fields: tuple[ReasonField, ...] = ()
    faq_tags: tuple[str, ...] = ()


@dataclass(frozen=True)
class GuidePage:
    """A page of the guide, possibly describing a call reason."""

    id: str
    path: Path
    title: str
    body: str
    order: int = 100
    reason: CallReason | None = None


@dataclass(frozen=True)
class FaqEntry:
    """A question asked by callers, with its answer."""

    id: str
    path: Path
    question: str
    answer: str
    tags: tuple[str, ...] = ()
    reason: str | None = None


@dataclass
class Loaded(Generic[T]):
    """Items read from a folder, and the problems of the files skipped."""

    items: list[T] = field(default_factory=list)
    problems: list[Problem] = field(default_factory=list)


def _markdown_files(folder: Path) -> list[Path]:
    return sorted(path for path in folder.glob("*.md") if not path.name.startswith("."))


def load_guide(guide_dir: Path) -> Loaded[GuidePage]:
    """Read every guide page; broken pages are skipped and reported."""
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
            message = _("reason '{code}' is already defined in {other}: give it another code")
            loaded.problems.append(Problem(page.path, message.format(code=reason.code, other=codes[reason.code])))
        codes[reason.code] = page.path
        if reason.digit is not None:
            if reason.digit in digits:
                message = _("menu digit {digit} is already used by {other}: choose another one")
                loaded.problems.append(Problem(page.path, message.format(digit=reason.digit, other=digits[reason.digit])))
            digits[reason.digit] = page.path


def parse_guide_page(page: MarkdownPage) -> GuidePage:
    """Build a guide page from its front matter; raise listing every problem."""
    meta, path = page.meta, page.path
    problems = unknown_key_problems(meta, PAGE_KEYS, path, _("the front matter"))
    title = str(meta.get("title") or "").strip()
    if not title:
        problems.append(_problem(meta, "title", path, _("missing 'title': add a 'title: …' line")))
    order = meta.get("order", 100)
    if isinstance(order, bool) or not isinstance(order, int):
        problems.append(_problem(meta, "order", path, _("'order' must be a whole number")))
        order = 100
    reason = None
    if meta.get("reason") is not None:
        reason = _parse_reason(meta, path, path.stem, problems)
    if problems:
        raise InvalidInputError(problems)
    return GuidePage(path.stem, path, title, page.body, order, reason)


def _problem(mapping: LocatedDict, key: str, path: Path, message: str) -> Problem:
    line, column = mapping.value_at(key)
    return Problem(path, message, line, column)


def _parse_reason(meta: LocatedDict, path: Path, page_id: str, problems: list[Problem]) -> CallReason:
    code = str(meta["reason"]).strip()
    if not SLUG.match(code):
        message = _("reason code '{code}' must be lower-case letters, digits, '-' or '_'")
        problems.append(_problem(meta, "reason", path, message.format(code=code)))
    label = str(meta.get("label") or meta.get("title") or code).strip()
    digit = meta.get("digit")
    if digit is not None and (isinstance(digit, bool) or not isinstance(digit, int) or not 0 <= digit <= 9):
        problems.append(_problem(meta, "digit", path, _("'digit' must be a single digit, 0 to 9")))
        digit = None
    return CallReason(
        code=code,
        label=label,
        page_id=page_id,
        digit=digit,
        owner=_parse_owner(meta, path, problems),
        fields=_parse_fields(meta, path, problems),
        faq_tags=_parse_tags(meta, "faq_tags", path, problems),
    )


def _parse_owner(meta: LocatedDict, path: Path, problems: list[Problem]) -> Owner | None:
    owner = meta.get("owner")
    if owner is None:
        return None
    if not isinstance(owner, LocatedDict):
        problems.append(_problem(meta, "owner", path, _("'owner' must have 'role', 'name' and 'email' lines")))
        return None
    problems += unknown_key_problems(owner, OWNER_KEYS, path, "owner")
    role = str(owner.get("role") or "").strip()
    if not role:
        problems.append(_problem(meta, "owner", path, _("the owner needs a 'role'")))
    return Owner(role, str(owner.get("name") or "").strip(), str(owner.get("email") or "").strip())


def _parse_fields(meta: LocatedDict, path: Path, problems: list[Problem]) -> tuple[ReasonField, ...]:
    raw = meta.get("fields")
    if raw is None:
        return ()
    if not isinstance(raw, LocatedList):
        problems.append(_problem(meta, "fields", path, _("'fields' must be a list of '- name: …' items")))
        return ()
    fields = []
    for index, item in enumerate(raw):
        line, column = raw.item_at(index)
        if not isinstance(item, LocatedDict) or not item.get("name"):
            problems.append(Problem(path, _("each field needs at least a 'name'"), line, column))
            continue
        problems += unknown_key_problems(item, FIELD_KEYS, path, "fields")
        kind = str(item.get("kind") or "text")
        if kind not in FIELD_KINDS:
            message = _("unknown field kind '{kind}': use one of {kinds}")
            problems.append(_problem(item, "kind", path, message.format(kind=kind, kinds=", ".join(FIELD_KINDS))))
        raw_choices = item.get("choices") or []
        if not isinstance(raw_choices, list):
            message = _("'choices' must be a list such as [oui, non]")
            problems.append(_problem(item, "choices", path, message))
            raw_choices = []
        choices = tuple(str(choice) for choice in raw_choices)
        name = str(item["name"]).strip()
        fields.append(
            ReasonField(
                name=name,
                label=str(item.get("label") or name).strip(),
                required=bool(item.get("required", False)),
                kind=kind,
                choices=choices,
                help=str(item.get("help") or "").strip(),
            )
        )
    return tuple(fields)


def _parse_tags(meta: LocatedDict, key: str, path: Path, problems: list[Problem]) -> tuple[str, ...]:
    raw = meta.get(key)
    if raw is None:
        return ()
    if isinstance(raw, str):
        return tuple(tag.strip() for tag in raw.split(",") if tag.strip())
    if not isinstance(raw, list):
        problems.append(_problem(meta, key, path, _("'{key}' must be a list such as [adhésion, cotisation]").format(key=key)))
        return ()
    return tuple(str(tag).strip() for tag in raw if str(tag).strip())


def load_faq(faq_dir: Path) -> Loaded[FaqEntry]:
    """Read every FAQ entry; broken entries are skipped and reported."""
    loaded: Loaded[FaqEntry] = Loaded()
    for path in _markdown_files(faq_dir):
        try:
            loaded.items.append(parse_faq_entry(read_page(path)))
        except InvalidInputError as error:
            loaded.problems.extend(error.problems)
    return loaded


def parse_faq_entry(page: MarkdownPage) -> FaqEntry:
    """Build a FAQ entry from a page; raise listing every problem."""
    meta, path = page.meta, page.path
    problems = unknown_key_problems(meta, FAQ_KEYS, path, _("the front matter"))
    question = str(meta.get("question") or "").strip()
    if not question:
        problems.append(_problem(meta, "question", path, _("missing 'question': add a 'question: …' line")))
    if not page.body.strip():
        problems.append(Problem(path, _("the answer is empty: write it below the front matter"), page.body_line))
    tags = _parse_tags(meta, "tags", path, problems)
    reason = meta.get("reason")
    if problems:
        raise InvalidInputError(problems)
    return FaqEntry(path.stem, path, question, page.body, tags, str(reason).strip() if reason else None)


def reasons(pages: list[GuidePage]) -> list[CallReason]:
    """Return the call reasons of the guide, in guide order."""
    return [page.reason for page in pages if page.reason is not None]
