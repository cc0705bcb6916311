"""The statistics as JSON, CSV and terminal tables with bars.

Every output carries the same figures: counts by reason, reasons not yet
in the guide, the weekday x hour grid, follow-up lead times, calls per
volunteer and unanswered FAQ questions. None holds a caller's details.

CSV layout: one table with the columns ``figure,key,detail,value``, one
row per number; ``figure`` says which figure the row belongs to (see
``csv_rows`` for what ``key`` and ``detail`` hold in each).
"""

from __future__ import annotations

import csv
import io
from typing import TYPE_CHECKING, Any

from permanence.i18n import _

if TYPE_CHECKING:
    from collections.abc import Callable

    from permanence.stats import Figures, Period

BAR_WIDTH = 40
BLOCKS = " ▏▎▍▌▋▊▉█"
CSV_HEADER = ("figure", "key", "detail", "value")


def weekday_names() -> list[str]:
    """Return the short weekday names, Monday first."""
    return [_("Mon"), _("Tue"), _("Wed"), _("Thu"), _("Fri"), _("Sat"), _("Sun")]


def period_bounds(period: Period) -> tuple[str, str]:
    """Return the first and last moments of ``period`` as a reader says them.

    Whole days show as days, the last one included; other periods (the
    last 30 days up to now) show their times.
    """
    from datetime import time, timedelta

    from permanence.cli.report_render import day, when

    if period.start.time() == period.end.time() == time(0):
        return day(period.start), day(period.end - timedelta(days=1))
    return when(period.start), when(period.end)


def hours_shown(figures: Figures) -> range:
    """Return the hours to draw: the opening day, widened to any call."""
    hours = [hour for (_day, hour) in figures.weekday_hour]
    first = min([8, *hours])
    last = max([19, *hours])
    return range(first, last + 1)


def figures_json(figures: Figures) -> dict[str, Any]:
    """Return the figures as a JSON-ready mapping."""
    follow_ups = figures.follow_ups
    return {
        "period": {
            "from": figures.period.start.isoformat(),
            "to": figures.period.end.isoformat(),
        },
        "total_calls": figures.total_calls,
        "calls_by_reason": [
            {"reason": item.reason, "label": item.label, "count": item.count}
            for item in figures.by_reason
        ],
        "new_reasons": [
            {"reason": item.reason, "count": item.count} for item in figures.new_reasons
        ],
        "weekday_hour": [
            {"weekday": day, "hour": hour, "calls": calls}
            for (day, hour), calls in sorted(figures.weekday_hour.items())
        ],
        "follow_ups": {
            "closed": follow_ups.closed,
            "open": follow_ups.open,
            "median_hours_to_close": _rounded(follow_ups.median_hours_to_close),
            "oldest_open": [
                {
                    "call_id": item.call_id,
                    "opened": item.opened.isoformat(),
                    "reason": item.reason,
                    "owner": item.owner,
                    "age_days": round(age, 1),
                }
                for item, age in follow_ups.oldest_open
            ],
        },
        "calls_by_volunteer": [
            {"volunteer": name, "count": count} for name, count in figures.by_volunteer
        ],
        "unanswered": [
            {"query": query, "count": count} for query, count in figures.unanswered
        ],
    }


def _rounded(value: float | None) -> float | None:
    return None if value is None else round(value, 2)


def csv_rows(figures: Figures) -> list[tuple[str, str, str, str]]:
    """Return the CSV rows (without the header).

    period: key from/to, value ISO time; total_calls: value; calls_by_reason:
    key code, detail label, value count; new_reasons: key text, value count;
    weekday_hour: key ISO weekday (1 = Monday), detail hour, value calls;
    follow_ups: key closed/open/median_hours_to_close, value; oldest_open:
    key call id, detail owner, value age in days; calls_by_volunteer: key
    name, value count; unanswered: key question, value count.
    """
    data = figures_json(figures)
    rows = [
        ("period", "from", "", data["period"]["from"]),
        ("period", "to", "", data["period"]["to"]),
        ("total_calls", "", "", str(figures.total_calls)),
    ]
    rows += [
        ("calls_by_reason", item.reason, item.label, str(item.count))
        for item in figures.by_reason
    ]
    rows += [("new_reasons", i.reason, "", str(i.count)) for i in figures.new_reasons]
    rows += [
        ("weekday_hour", str(day), str(hour), str(calls))
        for (day, hour), calls in sorted(figures.weekday_hour.items())
    ]
    rows += _follow_up_rows(data["follow_ups"])
    rows += [
        ("calls_by_volunteer", name, "", str(count))
        for name, count in figures.by_volunteer
    ]
    rows += [
        ("unanswered", query, "", str(count)) for query, count in figures.unanswered
    ]
    return rows


