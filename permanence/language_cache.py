"""The workspace's interface language, cached beside the local state.

Reading the language from ``shifts.yaml`` means importing a YAML parser and
reading the whole schedule; the answer is kept in ``.permanence/`` with the
file's size and modification time, and read again only when they change.
"""

from __future__ import annotations

from permanence.workspace import Workspace

CACHE_NAME = "language"


def workspace_language(workspace: Workspace) -> str | None:
    """Return the workspace's ``language`` setting, or None if unset."""
    try:
        stat = workspace.shifts_file.stat()
    except OSError:
        return None
    stamp = f"{stat.st_mtime_ns} {stat.st_size}"
    cache = workspace.state_dir / CACHE_NAME
    try:
        cached_stamp, language = cache.read_text(encoding="utf-8").split("\n")[:2]
        if cached_stamp == stamp:
            return language or None
    except (OSError, ValueError):
        pass
    from permanence.settings import load_settings

    language = load_settings(workspace.shifts_file).language
    try:
        workspace.ensure_state_dir()
        cache.write_text(f"{stamp}\n{language or ''}\n", encoding="utf-8")
    except OSError:
        pass  # a read-only workspace still works, only slower
    return language
