"""The workspace's interface language, known before any command is built.

Every command needs it first thing, so it is kept in a one-line text file
of the state folder beside the stamp of ``shifts.yaml``: reading it costs
no import at all. When the stamp differs, the settings are read (through
their own cache) and the file is written again.
"""

from __future__ import annotations

import contextlib

from permanence.workspace import Workspace

CACHE_NAME = "language"


def workspace_language(workspace: Workspace) -> str | None:
    """Return the workspace's ``language`` setting, or None if unset."""
    try:
        stat = workspace.shifts_file.stat()
    except OSError:
        return None
    stamp = f"{stat.st_mtime_ns} {stat.st_size}"
    cache = workspace.cache_file(CACHE_NAME)
    with contextlib.suppress(OSError, ValueError):
        cached_stamp, cached = cache.read_text(encoding="utf-8").split("\n")[:2]
        if cached_stamp == stamp:
            return cached or None
    from permanence.settings import workspace_settings

    language = workspace_settings(workspace).language
    with contextlib.suppress(OSError):  # a read-only workspace is only slower
        cache.parent.mkdir(parents=True, exist_ok=True)
        cache.write_text(f"{stamp}\n{language or ''}\n", encoding="utf-8")
    return language
