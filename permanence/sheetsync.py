"""Sending the local call log to the association's shared Google Sheet.

The local store is the outbox: a record stays ``pending`` there until the
sheet has confirmed its row. A push never duplicates a row, even after a
crash or a timeout whose request did land: it first reads the sheet's id
column and only appends the records missing from it (those found are just
marked as sent, and their row rewritten in case it is stale). Rows to
rewrite (follow-up closed, caller's data erased) are found by their id.

One push costs at most three requests, whatever the number of records:
read the id column, append every missing row at once, rewrite every
changed row at once. A header row is added to an empty sheet with the
first append, and a missing worksheet is created (once).

A file lock in the state folder keeps two processes of this machine from
pushing the same records at once. Network trouble is never raised: the
report says what waits and why, in one line.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass, field, replace
from pathlib import Path

from permanence.adapters import sheets
from permanence.adapters.callstore import CallStore, CallStoreError
from permanence.calls.record import CallRecord
from permanence.i18n import _
from permanence.settings import Settings, SheetSettings
from permanence.sheetrows import WIDTH, header_row, is_header, record_to_row
from permanence.userconfig import config_dir, config_file, user_value
from permanence.workspace import Workspace

log = logging.getLogger(__name__)
LOCK_NAME = "sheet.lock"
LOCK_WAIT_SECONDS = 5.0
AUTHORIZED_USER_FILE = "google-authorized-user.json"


@dataclass(frozen=True)
class PushReport:
    """What a push did; ``problem`` is one line for the volunteer, or None."""

    pushed: int
    updated: int
    waiting: int
    problem: str | None = None
    retry_later: bool = False  # the sheet was unreachable or busy


@dataclass(frozen=True)
class SyncPlan:
    """What a push would do (``permanence sync --dry-run``)."""

    to_append: list[CallRecord] = field(default_factory=list)
    to_rewrite: list[CallRecord] = field(default_factory=list)
    already_in_sheet: list[str] = field(default_factory=list)
    sheet_read: bool = False  # False when planned from the local log alone
    problem: str | None = None


class SheetAccessError(Exception):
    """The sheet cannot be used as configured; the message says what to fix."""


def find_credentials(workspace: Workspace) -> sheets.Credentials:
    """Return the user's Google credentials; refuse any inside the workspace."""
    service_account = user_value("credentials")
    oauth = user_value("oauth")
    if not service_account and not oauth:
        message = _(
            "no Google credentials configured: set 'credentials: /path/to/key.json' "
            "(a service-account key) or 'oauth: /path/to/client_secret.json' in "
            "{config}, or the PERMANENCE_CREDENTIALS variable"
        )
        raise SheetAccessError(message.format(config=config_file()))
    path = Path(service_account or oauth).expanduser().resolve()
    if path.is_relative_to(workspace.root.resolve()):
        message = _(
            "the credentials file {path} is inside the workspace {root}, which the "
            "whole team shares: move it out (for example to {folder}) and update "
            "the path in {config}"
        )
        raise SheetAccessError(
            message.format(
                path=path,
                root=workspace.root,
                folder=config_dir(),
                config=config_file(),
            )
        )
    if not path.is_file():
        message = _("the credentials file {path} does not exist: check the path")
        raise SheetAccessError(message.format(path=path))
    if service_account:
        return sheets.Credentials("service_account", path)
    authorized = config_dir() / AUTHORIZED_USER_FILE
    return sheets.Credentials("oauth", path, authorized_user=authorized)


def open_tab(
    workspace: Workspace, sheet: SheetSettings, interactive: bool = False
) -> sheets.SheetTab:
    """Return the configured worksheet, logged in (no request made yet)."""
    credentials = find_credentials(workspace)
    client = sheets.make_client(credentials, interactive=interactive)
    return sheets.SheetTab(client, sheet.key, sheet.worksheet, WIDTH)


@dataclass(frozen=True)
class SheetIds:
    """What the sheet's first column says: each id's row, and if it is empty."""

    rows: dict[str, int]
    empty: bool  # nothing at all in column A: no header yet


