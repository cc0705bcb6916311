"""The statistics as one self-contained HTML page for the board.

Everything is inline: the CSS, a bar chart and a weekday x hour heat grid
drawn in SVG, and the tables. No script, no web font, no image or style
fetched from the network, so the file can be mailed as it is and opened
offline. Counts are written next to every bar and in every grid cell, so
that nothing is said by colour alone. All text is escaped.
"""

from __future__ import annotations

from datetime import datetime
from html import escape
from typing import TYPE_CHECKING

from permanence.cli.report_render import when
from permanence.cli.stats_render import (
    follow_up_summary,
    hours_shown,
    period_bounds,
    weekday_names,
)
from permanence.i18n import _, current_language

if TYPE_CHECKING:
    from permanence.stats import Figures

CSS = """
body { font-family: system-ui, sans-serif; margin: 2em auto; max-width: 60em;
  color: #1d2330; padding: 0 1em; }
h1 { font-size: 1.5em; } h2 { font-size: 1.15em; margin-top: 2em; }
table { border-collapse: collapse; margin: .5em 0; }
th, td { padding: .25em .75em; border-bottom: 1px solid #d8dce3; text-align: left; }
td.n { text-align: right; font-variant-numeric: tabular-nums; }
svg text { font-family: system-ui, sans-serif; font-size: 12px; fill: #1d2330; }
.bar { fill: #3b6ea8; } .cell { stroke: #fff; }
.note { color: #5a6170; font-size: .9em; }
"""
BAR_HEIGHT = 22
LABEL_WIDTH = 260
CHART_WIDTH = 360
CELL = 28


def figures_html(figures: Figures, association: str, generated: datetime) -> str:
    """Return the whole HTML page for ``figures``."""
    start, end = period_bounds(figures.period)
    title = _("Calls from {start} to {end}").format(start=start, end=end)
    heading = f"{association} — {title}" if association else title
    parts = [
        f"<h1>{escape(heading)}</h1>",
        _paragraph(_("{n} calls in the period.").format(n=figures.total_calls)),
        _h2(_("Calls by reason")),
        bar_chart([(item.label, item.count) for item in figures.by_reason]),
        _h2(_("Reasons not in the guide yet")),
        _count_table(_("Reason"), [(i.reason, i.count) for i in figures.new_reasons]),
        _h2(_("Calls by weekday and hour")),
        heat_grid(figures),
        _h2(_("Follow-ups")),
        _follow_up_html(figures),
        _h2(_("Calls by volunteer")),
        bar_chart(figures.by_volunteer),
        _h2(_("Questions the FAQ could not answer")),
        _count_table(_("Question"), figures.unanswered),
        _paragraph(
            _("Made on {at}. No caller's personal details are in this report.").format(
                at=when(generated)
            ),
            "note",
        ),
    ]
    return _page(heading, "\n".join(parts))


def _page(title: str, body: str) -> str:
    return (
        f'<!DOCTYPE html>\n<html lang="{current_language()}">\n<head>\n'
        '<meta charset="utf-8">\n'
        '<meta name="viewport" content="width=device-width, initial-scale=1">\n'
        f"<title>{escape(title)}</title>\n<style>{CSS}</style>\n</head>\n"
        f"<body>\n{body}\n</body>\n</html>\n"
    )


def _h2(text: str) -> str:
    return f"<h2>{escape(text)}</h2>"


def _paragraph(text: str, css_class: str = "") -> str:
    attribute = f' class="{css_class}"' if css_class else ""
    return f"<p{attribute}>{escape(text)}</p>"


