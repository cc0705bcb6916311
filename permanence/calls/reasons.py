"""The guide as the call log sees it: reasons, greeting, related FAQ entries.

Reading the guide means parsing the YAML front matter of every page; the
call log needs only the reasons and the greeting, so they are kept in a
small JSON cache in the state folder, checked against every page's size and
modification time, and rebuilt when a page changes. Logging a call from a
script then needs no YAML parser at all.
"""

from __future__ import annotations

import json
import logging
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any

from permanence.calls.record import fold
from permanence.knowledge import CallReason, FaqEntry, Owner, ReasonField
from permanence.workspace import Workspace

log = logging.getLogger(__name__)
CACHE_NAME = "reasons.json"
GREETING_PAGE = "accueil"
GREETING_LINES = 4
OTHER_WORDS = ("autre", "other")


@dataclass
class GuideReasons:
    """The call reasons of the guide, its greeting, and pages it skipped."""

    reasons: list[CallReason] = field(default_factory=list)
    greeting: str = ""
    problems: list[str] = field(default_factory=list)

    def find(self, code: str) -> CallReason | None:
        """Return the reason with this exact code, or None."""
        return next((r for r in self.reasons if r.code == code), None)


def _stamp(guide_dir: Path) -> list[list[Any]]:
    if not guide_dir.is_dir():
        return []
    stamps = []
    for path in sorted(guide_dir.glob("*.md")):
        stat = path.stat()
        stamps.append([path.name, stat.st_mtime_ns, stat.st_size])
    return stamps


def _greeting(body: str) -> str:
    lines = [line.strip() for line in body.splitlines() if line.strip()]
    return "\n".join(lines[:GREETING_LINES])


def _read_guide(workspace: Workspace) -> GuideReasons:
    from permanence.knowledge import load_guide, reasons

    if not workspace.guide_dir.is_dir():
        return GuideReasons()
    loaded = load_guide(workspace.guide_dir)
    greeting = next(
        (_greeting(p.body) for p in loaded.items if p.id == GREETING_PAGE), ""
    )
    problems = [str(problem) for problem in loaded.problems]
    return GuideReasons(reasons(loaded.items), greeting, problems)


def _reason_from_dict(data: dict[str, Any]) -> CallReason:
    owner = data.get("owner")
    return CallReason(
        code=data["code"],
        label=data["label"],
        page_id=data["page_id"],
        digit=data.get("digit"),
        owner=Owner(**owner) if owner else None,
        fields=tuple(
            ReasonField(**{**f, "choices": tuple(f["choices"])}) for f in data["fields"]
        ),
        faq_tags=tuple(data["faq_tags"]),
    )


def load_reasons(workspace: Workspace) -> GuideReasons:
    """Return the guide's reasons and greeting, from the cache when current."""
    stamp = _stamp(workspace.guide_dir)
    cache = workspace.state_dir / CACHE_NAME
    try:
        cached = json.loads(cache.read_text(encoding="utf-8"))
        if cached["stamp"] == stamp:
            return GuideReasons(
                [_reason_from_dict(r) for r in cached["reasons"]],
                cached["greeting"],
                cached["problems"],
            )
    except (OSError, ValueError, KeyError, TypeError):
        pass
    found = _read_guide(workspace)
    document = {
        "stamp": stamp,
        "reasons": [asdict(r) for r in found.reasons],
        "greeting": found.greeting,
        "problems": found.problems,
    }
    try:
        workspace.ensure_state_dir()
        cache.write_text(json.dumps(document, ensure_ascii=False), encoding="utf-8")
    except OSError as error:
        log.debug("reason cache not written: %s", error)
    return found


def is_other(text: str) -> bool:
    """True when the volunteer asked for a reason not in the guide."""
    return fold(text) in OTHER_WORDS


def match_reasons(text: str, reasons: list[CallReason]) -> list[CallReason]:
    """Return the reasons ``text`` designates: by number, code or a few letters.

    An exact number, code or label wins; then reasons whose code or a word
    of whose label starts with the text; then those containing it. Accents
    and case are ignored.
    """
    typed = fold(text)
    if not typed:
        return []
    if typed.isdigit():
        index = int(typed) - 1
        return [reasons[index]] if 0 <= index < len(reasons) else []
    exact = [r for r in reasons if typed in (fold(r.code), fold(r.label))]
    if exact:
        return exact
    prefix = [r for r in reasons if _starts_a_word(typed, r)]
    if prefix:
        return prefix
    return [r for r in reasons if typed in fold(f"{r.code} {r.label}")]


def _starts_a_word(typed: str, reason: CallReason) -> bool:
    words = fold(reason.label).replace("'", " ").split()
    return fold(reason.code).startswith(typed) or any(
        word.startswith(typed) for word in words
    )


def faq_for_reason(
    reason: CallReason, entries: list[FaqEntry], limit: int = 3
) -> list[FaqEntry]:
    """Return the FAQ entries that best fit ``reason``, best first.

    Entries written for the reason come first, then those sharing the most
    tags with the reason's ``faq_tags``.
    """
    wanted = {fold(tag) for tag in reason.faq_tags}

    def score(entry: FaqEntry) -> tuple[int, int]:
        shared = len(wanted & {fold(tag) for tag in entry.tags})
        return (int(entry.reason == reason.code), shared)

    scored = [(score(entry), entry) for entry in entries]
    fitting = [item for item in scored if item[0] != (0, 0)]
    fitting.sort(key=lambda item: (-item[0][0], -item[0][1], item[1].id))
    return [entry for _, entry in fitting[:limit]]
