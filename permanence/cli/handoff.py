"""``permanence handoff start|end``: take the phone, hand it over."""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime
from typing import TYPE_CHECKING, Annotated

import typer

from permanence.cli import context
from permanence.i18n import N_, _

if TYPE_CHECKING:
    from permanence.cli.report_render import Report
    from permanence.handoff import HandoffRequest
    from permanence.schedule import Schedule
    from permanence.settings import Settings

AsOption = Annotated[
    str,
    typer.Option(
        "--as",
        help=N_(
            "Your name (default: 'volunteer' in your config, else who is on duty)."
        ),
        show_default=False,
    ),
]
AtOption = Annotated[
    str,
    typer.Option(
        "--at",
        help=N_("Take this moment as now ('DD/MM/YYYY HH:MM' or 'YYYY-MM-DD HH:MM')."),
        show_default=False,
    ),
]
FormatOption = Annotated[
    str,
    typer.Option(
        "--format",
        help=N_("terminal, markdown (team chat) or text (mail)."),
    ),
]
SendOption = Annotated[
    bool,
    typer.Option("--send", help=N_("Mail the summary to the team ('team_email').")),
]
WebhookOption = Annotated[
    str,
    typer.Option(
        "--webhook",
        help=N_(
            "Post the summary to this chat webhook (default: 'webhook' in your config)."
        ),
        show_default=False,
    ),
]
JsonOption = Annotated[
    bool, typer.Option("--json", help=N_("Print the summary as JSON."))
]


def register(app: typer.Typer) -> None:
    """Add the ``handoff`` group to the root app."""
    group = typer.Typer(
        help=N_("Take the phone (start) or hand it over (end) with a summary."),
        no_args_is_help=True,
        rich_markup_mode=None,
    )
    group.command(
        "start",
        help=N_("Show what is pending before taking the phone, and log the start."),
        epilog=N_(
            "Examples: permanence handoff start | "
            "permanence handoff start --as Alice --format markdown --send"
        ),
    )(start_command)
    group.command(
        "end",
        help=N_(
            "Sum up the shift, note what the next volunteer must know, log the end."
        ),
        epilog=N_(
            "Examples: permanence handoff end | "
            "permanence handoff end --note 'Imprimante en panne' --webhook URL"
        ),
    )(end_command)
    app.add_typer(group, name="handoff")


def start_command(
    volunteer: AsOption = "",
    at: AtOption = "",
    output_format: FormatOption = "terminal",
    send: SendOption = False,
    webhook: WebhookOption = "",
    as_json: JsonOption = False,
) -> None:
    from permanence.cli.report_render import start_report, to_json_value
    from permanence.handoff import begin_shift

    settings = context.settings()
    delivery = _Delivery(settings, output_format, send, webhook)
    schedule, request = _request(settings, volunteer, at, note="")
    handoff = begin_shift(context.workspace(), schedule, request)
    _push_to_sheet(settings)
    report = start_report(handoff)
    _show(report, to_json_value(handoff) if as_json else None, output_format)
    delivery.deliver(report, _("The start of your shift is logged."))


def end_command(
    volunteer: AsOption = "",
    at: AtOption = "",
    note: Annotated[
        str | None,
        typer.Option(
            "--note",
            help=N_(
                "What the next volunteer must know (else asked, up to an empty line)."
            ),
            show_default=False,
        ),
    ] = None,
    output_format: FormatOption = "terminal",
    send: SendOption = False,
    webhook: WebhookOption = "",
    as_json: JsonOption = False,
) -> None:
    from permanence.cli.report_render import end_report, to_json_value
    from permanence.handoff import finish_shift

    settings = context.settings()
    delivery = _Delivery(settings, output_format, send, webhook)
    schedule, request = _request(settings, volunteer, at, note)
    handoff = finish_shift(context.workspace(), schedule, request)
    _push_to_sheet(settings)
    report = end_report(handoff)
    _show(report, to_json_value(handoff) if as_json else None, output_format)
    delivery.deliver(report, _("The end of your shift and your notes are logged."))


def _request(
    settings: Settings, volunteer: str, at: str, note: str | None
) -> tuple[Schedule | None, HandoffRequest]:
    """Work out who hands over and when; ask for the notes if needed."""
    from permanence.handoff import HandoffRequest, choose_volunteer
    from permanence.userconfig import user_value

    moment = _moment(at, settings)
    schedule = _schedule(given=bool(volunteer))
    configured = "" if volunteer.strip() else user_value("volunteer")
    who = choose_volunteer(schedule, moment, volunteer, configured)
    if note is None:  # only "end" asks, and only when --note is not given
        note = _ask_notes()
    request = HandoffRequest(who, moment, links=dict(settings.links), note=note)
    return schedule, request


def _moment(text: str, settings: Settings) -> datetime:
    from permanence.calls.values import parse_moment
    from permanence.errors import UserInputError

    if not text.strip():
        return datetime.now(settings.zone)
    try:
        return parse_moment(text, settings.zone)
    except ValueError as error:
        raise UserInputError(f"--at: {error}") from error


