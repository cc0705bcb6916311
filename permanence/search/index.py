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
from dataclasses import dataclass

from permanence.search.text import Analyzer

FIELDS = ("question", "tags", "body")
FORMAT_VERSION = 4
MAGIC = b"permfaq\0"
HEADER = struct.Struct("<8sIQ")  # magic, format version, header length
GROUP_PREFIX = "~"


@dataclass(frozen=True)
class Document:
    """A searchable text: a FAQ entry or a guide page."""

    id: str
    path: str
    question: str
    tags: tuple[str, ...]
    body: str


@dataclass(frozen=True)
class StoredProblem:
    """A file left out of the index, and why (kept to report it each time)."""

    path: str
    message: str
    line: int | None
    column: int | None


class _Phrases:
    """Synonym phrases as stem sequences, mapped to their group terms."""

    def __init__(self, groups: Sequence[Sequence[str]], analyzer: Analyzer) -> None:
        self.by_key: dict[str, tuple[str, ...]] = {}
        self.members: dict[str, tuple[str, ...]] = {}
        for number, group in enumerate(groups):
            term = f"{GROUP_PREFIX}{number}"
            stems: set[str] = set()  # the words to highlight
            for phrase in group:
                key = " ".join(key for key, _ in analyzer.keys(phrase))
                if key:
                    self.by_key[key] = (*self.by_key.get(key, ()), term)
                    stems.update(
                        k for k, informative in analyzer.keys(phrase) if informative
                    )
            self.members[term] = tuple(sorted(stems))
        self.longest = max((key.count(" ") + 1 for key in self.by_key), default=0)

    def group_terms(self, keys: Sequence[str]) -> list[str]:
        """Return the group terms of every phrase found in ``keys``."""
        found: list[str] = []
        for start in range(len(keys)):
            for size in range(1, min(self.longest, len(keys) - start) + 1):
                found += self.by_key.get(" ".join(keys[start : start + size]), ())
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
    postings: dict[str, list[int]] = {}
    lengths = array("I")
    records: list[bytes] = []
    for number, document in enumerate(documents):
        counts = _field_counts(document, analyzer, phrases)
        for field, counter in enumerate(counts):
            lengths.append(sum(counter.values()))
            for term, count in counter.items():
                entry = postings.setdefault(term, [])
                if not entry or entry[-4] != number:
                    entry += (number, 0, 0, 0)
                entry[-3 + field] = count
        records.append(marshal.dumps(_record(document)))
    return _serialise(records, postings, lengths, analyzer, phrases, problems, stamp)


def _record(document: Document) -> tuple[str, str, str, tuple[str, ...], str]:
    return (document.id, document.path, document.question, document.tags, document.body)


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


def _serialise(
    records: list[bytes],
    postings: dict[str, list[int]],
    lengths: array[int],
    analyzer: Analyzer,
    phrases: _Phrases,
    problems: Sequence[StoredProblem],
    stamp: bytes,
) -> bytes:
    body = bytearray()
    vocabulary: dict[str, int] = {}
    for term, values in postings.items():
        # Offset and document count packed in one int: cheaper to load.
        vocabulary[term] = (len(body) << 24) | (len(values) // 4)
        body += array("I", values).tobytes()
    offsets = array("Q")
    for record in records:
        offsets.append(len(body))
        body += record
    offsets.append(len(body))
    count = len(records)
    header = {
        "stamp": stamp,
        "count": count,
        "average": _averages(lengths, count),
        "lengths": lengths.tobytes(),
        "offsets": offsets.tobytes(),
        "vocabulary": vocabulary,
        "surface": analyzer.stems,
        "phrases": phrases.by_key,
        "longest": phrases.longest,
        "members": phrases.members,
        "problems": [tuple(vars(problem).values()) for problem in problems],
    }
    encoded = marshal.dumps(header)
    return HEADER.pack(MAGIC, FORMAT_VERSION, len(encoded)) + encoded + bytes(body)


def _averages(lengths: array[int], count: int) -> tuple[float, ...]:
    if not count:
        return (1.0,) * len(FIELDS)
    width = len(FIELDS)
    return tuple(max(sum(lengths[field::width]) / count, 1.0) for field in range(width))
