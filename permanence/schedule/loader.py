"""Loading the workspace's schedule: from the cache, or parsed and checked.

``permanence who`` runs while a caller may be waiting: reading back the
pickled model takes a millisecond where parsing and checking
``shifts.yaml`` takes far longer. The copy lives in the workspace's local
``.permanence/cache/`` folder (never shared), stamped with the file's size
and modification time; any change means parsing again, and only a
schedule without problems is cached. This module stays light: the YAML
parser is imported only when the cache is missing or stale.
"""

from __future__ import annotations

import contextlib
from pathlib import Path

from permanence import __version__
from permanence.errors import InvalidInputError, Problem
from permanence.i18n import _
from permanence.schedule.model import Schedule
from permanence.workspace import Workspace

CACHE_NAME = "schedule.pickle"
# Bump when the model's classes change shape.
CACHE_FORMAT = 1


def cache_file(workspace: Workspace) -> Path:
    """Return where the workspace's parsed schedule is cached."""
    return workspace.cache_file(CACHE_NAME)


def load_schedule(workspace: Workspace, use_cache: bool = True) -> Schedule:
    """Return the workspace's schedule; raise ``InvalidInputError`` if broken.

    The error lists every problem of ``shifts.yaml`` at once, each with its
    line and column. A valid schedule is cached until the file changes.
    """
    path = workspace.shifts_file
    if not use_cache:
        return read_schedule(path)
    from permanence.adapters.filecache import files_stamp, load_cached

    stamp = f"schedule {CACHE_FORMAT} {__version__}\n" + files_stamp((), (path,))
    with contextlib.suppress(OSError):  # a read-only workspace is only slower
        workspace.ensure_state_dir()
    return load_cached(cache_file(workspace), stamp, lambda: read_schedule(path))


def read_schedule(path: Path) -> Schedule:
    """Parse and check ``path``; raise ``InvalidInputError`` listing every problem."""
    from permanence.schedule.parsing import parse_schedule
    from permanence.settings import load_document

    if not path.is_file():
        message = _("file not found: write the shifts in {name}")
        raise InvalidInputError([Problem(path, message.format(name=path.name))])
    schedule, problems = parse_schedule(load_document(path), path)
    if problems:
        problems.sort(key=lambda p: (p.line or 0, p.column or 0))
        raise InvalidInputError(problems)
    return schedule
