"""Output of ``permanence schedule check|show|standin``: text, tables, JSON."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date
from typing import Any

from permanence.cli.plain import styled
from permanence.cli.schedule_text import (
    format_clock,
    format_day,
    format_span,
    shift_json,
    shift_title,
    volunteer_names,
    weekday_name,
)
from permanence.i18n import _, ngettext
from permanence.schedule.coverage import AWAY, Candidate, CoverageReport
from permanence.schedule.model import Schedule, Shift
from permanence.schedule.week import WeekView

# How many stand-ins the text report names for each gap or conflict.
SHOWN_CANDIDATES = 4


def candidates_text(candidates: Sequence[Candidate]) -> str:
    """Return 'could step in: A, B (and 3 more)' or 'nobody available'."""
    if not candidates:
        return _("nobody is available to step in")
    names = ", ".join(c.volunteer.name for c in candidates[:SHOWN_CANDIDATES])
    more = len(candidates) - SHOWN_CANDIDATES
    if more > 0:
        names += " " + _("(and {count} more)").format(count=more)
    return _("could step in: {names}").format(names=names)


def print_report(schedule: Schedule, report: CoverageReport) -> None:
    """Print the coverage report for a volunteer coordinator."""
    last = report.end.toordinal() - 1
    title = _("Shifts from {first} to {last}: {count}").format(
        first=format_day(report.start),
        last=format_day(date.fromordinal(last)),
        count=len(report.shifts),
    )
    print(styled(title, bold=True))
    if not report.has_problems:
        print(_("No problem: every opening hour has someone on duty."))
        return
    _print_gaps(report)
    _print_overloads(report)
    _print_conflicts(report)


def _print_gaps(report: CoverageReport) -> None:
    if not report.gaps:
        return
    print()
    print(
        styled(_("Nobody on duty ({count}):").format(count=len(report.gaps)), bold=True)
    )
    for gap in report.gaps:
        print(f"  {_('GAP')}  {format_span(gap.start, gap.end)}")
        print(f"        {candidates_text(gap.candidates)}")


def _print_overloads(report: CoverageReport) -> None:
    if not report.overloads:
        return
    print()
    title = _("Over their weekly maximum ({count}):")
    print(styled(title.format(count=len(report.overloads)), bold=True))
    for overload in report.overloads:
        year, week = overload.week
        message = _(
            "{name}: {count} shifts in week {year}-W{week:02d} (maximum {limit})"
        )
        print(
            "  "
            + message.format(
                name=overload.volunteer.name,
                count=len(overload.shifts),
                year=year,
                week=week,
                limit=overload.volunteer.max_per_week,
            )
        )
        for shift in overload.shifts:
            when = format_span(shift.start, shift.end)
            print(f"        {when}  {shift.occurrence_id}")
        last = overload.shifts[-1].occurrence_id
        print(f"        {last}: {candidates_text(overload.candidates)}")


def _print_conflicts(report: CoverageReport) -> None:
    if not report.conflicts:
        return
    print()
    title = _("Shifts to review ({count}):")
    print(styled(title.format(count=len(report.conflicts)), bold=True))
    for conflict in report.conflicts:
        if conflict.reason == AWAY:
            why = _("{name} is away that day")
        else:
            why = _("{name} is not available at that time")
        shift = conflict.shift
        when = format_span(shift.start, shift.end)
        reason = why.format(name=conflict.volunteer.name)
        print(f"  {when}  {shift.occurrence_id}: {reason}")
        print(f"        {candidates_text(conflict.candidates)}")


def problem_summary(report: CoverageReport) -> str:
    """Return the one-line summary of what the check found."""
    count = len(report.gaps) + len(report.overloads) + len(report.conflicts)
    return ngettext(
        "{count} problem found in the schedule",
        "{count} problems found in the schedule",
        count,
    ).format(count=count)


def candidate_json(candidate: Candidate) -> dict[str, Any]:
    """Return a stand-in as JSON-ready values."""
    volunteer = candidate.volunteer
    return {
        "id": volunteer.id,
        "name": volunteer.name,
        "phone": volunteer.phone,
        "shifts_that_week": candidate.week_load,
        "shifts_around": candidate.total_load,
    }


def report_json(report: CoverageReport) -> dict[str, Any]:
    """Return the coverage report as JSON-ready values."""
    return {
        "from": report.start.isoformat(),
        "to": date.fromordinal(report.end.toordinal() - 1).isoformat(),
        "shifts": len(report.shifts),
        "gaps": [
            {
                "start": gap.start.isoformat(),
                "end": gap.end.isoformat(),
                "candidates": [candidate_json(c) for c in gap.candidates],
            }
            for gap in report.gaps
        ],
        "overloads": [
            {
                "volunteer": o.volunteer.id,
                "week": f"{o.week[0]}-W{o.week[1]:02d}",
                "max_per_week": o.volunteer.max_per_week,
                "shifts": [s.occurrence_id for s in o.shifts],
                "candidates": [candidate_json(c) for c in o.candidates],
            }
            for o in report.overloads
        ],
        "conflicts": [
            {
                "shift": c.shift.occurrence_id,
                "start": c.shift.start.isoformat(),
                "end": c.shift.end.isoformat(),
                "volunteer": c.volunteer.id,
                "reason": c.reason,
                "candidates": [candidate_json(x) for x in c.candidates],
            }
            for c in report.conflicts
        ],
    }


def print_week(schedule: Schedule, view: WeekView) -> None:
    """Print the week as a table: days across, time slots down, gaps marked."""
    from rich.table import Table

    from permanence.cli import output

    title = _("Week of {day}").format(day=format_day(view.monday))
    table = Table(title=title, show_lines=True)
    table.add_column(_("Hours"), no_wrap=True)
    for day in view.days:
        header = f"{weekday_name(day)[:3]}.\n{day:%d/%m}"
        if day in view.closed:
            header += "\n" + _("closed")
        table.add_column(header, overflow="fold")
    for slot in view.slots:
        row = [str(slot)]
        for day in view.days:
            row.append(_cell_text(schedule, view, day, slot))
        table.add_row(*row)
    output.stdout().print(table)
    gaps = sum(1 for cell in view.cells.values() if cell.gap)
    if gaps:
        output.stdout().print(
            _("{word}: opening hours with nobody on duty.").format(word=_("GAP"))
        )


def _cell_text(schedule: Schedule, view: WeekView, day: Any, slot: Any) -> str:
    cell = view.cell(day, slot)
    ids = {v: None for s in cell.shifts for v in s.volunteers}
    lines = [short_name(name) for name in volunteer_names(schedule, ids)]
    for start, end in cell.gaps:
        hours = ""
        if (start, end) != slot.on(day, schedule.zone):
            hours = f" {format_clock(start)}-{format_clock(end)}"
        lines.append(f"[bold red]{_('GAP')}[/bold red]{hours}")
    return "\n".join(lines)


def short_name(name: str) -> str:
    """Return 'Marie L.' for 'Marie Lefebvre', to keep the week's grid narrow."""
    words = name.split()
    if len(words) < 2:
        return name
    return f"{words[0]} {words[-1][0]}."


