"""``permanence config``: the effective settings and where each comes from."""

from __future__ import annotations

import os
from typing import Annotated

import typer

from permanence.cli import context, output
from permanence.i18n import N_, _, current_language


def register(app: typer.Typer) -> None:
    """Add the ``config`` command to the root app."""
    app.command(
        "config",
        help=N_("Show the effective settings and where each one comes from."),
        epilog=N_("Secrets are never shown: only whether they are set."),
    )(config_command)


def config_command(
    as_json: Annotated[
        bool, typer.Option("--json", help=N_("Print the settings as JSON."))
    ] = False,
) -> None:
    rows = _rows()
    if as_json:
        output.print_json([{"key": k, "value": v, "source": s} for k, v, s in rows])
        return
    from rich.table import Table

    table = Table(title=_("Effective settings"))
    for header in (_("Setting"), _("Value"), _("Source")):
        table.add_column(header)
    for row in rows:
        table.add_row(*row)
    output.stdout().print(table)


def _rows() -> list[tuple[str, str, str]]:
    from permanence.userconfig import SECRET_KEYS, config_file, user_values

    workspace = context.workspace()
    settings = context.settings()
    rows = [
        ("workspace", str(workspace.root), _workspace_source()),
        ("association", settings.name, str(workspace.shifts_file)),
        (
            "language",
            current_language(),
            str(workspace.shifts_file) if settings.language else _("locale"),
        ),
        (
            "sheet",
            settings.sheet.key if settings.sheet else "",
            str(workspace.shifts_file),
        ),
        ("user config", str(config_file()), ""),
    ]
    values = user_values()
    for key, value in values.items():
        shown = value.value
        if key in SECRET_KEYS:  # say whether it is set, never what it is
            shown = _("set") if value.value else _("not set")
        rows.append((key, shown, value.source or _("not set")))
    password_variable = values["smtp_password_env"].value or "PERMANENCE_SMTP_PASSWORD"
    is_set = _("set") if os.environ.get(password_variable) else _("not set")
    rows.append(("smtp password", is_set, f"env:{password_variable}"))
    return rows


def _workspace_source() -> str:
    if context.options.workspace is not None:
        return "--workspace"
    if os.environ.get("PERMANENCE_WORKSPACE"):
        return "env:PERMANENCE_WORKSPACE"
    return _("found from the current folder")
