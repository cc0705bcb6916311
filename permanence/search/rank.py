"""Ranking: which documents answer a query, best first, and whether any does.

A query is read as *concepts*: each informative word, or a synonym phrase
standing for several words. A concept is matched by any of its
alternatives: the word's stem, a synonym group's term, or for a word the
knowledge base never uses, the stems of the closest known words (typos).
Documents are scored with BM25F, the question and tags weighing more than
the body; a concept counts once, by its best alternative.

Relevance threshold: a document is shown only if it matches enough of the
query's informative weight (each concept weighs its inverse document
frequency; a concept matched only in the body earns part of its weight).
A query about something the knowledge base does not mention then finds
nothing, instead of a weak match on one common word.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass, field

from permanence.search.index import GROUP_PREFIX
from permanence.search.store import Index
from permanence.search.text import WORD, fold, is_informative, stem

K1 = 1.2
FIELD_WEIGHTS = (3.0, 2.0, 1.0)  # question, tags, body
FIELD_B = (0.5, 0.3, 0.75)  # length normalisation per field
BODY_CREDIT = 0.6  # share of a concept's weight earned by a body-only match
UNKNOWN_WEIGHT = 0.8  # weight of an unknown word, relative to the rarest term
MIN_COVERAGE = 0.6  # share of the query's weight a document must match
FUZZY_FACTOR = 0.85  # a typo candidate scores less than the exact word
FUZZY_MIN_LENGTH = 4
FUZZY_TWO_SLIPS_LENGTH = 8
PREFIX_MIN_LENGTH = 6
PREFIX_FACTOR = 0.9
PREFIX_MAX_MATCHES = 3  # more: the beginning is too common to mean anything


@dataclass(frozen=True)
class Alternative:
    """A term that stands for a concept of the query, and how much it counts."""

    term: str
    factor: float = 1.0


@dataclass
class Concept:
    """One thing the query asks about: a word or a synonym phrase."""

    words: tuple[str, ...]
    alternatives: list[Alternative] = field(default_factory=list)
    weight: float = 0.0


@dataclass(frozen=True)
class Hit:
    """A document that answers the query."""

    number: int
    score: float
    coverage: float
    terms: frozenset[str]


def analyse_query(index: Index, query: str) -> list[Concept]:
    """Return the concepts of ``query``, with their alternatives and weights."""
    tokens = [_token(index, word) for word in WORD.findall(fold(query))]
    keys = [key for _, key, _ in tokens]
    concepts: list[Concept] = []
    start = 0
    while start < len(tokens):
        size, groups = _phrase_at(index, keys, start)
        if size:
            concepts.append(
                _phrase_concept(index, tokens[start : start + size], groups)
            )
            start += size
            continue
        word, key, informative = tokens[start]
        if informative:
            concepts.append(_word_concept(index, word, key))
        start += 1
    for concept in concepts:
        concept.weight = _concept_weight(index, concept)
    return concepts


def _token(index: Index, word: str) -> tuple[str, str, bool]:
    """Return (word, key, informative): the key is the stem or the stop word."""
    if not is_informative(word):
        return word, word, False
    return word, index.surface.get(word) or stem(word), True


def _phrase_concept(
    index: Index, tokens: list[tuple[str, str, bool]], groups: tuple[str, ...]
) -> Concept:
    """Return the concept of a synonym phrase found in the query."""
    informative = [(word, key) for word, key, keep in tokens if keep]
    alternatives = [Alternative(group) for group in groups]
    alternatives += [
        Alternative(key, 1 / len(informative))
        for _, key in informative
        if key in index.vocabulary
    ]
    words = tuple(word for word, _ in informative) or tuple(w for w, _, _ in tokens)
    return Concept(words, alternatives)


def _word_concept(index: Index, word: str, term: str) -> Concept:
    """Return the concept of one word: its stem, or close known stems."""
    if term in index.vocabulary or term in index.phrases:
        candidates = [Alternative(term), *_inflected_alternatives(index, term)]
    else:
        candidates = _inflected_alternatives(index, term) or _typo_alternatives(
            index, word
        )
    alternatives = []
    for candidate in candidates:
        if candidate.term in index.vocabulary:
            alternatives.append(candidate)
        alternatives += [
            Alternative(group, candidate.factor)
            for group in index.phrases.get(candidate.term, ())
        ]
    return Concept((word,), alternatives)


def _inflected_alternatives(index: Index, term: str) -> list[Alternative]:
    """Return known stems that extend an unknown stem, or that it extends.

    The stemmer leaves some verb forms apart ("acceptons" -> "accepton",
    "acceptez" -> "accept"); a shared beginning of six letters or more
    joins them.
    """
    if len(term) < PREFIX_MIN_LENGTH or term.isdigit():
        return []
    found = []
    for known in index.vocabulary:
        if known != term and len(known) >= PREFIX_MIN_LENGTH and (
            known.startswith(term) or term.startswith(known)
        ):
            found.append(Alternative(known, PREFIX_FACTOR))
    return found if len(found) <= PREFIX_MAX_MATCHES else []


def _typo_alternatives(index: Index, word: str) -> list[Alternative]:
    """Return the stems of known words one or two typing slips from ``word``."""
    if len(word) < FUZZY_MIN_LENGTH or word.isdigit():
        return []
    from rapidfuzz import process
    from rapidfuzz.distance import OSA

    # One slip (a letter missing, extra, wrong or swapped) in a word, two
    # in a long word.
    slips = 1 if len(word) < FUZZY_TWO_SLIPS_LENGTH else 2
    found = process.extract(
        word, list(index.surface), scorer=OSA.distance, score_cutoff=slips, limit=8
    )
    best: dict[str, float] = {}
    for candidate, distance, _ in found:
        term = index.surface[candidate]
        if term in index.vocabulary or term in index.phrases:
            factor = (1 - distance / len(word)) * FUZZY_FACTOR
            best[term] = max(best.get(term, 0.0), factor)
    return [Alternative(term, factor) for term, factor in best.items()]


def _phrase_at(
    index: Index, keys: Sequence[str], start: int
) -> tuple[int, tuple[str, ...]]:
    """Return the size and groups of the longest phrase starting at ``start``."""
    for size in range(min(index.longest, len(keys) - start), 0, -1):
        groups = index.phrases.get(" ".join(keys[start : start + size]))
        if groups:
            return size, groups
    return 0, ()


def _idf(index: Index, count: int) -> float:
    return math.log(1 + (index.count - count + 0.5) / (count + 0.5))


def _concept_weight(index: Index, concept: Concept) -> float:
    known = [index.document_count(a.term) for a in concept.alternatives]
    known = [count for count in known if count]
    if not known:
        return _idf(index, 0) * UNKNOWN_WEIGHT
    return _idf(index, min(known))


def rank(index: Index, concepts: list[Concept], limit: int) -> list[Hit]:
    """Return the best ``limit`` documents matching enough of the concepts."""
    total = sum(concept.weight for concept in concepts)
    if total <= 0:
        return []
    scores: dict[int, float] = {}
    covered: dict[int, float] = {}
    terms: dict[int, set[str]] = {}
    for concept in concepts:
        for number, (score, credit, term) in _concept_scores(index, concept).items():
            scores[number] = scores.get(number, 0.0) + score
            covered[number] = covered.get(number, 0.0) + concept.weight * credit
            terms.setdefault(number, set()).add(term)
    hits = [
        Hit(number, score, covered[number] / total, frozenset(terms[number]))
        for number, score in scores.items()
        if covered[number] / total >= MIN_COVERAGE
    ]
    hits.sort(key=lambda hit: (-hit.score, hit.number))
    return hits[:limit]


def _concept_scores(
    index: Index, concept: Concept
) -> dict[int, tuple[float, float, str]]:
    """Return, per document, the best (score, coverage credit, term) of a concept."""
    best: dict[int, tuple[float, float, str]] = {}
    lengths, average = index.lengths, index.average
    for alternative in concept.alternatives:
        idf = _idf(index, index.document_count(alternative.term))
        values = index.postings(alternative.term)
        for at in range(0, len(values), 4):
            number = values[at]
            weighted = 0.0
            for field_number in range(3):
                count = values[at + 1 + field_number]
                if count:
                    ratio = lengths[number * 3 + field_number] / average[field_number]
                    b = FIELD_B[field_number]
                    norm = 1 - b + b * ratio
                    weighted += FIELD_WEIGHTS[field_number] * count / norm
            score = alternative.factor * idf * weighted * (K1 + 1) / (K1 + weighted)
            in_title = values[at + 1] or values[at + 2]
            credit = alternative.factor * (1.0 if in_title else BODY_CREDIT)
            previous = best.get(number)
            if previous is None or score > previous[0]:
                best[number] = (
                    score,
                    max(credit, previous[1] if previous else 0),
                    alternative.term,
                )
    return best


def highlight_stems(index: Index, terms: frozenset[str]) -> frozenset[str]:
    """Return the stems to highlight for matched ``terms`` (groups expanded)."""
    stems: set[str] = set()
    for term in terms:
        if term.startswith(GROUP_PREFIX):
            stems.update(index.members.get(term, ()))
        else:
            stems.add(term)
    return frozenset(stems)