def _schedule(given: bool) -> Schedule | None:
    """Return the schedule; a broken one only matters when we need it to know who."""
    from permanence.cli import output
    from permanence.errors import InvalidInputError
    from permanence.schedule import load_schedule

    try:
        return load_schedule(context.workspace())
    except InvalidInputError as error:
        if not given:
            raise
        message = _("shifts.yaml has problems, shifts are not shown: {problems}")
        output.warn(message.format(problems=error.message))
        return None


def _ask_notes() -> str:
    """Read the notable facts from standard input, up to an empty line."""
    from permanence.cli import output

    return output.read_paragraph(
        _(
            "Notable facts for the next volunteer (no caller's name, phone number "
            "or e-mail: this goes to the team). End with an empty line:"
        )
    )


def _push_to_sheet(settings: Settings) -> None:
    if settings.sheet is None:
        return
    from permanence.calls.rescue import push_to_sheet
    from permanence.cli.calls_render import say_sheet_outcome

    say_sheet_outcome(push_to_sheet(context.workspace(), settings))


def _show(report: Report, json_value: object, output_format: str) -> None:
    from permanence.cli import output
    from permanence.cli.plain import use_color
    from permanence.cli.report_render import to_markdown, to_text

    if json_value is not None:
        output.print_json(json_value)
    elif output_format == "markdown":
        print(to_markdown(report), end="")
    elif output_format == "terminal" and use_color():
        _print_styled(report)
    else:
        print(to_text(report), end="")


def _print_styled(report: Report) -> None:
    """Print the summary for a terminal: titles in bold, bullets, quotes."""
    from permanence.cli.plain import styled

    print(styled(f" {report.title} ", bold=True, reverse=True))
    for section in report.sections:
        print("\n" + styled(section.title, bold=True))
        if not section.lines and section.empty:
            print(styled(f"  ({section.empty})", dim=True))
        mark = "  │ " if section.quote else "  • "
        for line in section.lines:
            print(mark + line)


class _Delivery:
    """Where the summary goes besides the terminal; checked before anything."""

    def __init__(
        self, settings: Settings, output_format: str, send: bool, webhook: str
    ) -> None:
        from permanence.adapters.webhook import check_webhook_url
        from permanence.cli.report_render import FORMATS
        from permanence.errors import UserInputError

        if output_format not in FORMATS:
            message = _("--format: '{value}' is not one of {choices}")
            choices = ", ".join(FORMATS)
            raise UserInputError(message.format(value=output_format, choices=choices))
        self.settings = settings
        self.plain = output_format == "text"
        self.send = send
        from permanence.userconfig import user_value

        url = webhook or user_value("webhook")
        self.webhook = check_webhook_url(url) if url else ""
        if send and not (settings.team_email and settings.smtp):
            raise UserInputError(
                _("--send needs 'team_email' and 'smtp' in the settings of shifts.yaml")
            )

    def deliver(self, report: Report, logged: str) -> None:
        """Mail and post the summary; report each failure, exit 3 if any."""
        from permanence.cli import output
        from permanence.errors import PermanenceError, UnavailableError

        failures = []
        for step in self._steps():
            try:
                step(report)
            except PermanenceError as error:
                output.warn(error.message)
                failures.append(error)
        if failures:
            message = _("{logged} Not everything could be delivered (see above).")
            failed = UnavailableError(message.format(logged=logged))
            failed.exit_code = max(f.exit_code for f in failures)
            raise failed

    def _steps(self) -> list[Callable[[Report], None]]:
        steps: list[Callable[[Report], None]] = []
        if self.send:
            steps.append(self._mail)
        if self.webhook:
            steps.append(self._post)
        return steps

    def _mail(self, report: Report) -> None:
        from permanence.adapters.mail import (
            compose_message,
            send_messages,
            smtp_password,
        )
        from permanence.cli import output
        from permanence.cli.report_render import to_markdown, to_text
        from permanence.errors import UnavailableError
        from permanence.invitations.messages import sender_of
        from permanence.userconfig import user_value

        smtp, settings = self.settings.smtp, self.settings
        assert smtp is not None  # checked in __init__
        body = to_text(report) if self.plain else to_markdown(report)
        recipient = ("", settings.team_email)
        message = compose_message(sender_of(settings), recipient, report.title, body)
        password = smtp_password(smtp, user_value("smtp_password_env"))
        sent = send_messages(smtp, password, [message])
        if sent.refused:
            reason = sent.refused[0][1]
            text = _("the mail server refused the summary ({reason})")
            raise UnavailableError(text.format(reason=reason))
        output.say(_("Mailed to {address}.").format(address=settings.team_email))

    def _post(self, report: Report) -> None:
        from permanence.adapters.webhook import post_markdown
        from permanence.cli import output
        from permanence.cli.report_render import to_markdown

        post_markdown(self.webhook, to_markdown(report))
        output.say(_("Posted to the team chat."))