def _follow_up_rows(data: dict[str, Any]) -> list[tuple[str, str, str, str]]:
    median = data["median_hours_to_close"]
    rows = [
        ("follow_ups", "closed", "", str(data["closed"])),
        ("follow_ups", "open", "", str(data["open"])),
        (
            "follow_ups",
            "median_hours_to_close",
            "",
            "" if median is None else str(median),
        ),
    ]
    rows += [
        ("oldest_open", item["call_id"], item["owner"], str(item["age_days"]))
        for item in data["oldest_open"]
    ]
    return rows


def figures_csv(figures: Figures) -> str:
    """Return the figures as CSV text."""
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\n")
    writer.writerow(CSV_HEADER)
    writer.writerows(csv_rows(figures))
    return buffer.getvalue()


def figures_text(figures: Figures, heading: Callable[[str], str] = str) -> str:
    """Return the figures as text: bars, the grid and the lists.

    ``heading`` styles the titles (bold on a terminal).
    """
    start, end = period_bounds(figures.period)
    title = _("{n} calls from {start} to {end}")
    lines = [heading(title.format(n=figures.total_calls, start=start, end=end)), ""]
    by_reason = [(i.label, i.count) for i in figures.by_reason]
    lines += _text_bars(heading(_("Calls by reason")), by_reason)
    new = [(f"« {item.reason} »", item.count) for item in figures.new_reasons]
    lines += _text_bars(heading(_("Reasons not in the guide yet")), new)
    lines += _text_grid(heading(_("Calls by weekday and hour")), figures)
    lines += [heading(_("Follow-ups")), f"  {follow_up_summary(figures)}"]
    lines += [f"  {line}" for line in oldest_open_lines(figures)] + [""]
    lines += _text_bars(heading(_("Calls by volunteer")), figures.by_volunteer)
    queries = [(f"« {query} »", count) for query, count in figures.unanswered]
    lines += _text_bars(heading(_("Questions the FAQ could not answer")), queries)
    return "\n".join(lines).rstrip() + "\n"


def _text_bars(title: str, rows: list[tuple[str, int]]) -> list[str]:
    lines = [title]
    width = max((len(label) for label, _count in rows), default=0)
    digits = max((len(str(count)) for _label, count in rows), default=0)
    largest = max((count for _label, count in rows), default=0)
    for label, count in rows:
        shown = bar(count, largest, BAR_WIDTH // 2)
        lines.append(f"  {label:<{width}}  {count:>{digits}}  {shown}")
    if not rows:
        lines.append(f"  ({_('none')})")
    return [*lines, ""]


def _text_grid(title: str, figures: Figures) -> list[str]:
    hours = hours_shown(figures)
    lines = [title]
    lines.append("     " + "".join(f"{hour:>4}h" for hour in hours))
    for index, name in enumerate(weekday_names(), start=1):
        cells = [figures.weekday_hour.get((index, hour), 0) for hour in hours]
        lines.append(f"  {name:<3}" + "".join(f"{c or '·':>5}" for c in cells))
    return [*lines, ""]


def follow_up_summary(figures: Figures) -> str:
    """Return "closed: n; median time to close: x h; still open: n"."""
    follow_ups = figures.follow_ups
    median = follow_ups.median_hours_to_close
    shown = "—" if median is None else _("{hours:.1f} h").format(hours=median)
    text = _("closed: {closed}; median time to close: {median}; still open: {open}")
    return text.format(closed=follow_ups.closed, median=shown, open=follow_ups.open)


def oldest_open_lines(figures: Figures) -> list[str]:
    """Return one line per oldest open follow-up: id, reason, owner, age."""
    text = _("oldest open: {call_id} ({reason}), {owner}, {days:.0f} days")
    return [
        text.format(
            call_id=item.call_id, reason=item.reason, owner=item.owner or "?", days=age
        )
        for item, age in figures.follow_ups.oldest_open
    ]


def bar(count: int, largest: int, width: int = BAR_WIDTH) -> str:
    """Return a bar of block characters, eighths of a cell for precision."""
    if largest <= 0 or count <= 0:
        return ""
    eighths = max(1, round(count * width * 8 / largest))
    full, rest = divmod(eighths, 8)
    return "█" * full + (BLOCKS[rest] if rest else "")
