"""Telling whether the index is current: the stamp of its source files.

The stamp holds the name, size and modification time of every FAQ entry,
guide page and the synonyms file. Each file must be looked at: an editor
that rewrites a file in place leaves its folder's time unchanged. With
10,000 entries those ``stat`` calls take about 20 ms on a virtual machine,
most of a query's own cost.

They need nothing of the interpreter, so where the system can fork,
``permanence faq`` starts them in a child process first thing
(``start_in_background``) and collects the stamp when it needs it
(``from_background``). Meanwhile the parent loads the command-line
framework, which takes longer. Forking has its own cost, a few
milliseconds as the parent's memory pages are copied when written to (the
objects made before the fork are put out of the garbage collector's reach,
whose passes would write to all of them): it is only worth it for a large
knowledge base, which the size of its last index tells
(``start_for_large_index``). The stamp then describes the files as they
were some 30 ms before the query ran, which is the same guarantee: an
edit saved during a query may or may not be seen by it.

This module imports nothing heavy: it is loaded before the framework.
"""

from __future__ import annotations

import gc
import os
from array import array
from pathlib import Path
from typing import NamedTuple

from permanence.workspace import Workspace

SOURCE_SUFFIX = ".md"
SYNONYMS_FILE = "synonyms.yaml"
INDEX_FILE = "faq-index.bin"  # in the workspace's cache folder
# Measured on a 2-core virtual machine (docs/benchmarks.md): the child
# saves time from some 5,000 entries on, whose index takes about 4 MB;
# with 2,000 entries a command took 74-78 ms in place, 78-81 ms forked.
BACKGROUND_MIN_INDEX_SIZE = 4_000_000
_READ_SIZE = 1 << 20


class Sources(NamedTuple):
    """The folders of source files and the single files an index is built from."""

    folders: tuple[Path, ...]
    files: tuple[Path, ...]


def index_sources(workspace: Workspace) -> Sources:
    """Return what the FAQ index of ``workspace`` is built from."""
    return Sources(
        (workspace.faq_dir, workspace.guide_dir),
        (workspace.faq_dir / SYNONYMS_FILE,),
    )


def source_stamp(sources: Sources) -> bytes:
    """Return the names, sizes and times of the source files, as bytes.

    Kept whole rather than hashed: comparing a few hundred kilobytes costs
    less than loading a hash library, and never collides.
    """
    names: list[str] = []
    numbers = array("q")  # modification time and size of each file in turn
    for folder in sources.folders:
        names.append(f"{folder}/")
        try:
            _add_folder(folder, names, numbers)
        except OSError:
            continue
    for path in sources.files:
        names.append(str(path))
        try:
            stat = path.stat()
        except OSError:
            numbers += array("q", (-1, -1))
            continue
        numbers += array("q", (stat.st_mtime_ns, stat.st_size))
    # "/" never occurs in a file name: the names cannot run into each other.
    return "/".join(names).encode(errors="surrogateescape") + numbers.tobytes()


# Where the system allows it, a file is looked up relative to its open
# folder rather than by its whole path: 10-15% faster over 10,000 files.
_BY_FOLDER = os.stat in os.supports_dir_fd and os.listdir in os.supports_fd


def _add_folder(folder: Path, names: list[str], numbers: array[int]) -> None:
    """Add the name, time and size of each source file of ``folder``."""
    add = numbers.append
    # Not sorted: an unchanged folder lists in the same order, and a
    # changed one means a rebuild anyway.
    if not _BY_FOLDER:
        with os.scandir(folder) as entries:
            for entry in entries:
                if _is_source(entry.name):
                    stat = entry.stat()
                    names.append(entry.name)
                    add(stat.st_mtime_ns)
                    add(stat.st_size)
        return
    descriptor = os.open(folder, os.O_RDONLY)
    try:
        found = [name for name in os.listdir(descriptor) if _is_source(name)]
        for name in found:
            stat = os.stat(name, dir_fd=descriptor)
            add(stat.st_mtime_ns)
            add(stat.st_size)
    finally:
        os.close(descriptor)
    names += found


def _is_source(name: str) -> bool:
    return name.endswith(SOURCE_SUFFIX) and name[0] != "."


class _Child(NamedTuple):
    """A child process computing the stamp of ``sources`` into a pipe."""

    sources: Sources
    pid: int
    reader: int


_pending: list[_Child] = []


def start_for_large_index(workspace: Workspace) -> None:
    """Start the stamp of ``workspace`` in the background if it is worth it."""
    try:
        size = (workspace.state_dir / "cache" / INDEX_FILE).stat().st_size
    except OSError:
        return  # no index yet: building it takes far longer than the stamp
    if size >= BACKGROUND_MIN_INDEX_SIZE:
        start_in_background(index_sources(workspace))


def start_in_background(sources: Sources) -> None:
    """Start computing the stamp of ``sources`` in a child process.

    Only where ``os.fork`` exists, and one at a time. Call it before any
    thread is started: a child forked beside threads may deadlock.
    """
    if _pending or not hasattr(os, "fork"):
        return
    try:
        reader, writer = os.pipe()
    except OSError:
        return
    # The objects made so far are put out of the garbage collector's reach:
    # its passes would write to every page the parent shares with the child,
    # and the kernel would copy each one (6 to 9 ms with 10,000 entries).
    gc.freeze()
    try:
        pid = os.fork()
    except OSError:
        os.close(reader)
        os.close(writer)
        return
    if pid == 0:  # the child: nothing it does may reach the parent's output
        status = 1
        try:
            os.close(reader)
            stamp = memoryview(source_stamp(sources))
            while stamp:
                stamp = stamp[os.write(writer, stamp) :]
            status = 0
        finally:
            os._exit(status)
    os.close(writer)
    _pending.append(_Child(sources, pid, reader))


def from_background(sources: Sources) -> bytes | None:
    """Return the stamp of ``sources`` computed in the background, if any.

    None when nothing was started for these sources or the child failed:
    the caller then computes the stamp itself.
    """
    if not _pending:
        return None
    child = _pending.pop()
    wanted = child.sources == sources
    chunks = []
    try:
        # A child started for other sources is stopped by the pipe closing.
        while wanted and (chunk := os.read(child.reader, _READ_SIZE)):
            chunks.append(chunk)
    except OSError:
        wanted = False
    finally:
        os.close(child.reader)
    try:
        _, status = os.waitpid(child.pid, 0)
    except OSError:
        return None
    if not wanted or os.waitstatus_to_exitcode(status) != 0:
        return None
    return b"".join(chunks)
