"""The guide as the call log sees it: reasons, greeting, related FAQ entries.

The guide is read through ``permanence.guide.load``, whose cache spares
parsing YAML front matter when no page changed.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from permanence.calls.record import fold
from permanence.knowledge import CallReason, FaqEntry
from permanence.workspace import Workspace

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


def _greeting(body: str) -> str:
    """Return the first lines of the greeting page, up to its first heading."""
    lines = []
    for line in body.splitlines():
        if line.startswith("#"):
            break
        if line.strip():
            lines.append(line.strip())
    return "\n".join(lines[:GREETING_LINES])


def load_reasons(workspace: Workspace) -> GuideReasons:
    """Return the guide's reasons and greeting (from the guide's cache)."""
    from permanence.guide import load
    from permanence.knowledge import reasons

    if not workspace.guide_dir.is_dir():
        return GuideReasons()
    loaded = load(workspace)
    greeting = next(
        (_greeting(p.body) for p in loaded.items if p.id == GREETING_PAGE), ""
    )
    problems = [str(problem) for problem in loaded.problems]
    return GuideReasons(reasons(loaded.items), greeting, problems)


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
