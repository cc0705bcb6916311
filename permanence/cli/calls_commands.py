"""Reading and maintaining the call log: ``calls``, ``followups``, ``done``,
``purge`` and ``forget`` (registered by ``permanence.cli.calls``)."""

from __future__ import annotations

import sys
from datetime import datetime
from typing import TYPE_CHECKING, Annotated

import typer

from permanence.cli import context
from permanence.i18n import N_, _, ngettext

if TYPE_CHECKING:
    from permanence.calls.privacy import PrivacyReport, PrivacyRequest


def calls_command(
    start: Annotated[
        str,
        typer.Option("--from", help=N_("First day (DD/MM/YYYY)."), show_default=False),
    ] = "",
    end: Annotated[
        str,
        typer.Option(
            "--to", help=N_("Last day, included (DD/MM/YYYY)."), show_default=False
        ),
    ] = "",
    since: Annotated[
        str,
        typer.Option(
            "--since", help=N_("Only the last 7d, 2w, 12h, 3m…"), show_default=False
        ),
    ] = "",
    reason: Annotated[
        str,
        typer.Option(
            "--reason", "-r", help=N_("Only this reason code."), show_default=False
        ),
    ] = "",
    volunteer: Annotated[
        str,
        typer.Option(
            "--volunteer",
            help=N_("Only calls taken by this volunteer."),
            show_default=False,
        ),
    ] = "",
    text: Annotated[
        str,
        typer.Option(
            "--text",
            "-t",
            help=N_("Words to find in the name, fields, answer or note."),
            show_default=False,
        ),
    ] = "",
    open_only: Annotated[
        bool, typer.Option("--open", help=N_("Only calls with an open follow-up."))
    ] = False,
    limit: Annotated[
        int, typer.Option("--limit", "-n", help=N_("How many calls at most."))
    ] = 50,
    as_json: Annotated[
        bool, typer.Option("--json", help=N_("Print the calls as JSON."))
    ] = False,
    as_csv: Annotated[
        bool,
        typer.Option(
            "--csv", help=N_("Print the calls as CSV (formula-like values quoted).")
        ),
    ] = False,
) -> None:
    from permanence.adapters.callstore import CallStore
    from permanence.calls.queries import SearchOptions, build_query
    from permanence.cli import calls_render
    from permanence.settings import workspace_settings

    workspace = context.workspace()
    settings = workspace_settings(workspace)
    options = SearchOptions(
        start, end, since, reason, volunteer, text, open_only, limit
    )
    query = build_query(options, datetime.now(settings.zone))
    with CallStore.open(workspace) as store:
        records = store.search(query)
    if as_json:
        calls_render.print_json_records(records)
    elif as_csv:
        calls_render.print_csv(records)
    elif not records:
        print(_("No call found."), file=sys.stderr)
    else:
        calls_render.print_calls_table(records)


def followups_command(
    limit: Annotated[
        int, typer.Option("--limit", "-n", help=N_("How many follow-ups at most."))
    ] = 200,
    as_json: Annotated[
        bool, typer.Option("--json", help=N_("Print the follow-ups as JSON."))
    ] = False,
) -> None:
    from permanence.adapters.callstore import CallStore
    from permanence.calls.queries import open_follow_ups
    from permanence.cli import calls_render, output
    from permanence.errors import UserInputError
    from permanence.settings import workspace_settings

    if limit < 1:
        raise UserInputError(_("--limit must be 1 or more"))
    workspace = context.workspace()
    settings = workspace_settings(workspace)
    now = datetime.now(settings.zone)
    with CallStore.open(workspace) as store:
        found = open_follow_ups(store, limit)
    if as_json:
        output.print_json(calls_render.follow_ups_json(found, now))
    else:
        calls_render.print_follow_ups(found, now)


def _who(explicit: str, now: datetime) -> str:
    from permanence.calls.recording import resolve_volunteer, unknown_volunteer_message
    from permanence.errors import UserInputError
    from permanence.settings import workspace_settings

    workspace = context.workspace()
    who = resolve_volunteer(explicit, workspace, workspace_settings(workspace), now)
    if not who:
        raise UserInputError(unknown_volunteer_message())
    return who


