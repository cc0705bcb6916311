"""What every command shares: global options, the workspace, its settings."""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING

from permanence.i18n import set_language
from permanence.workspace import Workspace, find_workspace

if TYPE_CHECKING:
    from permanence.settings import Settings


class Options:
    """Global options given before the command name."""

    def __init__(
        self, workspace: Path | None = None, debug: bool = False, verbose: int = 0
    ) -> None:
        self.workspace = workspace
        self.debug = debug
        self.verbose = verbose
        self._workspace: Workspace | None = None
        self._settings: Settings | None = None


options = Options()


def reset(workspace: Path | None = None, debug: bool = False, verbose: int = 0) -> None:
    """Start a new invocation with these global options."""
    global options
    options = Options(workspace=workspace, debug=debug, verbose=verbose)
    if verbose:  # WARNING, Python's default, needs no set-up
        import logging

        level = logging.WARNING - 10 * min(verbose, 2)
        logging.basicConfig(level=level, format="%(levelname)s %(name)s: %(message)s")
        logging.getLogger().setLevel(level)


def workspace() -> Workspace:
    """Return the workspace of this invocation, finding it once."""
    if options._workspace is None:
        options._workspace = find_workspace(options.workspace)
    return options._workspace


def settings() -> Settings:
    """Return the workspace's settings, loaded once, and apply its language."""
    if options._settings is None:
        from permanence.settings import workspace_settings

        options._settings = workspace_settings(workspace())
        set_language(options._settings.language)
    return options._settings
