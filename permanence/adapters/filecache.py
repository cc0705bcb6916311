"""Values computed from workspace files, cached in the local state folder.

A cached value is stored with a *stamp* of its source files (names, sizes,
modification times). When the stamp still matches, the value is read back
instead of parsing markdown and YAML again; when any source changed, was
added or removed, it is rebuilt. A corrupt or unreadable cache is rebuilt,
and an unwritable state folder only costs speed.
"""

from __future__ import annotations

import contextlib
import os
import pickle
from collections.abc import Callable, Iterable
from pathlib import Path
from typing import TypeVar

T = TypeVar("T")

# Bump when the layout of cached objects changes, to force a rebuild.
CACHE_VERSION = 2


def files_stamp(
    folders: Iterable[Path], files: Iterable[Path], suffix: str = ".md"
) -> str:
    """Return a stamp of the names, sizes and times of the source files."""
    parts = [str(CACHE_VERSION)]
    for folder in folders:
        parts.append(f"{folder}/")
        with contextlib.suppress(OSError), os.scandir(folder) as entries:
            for entry in sorted(entries, key=lambda item: item.name):
                if entry.name.endswith(suffix) and not entry.name.startswith("."):
                    stat = entry.stat()
                    parts.append(f"{entry.name} {stat.st_mtime_ns} {stat.st_size}")
    for path in files:
        try:
            stat = path.stat()
            parts.append(f"{path} {stat.st_mtime_ns} {stat.st_size}")
        except OSError:
            parts.append(f"{path} absent")
    return "\n".join(parts)


def load_cached(cache_file: Path, stamp: str, build: Callable[[], T]) -> T:
    """Return the value cached under ``stamp``, or build it and cache it."""
    with contextlib.suppress(Exception):  # any unreadable cache is rebuilt
        with cache_file.open("rb") as handle:
            cached_stamp, value = pickle.load(handle)
        if cached_stamp == stamp:
            return value  # type: ignore[no-any-return]
    value = build()
    with contextlib.suppress(OSError):
        cache_file.parent.mkdir(parents=True, exist_ok=True)
        temporary = cache_file.with_suffix(f".{os.getpid()}.tmp")
        with temporary.open("wb") as handle:
            pickle.dump((stamp, value), handle, protocol=pickle.HIGHEST_PROTOCOL)
        os.replace(temporary, cache_file)
    return value
