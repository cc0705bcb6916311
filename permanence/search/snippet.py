"""Showing why a document matched: highlighted words and a short snippet."""

from __future__ import annotations

import re
from collections.abc import Callable

from permanence.search.text import informative_flags, spans

Span = tuple[int, int]
SNIPPET_LENGTH = 240
MARKUP = re.compile(r"[*_`#>|]+|^\s*[-+]\s+", re.MULTILINE)
SPACES = re.compile(r"\s+")
# A sentence ends at its punctuation, a blank line or a list item; a single
# line break is only the way the markdown file was wrapped.
SENTENCE_END = re.compile(r"(?<=[.!?:;])\s+|\n\s*\n|\n(?=\s*(?:[-*+]|\d+\.)\s)")


def plain_text(markdown: str) -> str:
    """Return markdown as one line of plain text (markup signs removed)."""
    return SPACES.sub(" ", MARKUP.sub(" ", markdown)).strip()


def highlight_spans(
    text: str, stems: frozenset[str], stem_of: Callable[[str], str | None]
) -> list[Span]:
    """Return the (start, end) of each word of ``text`` whose stem is wanted."""
    found = list(spans(text))
    flags = informative_flags(word for _, _, word in found)
    return [
        (start, end)
        for (start, end, word), informative in zip(found, flags, strict=True)
        if informative and stem_of(word) in stems
    ]


def best_snippet(
    body: str, stems: frozenset[str], stem_of: Callable[[str], str | None]
) -> str:
    """Return the passage of ``body`` holding the most matched words."""
    sentences = [part.strip() for part in SENTENCE_END.split(body) if part.strip()]
    if not sentences:
        return ""
    best_start, best_hits = 0, -1
    for start in range(len(sentences)):
        hits = len(highlight_spans(sentences[start], stems, stem_of))
        if hits > best_hits:
            best_start, best_hits = start, hits
    chosen = ""
    for sentence in sentences[best_start:]:
        chosen = f"{chosen} {plain_text(sentence)}".strip()
        if len(chosen) >= SNIPPET_LENGTH // 2:
            break
    if len(chosen) > SNIPPET_LENGTH:
        chosen = chosen[:SNIPPET_LENGTH].rsplit(" ", 1)[0] + " …"
    return f"… {chosen}" if best_start > 0 else chosen
