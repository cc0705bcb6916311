"""``permanence faq``: find the answer while the caller waits; grow the FAQ."""

from __future__ import annotations

import sys
from typing import TYPE_CHECKING, Annotated, Any

import typer
from typer.core import TyperGroup

from permanence.cli import context, output
from permanence.i18n import N_, _

if TYPE_CHECKING:
    from permanence.faq import Answer, NearQuestion, PreparedEntry
    from permanence.workspace import Workspace


class FaqGroup(TyperGroup):
    """Runs ``search`` when the first word is not one of the subcommands.

    ``permanence faq devenir membre`` searches; ``permanence faq add`` adds
    an entry; ``permanence faq search add`` searches the word "add".
    """

    def parse_args(self, ctx: Any, args: list[str]) -> list[str]:
        if (
            args
            and args[0] not in self.commands
            and args[0] not in ctx.help_option_names
        ):
            args = ["search", *args]
        return super().parse_args(ctx, args)


def register(app: typer.Typer) -> None:
    """Add the ``faq`` command group to the root app."""
    faq_app = typer.Typer(
        cls=FaqGroup,
        no_args_is_help=True,
        rich_markup_mode=None,
        help=N_(
            "Search the FAQ and the guide, list unanswered questions, add entries."
        ),
        epilog=N_(
            "Examples: permanence faq devenir membre | permanence faq add | "
            "permanence faq unanswered"
        ),
    )
    faq_app.command(
        "search",
        help=N_("Find the best answers to a question (the default subcommand)."),
        epilog=N_(
            "Examples: permanence faq reçu fiscal | permanence faq search add --json"
        ),
    )(search_command)
    faq_app.command(
        "add",
        help=N_("Add a FAQ entry (asks for what is not given as an option)."),
        epilog=N_(
            "Examples: permanence faq add | permanence faq add --question "
            "'Avez-vous un parking ?' --tags accès --answer -"
        ),
    )(add_command)
    faq_app.command(
        "unanswered",
        help=N_("List the questions nothing was found for, most recent first."),
        epilog=N_("Example: permanence faq unanswered --json"),
    )(unanswered_command)
    app.add_typer(faq_app, name="faq")


def search_command(
    query: Annotated[
        list[str],
        typer.Argument(
            metavar=N_("WORDS..."),
            help=N_("The question or a few words."),
            show_default=False,
        ),
    ],
    limit: Annotated[
        int, typer.Option("--limit", "-n", min=1, help=N_("How many answers to show."))
    ] = 3,
    as_json: Annotated[
        bool, typer.Option("--json", help=N_("Print the answers as JSON."))
    ] = False,
) -> None:
    from permanence import faq

    text = " ".join(query)
    outcome = faq.search(context.workspace(), text, limit)
    for problem in outcome.problems:
        output.warn(str(problem))
    if as_json:
        output.print_json([_answer_json(answer) for answer in outcome.answers])
    else:
        _show_answers(outcome.answers)
    if not outcome.answers:
        message = _("No answer found for \u201c{query}\u201d.").format(query=text)
        if outcome.recorded:
            message += " " + _("The question was noted for the coordinators.")
        print(message, file=sys.stderr, flush=True)
        if outcome.near and not as_json:
            _show_near(outcome.near)


def _show_near(near: tuple[NearQuestion, ...]) -> None:
    """List the entries matching part of the query, which are no answers."""
    from permanence.cli.plain import styled

    print(_("Close questions, which may not answer it:"))
    for question in near:
        print(f"  \u2022 {question.question}")
        print(styled(f"    {question.id} \u2014 {question.path}", dim=True))


def _answer_json(answer: Answer) -> dict[str, object]:
    return {
        "id": answer.id,
        "path": answer.path,
        "question": answer.question,
        "score": answer.score,
        "snippet": answer.snippet,
    }


def _show_answers(answers: list[Answer]) -> None:
    from permanence.cli.plain import print_highlighted, styled

    for rank, answer in enumerate(answers, start=1):
        if rank > 1:
            print()
        print_highlighted(
            answer.question, answer.question_spans, first=f"{rank}. ", bold=True
        )
        print(styled(f"   {answer.id} \u2014 {answer.path}", dim=True))
        if rank == 1:
            print_highlighted(answer.answer, answer.answer_spans)
        else:
            print_highlighted(answer.snippet, answer.snippet_spans)


