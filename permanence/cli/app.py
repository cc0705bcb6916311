"""The root command: global options, error handling, command registration."""

from __future__ import annotations

import importlib
import os
import sys
from collections.abc import Sequence
from pathlib import Path
from typing import Annotated, Any

import typer
from typer.core import TyperGroup

from permanence import __version__
from permanence.cli import context
from permanence.cli.framework_text import (
    TranslatedContext,
    show_usage_error,
    translate_framework_texts,
    unknown_command_message,
    use_interface_language,
)
from permanence.errors import ExitCode, PermanenceError
from permanence.i18n import N_, _, ngettext

# Command name -> the ``permanence.cli`` module whose ``register(app)`` adds
# it. A module is imported only when one of its commands runs (or for the
# full help), so that each command starts as fast as the framework allows.
COMMANDS = {
    "guide": "guide",
    "faq": "faq",
    "log": "calls",
    "calls": "calls",
    "followups": "calls",
    "done": "calls",
    "purge": "calls",
    "forget": "calls",
    "sync": "sheet",
    "sheet": "sheet",
    "schedule": "schedule",
    "who": "schedule",
    "handoff": "handoff",
    "stats": "stats",
    "config": "config",
}


class RootGroup(TyperGroup):
    """Loads commands on demand; turns errors into a message and an exit code."""

    context_class = TranslatedContext

    def main(
        self,
        args: Sequence[str] | None = None,
        prog_name: str | None = None,
        complete_var: str | None = None,
        standalone_mode: bool = True,
        windows_expand_args: bool = True,
        **extra: Any,
    ) -> Any:
        call: dict[str, Any] = {
            "args": args,
            "prog_name": prog_name,
            "complete_var": complete_var,
            "windows_expand_args": windows_expand_args,
        }
        if not standalone_mode:
            return super().main(**call, standalone_mode=False, **extra)
        from typer._click.exceptions import ClickException, UsageError

        # The framework's own error display is in English: ours replaces it.
        try:
            outcome = super().main(**call, standalone_mode=False, **extra)
        except UsageError as error:
            show_usage_error(error)
            sys.exit(error.exit_code)
        except ClickException as error:
            _stderr(_("Error: {message}").format(message=error.format_message()))
            sys.exit(error.exit_code)
        except typer.Abort:
            _stderr(_("Aborted!"))
            sys.exit(ExitCode.INTERRUPTED)
        # Without standalone mode, the framework returns the code of an exit
        # requested with ``typer.Exit``, or what the command returned.
        sys.exit(outcome if isinstance(outcome, int) else ExitCode.OK)

    def resolve_command(self, ctx: Any, args: list[str]) -> Any:
        # Typer suggests close names among the commands already loaded
        # (none, here): the suggestions come from every command instead.
        name = args[0] if args else ""
        if name and not name.startswith("-") and name not in self.list_commands(ctx):
            ctx.fail(unknown_command_message(name, self.list_commands(ctx)))
        return super().resolve_command(ctx, args)

    def list_commands(self, ctx: Any) -> list[str]:
        return sorted(set(super().list_commands(ctx)) | set(COMMANDS))

    def format_commands(self, ctx: Any, formatter: Any) -> None:
        from permanence.cli.summaries import SUMMARIES

        rows = [
            (name, _(SUMMARIES[name]) if name in SUMMARIES else "")
            for name in self.list_commands(ctx)
        ]
        with formatter.section(_("Commands")):
            formatter.write_dl(rows)

    def get_command(self, ctx: Any, name: str) -> Any:
        command = super().get_command(ctx, name)
        if command is None and name in COMMANDS:
            command = load_command(name)
            if command is not None:
                self.add_command(command, name)
        return command

    def invoke(self, ctx: Any) -> Any:
        try:
            return super().invoke(ctx)
        except PermanenceError as error:
            report_error(error)
            sys.exit(error.exit_code)
        except BrokenPipeError:
            # The reader went away (``permanence faq … | head``): stop quietly.
            # https://docs.python.org/3/library/signal.html#note-on-sigpipe
            devnull = os.open(os.devnull, os.O_WRONLY)
            os.dup2(devnull, sys.stdout.fileno())
            sys.exit(ExitCode.OK)
        except KeyboardInterrupt:
            _stderr(_("Interrupted: nothing was saved after the last confirmation."))
            sys.exit(ExitCode.INTERRUPTED)
        except (typer.Exit, typer.Abort, SystemExit):
            raise
        except Exception as error:
            if context.options.debug or _is_click_error(error):
                raise
            if isinstance(error, OSError) and error.filename is not None:
                report_path_error(error)
                sys.exit(ExitCode.BAD_INPUT)
            message = _(
                "Unexpected error ({kind}: {error}). "
                "Rerun with --debug to see the details, and report it."
            )
            _stderr(message.format(kind=type(error).__name__, error=error))
            sys.exit(ExitCode.INTERNAL)


