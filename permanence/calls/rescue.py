"""Saving calls without ever losing one, and pushing them to the sheet.

When the local call log cannot be written (locked by another process,
damaged file), each record is written as JSON to
``.permanence/rescue/<id>.json``; ``import_rescued`` moves them into the log
later, exactly once: a file is deleted only after its record is stored, and
a record already stored is not added again.
"""

from __future__ import annotations

import json
import os
from collections.abc import Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Any

from permanence.adapters.callstore import CallStore, CallStoreError
from permanence.calls.record import CallRecord, record_from_dict, record_to_dict
from permanence.i18n import _
from permanence.workspace import Workspace

if TYPE_CHECKING:
    from permanence.settings import Settings
    from permanence.sheetsync import PushReport

RESCUE_DIR = "rescue"


class RescuedError(CallStoreError):
    """The call log could not be written; the records wait in rescue files."""

    def __init__(self, cause: CallStoreError, files: list[Path]) -> None:
        message = _(
            "{problem}. Nothing is lost: the call was written to {files}; the next "
            "'permanence log' or 'permanence sync' will move it into the log."
        )
        listed = ", ".join(str(path) for path in files)
        super().__init__(
            message.format(problem=cause.message, files=listed), cause.kind, cause.path
        )
        self.exit_code = cause.exit_code
        self.files = files


def _logger() -> Any:
    import logging  # only when there is something to log: it costs start-up time

    return logging.getLogger(__name__)


def rescue_dir(workspace: Workspace) -> Path:
    """Return the folder of the records waiting to enter the call log."""
    return workspace.state_dir / RESCUE_DIR


def write_rescue(workspace: Workspace, record: CallRecord) -> Path:
    """Write ``record`` durably to its rescue file; return the path."""
    folder = rescue_dir(workspace)
    folder.mkdir(parents=True, exist_ok=True)
    target = folder / f"{record.id}.json"
    temporary = folder / f".{record.id}.json.tmp"
    text = json.dumps(record_to_dict(record), ensure_ascii=False, indent=2)
    with temporary.open("w", encoding="utf-8") as handle:
        handle.write(text)
        handle.flush()
        os.fsync(handle.fileno())
    os.replace(temporary, target)
    return target


def save_calls(workspace: Workspace, records: Sequence[CallRecord]) -> None:
    """Store ``records`` in the call log (all or none), or rescue them.

    Raises ``RescuedError`` (after writing the rescue files) when the log
    cannot be written.
    """
    try:
        with CallStore.open(workspace) as store:
            import_rescued(store, workspace)
            store.add_many(records)
    except CallStoreError as error:
        files = [write_rescue(workspace, record) for record in records]
        raise RescuedError(error, files) from error


def import_rescued(store: CallStore, workspace: Workspace) -> list[str]:
    """Move the rescued records into ``store``; return the ids imported."""
    folder = rescue_dir(workspace)
    if not folder.is_dir():
        return []
    imported = []
    for path in sorted(folder.glob("*.json")):
        try:
            record = record_from_dict(json.loads(path.read_text(encoding="utf-8")))
        except (OSError, ValueError, KeyError, TypeError) as error:
            _logger().warning(
                "rescue file %s cannot be read (%s): left in place", path, error
            )
            continue
        if store.get(record.id) is None:
            store.add(record)
            imported.append(record.id)
        path.unlink()
    return imported


def push_to_sheet(
    workspace: Workspace, settings: Settings, store: CallStore | None = None
) -> PushReport | None:
    """Send waiting records to the shared sheet, if one is configured.

    Returns None when no sheet is configured; network trouble is reported in
    the report, never raised.
    """
    if settings.sheet is None:
        return None
    from permanence.sheetsync import push_pending

    if store is None:
        with CallStore.open(workspace) as opened:
            return push_pending(workspace, settings, opened)
    return push_pending(workspace, settings, store)
