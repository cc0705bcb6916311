"""``permanence stats``: why people call, when, and how fast we follow up."""

from __future__ import annotations

from datetime import datetime
from pathlib import Path
from typing import TYPE_CHECKING, Annotated

import typer

from permanence.cli import context
from permanence.i18n import N_, _

if TYPE_CHECKING:
    from zoneinfo import ZoneInfo

    from permanence.stats import Figures, Period

DEFAULT_SPAN = "30d"


def register(app: typer.Typer) -> None:
    """Add the ``stats`` command to the root app."""
    app.command(
        "stats",
        help=N_(
            "Figures for a period: calls by reason, new reasons, busiest hours, "
            "follow-up times, calls per volunteer, unanswered FAQ questions."
        ),
        epilog=N_(
            "Examples: permanence stats | permanence stats --since 90d --csv | "
            "permanence stats --from 01/09/2026 --to 31/12/2026 --html rapport.html"
        ),
    )(stats_command)


def stats_command(
    since: Annotated[
        str,
        typer.Option(
            "--since",
            help=N_("Period up to now: 30d, 8w, 6m… (default: 30d)."),
            show_default=False,
        ),
    ] = "",
    first: Annotated[
        str,
        typer.Option(
            "--from",
            help=N_("First day (DD/MM/YYYY or YYYY-MM-DD)."),
            show_default=False,
        ),
    ] = "",
    last: Annotated[
        str,
        typer.Option(
            "--to", help=N_("Last day, included (default: today)."), show_default=False
        ),
    ] = "",
    as_json: Annotated[
        bool, typer.Option("--json", help=N_("Print the figures as JSON."))
    ] = False,
    as_csv: Annotated[
        bool, typer.Option("--csv", help=N_("Print the figures as CSV."))
    ] = False,
    html: Annotated[
        Path | None,
        typer.Option(
            "--html",
            help=N_("Write a self-contained HTML report to this file."),
            show_default=False,
            dir_okay=False,
        ),
    ] = None,
) -> None:
    from permanence.cli import output
    from permanence.errors import UserInputError
    from permanence.stats import collect_figures

    if as_json and as_csv:
        raise UserInputError(_("choose one of --json and --csv"))
    settings = context.settings()
    zone, association = settings.zone, settings.name
    now = datetime.now(zone)
    period = _period(since, first, last, zone, now)
    figures = collect_figures(context.workspace(), period, zone, now)
    if html is not None:
        from permanence.cli.report_html import figures_html

        html.write_text(figures_html(figures, association, now), encoding="utf-8")
        output.say(_("Report written to {path}").format(path=html))
    if as_json:
        from permanence.cli.stats_render import figures_json

        output.print_json(figures_json(figures))
    elif as_csv:
        from permanence.cli.stats_render import figures_csv

        print(figures_csv(figures), end="")
    elif html is None:
        _show(figures)


def _show(figures: Figures) -> None:
    """Print the figures as text, titles in bold on a terminal.

    Block-character bars need no table library: with a large log, the time
    goes to counting, and the coordinator gets the answer sooner.
    """
    from permanence.cli.plain import styled
    from permanence.cli.stats_render import figures_text

    print(figures_text(figures, heading=lambda text: styled(text, bold=True)), end="")


def _period(since: str, first: str, last: str, zone: ZoneInfo, now: datetime) -> Period:
    """Return the period asked for: ``--since``, or ``--from``/``--to``."""
    from permanence.calls.values import parse_date, parse_span
    from permanence.errors import UserInputError
    from permanence.stats import period_between, period_since

    if since and (first or last):
        raise UserInputError(_("give either --since or --from/--to, not both"))
    try:
        if first or last:
            start = parse_date(first) if first else None
            end = parse_date(last) if last else now.date()
            if start is None:
                raise UserInputError(_("--to needs --from: give the first day too"))
            if end < start:
                raise UserInputError(_("--to is before --from: swap the two dates"))
            return period_between(start, end, zone)
        span = parse_span(since or DEFAULT_SPAN)
    except ValueError as error:
        raise UserInputError(str(error)) from error
    return period_since(now, span)