def read_ids(tab: sheets.SheetTab, create: bool) -> SheetIds:
    """Return the row number of each id in the sheet's first column.

    A missing worksheet is created when ``create`` is set (an empty one
    has no ids).
    """
    try:
        column = tab.read_column()
    except sheets.SheetError as error:
        if error.kind != sheets.MISSING_TAB or not create:
            raise
        tab.add()
        column = []
    rows: dict[str, int] = {}
    for number, value in enumerate(column, start=1):
        if value and not (number == 1 and is_header(value)):
            rows.setdefault(value, number)
    return SheetIds(rows, empty=not any(column))


def push_pending(
    workspace: Workspace,
    settings: Settings,
    store: CallStore,
    lock_wait: float = LOCK_WAIT_SECONDS,
) -> PushReport:
    """Send the waiting records to the sheet; report, never raise for the network."""
    from filelock import FileLock, Timeout

    if settings.sheet is None:
        return PushReport(0, 0, _waiting(store), _("no sheet is configured"))
    lock = FileLock(str(workspace.ensure_state_dir() / LOCK_NAME))
    try:
        with lock.acquire(timeout=lock_wait):
            return _push_locked(workspace, settings.sheet, store)
    except Timeout:
        message = _("another permanence command is sending to the sheet")
        return _report(store, _Progress(), message, True)


def _waiting(store: CallStore) -> int:
    return len(store.pending_for_sheet()) + len(store.changed_for_sheet())


@dataclass
class _Progress:
    pushed: int = 0
    updated: int = 0


def _push_locked(
    workspace: Workspace, sheet: SheetSettings, store: CallStore
) -> PushReport:
    pending = store.pending_for_sheet()
    changed = store.changed_for_sheet()
    if not pending and not changed:
        return PushReport(0, 0, 0)
    progress = _Progress()
    try:
        tab = open_tab(workspace, sheet)
        ids = read_ids(tab, create=True)
        _append_missing(tab, store, ids, pending, changed, progress)
        _rewrite_present(tab, store, ids.rows, pending, changed, progress)
    except SheetAccessError as error:
        return _report(store, progress, str(error), False)
    except sheets.SheetError as error:
        log.info("sheet push stopped: %s (%s)", error.kind, error.detail)
        return _report(store, progress, describe(error, sheet), error.retry_later)
    except CallStoreError as error:
        # Sent, but not marked: the next push finds the ids in the sheet.
        left = len(pending) + len(changed) - progress.pushed - progress.updated
        return PushReport(progress.pushed, progress.updated, left, error.message, True)
    return _report(store, progress, None, False)


def _append_missing(
    tab: sheets.SheetTab,
    store: CallStore,
    ids: SheetIds,
    pending: list[CallRecord],
    changed: list[CallRecord],
    progress: _Progress,
) -> None:
    """Append the records the sheet lacks, with a header on an empty sheet."""
    missing = [r for r in [*pending, *changed] if r.id not in ids.rows]
    if not missing:
        return
    values = [record_to_row(record) for record in missing]
    if ids.empty:
        values.insert(0, header_row())
    tab.append_rows(values)
    pending_ids = {r.id for r in pending}
    store.mark_in_sheet([r.id for r in missing if r.id in pending_ids])
    store.mark_sheet_updated([r.id for r in missing if r.id not in pending_ids])
    progress.pushed += len(missing)


def _rewrite_present(
    tab: sheets.SheetTab,
    store: CallStore,
    rows: dict[str, int],
    pending: list[CallRecord],
    changed: list[CallRecord],
    progress: _Progress,
) -> None:
    """Rewrite the rows of changed records, and of pending ones already there."""
    present = [r for r in [*pending, *changed] if r.id in rows]
    if not present:
        return
    tab.write_rows({rows[r.id]: record_to_row(r) for r in present})
    pending_ids = {r.id for r in pending}
    store.mark_in_sheet([r.id for r in present if r.id in pending_ids])
    store.mark_sheet_updated([r.id for r in present if r.id not in pending_ids])
    progress.pushed += sum(1 for r in present if r.id in pending_ids)
    progress.updated += sum(1 for r in present if r.id not in pending_ids)


def _report(
    store: CallStore, progress: _Progress, problem: str | None, retry_later: bool
) -> PushReport:
    waiting = _waiting(store)
    return PushReport(progress.pushed, progress.updated, waiting, problem, retry_later)


