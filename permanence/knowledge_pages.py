"""Guide pages and FAQ entries built from their markdown front matter.

Every problem of a page is collected with its line and column, so that one
run tells the author everything to fix.
"""

from __future__ import annotations

import re
from pathlib import Path

from permanence.adapters.frontmatter import MarkdownPage
from permanence.adapters.yamlfile import LocatedDict, LocatedList, unknown_key_problems
from permanence.errors import InvalidInputError, Problem
from permanence.i18n import _
from permanence.knowledge import CallReason, FaqEntry, GuidePage, Owner, ReasonField

PAGE_KEYS = (
    "title",
    "order",
    "reason",
    "label",
    "digit",
    "owner",
    "fields",
    "faq_tags",
)
OWNER_KEYS = ("role", "name", "email")
FIELD_KEYS = ("name", "label", "required", "kind", "choices", "help")
FIELD_KINDS = (
    "text",
    "long_text",
    "date",
    "phone",
    "email",
    "number",
    "choice",
    "yes_no",
)
FAQ_KEYS = ("question", "tags", "reason")
SLUG = re.compile(r"^[a-z0-9][a-z0-9_-]*$")


def parse_guide_page(page: MarkdownPage) -> GuidePage:
    """Build a guide page from its front matter; raise listing every problem."""
    meta, path = page.meta, page.path
    problems = unknown_key_problems(meta, PAGE_KEYS, path, _("the front matter"))
    title = str(meta.get("title") or "").strip()
    if not title:
        problems.append(
            _problem(meta, "title", path, _("missing 'title': add a 'title: …' line"))
        )
    order = meta.get("order", 100)
    if isinstance(order, bool) or not isinstance(order, int):
        problems.append(
            _problem(meta, "order", path, _("'order' must be a whole number"))
        )
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


def _parse_reason(
    meta: LocatedDict, path: Path, page_id: str, problems: list[Problem]
) -> CallReason:
    code = str(meta["reason"]).strip()
    if not SLUG.match(code):
        message = _(
            "reason code '{code}' must be lower-case letters, digits, '-' or '_'"
        )
        problems.append(_problem(meta, "reason", path, message.format(code=code)))
    label = str(meta.get("label") or meta.get("title") or code).strip()
    digit = meta.get("digit")
    if digit is not None and (
        isinstance(digit, bool) or not isinstance(digit, int) or not 0 <= digit <= 9
    ):
        problems.append(
            _problem(meta, "digit", path, _("'digit' must be a single digit, 0 to 9"))
        )
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


def _parse_owner(
    meta: LocatedDict, path: Path, problems: list[Problem]
) -> Owner | None:
    owner = meta.get("owner")
    if owner is None:
        return None
    if not isinstance(owner, LocatedDict):
        problems.append(
            _problem(
                meta,
                "owner",
                path,
                _("'owner' must have 'role', 'name' and 'email' lines"),
            )
        )
        return None
    problems += unknown_key_problems(owner, OWNER_KEYS, path, "owner")
    role = str(owner.get("role") or "").strip()
    if not role:
        problems.append(_problem(meta, "owner", path, _("the owner needs a 'role'")))
    return Owner(
        role,
        str(owner.get("name") or "").strip(),
        str(owner.get("email") or "").strip(),
    )


def _parse_fields(
    meta: LocatedDict, path: Path, problems: list[Problem]
) -> tuple[ReasonField, ...]:
    raw = meta.get("fields")
    if raw is None:
        return ()
    if not isinstance(raw, LocatedList):
        problems.append(
            _problem(
                meta, "fields", path, _("'fields' must be a list of '- name: …' items")
            )
        )
        return ()
    fields = []
    for index, item in enumerate(raw):
        line, column = raw.item_at(index)
        if not isinstance(item, LocatedDict) or not item.get("name"):
            problems.append(
                Problem(path, _("each field needs at least a 'name'"), line, column)
            )
            continue
        problems += unknown_key_problems(item, FIELD_KEYS, path, "fields")
        kind = str(item.get("kind") or "text")
        if kind not in FIELD_KINDS:
            message = _("unknown field kind '{kind}': use one of {kinds}")
            problems.append(
                _problem(
                    item,
                    "kind",
                    path,
                    message.format(kind=kind, kinds=", ".join(FIELD_KINDS)),
                )
            )
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


def _parse_tags(
    meta: LocatedDict, key: str, path: Path, problems: list[Problem]
) -> tuple[str, ...]:
    raw = meta.get(key)
    if raw is None:
        return ()
    if isinstance(raw, str):
        return tuple(tag.strip() for tag in raw.split(",") if tag.strip())
    if not isinstance(raw, list):
        problems.append(
            _problem(
                meta,
                key,
                path,
                _("'{key}' must be a list such as [adhésion, cotisation]").format(
                    key=key
                ),
            )
        )
        return ()
    return tuple(str(tag).strip() for tag in raw if str(tag).strip())


def parse_faq_entry(page: MarkdownPage) -> FaqEntry:
    """Build a FAQ entry from a page; raise listing every problem."""
    meta, path = page.meta, page.path
    problems = unknown_key_problems(meta, FAQ_KEYS, path, _("the front matter"))
    question = str(meta.get("question") or "").strip()
    if not question:
        problems.append(
            _problem(
                meta,
                "question",
                path,
                _("missing 'question': add a 'question: …' line"),
            )
        )
    if not page.body.strip():
        problems.append(
            Problem(
                path,
                _("the answer is empty: write it below the front matter"),
                page.body_line,
            )
        )
    tags = _parse_tags(meta, "tags", path, problems)
    reason = meta.get("reason")
    if problems:
        raise InvalidInputError(problems)
    return FaqEntry(
        path.stem,
        path,
        question,
        page.body,
        tags,
        str(reason).strip() if reason else None,
    )
