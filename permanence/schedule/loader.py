"""Loading the workspace's schedule: from the cache, or parsed and checked.

This module stays light (no YAML parser): the parser is imported only when
the cached copy is missing or stale.
"""

from __future__ import annotations

from pathlib import Path

from permanence.errors import InvalidInputError, Problem
from permanence.i18n import _
from permanence.schedule import cache
from permanence.schedule.model import Schedule
from permanence.workspace import Workspace


def load_schedule(workspace: Workspace, use_cache: bool = True) -> Schedule:
    """Return the workspace's schedule; raise ``InvalidInputError`` if broken.

    The error lists every problem of ``shifts.yaml`` at once, each with its
    line and column. A valid schedule is cached until the file changes.
    """
    if use_cache:
        cached = cache.read_cached(workspace)
        if cached is not None:
            return cached
    schedule = read_schedule(workspace.shifts_file)
    if use_cache:
        cache.write_cached(workspace, schedule)
    return schedule


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