def _is_click_error(error: Exception) -> bool:
    from typer._click.exceptions import ClickException

    return isinstance(error, ClickException)


def _stderr(message: str) -> None:
    print(message, file=sys.stderr)


def report_error(error: PermanenceError) -> None:
    """Print an error for the user on stderr, one line per problem."""
    from permanence.errors import InvalidInputError

    if isinstance(error, InvalidInputError):
        count = len(error.problems)
        header = ngettext(
            "Error: {count} problem to fix:", "Error: {count} problems to fix:", count
        )
        _stderr(header.format(count=count))
        for problem in error.problems:
            _stderr(f"  {problem}")
    else:
        _stderr(_("Error: {message}").format(message=error.message))


def report_path_error(error: OSError) -> None:
    """Say which path (given by the user, or the workspace's) cannot be used."""
    message = _("{path}: {reason}; check the path and its permissions")
    reason = error.strerror or type(error).__name__
    text = message.format(path=error.filename, reason=reason)
    _stderr(_("Error: {message}").format(message=text))


def _show_version(value: bool) -> None:
    if value:
        print(f"permanence {__version__}")
        raise typer.Exit()


def _root(
    workspace: Annotated[
        Path | None,
        typer.Option(
            "--workspace",
            "-w",
            help=N_(
                "Workspace folder (default: found from the current folder "
                "upwards, or $PERMANENCE_WORKSPACE)."
            ),
            show_default=False,
        ),
    ] = None,
    debug: Annotated[
        bool,
        typer.Option(
            "--debug", help=N_("Show the full traceback of unexpected errors.")
        ),
    ] = False,
    verbose: Annotated[
        int,
        typer.Option(
            "--verbose", "-v", count=True, help=N_("Log more (repeat for even more).")
        ),
    ] = 0,
    version: Annotated[
        bool,
        typer.Option(
            "--version",
            callback=_show_version,
            is_eager=True,
            help=N_("Show the version and exit."),
        ),
    ] = False,
) -> None:
    context.reset(workspace=workspace, debug=debug, verbose=verbose)


def build_app() -> typer.Typer:
    """Return the root Typer app; its commands are loaded on demand."""
    app = typer.Typer(
        cls=RootGroup,
        help=N_(
            "Run a volunteer phone hotline: guide, FAQ, call log, shifts and handoffs."
        ),
        no_args_is_help=True,
        pretty_exceptions_enable=False,
        rich_markup_mode=None,
    )
    app.callback()(_root)
    return app


def _no_options() -> None:
    """Stands for the root options while a module's commands are built."""


def module_commands(module_name: str, only: str | None = None) -> dict[str, Any]:
    """Return the click commands that a ``permanence.cli`` module registers.

    With ``only``, just that command is built: converting a command reads
    its type hints, which costs time with a caller waiting.
    """
    module = importlib.import_module(f"permanence.cli.{module_name}")
    holder = typer.Typer(rich_markup_mode=None, pretty_exceptions_enable=False)
    holder.callback()(_no_options)
    module.register(holder)
    if only is not None:
        holder.registered_commands = [
            info for info in holder.registered_commands if info.name == only
        ]
        holder.registered_groups = [
            info for info in holder.registered_groups if info.name == only
        ]
    group = typer.main.get_command(holder)
    commands: dict[str, Any] = group.commands  # type: ignore[attr-defined]
    return commands


def load_command(name: str) -> Any:
    """Return the command ``name``, built and translated (None if absent)."""
    command = module_commands(COMMANDS[name], only=name).get(name)
    if command is not None:
        translate_help(command)
    return command


def translate_help(command: Any) -> None:
    """Translate the help texts of ``command``, its options and subcommands."""
    for attribute in ("help", "short_help", "epilog"):
        text = getattr(command, attribute, None)
        if text:
            setattr(command, attribute, _(text))
    for param in getattr(command, "params", []):
        if getattr(param, "help", None):
            param.help = _(param.help)
    translate_framework_texts(command)
    for sub in getattr(command, "commands", {}).values():
        translate_help(sub)


def build_command() -> Any:
    """Return the click command tree, with help in the interface language."""
    use_interface_language()
    command = typer.main.get_command(build_app())
    translate_help(command)
    return command
