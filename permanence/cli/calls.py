"""The call log: ``log``, ``calls``, ``followups``, ``done``, ``purge``, ``forget``."""

from __future__ import annotations

import sys
from collections.abc import Callable
from datetime import datetime
from pathlib import Path
from typing import TYPE_CHECKING, Annotated, TypeVar

import typer

from permanence.cli import context
from permanence.i18n import N_, _

if TYPE_CHECKING:
    from permanence.calls.reasons import GuideReasons
    from permanence.calls.record import CallRecord
    from permanence.calls.recording import CallInput, InputProblem
    from permanence.settings import Settings

T = TypeVar("T")


def register(app: typer.Typer) -> None:
    """Add the call log's commands to the root app."""
    from permanence.cli.calls_commands import (
        calls_command,
        done_command,
        followups_command,
        forget_command,
        purge_command,
    )

    app.command(
        "log",
        help=N_("Record a call: asks the reason, the details and the answer given."),
        epilog=N_(
            "Examples: permanence log | permanence log --reason adhesion "
            "--field type_demande=renouvellement --phone '06 12 34 56 78' --yes"
        ),
    )(log_command)
    app.command(
        "calls",
        help=N_("List and search the calls recorded (newest first)."),
        epilog=N_(
            "Examples: permanence calls --since 7d | permanence calls --open --csv"
        ),
    )(calls_command)
    app.command(
        "followups",
        help=N_("List the open follow-ups, grouped by who does them, oldest first."),
        epilog=N_("Example: permanence followups --json"),
    )(followups_command)
    app.command(
        "done",
        help=N_("Close the follow-up of a call."),
        epilog=N_("Example: permanence done 20261203-140512-k3x9 --note 'rappelée'"),
    )(done_command)
    app.command(
        "purge",
        help=N_(
            "Erase the callers' personal data from calls older than the "
            "retention period."
        ),
        epilog=N_("Examples: permanence purge --dry-run | permanence purge"),
    )(purge_command)
    app.command(
        "forget",
        help=N_("Erase one person's data from the whole call log."),
        epilog=N_("Examples: permanence forget --phone '06 12 34 56 78' --dry-run"),
    )(forget_command)


def log_command(
    reason: Annotated[
        str,
        typer.Option(
            "--reason",
            "-r",
            help=N_("Reason code (or a few letters of it)."),
            show_default=False,
        ),
    ] = "",
    new_reason: Annotated[
        str,
        typer.Option(
            "--new-reason",
            help=N_("A reason not in the guide, in a few words."),
            show_default=False,
        ),
    ] = "",
    caller: Annotated[
        str, typer.Option("--caller", help=N_("Caller's name."), show_default=False)
    ] = "",
    phone: Annotated[
        str,
        typer.Option("--phone", help=N_("Caller's phone number."), show_default=False),
    ] = "",
    email: Annotated[
        str,
        typer.Option(
            "--email", help=N_("Caller's e-mail address."), show_default=False
        ),
    ] = "",
    field: Annotated[
        list[str] | None,
        typer.Option(
            "--field",
            "-f",
            help=N_("A reason field, as name=value (repeatable)."),
            show_default=False,
        ),
    ] = None,
    answer: Annotated[
        str, typer.Option("--answer", help=N_("What was answered."), show_default=False)
    ] = "",
    note: Annotated[
        str,
        typer.Option(
            "--note",
            help=N_("What to pass on to the next volunteer."),
            show_default=False,
        ),
    ] = "",
    follow_up: Annotated[
        bool,
        typer.Option(
            "--follow-up/--no-follow-up", help=N_("Whether someone must follow up.")
        ),
    ] = False,
    owner: Annotated[
        str,
        typer.Option(
            "--owner",
            help=N_("Who follows up (default: the reason's owner)."),
            show_default=False,
        ),
    ] = "",
    due: Annotated[
        str,
        typer.Option(
            "--due", help=N_("Follow-up due date (DD/MM/YYYY)."), show_default=False
        ),
    ] = "",
    volunteer: Annotated[
        str,
        typer.Option(
            "--as",
            help=N_("Your name (default: 'volunteer' in your config)."),
            show_default=False,
        ),
    ] = "",
    at: Annotated[
        str,
        typer.Option(
            "--at",
            help=N_(
                "When the call took place, for a call logged late ('DD/MM/YYYY HH:MM')."
            ),
            show_default=False,
        ),
    ] = "",
    yes: Annotated[
        bool,
        typer.Option("--yes", "-y", help=N_("Save without asking for confirmation.")),
    ] = False,
    from_json: Annotated[
        bool,
        typer.Option(
            "--json",
            help=N_("Read one record (or a list) as JSON from standard input."),
        ),
    ] = False,
    interactive: Annotated[
        bool,
        typer.Option(
            "--interactive",
            "-i",
            help=N_("Ask the questions even when standard input is not a terminal."),
        ),
    ] = False,
) -> None:
    from permanence.calls.reasons import load_reasons
    from permanence.calls.recording import CallInput, resolve_volunteer
    from permanence.settings import workspace_settings

    workspace = context.workspace()
    settings = workspace_settings(workspace)
    now = datetime.now(settings.zone)
    guide = load_reasons(workspace)
    _import_rescued_calls()
    who = resolve_volunteer(volunteer, workspace, settings, now)
    if from_json:
        _log_json(guide, settings, who, now)
        return
    if interactive or not (reason or new_reason or not sys.stdin.isatty()):
        _log_interactive(guide, settings, who, now)
        return
    given = CallInput(
        reason=reason, new_reason=new_reason, caller=caller, phone=phone,
        email=email, fields=_parse_field_options(field or []), answer=answer,
        note=note, follow_up=follow_up, owner=owner, due=due, volunteer=who, at=at,
    )  # fmt: skip
    record = _build_from_options(given, guide, settings, now)
    if not yes and sys.stdin.isatty():
        from permanence.cli.calls_dialogue import ask_yes_no, show_summary

        show_summary(record)
        if not _asked(lambda: ask_yes_no(_("Save this call?"), True)):
            _say(_("Nothing saved."))
            return
    _save([record], settings)


