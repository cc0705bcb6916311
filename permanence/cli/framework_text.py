"""The framework's own texts in the interface language.

Typer carries its own copy of click, whose texts are plain English:
"Usage:", "Show this message and exit.", the type names of option values,
and the usage errors ("No such option", "Missing argument"). Typer passes
a few texts of its own through gettext's global domain, which follows the
locale only ("Options", "[default: 3]", "No such command").

Here every such text a user can meet goes through the project's catalog,
so help screens and usage errors follow the workspace's language like the
rest of the interface. Usage errors carry no structure beyond their class,
so their wording is matched against the pinned Typer's (``CLICK_MESSAGES``);
a message these patterns do not know is shown as it is, in English.
"""

from __future__ import annotations

import re
import sys
from collections.abc import Sequence
from difflib import get_close_matches
from typing import Any

import typer.core
from typer._click import exceptions as click_errors
from typer._click.core import Context
from typer._click.formatting import HelpFormatter

from permanence.i18n import N_, _

# Texts that Typer translates with gettext, and texts of the options it
# adds (help, completion); listed here so that the catalog holds them.
TYPER_TEXTS = (
    N_("Arguments"),
    N_("Options"),
    N_("Commands"),
    N_("default: {default}"),
    N_("required"),
    N_("env var: {var}"),
    N_("(dynamic)"),
    N_("Missing command."),
    N_("No such command {name!r}."),
    N_("Aborted!"),
    N_("Show this message and exit."),
    N_("Install completion for the current shell."),
    N_(
        "Show completion for the current shell, "
        "to copy it or customize the installation."
    ),
    N_("<str>"),
    N_("<int>"),
    N_("<int range>"),
    N_("<path>"),
    N_("[OPTIONS]"),
    N_("COMMAND [ARGS]..."),
)

# The wording of click's usage errors -> the text to show. Each pattern's
# named groups fill the placeholders of the same name. Compiled on first
# use (``re`` keeps them): most commands never meet a usage error.
CLICK_MESSAGES: tuple[tuple[str, str], ...] = (
    (
        r"(?P<value>.+) is not a valid (?:integer|int|int range)\.",
        N_("{value} is not a whole number."),
    ),
    (
        r"(?P<value>.+) is not in the range (?P<range>.+)\.",
        N_("{value} is outside the accepted values ({range})."),
    ),
    (
        r"Got unexpected extra argument(?:s|\(s\))? \((?P<values>.*)\)",
        N_("Unexpected extra words ({values}): put quotes around a value with spaces."),
    ),
    (
        r"Option (?P<option>'[^']+') requires an argument\.",
        N_("Option {option} needs a value."),
    ),
    (
        r"Option (?P<option>'[^']+') does not take a value\.",
        N_("Option {option} does not take a value."),
    ),
    (
        r"(?P<message>.+)\. Did you mean (?P<names>.+)\?",
        N_("{message}. Did you mean {names}?"),
    ),
)


class TranslatedFormatter(HelpFormatter):
    """Writes help with the usage line's prefix in the interface language."""

    def write_usage(self, prog: str, args: str = "", prefix: str | None = None) -> None:
        super().write_usage(prog, args, _("Usage: ") if prefix is None else prefix)


class TranslatedContext(Context):
    """A context whose help and usage lines use ``TranslatedFormatter``."""

    formatter_class = TranslatedFormatter


def use_interface_language() -> None:
    """Make the texts Typer translates itself go through the project's catalog."""
    typer.core._ = _  # type: ignore[attr-defined]


def translate_framework_texts(command: Any) -> None:
    """Translate what the framework adds to ``command``'s help.

    That is its help option, the type names shown as option values, and
    the names of arguments declared with a metavar.
    """
    command.context_class = TranslatedContext
    command.options_metavar = _(command.options_metavar)
    if getattr(command, "subcommand_metavar", None):
        command.subcommand_metavar = _(command.subcommand_metavar)
    context = TranslatedContext(command)
    help_option = command.get_help_option(context)
    if help_option is not None and help_option.help:
        help_option.help = _(help_option.help)
    for param in command.params:
        if param.metavar is not None:
            param.metavar = _(param.metavar)
        elif param.param_type_name == "option" and not (param.is_flag or param.count):
            param.metavar = _(param.make_metavar(context))


def show_usage_error(error: click_errors.UsageError) -> None:
    """Print a usage error: the usage line, where to find help, the problem."""
    context = error.ctx
    if isinstance(error, click_errors.NoArgsIsHelpError):
        error.show()  # the whole help, in the interface language already
        return
    if context is not None:
        lines = [context.get_usage()]
        if context.command.get_help_option(context) is not None:
            hint = _("Try '{command} {option}' for help.")
            option = context.help_option_names[0]
            lines.append(hint.format(command=context.command_path, option=option))
        print("\n".join(lines) + "\n", file=sys.stderr)
    message = usage_error_message(error)
    print(_("Error: {message}").format(message=message), file=sys.stderr)


def usage_error_message(error: click_errors.UsageError) -> str:
    """Return the problem a usage error describes, in the interface language."""
    if isinstance(error, click_errors.NoSuchOption):
        message = _("No such option: {option}").format(option=error.option_name)
        if error.possibilities:
            names = ", ".join(sorted(error.possibilities))
            message += " " + _("(did you mean {names}?)").format(names=names)
        return message
    if isinstance(error, click_errors.MissingParameter):
        return _missing_parameter(error)
    if isinstance(error, click_errors.BadParameter):
        problem = translate_click_message(error.message)
        hint = _parameter_hint(error)
        if hint is None:
            return _("Invalid value: {problem}").format(problem=problem)
        return _("Invalid value for {name}: {problem}").format(
            name=hint, problem=problem
        )
    return translate_click_message(error.message)


def translate_click_message(message: str) -> str:
    """Return ``message`` in the interface language if its wording is known."""
    for pattern, text in CLICK_MESSAGES:
        found = re.fullmatch(pattern, message, re.DOTALL)
        if found is not None:
            parts = {
                name: translate_click_message(value) if name == "message" else value
                for name, value in found.groupdict().items()
            }
            return _(text).format(**parts)
    return message


def unknown_command_message(name: str, known: Sequence[str]) -> str:
    """Return the error for a command name that does not exist."""
    message = _("No such command {name!r}.").format(name=name)
    close = get_close_matches(name, known)
    if close:
        names = ", ".join(repr(match) for match in close)
        message = _("{message}. Did you mean {names}?").format(
            message=message.rstrip("."), names=names
        )
    return message


def _missing_parameter(error: click_errors.MissingParameter) -> str:
    param_type = error.param_type
    if param_type is None and error.param is not None:
        param_type = error.param.param_type_name
    texts = {
        "argument": N_("Missing argument: {name}"),
        "option": N_("Missing option: {name}"),
    }
    message = _(texts.get(param_type or "", N_("Missing value: {name}"))).format(
        name=_parameter_hint(error) or ""
    )
    return f"{message} {error.message}" if error.message else message


def _parameter_hint(error: click_errors.BadParameter) -> str | None:
    """Return how the error names its parameter ("'--limit' / '-n'")."""
    hint = error.param_hint
    if hint is None and error.param is not None:
        if error.param.param_type_name == "argument" and error.param.metavar:
            return error.param.metavar
        hint = error.param.get_error_hint(error.ctx)  # type: ignore[arg-type]
    if hint is None or isinstance(hint, str):
        return hint
    return " / ".join(repr(part) for part in hint)
