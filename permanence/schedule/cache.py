"""A pickled copy of the parsed schedule, so that quick commands skip YAML.

``permanence who`` runs while a caller may be waiting: reading the cached
model takes a millisecond where parsing and checking ``shifts.yaml`` takes
far longer. The copy lives in the workspace's local ``.permanence/cache/``
folder (never shared), stamped with the file's size and modification time
and the package version; any change means parsing again. Only a schedule
without problems is cached.
"""

from __future__ import annotations

import os
import pickle
from pathlib import Path

from permanence import __version__
from permanence.schedule.model import Schedule
from permanence.workspace import Workspace

CACHE_NAME = "schedule.pickle"
# Bump when the model's classes change shape.
FORMAT = 1


def cache_file(workspace: Workspace) -> Path:
    """Return where the workspace's schedule is cached."""
    return workspace.state_dir / "cache" / CACHE_NAME


def _stamp(path: Path) -> tuple[object, ...] | None:
    try:
        stat = path.stat()
    except OSError:
        return None
    return (FORMAT, __version__, str(path), stat.st_mtime_ns, stat.st_size)


def read_cached(workspace: Workspace) -> Schedule | None:
    """Return the cached schedule if ``shifts.yaml`` has not changed, else None."""
    stamp = _stamp(workspace.shifts_file)
    if stamp is None:
        return None
    try:
        with cache_file(workspace).open("rb") as handle:
            cached_stamp, schedule = pickle.load(handle)
    except (OSError, EOFError, pickle.UnpicklingError, ValueError, TypeError):
        return None
    except (AttributeError, ImportError):  # written by another version
        return None
    if cached_stamp != stamp or not isinstance(schedule, Schedule):
        return None
    return schedule


def write_cached(workspace: Workspace, schedule: Schedule) -> None:
    """Cache ``schedule``; a read-only workspace is only slower."""
    stamp = _stamp(workspace.shifts_file)
    if stamp is None:
        return
    target = cache_file(workspace)
    try:
        workspace.ensure_state_dir()
        target.parent.mkdir(exist_ok=True)
        partial = target.with_suffix(f".{os.getpid()}.tmp")
        with partial.open("wb") as handle:
            pickle.dump((stamp, schedule), handle, protocol=pickle.HIGHEST_PROTOCOL)
        partial.replace(target)
    except OSError:
        pass