def _import_rescued_calls() -> None:
    """Move calls rescued earlier into the log, before logging a new one."""
    from permanence.adapters.callstore import CallStore, CallStoreError
    from permanence.calls.rescue import import_rescued, rescue_dir

    workspace = context.workspace()
    if not rescue_dir(workspace).is_dir():
        return
    try:
        with CallStore.open(workspace) as store:
            imported = import_rescued(store, workspace)
    except CallStoreError:
        return  # saving the new call reports the problem and rescues it too
    if imported:
        message = _("Moved into the call log after a problem: {ids}")
        _say(message.format(ids=", ".join(imported)))


def _parse_field_options(options: list[str]) -> dict[str, str]:
    from permanence.errors import UserInputError

    fields = {}
    for option in options:
        name, sep, value = option.partition("=")
        if not sep or not name.strip():
            message = _("--field '{value}': write it as name=value")
            raise UserInputError(message.format(value=option))
        fields[name.strip()] = value
    return fields


def _option_name(key: str) -> str:
    if key.startswith("fields."):
        return f"--field {key.removeprefix('fields.')}"
    return f"--{key.replace('_', '-')}"


def _build_from_options(
    given: CallInput, guide: GuideReasons, settings: Settings, now: datetime
) -> CallRecord:
    from permanence.calls.recording import CallInputError, build_record
    from permanence.errors import InvalidInputError, Problem

    try:
        return build_record(given, guide, settings, now)
    except CallInputError as error:
        # Each problem is located by the option to fix, as files are by path.
        problems = [
            Problem(Path(_option_name(p.key)), p.message) for p in error.problems
        ]
        raise InvalidInputError(problems) from error


def _log_json(guide: GuideReasons, settings: Settings, who: str, now: datetime) -> None:
    import json

    from permanence.errors import InvalidInputError, Problem

    source = Path("<stdin>")
    try:
        data = json.loads(sys.stdin.read())
    except ValueError as error:
        message = _("not valid JSON ({error})").format(error=error)
        raise InvalidInputError([Problem(source, message)]) from error
    items = data if isinstance(data, list) else [data]
    records, problems = _records_from_json(items, guide, settings, who, now)
    if problems:
        raise InvalidInputError([Problem(source, text) for text in problems])
    _save(records, settings)


def _records_from_json(
    items: list[object],
    guide: GuideReasons,
    settings: Settings,
    who: str,
    now: datetime,
) -> tuple[list[CallRecord], list[str]]:
    from permanence.calls.recording import CallInputError, build_record, input_from_json

    records, problems = [], []
    for index, item in enumerate(items, 1):
        given, found = input_from_json(item)
        given.volunteer = given.volunteer or who
        try:
            records.append(build_record(given, guide, settings, now))
        except CallInputError as error:
            found += error.problems
        problems += [_json_problem(index, problem) for problem in found]
    return records, problems


def _json_problem(index: int, problem: InputProblem) -> str:
    message = _("record {index}, '{key}': {message}")
    return message.format(index=index, key=problem.key, message=problem.message)


def _asked(question: Callable[[], T]) -> T:
    """Run a question; on Ctrl-C or end of input say nothing was saved, exit 130."""
    try:
        return question()
    except (typer.Abort, KeyboardInterrupt, EOFError):
        _say("\n" + _("Interrupted: nothing was saved."))
        raise typer.Exit(130) from None


def _log_interactive(
    guide: GuideReasons, settings: Settings, who: str, now: datetime
) -> None:
    from permanence.calls.recording import CallInputError
    from permanence.cli.calls_dialogue import Dialogue
    from permanence.errors import UserInputError

    for problem in guide.problems:
        _warn(problem)
    dialogue = Dialogue(context.workspace(), settings, guide)
    try:
        record = _asked(lambda: dialogue.run(who, now))
    except CallInputError as error:  # values were checked as typed: a bug if here
        raise UserInputError(str(error)) from error
    if record is None:
        _say(_("Nothing saved."))
        return
    _save([record], settings)


def _save(records: list[CallRecord], settings: Settings) -> None:
    from permanence.calls.rescue import push_to_sheet, save_calls

    workspace = context.workspace()
    save_calls(workspace, records)
    for record in records:
        print(record.id)
    message = _("Saved in the call log: {ids}")
    _say(message.format(ids=", ".join(record.id for record in records)))
    if settings.sheet is not None:
        from permanence.cli.calls_render import say_sheet_outcome

        say_sheet_outcome(push_to_sheet(workspace, context.settings()))


def _say(message: str) -> None:
    print(message, file=sys.stderr)


def _warn(message: str) -> None:
    from permanence.cli import output

    output.warn(message)