def done_command(
    call_id: Annotated[
        str, typer.Argument(metavar="ID", help=N_("The call's id."), show_default=False)
    ],
    note: Annotated[
        str, typer.Option("--note", help=N_("What was done."), show_default=False)
    ] = "",
    volunteer: Annotated[
        str,
        typer.Option(
            "--as",
            help=N_("Your name (default: 'volunteer' in your config)."),
            show_default=False,
        ),
    ] = "",
) -> None:
    from permanence.adapters.callstore import CallStore
    from permanence.calls.queries import close_follow_up
    from permanence.calls.rescue import push_to_sheet
    from permanence.cli.calls_render import say_sheet_outcome
    from permanence.settings import workspace_settings

    workspace = context.workspace()
    settings = workspace_settings(workspace)
    now = datetime.now(settings.zone)
    who = _who(volunteer, now)
    with CallStore.open(workspace) as store:
        record = close_follow_up(store, call_id, who, note, now)
        message = _("Follow-up of call {id} closed by {who}.")
        print(message.format(id=record.id, who=who), file=sys.stderr)
        if settings.sheet is not None:
            say_sheet_outcome(push_to_sheet(workspace, context.settings(), store))


def _privacy_request(volunteer: str, dry_run: bool) -> PrivacyRequest:
    from permanence.calls.privacy import PrivacyRequest
    from permanence.calls.reasons import load_reasons
    from permanence.settings import workspace_settings

    workspace = context.workspace()
    settings = workspace_settings(workspace)
    now = datetime.now(settings.zone)
    return PrivacyRequest(
        workspace=workspace,
        guide=load_reasons(workspace),
        region=settings.phone_region,
        who=_who(volunteer, now),
        now=now,
        dry_run=dry_run,
    )


def _report(report: PrivacyReport) -> None:
    for record in report.changed:
        print(f"{record.id}\t{record.time:%d/%m/%Y}")
    count = len(report.changed)
    if report.dry_run:
        message = ngettext(
            "Dry run: {n} call would be changed; nothing was changed.",
            "Dry run: {n} calls would be changed; nothing was changed.",
            count,
        )
    else:
        message = ngettext(
            "{n} call changed; the audit log says who did it and when.",
            "{n} calls changed; the audit log says who did it and when.",
            count,
        )
    print(message.format(n=count), file=sys.stderr)


def _push_after(report: PrivacyReport) -> None:
    from permanence.calls.rescue import push_to_sheet
    from permanence.cli.calls_render import say_sheet_outcome
    from permanence.settings import workspace_settings

    workspace = context.workspace()
    settings = workspace_settings(workspace)
    if report.changed and not report.dry_run and settings.sheet is not None:
        say_sheet_outcome(push_to_sheet(workspace, context.settings()))


def purge_command(
    dry_run: Annotated[
        bool,
        typer.Option("--dry-run", help=N_("Show what would change, change nothing.")),
    ] = False,
    volunteer: Annotated[
        str,
        typer.Option(
            "--as", help=N_("Your name, for the audit log."), show_default=False
        ),
    ] = "",
) -> None:
    from permanence.adapters.callstore import CallStore
    from permanence.calls.privacy import purge
    from permanence.settings import workspace_settings

    request = _privacy_request(volunteer, dry_run)
    months = workspace_settings(request.workspace).retention_months
    with CallStore.open(request.workspace) as store:
        report = purge(store, request, months)
    _report(report)
    _push_after(report)


def forget_command(
    phone: Annotated[
        str,
        typer.Option(
            "--phone", help=N_("The person's phone number."), show_default=False
        ),
    ] = "",
    email: Annotated[
        str,
        typer.Option(
            "--email", help=N_("The person's e-mail address."), show_default=False
        ),
    ] = "",
    name: Annotated[
        str, typer.Option("--name", help=N_("The person's name."), show_default=False)
    ] = "",
    dry_run: Annotated[
        bool,
        typer.Option("--dry-run", help=N_("Show what would change, change nothing.")),
    ] = False,
    volunteer: Annotated[
        str,
        typer.Option(
            "--as", help=N_("Your name, for the audit log."), show_default=False
        ),
    ] = "",
) -> None:
    from permanence.adapters.callstore import CallStore
    from permanence.calls.privacy import forget, normalise_person
    from permanence.errors import UserInputError

    if not (phone.strip() or email.strip() or name.strip()):
        raise UserInputError(_("say whom to forget: --phone, --email or --name"))
    request = _privacy_request(volunteer, dry_run)
    try:
        person = normalise_person(phone, email, name, request.region)
    except ValueError as error:
        raise UserInputError(f"--phone: {error}") from error
    with CallStore.open(request.workspace) as store:
        report = forget(store, request, person)
    _report(report)
    _push_after(report)