def week_json(schedule: Schedule, view: WeekView) -> dict[str, Any]:
    """Return the week as JSON-ready values."""
    return {
        "week_of": view.monday.isoformat(),
        "closed": {day.isoformat(): label for day, label in view.closed.items()},
        "shifts": [shift_json(schedule, shift) for shift in view.shifts],
        "gaps": [
            {"start": start.isoformat(), "end": end.isoformat()}
            for (_day, _slot), cell in sorted(view.cells.items())
            for start, end in cell.gaps
        ],
    }


def print_standins(
    schedule: Schedule, shift: Shift, candidates: list[Candidate]
) -> None:
    """Print who could take ``shift``, least loaded first."""
    names = ", ".join(volunteer_names(schedule, shift.volunteers))
    print(
        styled(
            f"{shift_title(shift)}  {format_span(shift.start, shift.end)}", bold=True
        )
    )
    print(_("Booked: {names}").format(names=names))
    if not candidates:
        print(_("Nobody is available to step in."))
        return
    print(_("Could step in, least loaded first:"))
    for candidate in candidates:
        volunteer = candidate.volunteer
        load = ngettext(
            "{count} shift that week", "{count} shifts that week", candidate.week_load
        ).format(count=candidate.week_load)
        print(f"  {volunteer.name}  {volunteer.phone}  ({load})")


def standin_json(shift: Shift, candidates: list[Candidate]) -> dict[str, Any]:
    """Return the stand-ins of ``shift`` as JSON-ready values."""
    return {
        "shift": shift.occurrence_id,
        "start": shift.start.isoformat(),
        "end": shift.end.isoformat(),
        "booked": list(shift.volunteers),
        "candidates": [candidate_json(c) for c in candidates],
    }


def unknown_shift_message(schedule: Schedule, shift_id: str, day: str | None) -> str:
    """Return what to do when no shift has this id (on this date)."""
    from permanence.schedule.checks import closest_id

    rule_ids = [rule.id for rule in schedule.rules]
    close = closest_id(shift_id.rsplit("-", 1)[0], rule_ids) or closest_id(
        shift_id, rule_ids
    )
    if day:
        message = _("no shift '{id}' on {day}: check the id and the date")
    elif close:
        message = _(
            "no shift '{id}': give an occurrence id such as '{close}-YYYYMMDD', "
            "or the shift id with --date"
        )
    else:
        message = _(
            "no shift '{id}': see the ids with 'permanence schedule show --json'"
        )
    return message.format(id=shift_id, day=day, close=close)