def bar_chart(rows: list[tuple[str, int]]) -> str:
    """Return a horizontal SVG bar chart with the counts written."""
    if not rows:
        return _paragraph(_("none"), "note")
    largest = max(count for _label, count in rows) or 1
    height = BAR_HEIGHT * len(rows) + 4
    width = LABEL_WIDTH + CHART_WIDTH + 60
    items = []
    for index, (label, count) in enumerate(rows):
        y = index * BAR_HEIGHT + 2
        length = max(1, round(count * CHART_WIDTH / largest))
        items.append(
            f'<text x="{LABEL_WIDTH - 8}" y="{y + 15}" text-anchor="end">'
            f"{escape(_shorten(label))}</text>"
            f'<rect class="bar" x="{LABEL_WIDTH}" y="{y + 3}" width="{length}" '
            f'height="{BAR_HEIGHT - 6}"><title>{escape(label)}: {count}</title></rect>'
            f'<text x="{LABEL_WIDTH + length + 6}" y="{y + 15}">{count}</text>'
        )
    return _svg(width, height, _("Calls by category"), "".join(items))


def heat_grid(figures: Figures) -> str:
    """Return the weekday x hour grid in SVG, each cell with its count."""
    hours = list(hours_shown(figures))
    grid = figures.weekday_hour
    largest = max(grid.values(), default=0) or 1
    left, top = 48, 20
    middle = left + CELL // 2
    items = [
        f'<text x="{middle + i * CELL}" y="14" text-anchor="middle">{h}h</text>'
        for i, h in enumerate(hours)
    ]
    for row, name in enumerate(weekday_names()):
        y = top + row * CELL
        items.append(f'<text x="0" y="{y + 18}">{escape(name)}</text>')
        for column, hour in enumerate(hours):
            calls = grid.get((row + 1, hour), 0)
            items.append(_grid_cell(left + column * CELL, y, calls, largest))
    width = left + len(hours) * CELL + 2
    height = top + 7 * CELL + 2
    return _svg(width, height, _("Calls by weekday and hour"), "".join(items))


def _grid_cell(x: int, y: int, calls: int, largest: int) -> str:
    share = calls / largest
    # Light to dark blue; the count is written, so colour is only a help.
    lightness = 96 - round(share * 56)
    ink = "#fff" if lightness < 60 else "#1d2330"
    text = (
        f'<text x="{x + CELL // 2}" y="{y + 18}" text-anchor="middle" '
        f'style="fill:{ink}">{calls}</text>'
        if calls
        else ""
    )
    return (
        f'<rect class="cell" x="{x}" y="{y}" width="{CELL}" height="{CELL}" '
        f'style="fill:hsl(212,55%,{lightness}%)"><title>{calls}</title></rect>{text}'
    )


def _svg(width: int, height: int, label: str, content: str) -> str:
    return (
        f'<svg xmlns="http://www.w3.org/2000/svg" width="{width}" height="{height}" '
        f'viewBox="0 0 {width} {height}" role="img" aria-label="{escape(label)}">'
        f"{content}</svg>"
    )


def _shorten(label: str, limit: int = 38) -> str:
    return label if len(label) <= limit else label[: limit - 1] + "…"


def _count_table(column: str, rows: list[tuple[str, int]]) -> str:
    if not rows:
        return _paragraph(_("none"), "note")
    lines = [f"<table><tr><th>{escape(column)}</th><th>{escape(_('Calls'))}</th></tr>"]
    lines += [
        f'<tr><td>{escape(text)}</td><td class="n">{count}</td></tr>'
        for text, count in rows
    ]
    lines.append("</table>")
    return "\n".join(lines)


def _follow_up_html(figures: Figures) -> str:
    follow_ups = figures.follow_ups
    parts = [_paragraph(follow_up_summary(figures))]
    if follow_ups.oldest_open:
        header = (_("Oldest open"), _("Reason"), _("Owner"), _("Age (days)"))
        cells = "".join(f"<th>{escape(text)}</th>" for text in header)
        parts.append(f"<table><tr>{cells}</tr>")
        for item, age in follow_ups.oldest_open:
            parts.append(
                f"<tr><td>{escape(item.call_id)}</td><td>{escape(item.reason)}</td>"
                f'<td>{escape(item.owner)}</td><td class="n">{age:.0f}</td></tr>'
            )
        parts.append("</table>")
    return "\n".join(parts)
