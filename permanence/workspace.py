"""Finding the workspace: the folder of ``guide/``, ``faq/`` and ``shifts.yaml``."""

from __future__ import annotations

import contextlib
import os
from pathlib import Path
from typing import NamedTuple

from permanence.errors import WorkspaceError
from permanence.i18n import _

ENV_VARIABLE = "PERMANENCE_WORKSPACE"
SHIFTS_FILE = "shifts.yaml"
STATE_DIR = ".permanence"


class Workspace(NamedTuple):
    """The paths of one association's workspace."""

    root: Path

    @property
    def guide_dir(self) -> Path:
        return self.root / "guide"

    @property
    def faq_dir(self) -> Path:
        return self.root / "faq"

    @property
    def shifts_file(self) -> Path:
        return self.root / SHIFTS_FILE

    @property
    def state_dir(self) -> Path:
        """Local, git-ignored state: call store, outbox, caches."""
        return self.root / STATE_DIR

    def ensure_state_dir(self) -> Path:
        """Create the local state folder (and its ``.gitignore``) if needed.

        The ``.gitignore`` keeps callers' details out of the association's
        repository even where the workspace's own one forgets the folder.
        """
        state = self.state_dir
        marker = state / ".gitignore"
        if not marker.exists():
            state.mkdir(parents=True, exist_ok=True)
            marker.write_text("*\n", encoding="utf-8")
        return state

    def cache_file(self, name: str) -> Path:
        """Return the path of the cache file ``name`` in the state folder.

        A workspace that cannot be written to still works, only slower: the
        caller's attempt to write the cache fails quietly.
        """
        with contextlib.suppress(OSError):
            self.ensure_state_dir()
        return self.state_dir / "cache" / name

    def require_dir(self, path: Path) -> Path:
        """Return ``path``, or raise a clear error if the folder is missing."""
        if not path.is_dir():
            message = _("folder {path} is missing: create it in the workspace {root}")
            raise WorkspaceError(message.format(path=path, root=self.root))
        return path


def _looks_like_workspace(folder: Path) -> bool:
    return (folder / SHIFTS_FILE).is_file() or (
        (folder / "guide").is_dir() and (folder / "faq").is_dir()
    )


def find_workspace(explicit: Path | None = None, cwd: Path | None = None) -> Workspace:
    """Return the workspace given, named by the environment, or found upwards."""
    given = explicit or (
        Path(os.environ[ENV_VARIABLE]) if os.environ.get(ENV_VARIABLE) else None
    )
    if given is not None:
        folder = given.expanduser().resolve()
        if not folder.is_dir():
            message = _(
                "workspace {path} does not exist: check --workspace or ${variable}"
            )
            raise WorkspaceError(message.format(path=folder, variable=ENV_VARIABLE))
        return Workspace(folder)
    start = (cwd or Path.cwd()).resolve()
    for folder in (start, *start.parents):
        if _looks_like_workspace(folder):
            return Workspace(folder)
    message = _(
        "no workspace found in {path} or its parents: run the command from the "
        "association's folder (the one holding guide/, faq/ and shifts.yaml), "
        "or give it with --workspace or ${variable}"
    )
    raise WorkspaceError(message.format(path=start, variable=ENV_VARIABLE))