def add_command(
    question: Annotated[
        str | None,
        typer.Option(
            "--question",
            help=N_("The question, as callers ask it."),
            show_default=False,
        ),
    ] = None,
    tags: Annotated[
        str | None,
        typer.Option(
            "--tags", help=N_("Tags, separated by commas."), show_default=False
        ),
    ] = None,
    reason: Annotated[
        str | None,
        typer.Option(
            "--reason",
            help=N_("Code of the related call reason (see 'permanence guide')."),
            show_default=False,
        ),
    ] = None,
    answer: Annotated[
        str | None,
        typer.Option(
            "--answer",
            help=N_("The answer; '-' reads it from standard input."),
            show_default=False,
        ),
    ] = None,
    dry_run: Annotated[
        bool,
        typer.Option(
            "--dry-run", help=N_("Show the file that would be written, write nothing.")
        ),
    ] = False,
) -> None:
    from permanence import faq

    workspace = context.workspace()
    workspace.require_dir(workspace.faq_dir)
    # Without --question, ask for every part not given; with it, the options
    # are all there is (only a missing answer is still asked for).
    asking = question is None
    if asking:
        question = _ask(_("Question"))
        if tags is None:
            tags = _ask(_("Tags (separated by commas)"), "")
    entry = faq.NewEntry(
        question=question or "",
        tags=faq.parse_tags(tags or ""),
        reason=_reason(workspace, reason, asking),
        answer=_answer_text(answer),
    )
    _write(faq.prepare_entry(workspace, entry), dry_run)


def _ask(label: str, default: str | None = None) -> str:
    value = typer.prompt(label, default=default, show_default=False, err=True)
    return str(value).strip()


def _reason(workspace: Workspace, given: str | None, asking: bool) -> str | None:
    """Return the reason code; asked again while the typed one is unknown."""
    from permanence import faq
    from permanence.errors import UserInputError

    if given is not None or not asking:
        return given or None
    while True:
        typed = _ask(_("Call reason code (empty for none)"), "")
        try:
            if typed:
                faq.check_reason(workspace, typed)
            return typed or None
        except UserInputError as error:
            output.say(error.message)


def _answer_text(given: str | None) -> str:
    if given == "-":
        return sys.stdin.read()
    if given is not None:
        return given
    return output.read_paragraph(_("Answer (finish with an empty line):"))


def _write(prepared: PreparedEntry, dry_run: bool) -> None:
    from permanence import faq
    from permanence.errors import UserInputError

    if dry_run:
        output.say(_("Would write {path}:").format(path=prepared.path))
        sys.stdout.write(prepared.text)
        return
    try:
        path = faq.write_entry(prepared)
    except UserInputError:
        sys.stdout.write(prepared.text)  # what was typed is not lost
        raise
    output.say(_("Entry written; the index is updated on the next search."))
    print(path)


def unanswered_command(
    as_json: Annotated[
        bool, typer.Option("--json", help=N_("Print the list as JSON."))
    ] = False,
) -> None:
    from permanence import faq

    workspace = context.workspace()
    summaries = faq.summarize_unanswered(workspace)
    closest = faq.closest_entries(workspace, [s.query for s in summaries])
    if as_json:
        output.print_json(
            [
                {
                    "query": s.query,
                    "count": s.times,
                    "last_time": s.last_time.isoformat(),
                    "closest": entry,
                }
                for s, entry in zip(summaries, closest, strict=True)
            ]
        )
        return
    if not summaries:
        output.say(_("No unanswered question recorded."))
        return
    from rich.table import Table
    from rich.text import Text

    table = Table(title=_("Questions without an answer"))
    table.add_column(_("Last asked"))
    table.add_column(_("Times"), justify="right")
    table.add_column(_("Question"))
    table.add_column(_("Closest entry"))
    for summary, entry in zip(summaries, closest, strict=True):
        when = summary.last_time.strftime("%Y-%m-%d %H:%M")
        table.add_row(
            when, str(summary.times), Text(summary.query), Text(entry or "\u2014")
        )
    output.stdout().print(table)
