"""Ranking: which documents answer a query, best first, and whether any does.

A query is read as *concepts*: each informative word, or a synonym phrase
standing for several words. A concept is matched by any of its
alternatives: the word's stem, a synonym group's term, known stems sharing
its first six letters or more (verb forms the stemmer leaves apart), stems
of the same family (``text.related_stems``: "formés" and "formation"), and
for a form the knowledge base never uses, the stems of the known words one
or two typing slips away, or that a short form begins ("asso", "dispo").
Documents are scored with BM25F, the question and tags weighing more than
the body; a concept counts once, by its best alternative. A synonym group
scores with the rarity of the word the caller typed, not that of the whole
group: "adresse" asks about an address as precisely as the word does.

Relevance threshold: a document is shown only if it matches enough of the
query's informative weight (each concept weighs its inverse document
frequency; a concept matched only in the body earns part of its weight, one
matched through a near form part of it, but a corrected typing slip earns
as much as the word the caller meant).
A query about something the knowledge base does not mention then finds
nothing, instead of a weak match on one common word. Words the knowledge
base never uses weigh heavily in that share, since they usually name what
it lacks ("horaires de la piscine"). But when a document matches at least
two concepts, more than there are unknown words, and earns most of the
known words' weight (``STRONG_COVERAGE``, out of reach of matches in the
body only), the unknown words are taken as the caller's own details ("vous
accompagnez les malades à l'hôpital") and the document is shown. A
document holding every concept of a query of three or more is shown too,
even if only in its body. Beside words, a number is a detail ("bénévole à
15 ans"): it ranks the documents but does not count in that share.

The constants below were set on ``bench/faq_queries.yaml`` and checked one
at a time over a grid (docs/benchmarks.md): precision at 1 stays within
0.93-0.94 for thresholds 0.55-0.65, strong shares 0.6-1.0, body credits
0.4-0.6, unknown-word weights 0.6-1.0, family factors 0.5-0.8 and k1
0.9-2.0, so they are not fitted to single queries. On queries written
blind by others the figures are lower (the same page): most of what is
missed there needs the meaning of words, which no threshold supplies.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from string import ascii_lowercase
from typing import NamedTuple

from permanence.search.index import GROUP_PREFIX, TITLE_BIT, bag_key
from permanence.search.store import Index
from permanence.search.text import related_stems, stem, tagged

K1 = 1.2
BODY_CREDIT = 0.6  # share of a concept's weight earned by a body-only match
UNKNOWN_WEIGHT = 0.8  # weight of an unknown word, relative to the rarest term
MIN_COVERAGE = 0.6  # share of the query's weight a document must match
STRONG_COVERAGE = 0.8  # share of the known words' weight (see the docstring)
NEAR_COVERAGE = 0.25  # share a near miss must match (``near_misses``)
FUZZY_FACTOR = 0.85  # a typo candidate scores less than the exact word
FUZZY_MIN_LENGTH = 5  # a short word one slip away is often another word
PHRASE_PART_FACTOR = 0.5  # a word of a synonym phrase, found without the rest
FUZZY_TWO_SLIPS_LENGTH = 8
PREFIX_MIN_LENGTH = 6
PREFIX_FACTOR = 0.9
RELATED_FACTOR = 0.7  # a stem of the same family (see ``related_stems``)
ABBREVIATION_LENGTHS = (4, 5)  # "asso", "dispo"; longer: see PREFIX_MIN_LENGTH
PREFIX_MAX_MATCHES = 3  # more: the beginning is too common to mean anything


class Alternative(NamedTuple):
    """A term that stands for a concept of the query, and how much it counts."""

    term: str
    factor: float = 1.0
    counted_as: str = ""  # the term whose rarity it takes, if not its own
    # A corrected slip stands for the very word the caller meant: it covers
    # the query's weight like that word, though it scores less.
    full_credit: bool = False


class Concept(NamedTuple):
    """One thing the query asks about: a word or a synonym phrase."""

    words: tuple[str, ...]
    alternatives: list[Alternative]
    weight: float


class Hit(NamedTuple):
    """A document that answers the query."""

    number: int
    score: float
    coverage: float
    terms: frozenset[str]


def analyse_query(index: Index, query: str) -> list[Concept]:
    """Return the concepts of ``query``, with their alternatives and weights."""
    tokens = [_token(index, word, informative) for word, informative in tagged(query)]
    keys = [key for _, key, _ in tokens]
    concepts: list[Concept] = []
    start = 0
    while start < len(tokens):
        size, groups = _phrase_at(index, keys, start)
        word, key, informative = tokens[start]
        if size > 1 or (size == 1 and not informative):
            concepts.append(
                _phrase_concept(index, tokens[start : start + size], groups)
            )
            start += size
            continue
        # A one-word synonym is handled as a word. A number the knowledge
        # base never mentions ("50 euros") is a detail, not the topic.
        if informative and not (word.isdigit() and key not in index.vocabulary):
            concepts.append(_word_concept(index, word, key))
        start += 1
    # Beside words, a number is a detail ("15 ans", "2 enfants"): it ranks
    # the documents that hold it, but a document without it may answer.
    details = any(not _is_number(c) for c in concepts)
    return [
        c._replace(
            weight=0.0 if details and _is_number(c) else _concept_weight(index, c)
        )
        for c in concepts
    ]


def _is_number(concept: Concept) -> bool:
    return len(concept.words) == 1 and concept.words[0].isdigit()


def _token(index: Index, word: str, informative: bool) -> tuple[str, str, bool]:
    """Return (word, key, informative): the key is the stem or the stop word."""
    if not informative:
        return word, word, False
    return word, index.surface.get(word) or stem(word), True


def _phrase_concept(
    index: Index, tokens: list[tuple[str, str, bool]], groups: tuple[str, ...]
) -> Concept:
    """Return the concept of a synonym phrase found in the query."""
    informative = [(word, key) for word, key, keep in tokens if keep]
    alternatives = [Alternative(group) for group in groups]
    alternatives += [
        Alternative(key, PHRASE_PART_FACTOR / len(informative))
        for _, key in informative
        if key in index.vocabulary
    ]
    words = tuple(word for word, _ in informative) or tuple(w for w, _, _ in tokens)
    return Concept(words, alternatives, 0.0)


def _word_concept(index: Index, word: str, term: str) -> Concept:
    """Return the concept of one word: its stem, or close known stems."""
    related = [
        Alternative(relative, RELATED_FACTOR)
        for relative in related_stems(term)
        if relative in index.vocabulary or relative in index.phrases
    ]
    candidates = _inflected_alternatives(index, term) + related
    if term in index.vocabulary or term in index.phrases:
        candidates.insert(0, Alternative(term))
    if word not in index.surface:
        # A form the knowledge base never uses may be a typing slip even
        # when its stem is known ("donées" stems like "don"), or a word
        # cut short ("asso", "dispo").
        seen = {candidate.term for candidate in candidates}
        candidates += [
            other
            for other in _typo_alternatives(index, word) + _abbreviated(index, word)
            if other.term not in seen
        ]
    alternatives = []
    for candidate in candidates:
        if candidate.term in index.vocabulary:
            alternatives.append(candidate)
        # Synonyms "mean the same thing for the search" (faq/synonyms.yaml):
        # the group is as specific as the word the caller used.
        counted_as = candidate.term if candidate.term in index.vocabulary else ""
        alternatives += [
            Alternative(group, candidate.factor, counted_as, candidate.full_credit)
            for group in index.phrases.get(candidate.term, ())
        ]
    return Concept((word,), alternatives, 0.0)


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
        if (
            known != term
            and len(known) >= PREFIX_MIN_LENGTH
            and (known.startswith(term) or term.startswith(known))
        ):
            found.append(Alternative(known, PREFIX_FACTOR))
    return found if len(found) <= PREFIX_MAX_MATCHES else []


def _abbreviated(index: Index, word: str) -> list[Alternative]:
    """Return the stems of the known words that ``word`` may be cut from.

    A short form keeps at most half of its word ("asso", "dispo"): a word
    barely longer is another word ("gare" is not "garer").
    """
    if not ABBREVIATION_LENGTHS[0] <= len(word) <= ABBREVIATION_LENGTHS[1]:
        return []
    stems = {
        term
        for known, term in index.surface.items()
        if len(known) >= 2 * len(word) and known.startswith(word)
    }
    if len(stems) > PREFIX_MAX_MATCHES:
        return []
    return [Alternative(term, PREFIX_FACTOR) for term in sorted(stems)]


def _typo_alternatives(index: Index, word: str) -> list[Alternative]:
    """Return the stems of known words one or two typing slips from ``word``."""
    if len(word) < FUZZY_MIN_LENGTH or word.isdigit():
        return []
    # One slip (a letter missing, extra, wrong or swapped) in a word, two
    # in a long word. The forms one slip away are few enough to look up
    # one by one; rapidfuzz, whose import costs about 20 ms, searches the
    # vocabulary for two slips.
    found = [(known, 1) for known in _one_slip(word) if known in index.surface]
    if not found and len(word) >= FUZZY_TWO_SLIPS_LENGTH:
        from rapidfuzz import process
        from rapidfuzz.distance import OSA

        found = [
            (known, int(distance))
            for known, distance, _ in process.extract(
                word, list(index.surface), scorer=OSA.distance, score_cutoff=2, limit=8
            )
        ]
    best: dict[str, float] = {}
    for candidate, distance in found:
        term = index.surface[candidate]
        if term in index.vocabulary or term in index.phrases:
            factor = (1 - distance / len(word)) * FUZZY_FACTOR
            best[term] = max(best.get(term, 0.0), factor)
    return [
        Alternative(term, factor, full_credit=True) for term, factor in best.items()
    ]


def _one_slip(word: str) -> set[str]:
    """Return the forms one slip from ``word`` (folded text: letters a-z).

    A slip is a letter missing, extra or wrong, or two neighbours swapped:
    an optimal string alignment distance of 1.
    """
    cuts = [(word[:i], word[i:]) for i in range(len(word) + 1)]
    forms = {left + right[1:] for left, right in cuts if right}
    forms |= {
        left + right[1] + right[0] + right[2:] for left, right in cuts if len(right) > 1
    }
    forms |= {
        left + c + right[1:] for left, right in cuts if right for c in ascii_lowercase
    }
    forms |= {left + c + right for left, right in cuts for c in ascii_lowercase}
    forms.discard(word)
    return forms


def _phrase_at(
    index: Index, keys: Sequence[str], start: int
) -> tuple[int, tuple[str, ...]]:
    """Return the size and groups of the longest phrase starting at ``start``."""
    for size in range(min(index.longest, len(keys) - start), 0, -1):
        window = keys[start : start + size]
        groups = index.phrases.get(" ".join(window))
        if not groups and size > 1:
            groups = index.bags.get(bag_key(window))
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
    tally = _tally(index, concepts)
    _, covered, matched, _ = tally
    return _best(_relevant(concepts, total, covered, matched), tally, total, limit)


def near_misses(index: Index, concepts: list[Concept], limit: int) -> list[Hit]:
    """Return the best documents matching part of a query nothing answers.

    They are no answers, but questions worth a look: the caller may have
    put in words of their own what an entry says ("il y a des marches pour
    entrer" for the access in a wheelchair). A document must match at
    least ``NEAR_COVERAGE`` of the query's weight.
    """
    total = sum(concept.weight for concept in concepts)
    if total <= 0:
        return []
    tally = _tally(index, concepts)
    covered = tally[1]
    near = [number for number, part in covered.items() if part >= NEAR_COVERAGE * total]
    return _best(near, tally, total, limit)


def _best(numbers: list[int], tally: Tally, total: float, limit: int) -> list[Hit]:
    """Return the hits of the ``limit`` best scored of ``numbers``."""
    scores, covered, _, matched_terms = tally
    numbers.sort(key=lambda number: (-scores[number], number))
    return [
        Hit(
            number,
            scores[number],
            covered[number] / total,
            frozenset(terms[number] for terms in matched_terms if number in terms),
        )
        for number in numbers[:limit]
    ]


# Scores, weight covered and concepts matched per document; matched terms.
Tally = tuple[dict[int, float], dict[int, float], dict[int, int], list[dict[int, str]]]


def _tally(index: Index, concepts: list[Concept]) -> Tally:
    """Add up the concepts' matches in each document.

    Returns, per document, the score, the query weight covered and the
    number of concepts matched; and per concept, the term found in each
    document (to highlight it).
    """
    scores: dict[int, float] = {}
    covered: dict[int, float] = {}
    matched: dict[int, int] = {}
    matched_terms: list[dict[int, str]] = []
    for concept in concepts:
        best, credits, terms = _concept_scores(index, concept)
        matched_terms.append(terms)
        weight = concept.weight
        if not scores:  # the first concept: nothing to add to
            scores = best
            covered = {number: weight * credit for number, credit in credits.items()}
            matched = dict.fromkeys(best, 1)
            continue
        for number, score in best.items():
            scores[number] = scores.get(number, 0.0) + score
            covered[number] = covered.get(number, 0.0) + weight * credits[number]
            matched[number] = matched.get(number, 0) + 1
    return scores, covered, matched, matched_terms


def _relevant(
    concepts: list[Concept],
    total: float,
    covered: dict[int, float],
    matched: dict[int, int],
) -> list[int]:
    """Return the documents that match enough of the query (see above)."""
    unknown = [concept.weight for concept in concepts if not concept.alternatives]
    known_total, unknown_count = total - sum(unknown), len(unknown)
    # Rounding must not decide: a query matched only in a body is covered
    # at exactly BODY_CREDIT, which may equal the threshold.
    needed = MIN_COVERAGE * total * (1 - 1e-9)
    return [
        number
        for number, part in covered.items()
        if part >= needed
        or matched[number] == len(concepts) >= 3
        or (
            matched[number] >= 2
            and matched[number] > unknown_count
            and part >= STRONG_COVERAGE * known_total
        )
    ]


def _concept_scores(
    index: Index, concept: Concept
) -> tuple[dict[int, float], dict[int, float], dict[int, str]]:
    """Return, per document, a concept's best score, coverage credit and term.

    The score and its term come from the alternative scoring best in the
    document; the credit from the best placed one (question and tags earn
    more than the body).
    """
    scores: dict[int, float] = {}
    credits: dict[int, float] = {}
    terms: dict[int, str] = {}
    for alternative in concept.alternatives:
        factor, term = alternative.factor, alternative.term
        idf = _idf(index, index.document_count(alternative.counted_as or term))
        title_credit = 1.0 if alternative.full_credit else factor
        scale, body = factor * idf * (K1 + 1), title_credit * BODY_CREDIT
        documents, impacts = index.postings(term)
        for packed, impact in zip(documents, impacts, strict=True):
            if packed & TITLE_BIT:
                number, credit = packed ^ TITLE_BIT, title_credit
            else:
                number, credit = packed, body
            score = scale * impact / (K1 + impact)
            if score > scores.get(number, 0.0):
                scores[number], terms[number] = score, term
            if credit > credits.get(number, 0.0):
                credits[number] = credit
    return scores, credits, terms


def highlight_stems(index: Index, terms: frozenset[str]) -> frozenset[str]:
    """Return the stems to highlight for matched ``terms`` (groups expanded)."""
    stems: set[str] = set()
    for term in terms:
        if term.startswith(GROUP_PREFIX):
            stems.update(index.members.get(term, ()))
        else:
            stems.add(term)
    return frozenset(stems)
