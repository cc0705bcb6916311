"""The index on disk: when to rebuild it, and reading only what is needed.

The index is rebuilt when any FAQ entry, guide page or the synonyms file
was added, removed or changed (name, size, modification time). The file
starts with a small header (vocabulary, stems, offsets) loaded on
every query; the postings of the query's terms and the documents shown are
read from the rest of the file on demand, so a query stays fast with
thousands of entries. A stale, corrupt or unknown-version file is simply
rebuilt; an unwritable cache folder only costs speed.
"""

from __future__ import annotations

import contextlib
import io
import marshal
import os
import struct
from array import array
from pathlib import Path
from typing import Any, BinaryIO

from permanence.search.index import FORMAT_VERSION, HEADER, MAGIC, StoredProblem

RECORD = tuple[str, str, str, tuple[str, ...], str]


class Index:
    """A built index, read from a file or from bytes in memory."""

    def __init__(self, stream: BinaryIO, header: dict[str, Any], start: int) -> None:
        self._stream = stream
        self._start = start
        self.stamp: bytes = header["stamp"]
        self.count: int = header["count"]
        self.vocabulary: dict[str, int] = header["vocabulary"]
        self.surface: dict[str, str] = header["surface"]
        self.phrases: dict[str, tuple[str, ...]] = header["phrases"]
        self.bags: dict[str, tuple[str, ...]] = header["bags"]
        self.longest: int = header["longest"]
        self.members: dict[str, tuple[str, ...]] = header["members"]
        self.problems = [StoredProblem(*values) for values in header["problems"]]
        self._offsets = array("Q")
        self._offsets.frombytes(header["offsets"])

    def stem_of(self, word: str) -> str | None:
        """Return the stem of a folded word of the knowledge base, else None."""
        found = self.surface.get(word)
        if found is None and word.isdigit():
            return word  # numbers are their own stems, not stored
        return found

    def document_count(self, term: str) -> int:
        """Return how many documents hold ``term`` (0 if none)."""
        packed = self.vocabulary.get(term)
        return 0 if packed is None else packed & 0xFFFFFF

    def postings(self, term: str) -> tuple[array[int], array[float]]:
        """Return the documents holding ``term`` and its weight in each.

        A document number has ``TITLE_BIT`` set when the term is in its
        question or tags.
        """
        documents, impacts = array("I"), array("f")
        packed = self.vocabulary.get(term)
        if packed is not None:
            count = packed & 0xFFFFFF
            self._stream.seek(self._start + (packed >> 24))
            documents.frombytes(self._stream.read(count * documents.itemsize))
            impacts.frombytes(self._stream.read(count * impacts.itemsize))
        return documents, impacts

    def record(self, number: int) -> RECORD:
        """Return (id, path, question, tags, body) of document ``number``."""
        start, end = self._offsets[number], self._offsets[number + 1]
        self._stream.seek(self._start + start)
        value: RECORD = marshal.loads(self._stream.read(end - start))
        return value

    def close(self) -> None:
        """Release the file."""
        self._stream.close()


def read_index(stream: BinaryIO) -> Index | None:
    """Return the index in ``stream``, or None if it is not a valid one."""
    try:
        magic, version, size = HEADER.unpack(stream.read(HEADER.size))
        if magic != MAGIC or version != FORMAT_VERSION:
            return None
        header = marshal.loads(stream.read(size))
        return Index(stream, header, HEADER.size + size)
    except (ValueError, EOFError, TypeError, KeyError, OSError, struct.error):
        return None  # corrupt or foreign: the caller rebuilds it


def open_index(path: Path, stamp: bytes) -> Index | None:
    """Return the index stored at ``path`` if it matches ``stamp``."""
    try:
        stream = path.open("rb")
    except OSError:
        return None
    index = read_index(stream)
    if index is None or index.stamp != stamp:
        stream.close()
        return None
    return index


def index_from_bytes(blob: bytes) -> Index:
    """Return the index held in memory by ``blob``."""
    index = read_index(io.BytesIO(blob))
    if index is None:
        raise ValueError("not an index blob")
    return index


def save_index(path: Path, blob: bytes) -> bool:
    """Write the index atomically; return False if the folder is unwritable."""
    temporary = path.with_name(f"{path.name}.{os.getpid()}.tmp")
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        temporary.write_bytes(blob)
        os.replace(temporary, path)
    except OSError:
        with contextlib.suppress(OSError):
            temporary.unlink(missing_ok=True)
        return False
    return True
