"""``permanence schedule invites`` and ``permanence schedule send``."""

from __future__ import annotations

import sys
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import date
from pathlib import Path
from typing import TYPE_CHECKING, Annotated

import typer

from permanence.cli import context, output
from permanence.i18n import N_, _

if TYPE_CHECKING:
    from permanence.invitations.files import WrittenFile
    from permanence.invitations.messages import Outgoing, SendResult
    from permanence.invitations.plan import Plan

FROM_HELP = N_("First day (YYYY-MM-DD; default: today).")
TO_HELP = N_("Last day included (YYYY-MM-DD; default: a year on, or the last shift).")


def register(schedule_app: typer.Typer) -> None:
    """Add ``invites`` and ``send`` to the ``schedule`` group."""
    schedule_app.command(
        "invites",
        help=N_(
            "Write the calendar invitations: one .ics file per volunteer, "
            "their cancellations, and the team calendar equipe.ics."
        ),
        epilog=N_(
            "Examples: permanence schedule invites -o agendas | "
            "permanence schedule invites -o agendas --from 2026-09-01 --to 2026-12-31"
        ),
    )(invites_command)
    schedule_app.command(
        "send",
        help=N_(
            "Email each volunteer their new, changed and cancelled shifts "
            "as calendar invitations."
        ),
        epilog=N_(
            "Examples: permanence schedule send --dry-run | "
            "permanence schedule send --to marie-lefebvre"
        ),
    )(send_command)


def invites_command(
    folder: Annotated[
        Path,
        typer.Option("--output", "-o", help=N_("Folder to write the .ics files in.")),
    ],
    first: Annotated[str | None, typer.Option("--from", help=FROM_HELP)] = None,
    last: Annotated[str | None, typer.Option("--to", help=TO_HELP)] = None,
) -> None:
    from permanence.invitations.state import history_lock

    with history_lock(context.workspace()), _bulk_allocations():
        written = _write_files(folder, first, last)
    _print_files(written)
    rewritten = sum(1 for item in written if item.rewritten)
    message = _("{count} calendar file(s) written in {folder}, {same} unchanged.")
    same = len(written) - rewritten
    # A plain line: loading Rich's console for it would cost more than the
    # rest of a run where no file changed.
    print(message.format(count=rewritten, folder=folder, same=same), file=sys.stderr)


def _write_files(
    folder: Path, first: str | None, last: str | None
) -> list[WrittenFile]:
    """Plan and write the files; the plan is freed on return (see below)."""
    from datetime import UTC, datetime

    from permanence.invitations.files import write_invitations

    plan = _plan(first, last, "--to")
    stamp = datetime.now(UTC)
    return write_invitations(context.workspace(), plan, folder, stamp)


def send_command(
    dry_run: Annotated[
        bool,
        typer.Option("--dry-run", help=N_("Show what would be sent; send nothing.")),
    ] = False,
    only: Annotated[
        list[str] | None,
        typer.Option(
            "--to",
            help=N_("Send only to this volunteer (id; repeatable)."),
            show_default=False,
        ),
    ] = None,
    first: Annotated[str | None, typer.Option("--from", help=FROM_HELP)] = None,
    last: Annotated[str | None, typer.Option("--until", help=TO_HELP)] = None,
    as_json: Annotated[
        bool, typer.Option("--json", help=N_("Print the messages as JSON."))
    ] = False,
) -> None:
    from permanence.invitations.state import history_lock

    with history_lock(context.workspace()), _bulk_allocations():
        _send_command(dry_run, only or [], first, last, as_json)


@contextmanager
def _bulk_allocations() -> Iterator[None]:
    """Pause Python's cyclic garbage collector for the planning and writing.

    They make some 100,000 small objects per 10,000 events, none in a
    reference cycle, which the collector would otherwise scan over and over
    (about 15 ms of a 100-volunteer run); reference counting still frees
    what is no longer used. The block must drop the plan before it ends:
    the collector, enabled again, would otherwise scan it all once more.
    """
    import gc

    was_enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if was_enabled:
            gc.enable()


