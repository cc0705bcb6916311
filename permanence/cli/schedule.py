"""``permanence schedule check|show|standin`` and ``permanence who``."""

from __future__ import annotations

from datetime import date, datetime, timedelta
from typing import TYPE_CHECKING, Annotated

import typer

from permanence.cli import context, invitations
from permanence.i18n import N_, _

if TYPE_CHECKING:
    from permanence.schedule import Schedule

DEFAULT_WEEKS = 8
JSON_HELP = N_("Print the result as JSON.")
TODAY_HELP = N_("Take this date (YYYY-MM-DD) as today.")


def register(app: typer.Typer) -> None:
    """Add the ``schedule`` group (with its invitations) and ``who`` to the root app."""
    group = typer.Typer(
        help=N_("Check and show the shifts written in shifts.yaml."),
        no_args_is_help=True,
        rich_markup_mode=None,
    )
    group.command(
        "check",
        help=N_("Report opening hours with nobody on duty, overloads and conflicts."),
        epilog=N_(
            "Examples: permanence schedule check | "
            "permanence schedule check --from 2026-09-01 --to 2027-06-30 --json"
        ),
    )(check_command)
    group.command(
        "show",
        help=N_("Show one week of shifts as a table; gaps are marked."),
        epilog=N_(
            "Examples: permanence schedule show | "
            "permanence schedule show --week 2026-12-07"
        ),
    )(show_command)
    group.command(
        "standin",
        help=N_("List who could take a shift, least loaded first."),
        epilog=N_(
            "Examples: permanence schedule standin mardi-soir-20261208 | "
            "permanence schedule standin mardi-soir --date 2026-12-08"
        ),
    )(standin_command)
    invitations.register(group)
    app.add_typer(group, name="schedule")
    app.command(
        "who",
        help=N_("Show who is on duty now (name, phone, until when) and who is next."),
        epilog=N_("Examples: permanence who | permanence who --at '2026-12-08 18:30'"),
    )(who_command)


def parse_day(value: str | None, option: str) -> date | None:
    """Return the date given to ``option``, or raise a clear error."""
    from permanence.errors import UserInputError

    if value is None:
        return None
    try:
        return date.fromisoformat(value.strip())
    except ValueError:
        message = _("{option}: '{value}' is not a date, write it YYYY-MM-DD")
        raise UserInputError(message.format(option=option, value=value)) from None


def parse_moment(value: str | None, schedule: Schedule) -> datetime:
    """Return the moment given to ``--at`` (local time), or now."""
    from permanence.errors import UserInputError

    if value is None:
        return datetime.now(schedule.zone)
    try:
        moment = datetime.fromisoformat(value.strip())
    except ValueError:
        message = _(
            "--at: '{value}' is not a date and time, write it 'YYYY-MM-DD HH:MM'"
        )
        raise UserInputError(message.format(value=value)) from None
    if moment.tzinfo is None:
        return moment.replace(tzinfo=schedule.zone)
    return moment.astimezone(schedule.zone)


def _load() -> Schedule:
    from permanence.schedule import load_schedule

    return load_schedule(context.workspace())


def _today(value: str | None, schedule: Schedule) -> date:
    return parse_day(value, "--today") or datetime.now(schedule.zone).date()


def check_command(
    start: Annotated[
        str | None,
        typer.Option(
            "--from",
            help=N_("First day to check (YYYY-MM-DD; default: today)."),
            show_default=False,
        ),
    ] = None,
    end: Annotated[
        str | None,
        typer.Option(
            "--to",
            help=N_("Last day to check, included (YYYY-MM-DD; default: 8 weeks on)."),
            show_default=False,
        ),
    ] = None,
    today: Annotated[
        str | None, typer.Option("--today", help=TODAY_HELP, show_default=False)
    ] = None,
    as_json: Annotated[bool, typer.Option("--json", help=JSON_HELP)] = False,
) -> None:
    from permanence.cli import schedule_render as render
    from permanence.errors import ProblemsFoundError, UserInputError
    from permanence.schedule.coverage import check_coverage

    schedule = _load()
    first = parse_day(start, "--from") or _today(today, schedule)
    last = parse_day(end, "--to")
    # --to is the last day checked, included; the range ends the day after.
    stop = last + timedelta(days=1) if last else first + timedelta(weeks=DEFAULT_WEEKS)
    if stop <= first:
        raise UserInputError(_("--to must not come before --from"))
    report = check_coverage(schedule, first, stop)
    if as_json:
        from permanence.cli import output

        output.print_json(render.report_json(report))
    else:
        render.print_report(schedule, report)
    if report.has_problems:
        raise ProblemsFoundError(render.problem_summary(report))


def show_command(
    week: Annotated[
        str | None,
        typer.Option(
            "--week",
            help=N_("A day of the week to show (YYYY-MM-DD; default: this week)."),
            show_default=False,
        ),
    ] = None,
    as_json: Annotated[bool, typer.Option("--json", help=JSON_HELP)] = False,
) -> None:
    from permanence.cli import schedule_render as render
    from permanence.schedule.week import week_view

    schedule = _load()
    day = parse_day(week, "--week") or _today(None, schedule)
    view = week_view(schedule, day)
    if as_json:
        from permanence.cli import output

        output.print_json(render.week_json(schedule, view))
    else:
        render.print_week(schedule, view)


def standin_command(
    shift: Annotated[
        str,
        typer.Argument(
            metavar=N_("SHIFT"),
            help=N_(
                "Shift occurrence id (e.g. mardi-soir-20261208), "
                "or a shift id with --date."
            ),
        ),
    ],
    day: Annotated[
        str | None,
        typer.Option(
            "--date",
            help=N_("Date of the occurrence, for a recurring shift's id."),
            show_default=False,
        ),
    ] = None,
    as_json: Annotated[bool, typer.Option("--json", help=JSON_HELP)] = False,
) -> None:
    from permanence.cli import schedule_render as render
    from permanence.errors import UserInputError
    from permanence.schedule import find_shift
    from permanence.schedule.coverage import standins

    schedule = _load()
    found = find_shift(schedule, shift, parse_day(day, "--date"))
    if found is None:
        raise UserInputError(render.unknown_shift_message(schedule, shift, day))
    candidates = standins(schedule, found)
    if as_json:
        from permanence.cli import output

        output.print_json(render.standin_json(found, candidates))
    else:
        render.print_standins(schedule, found, candidates)


def who_command(
    at: Annotated[
        str | None,
        typer.Option(
            "--at",
            help=N_("Date and time to look at ('YYYY-MM-DD HH:MM'; default: now)."),
            show_default=False,
        ),
    ] = None,
    as_json: Annotated[bool, typer.Option("--json", help=JSON_HELP)] = False,
) -> None:
    from permanence.cli import who_render as render
    from permanence.schedule import current_shifts, next_shifts

    schedule = _load()
    moment = parse_moment(at, schedule)
    now = current_shifts(schedule, moment)
    upcoming = next_shifts(schedule, moment)
    if as_json:
        render.print_who_json(schedule, moment, now, upcoming)
    else:
        render.print_who(schedule, moment, now, upcoming)
