"""Building the search index of the FAQ and the guide.

Each document has three fields weighed differently when ranking: the
question (a guide page's title), the tags (a guide page's reason label and
FAQ tags) and the body. Synonym groups become extra terms: a field holding
any phrase of a group also holds the group's term (``~3``), so that
"devenir membre" in a question finds an entry that only says "adhésion".

The index is one blob of plain structures (see ``store``): a small header
read on every query, and postings and documents read only when needed.
"""

from __future__ import annotations

import marshal
import struct
from array import array
from collections import Counter
from collections.abc import Iterable, Sequence
from typing import NamedTuple

from permanence.search.text import Analyzer

FIELDS = ("question", "tags", "body")
FORMAT_VERSION = 10
MAGIC = b"permfaq\0"
HEADER = struct.Struct("<8sIQ")  # magic, format version, header length
GROUP_PREFIX = "~"
FIELD_WEIGHTS = (3.0, 2.0, 1.0)  # question, tags, body
FIELD_B = (0.5, 0.3, 0.75)  # how much each field's length dampens its counts
TITLE_BIT = 1 << 31


class Document(NamedTuple):
    """A searchable text: a FAQ entry or a guide page."""

    id: str
    path: str
    question: str
    tags: tuple[str, ...]
    body: str


class StoredProblem(NamedTuple):
    """A file left out of the index, and why (kept to report it each time)."""

    path: str
    message: str
    line: int | None
    column: int | None


def bag_key(keys: Sequence[str]) -> str:
    """Return the key of a phrase whatever the order of its words."""
    return " ".join(sorted(keys))


class _Phrases:
    """Synonym phrases as stem sequences, mapped to their group terms.

    A phrase of several words is also found with its words in another
    order ("vous êtes où" for "où êtes-vous"): French questions put the
    subject before or after the verb, and callers do both.
    """

    def __init__(self, groups: Sequence[Sequence[str]], analyzer: Analyzer) -> None:
        self.by_key: dict[str, tuple[str, ...]] = {}
        self.by_bag: dict[str, tuple[str, ...]] = {}
        self.members: dict[str, tuple[str, ...]] = {}
        for number, group in enumerate(groups):
            term = f"{GROUP_PREFIX}{number}"
            stems: set[str] = set()  # the words to highlight
            for phrase in group:
                # Stop words stay in the key: "ne plus être membre" is not
                # "membre".
                keys = analyzer.keys(phrase)
                key = " ".join(word for word, _ in keys)
                if key:
                    self.by_key[key] = (*self.by_key.get(key, ()), term)
                    stems.update(word for word, informative in keys if informative)
                if len(keys) > 1:
                    bag = bag_key([word for word, _ in keys])
                    self.by_bag[bag] = (*self.by_bag.get(bag, ()), term)
            self.members[term] = tuple(sorted(stems))
        self.longest = max((key.count(" ") + 1 for key in self.by_key), default=0)
        # The words of the phrases of several words.
        self.linking = {word for bag in self.by_bag for word in bag.split(" ")}

    def group_terms(self, keys: Sequence[str]) -> list[str]:
        """Return the group terms of every phrase found in ``keys``."""
        found: list[str] = []
        linking = self.linking
        for start, key in enumerate(keys):
            found += self.by_key.get(key, ())
            # A longer phrase can only start and go on with its own words.
            if key not in linking:
                continue
            for end in range(start + 2, min(start + self.longest, len(keys)) + 1):
                if keys[end - 1] not in linking:
                    break
                window = keys[start:end]
                found += self.by_key.get(" ".join(window), ()) or self.by_bag.get(
                    bag_key(window), ()
                )
        return found


def build_index(
    documents: Iterable[Document],
    synonym_groups: Sequence[Sequence[str]],
    problems: Sequence[StoredProblem],
    stamp: bytes,
) -> bytes:
    """Return the index of ``documents`` as one blob (see ``store``)."""
    analyzer = Analyzer()
    phrases = _Phrases(synonym_groups, analyzer)
    counts: list[list[Counter[str]]] = []
    records: list[bytes] = []
    for document in documents:
        counts.append(_field_counts(document, analyzer, phrases))
        records.append(marshal.dumps(tuple(document)))
    postings = _postings(counts)
    return _serialise(records, postings, analyzer, phrases, problems, stamp)


def _field_counts(
    document: Document, analyzer: Analyzer, phrases: _Phrases
) -> list[Counter[str]]:
    texts = (document.question, "\n".join(document.tags), document.body)
    counts = []
    for text in texts:
        keys = analyzer.keys(text)
        terms = [key for key, informative in keys if informative]
        counts.append(Counter(terms + phrases.group_terms([key for key, _ in keys])))
    return counts


def _postings(
    counts: list[list[Counter[str]]],
) -> dict[str, tuple[list[int], list[float]]]:
    """Return, per term, its documents and the term's weight in each.

    The weight is BM25F's pseudo-frequency: the count in each field, times
    the field's weight, normalised by the field's length against the
    average. Computing it here leaves one multiplication per document to a
    query. A document's number has its top bit set when the term is in the
    question or the tags.
    """
    total = max(len(counts), 1)
    lengths = [[sum(field.values()) for field in fields] for fields in counts]
    averages = [
        max(sum(row[f] for row in lengths) / total, 1.0) for f in range(len(FIELDS))
    ]
    postings: dict[str, tuple[list[int], list[float]]] = {}
    for number, fields in enumerate(counts):
        weights: dict[str, float] = {}
        titled: set[str] = set()
        for f, counter in enumerate(fields):
            b = FIELD_B[f]
            norm = FIELD_WEIGHTS[f] / (1 - b + b * lengths[number][f] / averages[f])
            for term, count in counter.items():
                weights[term] = weights.get(term, 0.0) + count * norm
                if f < 2:
                    titled.add(term)
        for term, weight in weights.items():
            documents, impacts = postings.setdefault(term, ([], []))
            documents.append(number | TITLE_BIT if term in titled else number)
            impacts.append(weight)
    return postings


def _serialise(
    records: list[bytes],
    postings: dict[str, tuple[list[int], list[float]]],
    analyzer: Analyzer,
    phrases: _Phrases,
    problems: Sequence[StoredProblem],
    stamp: bytes,
) -> bytes:
    body = bytearray()
    vocabulary: dict[str, int] = {}
    for term, (documents, impacts) in postings.items():
        # Offset and document count packed in one int: cheaper to load.
        vocabulary[term] = (len(body) << 24) | len(documents)
        body += array("I", documents).tobytes()
        body += array("f", impacts).tobytes()
    offsets = array("Q")
    for record in records:
        offsets.append(len(body))
        body += record
    offsets.append(len(body))
    header = {
        "stamp": stamp,
        "count": len(records),
        "offsets": offsets.tobytes(),
        "vocabulary": vocabulary,
        # A number is its own stem: not kept (thousands in a big FAQ).
        "surface": {
            word: stem for word, stem in analyzer.stems.items() if not word.isdigit()
        },
        "phrases": phrases.by_key,
        "bags": phrases.by_bag,
        "longest": phrases.longest,
        "members": phrases.members,
        "problems": [tuple(problem) for problem in problems],
    }
    encoded = marshal.dumps(header)
    return HEADER.pack(MAGIC, FORMAT_VERSION, len(encoded)) + encoded + bytes(body)
