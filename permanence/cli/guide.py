"""``permanence guide``: list the guide, show a page, print the phone menu."""

from __future__ import annotations

from typing import TYPE_CHECKING, Annotated

import typer

from permanence.cli import context, output
from permanence.i18n import N_, _

if TYPE_CHECKING:
    from permanence.knowledge import GuidePage


def register(app: typer.Typer) -> None:
    """Add the ``guide`` command to the root app."""
    app.command(
        "guide",
        help=N_("List the guide's pages and call reasons, or show one page."),
        epilog=N_(
            "Examples: permanence guide | permanence guide presse | "
            "permanence guide --menu"
        ),
    )(guide_command)


def guide_command(
    page: Annotated[
        str | None,
        typer.Argument(
            metavar=N_("PAGE"),
            help=N_("Page id or call reason code to show."),
            show_default=False,
        ),
    ] = None,
    menu: Annotated[
        bool,
        typer.Option(
            "--menu", help=N_("Print the phone-menu script derived from the reasons.")
        ),
    ] = False,
    as_json: Annotated[
        bool, typer.Option("--json", help=N_("Print the pages and reasons as JSON."))
    ] = False,
) -> None:
    from permanence import guide

    workspace = context.workspace()
    loaded = guide.load(workspace)
    for problem in loaded.problems:
        output.warn(str(problem))
    if menu:
        script = guide.menu_script(context.settings().name, loaded.items)
        print(script)
        return
    if page is not None:
        _show_page(guide.find_page(loaded.items, page))
        return
    if as_json:
        output.print_json([guide.page_summary(p) for p in loaded.items])
        return
    _list_pages(loaded.items)


def _show_page(page: GuidePage) -> None:
    from rich.markdown import Markdown

    console = output.stdout()
    console.print(Markdown(f"# {page.title}"))
    reason = page.reason
    if reason is not None:
        if reason.digit is not None:
            console.print(_("Phone menu digit: {digit}").format(digit=reason.digit))
        if reason.owner is not None:
            owner = reason.owner
            contact = ", ".join(part for part in (owner.name, owner.email) if part)
            console.print(
                _("Passed on to: {role}").format(role=owner.role)
                + (f" ({contact})" if contact else "")
            )
        if reason.fields:
            console.print(_("To take down:"))
            for field in reason.fields:
                mark = _(" (required)") if field.required else ""
                console.print(f"  • {field.label}{mark}")
    console.print(Markdown(page.body))


def _list_pages(pages: list[GuidePage]) -> None:
    from permanence.cli.plain import print_columns, styled

    print(styled(_("Guide"), bold=True, underline=True))
    headers = (_("Page"), _("Title"), _("Reason"), _("Digit"), _("Passed on to"))
    rows = []
    for page in pages:
        reason = page.reason
        rows.append(
            (
                page.id,
                page.title,
                reason.code if reason else "",
                str(reason.digit) if reason and reason.digit is not None else "",
                reason.owner.role if reason and reason.owner else "",
            )
        )
    print_columns(headers, rows)
