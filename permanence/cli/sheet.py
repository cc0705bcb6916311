"""``permanence sync`` and ``permanence sheet check``: the shared Google Sheet."""

from __future__ import annotations

from typing import TYPE_CHECKING, Annotated

import typer

from permanence.cli import context, output
from permanence.i18n import N_, _

if TYPE_CHECKING:
    from permanence.settings import SheetSettings
    from permanence.sheetsync import PushReport, SheetCheck, SyncPlan

SYNC_LOCK_WAIT_SECONDS = 30.0


def register(app: typer.Typer) -> None:
    """Add ``sync`` and the ``sheet`` group to the root app."""
    app.command(
        "sync",
        help=N_("Send the calls waiting in the local log to the shared sheet."),
        epilog=N_("Examples: permanence sync | permanence sync --dry-run --json"),
    )(sync_command)
    group = typer.Typer(
        help=N_("The shared Google Sheet of the call log."), no_args_is_help=True
    )
    group.command(
        "check",
        help=N_("Check the credentials and that the sheet can be read."),
        epilog=N_("Example: permanence sheet check"),
    )(check_command)
    app.add_typer(group, name="sheet")


def _configured_sheet() -> SheetSettings:
    from permanence.errors import UserInputError

    sheet = context.settings().sheet
    if sheet is None:
        message = _(
            "no sheet is configured: add a 'sheet:' block with 'key' (or 'url') "
            "and 'worksheet' under 'settings' in {path}"
        )
        raise UserInputError(message.format(path=context.workspace().shifts_file))
    return sheet


def sync_command(
    dry_run: Annotated[
        bool,
        typer.Option("--dry-run", help=N_("Show what would be sent, send nothing.")),
    ] = False,
    as_json: Annotated[
        bool, typer.Option("--json", help=N_("Print the result as JSON."))
    ] = False,
) -> None:
    from permanence.adapters.callstore import CallStore
    from permanence.calls.rescue import import_rescued
    from permanence.sheetsync import plan_push, push_pending

    workspace, settings = context.workspace(), context.settings()
    _configured_sheet()
    with CallStore.open(workspace) as store:
        if dry_run:  # changes nothing, not even the rescued calls
            _show_plan(plan_push(workspace, settings, store), as_json)
            return
        import_rescued(store, workspace)
        report = push_pending(workspace, settings, store, SYNC_LOCK_WAIT_SECONDS)
    _show_report(report, as_json)


def _exit_code(report: PushReport) -> int:
    from permanence.errors import ExitCode

    if report.problem is None:
        return ExitCode.OK
    return ExitCode.UNAVAILABLE if report.retry_later else ExitCode.BAD_INPUT


def _show_report(report: PushReport, as_json: bool) -> None:
    code = _exit_code(report)
    if as_json:
        output.print_json(
            {
                "pushed": report.pushed,
                "updated": report.updated,
                "waiting": report.waiting,
                "problem": report.problem,
            }
        )
    sent = _("Sheet: {pushed} added, {updated} rewritten, {waiting} waiting.")
    output.say(sent.format(**vars(report)))
    if report.problem is not None:
        output.warn(_waiting_line(report))
    if code:
        raise typer.Exit(code)


def _waiting_line(report: PushReport) -> str:
    message = _("{problem}: waiting in the local log: {n}; nothing is lost.")
    return message.format(problem=report.problem, n=report.waiting)


def _show_plan(plan: SyncPlan, as_json: bool) -> None:
    if as_json:
        output.print_json(
            {
                "append": [r.id for r in plan.to_append],
                "rewrite": [r.id for r in plan.to_rewrite],
                "already_in_sheet": plan.already_in_sheet,
                "sheet_read": plan.sheet_read,
                "problem": plan.problem,
            }
        )
        return
    if plan.problem is not None:
        output.warn(
            _("{problem}: planned from the local log alone").format(
                problem=plan.problem
            )
        )
    _plan_table(plan)


def _plan_table(plan: SyncPlan) -> None:
    from rich.table import Table

    from permanence.sheetrows import header_row, kind_label

    already = set(plan.already_in_sheet)
    headers = header_row()
    table = Table(title=_("Would be sent to the sheet"))
    table.add_column(_("Sheet action"))
    for index in (0, 1, 2, 3, 4):  # id, date and time, volunteer, kind, reason
        table.add_column(headers[index])
    actions = ((_("append row"), plan.to_append), (_("rewrite row"), plan.to_rewrite))
    for action, records in actions:
        for record in records:
            label = _("already in the sheet") if record.id in already else action
            when = record.time.strftime("%Y-%m-%d %H:%M")
            kind = kind_label(record.kind)
            table.add_row(label, record.id, when, record.volunteer, kind, record.reason)
    output.stdout().print(table)
    if not plan.to_append and not plan.to_rewrite:
        output.say(_("Nothing waits for the sheet."))


def check_command(
    as_json: Annotated[
        bool, typer.Option("--json", help=N_("Print the result as JSON."))
    ] = False,
) -> None:
    from permanence.sheetsync import check_sheet

    check = check_sheet(context.workspace(), _configured_sheet())
    if as_json:
        output.print_json(vars(check))
    else:
        _show_check(check)
    if check.problem is not None and not check.reached:
        from permanence.errors import ExitCode

        code = ExitCode.UNAVAILABLE if check.retry_later else ExitCode.BAD_INPUT
        raise typer.Exit(code)


def _show_check(check: SheetCheck) -> None:
    lines = [
        _("Sheet key: {key}").format(key=check.key),
        _("Worksheet: {name}").format(name=check.worksheet),
        _("Credentials: {kind}").format(kind=check.credentials or "-"),
    ]
    if check.account:
        lines.append(_("Share the sheet with: {account}").format(account=check.account))
    if check.worksheet_exists:
        lines.append(_("Records in the sheet: {count}").format(count=check.rows))
        if not check.header and check.rows:
            lines.append(_("Header row missing: the first row is not the headers"))
        elif not check.header:
            lines.append(
                _("The worksheet is empty: the headers come with the first call")
            )
    for line in lines:
        output.stdout().print(line, markup=False, highlight=False)
    if check.problem is not None:
        output.warn(check.problem)
    elif check.reached:
        output.say(_("The sheet can be read with these credentials."))
