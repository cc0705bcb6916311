"""Lines made by the icalendar library, kept from one run to the next.

Importing icalendar costs about 30 ms, more than rendering a hundred
calendars once their lines are made, and the lines it makes (the
VTIMEZONE, the shared description and alarms, each volunteer's ATTENDEE)
hardly change between runs. They are kept in a small pickle in the
workspace's local ``.permanence/cache/`` folder, like the parsed schedule,
stamped with the files that made them (the icalendar library's and the
renderer's): any change to those means making every line again. A corrupt
or unreadable file is ignored, and an unwritable folder only costs speed.
"""

from __future__ import annotations

import contextlib
import os
import pickle
from collections.abc import Callable, Hashable, Iterator, Sequence
from contextlib import contextmanager
from functools import wraps
from importlib.util import find_spec
from pathlib import Path
from typing import Any, TypeVar

F = TypeVar("F", bound=Callable[..., Any])

# Bump when the layout of the file changes.
FORMAT = 1
# A line not used by the last runs that saved the file is dropped from it
# (the VTIMEZONE of a window that moved on, a volunteer who left).
KEEP_SAVES = 20


class _Store:
    """The kept lines: key -> (lines, number of the last save that used them)."""

    def __init__(self, path: Path, sources: Sequence[str]) -> None:
        self.path = path
        self.sources = sources
        self.lines: dict[Hashable, tuple[Any, int]] | None = None
        self.saves = 0
        self.changed = False

    def get(self, key: Hashable, make: Callable[[], Any]) -> Any:
        """Return the kept value of ``key``, made (and kept) if missing."""
        if self.lines is None:
            self.lines, self.saves = _load(self.path, _stamp(self.sources))
        found = self.lines.get(key)
        if found is not None:
            if found[1] != self.saves + 1:
                self.lines[key] = (found[0], self.saves + 1)
            return found[0]
        value = make()
        self.lines[key] = (value, self.saves + 1)
        self.changed = True
        return value

    def save(self) -> None:
        """Write the lines back if new ones were made; forget the stale ones."""
        if not self.changed or self.lines is None:
            return
        saves = self.saves + 1
        kept = {k: v for k, v in self.lines.items() if v[1] > saves - KEEP_SAVES}
        document = (_stamp(self.sources), saves, kept)
        with contextlib.suppress(OSError):
            self.path.parent.mkdir(parents=True, exist_ok=True)
            temporary = self.path.with_suffix(f".{os.getpid()}.tmp")
            with temporary.open("wb") as handle:
                pickle.dump(document, handle, protocol=pickle.HIGHEST_PROTOCOL)
            os.replace(temporary, self.path)


_current: _Store | None = None


@contextmanager
def kept(path: Path, sources: Sequence[str]) -> Iterator[None]:
    """Keep the lines remembered within the block in ``path``.

    ``sources`` are the files (or importable module names) whose content
    decides the lines: the file is ignored when any of them changed.
    """
    global _current
    outer, _current = _current, _Store(path, sources)
    try:
        yield
        _current.save()
    finally:
        _current = outer


def remembered(function: F) -> F:
    """Return ``function`` looking its result up in the kept lines first.

    Its arguments must be hashable and picklable; outside a ``kept``
    block the function is simply called.
    """
    name = function.__qualname__

    @wraps(function)
    def wrapper(*args: Any) -> Any:
        store = _current
        if store is None:
            return function(*args)
        return store.get((name, *args), lambda: function(*args))

    return wrapper  # type: ignore[return-value]


def _load(path: Path, stamp: str) -> tuple[dict[Hashable, tuple[Any, int]], int]:
    with contextlib.suppress(Exception):  # anything unreadable is made again
        with path.open("rb") as handle:
            kept_stamp, saves, lines = pickle.load(handle)
        if kept_stamp == stamp and isinstance(lines, dict):
            return lines, int(saves)
    return {}, 0


def _stamp(sources: Sequence[str]) -> str:
    """Return the format, then the path, size and time of each source file."""
    parts = [str(FORMAT)]
    for source in sources:
        origin = source
        if not source.endswith(".py"):
            spec = find_spec(source)
            origin = (spec.origin if spec else None) or source
        try:
            stat = os.stat(origin)
            parts.append(f"{origin} {stat.st_size} {stat.st_mtime_ns}")
        except OSError:
            parts.append(f"{origin} absent")
    return "\n".join(parts)