def _send_command(
    dry_run: bool, only: list[str], first: str | None, last: str | None, as_json: bool
) -> None:
    from permanence.invitations.messages import outgoing_messages

    plan = _plan(first, last, "--until")
    messages, without_email = outgoing_messages(plan, only)
    for recipient in without_email:
        warning = _("{name} ({id}) has no email address: nothing sent to them.")
        output.warn(warning.format(name=recipient.name, id=recipient.id))
    if dry_run or not messages:
        _print_messages(messages, plan, as_json)
        if not messages:
            output.say(_("Nothing to send: every volunteer is up to date."))
        else:
            message = _("Dry run: {count} message(s) would be sent; nothing was sent.")
            output.say(message.format(count=len(messages)))
        return
    result = _send(plan, messages)
    _print_messages(result.sent, plan, as_json)
    _report(result)


def _plan(first: str | None, last: str | None, last_option: str) -> Plan:
    from datetime import timedelta

    from permanence.cli.schedule import parse_day
    from permanence.invitations.plan import Window, default_window, plan_invitations
    from permanence.invitations.state import read_history
    from permanence.schedule import load_schedule

    settings = context.settings()
    schedule = load_schedule(context.workspace())
    today = date.today()
    window = default_window(parse_day(first, "--from") or today, schedule)
    end = parse_day(last, last_option)
    if end is not None:
        window = Window(window.start, end + timedelta(days=1))
    if window.end <= window.start:
        from permanence.errors import UserInputError

        message = _("{option} must not be before --from")
        raise UserInputError(message.format(option=last_option))
    history = read_history(context.workspace())
    return plan_invitations(schedule, settings, window, history)


def _send(plan: Plan, messages: list[Outgoing]) -> SendResult:
    from permanence.invitations.messages import send_invitations

    workspace, settings = context.workspace(), context.settings()
    console = output.stderr()
    if not console.is_terminal:
        return send_invitations(workspace, settings, plan, messages)
    from rich.progress import Progress

    with Progress(console=console, transient=True) as progress:
        task = progress.add_task(_("Sending"), total=len(messages))

        def advance(done: int) -> None:
            progress.update(task, completed=done)

        return send_invitations(workspace, settings, plan, messages, advance)


def _report(result: SendResult) -> None:
    from permanence.errors import UnavailableError

    message = _("{count} message(s) sent.")
    output.say(message.format(count=len(result.sent)))
    for item, reason in result.refused:
        warning = _("the server refused the message to {email}: {reason}")
        output.warn(warning.format(email=item.recipient.email, reason=reason))
    if result.refused:
        message = _("{count} message(s) refused; they will be sent again next time.")
        raise UnavailableError(message.format(count=len(result.refused)))


def _print_messages(messages: list[Outgoing], plan: Plan, as_json: bool) -> None:
    from permanence.invitations.messages import change_line
    from permanence.invitations.plan import Change

    zone = plan.schedule.zone
    rows = [
        {
            "volunteer": item.recipient.id,
            "email": item.recipient.email,
            "method": item.method,
            "new": item.count(Change.NEW),
            "changed": item.count(Change.CHANGED),
            "cancelled": item.count(Change.CANCELLED),
            "changes": [change_line(i, zone) for i in item.invitations],
        }
        for item in messages
    ]
    if as_json:
        output.print_json(rows)
    elif rows:
        _print_table(rows)


def _print_table(rows: list[dict[str, object]]) -> None:
    from rich.table import Table

    table = Table()
    for header, justify in (
        (_("Volunteer"), "left"),
        (_("Email"), "left"),
        (_("Method"), "left"),
        (_("New"), "right"),
        (_("Changed"), "right"),
        (_("Cancelled"), "right"),
    ):
        table.add_column(header, justify=justify)  # type: ignore[arg-type]
    for row in rows:
        keys = ("volunteer", "email", "method", "new", "changed", "cancelled")
        table.add_row(*(str(row[key]) for key in keys))
    output.stdout().print(table)


def _print_files(written: list[WrittenFile]) -> None:
    """Print one line per file written: name, volunteer, METHOD, events."""
    width = max(len(item.path.name) for item in written) if written else 0
    for item in written:
        who = item.volunteer_id or _("team")
        name = item.path.name.ljust(width)
        state = _("written") if item.rewritten else _("unchanged")
        line = f"{name}  {who:<20}  {item.method:<8}  {item.events:>5}  {state}"
        sys.stdout.write(line + "\n")