def describe(error: sheets.SheetError, sheet: SheetSettings) -> str:
    """Return the one-line explanation of a sheet failure for a volunteer."""
    if error.kind == sheets.UNREACHABLE:
        if error.status == 429:
            return _("the sheet is busy (Google's request quota is used up for now)")
        return _("the sheet could not be reached ({detail})").format(
            detail=error.detail
        )
    if error.kind == sheets.FORBIDDEN:
        return _forbidden_message(sheet)
    if error.kind == sheets.NOT_FOUND:
        message = _(
            "no Google Sheet has the key {key}: check 'sheet: key' (or 'url') "
            "in shifts.yaml"
        )
        return message.format(key=sheet.key)
    if error.kind == sheets.CREDENTIALS:
        return _credentials_message(error)
    message = _("the sheet refused the request ({detail})")
    return message.format(detail=error.detail)


def _forbidden_message(sheet: SheetSettings) -> str:
    account = ""
    if user_value("credentials"):
        account = sheets.service_account_email(Path(user_value("credentials")))
    if account:
        message = _(
            "the sheet {key} is not shared with {account}: open the sheet, "
            "click Share and add that address as an editor"
        )
        return message.format(key=sheet.key, account=account)
    message = _(
        "your Google account may not open the sheet {key}: ask its owner to "
        "share it with you as an editor"
    )
    return message.format(key=sheet.key)


def _credentials_message(error: sheets.SheetError) -> str:
    if error.detail == "oauth-not-authorized":
        return _(
            "Google access is not authorised yet on this computer: run "
            "'permanence sheet check' once to log in"
        )
    return _(
        "Google refused the credentials ({detail}): check that the credentials "
        "file is a valid, current service-account key"
    ).format(detail=error.detail)


def plan_push(workspace: Workspace, settings: Settings, store: CallStore) -> SyncPlan:
    """Return what a push would do, reading the sheet's ids when reachable."""
    pending = store.pending_for_sheet()
    changed = store.changed_for_sheet()
    local = SyncPlan(to_append=pending, to_rewrite=changed)
    if settings.sheet is None or not (pending or changed):
        return local
    try:
        ids = read_ids(open_tab(workspace, settings.sheet), create=False)
    except SheetAccessError as error:
        return SyncPlan(pending, changed, problem=str(error))
    except sheets.SheetError as error:
        if error.kind != sheets.MISSING_TAB:
            return SyncPlan(pending, changed, problem=describe(error, settings.sheet))
        ids = SheetIds({}, empty=True)
    records = [*pending, *changed]
    return SyncPlan(
        to_append=[r for r in records if r.id not in ids.rows],
        to_rewrite=[r for r in records if r.id in ids.rows],
        already_in_sheet=[r.id for r in pending if r.id in ids.rows],
        sheet_read=True,
    )


@dataclass(frozen=True)
class SheetCheck:
    """What ``permanence sheet check`` found."""

    key: str
    worksheet: str
    credentials: str = ""  # "service_account" or "oauth"
    account: str = ""  # the service account's address, to share the sheet with
    reached: bool = False
    worksheet_exists: bool = False
    header: list[str] = field(default_factory=list)
    rows: int = 0  # records in the sheet (ids in the first column)
    problem: str | None = None
    retry_later: bool = False


def check_sheet(workspace: Workspace, sheet: SheetSettings) -> SheetCheck:
    """Check the credentials and read the sheet's header and ids (2 requests)."""
    check = SheetCheck(sheet.key, sheet.worksheet)
    try:
        credentials = find_credentials(workspace)
    except SheetAccessError as error:
        return replace(check, problem=str(error))
    account = ""
    if credentials.kind == "service_account":
        account = sheets.service_account_email(credentials.path)
    check = replace(check, credentials=credentials.kind, account=account)
    try:
        tab = open_tab(workspace, sheet, interactive=True)
        ids = read_ids(tab, create=False)
        header = tab.read_rows(1, 1)
    except sheets.SheetError as error:
        missing = error.kind == sheets.MISSING_TAB
        problem = _("the worksheet '{name}' does not exist yet: it will be created")
        return replace(
            check,
            reached=missing,
            problem=problem.format(name=sheet.worksheet)
            if missing
            else describe(error, sheet),
            retry_later=error.retry_later,
        )
    first_row = header[0] if header else []
    return replace(
        check,
        reached=True,
        worksheet_exists=True,
        header=first_row if first_row and is_header(first_row[0]) else [],
        rows=len(ids.rows),
    )
