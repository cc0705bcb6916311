"""The workspace's interface language, read from its cached settings."""

from __future__ import annotations

from permanence.workspace import Workspace


def workspace_language(workspace: Workspace) -> str | None:
    """Return the workspace's ``language`` setting, or None if unset."""
    if not workspace.shifts_file.is_file():
        return None
    from permanence.settings import workspace_settings

    return workspace_settings(workspace).language
