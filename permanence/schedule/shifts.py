"""Reading one entry of the ``shifts:`` list: a one-off or a recurring shift."""

from __future__ import annotations

from datetime import date, timedelta
from typing import Any

from permanence.adapters.yamlfile import (
    LocatedDict,
    LocatedList,
    Position,
    unknown_key_problems,
)
from permanence.i18n import N_, _
from permanence.schedule.checks import closest_id
from permanence.schedule.fields import FieldReader, scalar_text, time_text
from permanence.schedule.model import DateRange, ShiftRule, TimeRange

SHIFT_KEYS = (
    "id",
    "label",
    "date",
    "time",
    "start",
    "end",
    "every",
    "weekday",
    "from",
    "until",
    "skip",
    "volunteers",
)
_RECURRING_ONLY = ("every", "weekday", "from", "until", "skip")
WEEKDAY_WORDS = (
    N_("monday"),
    N_("tuesday"),
    N_("wednesday"),
    N_("thursday"),
    N_("friday"),
    N_("saturday"),
    N_("sunday"),
)


def read_shift(
    reader: FieldReader, item: Any, position: Position, known: set[str]
) -> ShiftRule | None:
    """Return one shift rule, or None if it cannot be used."""
    if not isinstance(item, LocatedDict):
        message = _(
            "each shift must be a mapping: 'date' or 'every', 'time', 'volunteers'"
        )
        reader.fail(position, message)
        return None
    rule_id = reader.text(item, "id")
    where = _("shift '{id}'").format(id=rule_id) if rule_id else _("a shift")
    reader.problems += unknown_key_problems(item, SHIFT_KEYS, reader.path, where)
    hours = _hours(reader, item)
    volunteers = _volunteers(reader, item, known)
    if "every" in item:
        return _recurring(reader, item, rule_id, hours, volunteers)
    return _one_off(reader, item, rule_id, hours, volunteers)


def _hours(reader: FieldReader, item: LocatedDict) -> TimeRange | None:
    if "time" in item:
        if "start" in item or "end" in item:
            message = _("give either 'time' or 'start' and 'end', not both")
            reader.fail(item.key_at("time"), message)
            return None
        return reader.time_range(item["time"], item.value_at("time"))
    if "start" in item and "end" in item:
        start, end = time_text(item["start"]), time_text(item["end"])
        return reader.hours(start, end, item.value_at("start"), item.value_at("end"))
    if "start" in item or "end" in item:
        missing = "end" if "start" in item else "start"
        message = _("'{key}' is missing: add '{key}: ...'").format(key=missing)
    else:
        message = _("'time' is missing: add e.g. 'time: \"14:00-17:00\"'")
    reader.fail(item.start, message)
    return None


def _volunteers(
    reader: FieldReader, item: LocatedDict, known: set[str]
) -> tuple[str, ...]:
    value = item.get("volunteers")
    if isinstance(value, LocatedList):
        names = [(scalar_text(v) or "", value.item_at(i)) for i, v in enumerate(value)]
    elif value is None:
        names = []
    else:
        names = [(scalar_text(value) or "", item.value_at("volunteers"))]
    if not [name for name, _position in names if name]:
        message = _("'volunteers' is missing: add the id of at least one volunteer")
        reader.fail(
            item.value_at("volunteers") if value is not None else item.start, message
        )
        return ()
    for name, position in names:
        if name not in known:
            reader.fail(position, unknown_volunteer_message(name, known))
    return tuple(dict.fromkeys(name for name, _position in names if name))


def unknown_volunteer_message(volunteer_id: str, known: set[str]) -> str:
    """Return the message for a shift naming a volunteer not in the list."""
    close = closest_id(volunteer_id, known)
    if close:
        message = _("unknown volunteer '{id}': did you mean '{close}'?")
    else:
        message = _("unknown volunteer '{id}': add them under 'volunteers' first")
    return message.format(id=volunteer_id, close=close)


def _one_off(
    reader: FieldReader,
    item: LocatedDict,
    rule_id: str,
    hours: TimeRange | None,
    volunteers: tuple[str, ...],
) -> ShiftRule | None:
    for key in _RECURRING_ONLY:
        if key in item:
            message = _(
                "'{key}' is for a recurring shift: add 'every: week', or remove it"
            )
            reader.fail(item.key_at(key), message.format(key=key))
    if "date" not in item:
        message = _("the shift needs 'date' (one-off) or 'every' (recurring)")
        reader.fail(item.start, message)
        return None
    day = reader.date(item["date"], item.value_at("date"))
    if day is None or hours is None or not volunteers:
        return None
    # A one-off shift without an id gets one from its date and start time.
    rule_id = rule_id or f"{day:%Y%m%d}-{hours.start // 60:02d}{hours.start % 60:02d}"
    return ShiftRule(
        id=rule_id,
        hours=hours,
        volunteers=volunteers,
        first=day,
        last=day,
        label=reader.text(item, "label"),
        line=item.start[0],
    )


def _recurring(
    reader: FieldReader,
    item: LocatedDict,
    rule_id: str,
    hours: TimeRange | None,
    volunteers: tuple[str, ...],
) -> ShiftRule | None:
    _check_recurring_keys(reader, item, rule_id)
    every = reader.every(item["every"], item.value_at("every"))
    weekday = _required(reader, item, "weekday", reader.weekday)
    period = _period(reader, item)
    skip = _skip(reader, item, weekday)
    if every is None or weekday is None or period is None:
        return None
    if hours is None or not volunteers or not rule_id:
        return None
    return ShiftRule(
        id=rule_id,
        hours=hours,
        volunteers=volunteers,
        first=period[0],
        last=period[1],
        every_weeks=every,
        weekday=weekday,
        skip=skip,
        label=reader.text(item, "label"),
        line=item.start[0],
    )


def _check_recurring_keys(reader: FieldReader, item: LocatedDict, rule_id: str) -> None:
    if "date" in item:
        message = _(
            "a shift has either 'date' (one-off) or 'every' (recurring), not both"
        )
        reader.fail(item.key_at("date"), message)
    if not rule_id:
        message = _(
            "a recurring shift needs an 'id' (e.g. 'id: mardi-soir'): "
            "its invitations use it"
        )
        reader.fail(item.start, message)


def _period(reader: FieldReader, item: LocatedDict) -> tuple[date, date] | None:
    """Return the recurring shift's ``from`` and ``until`` days, in order."""
    first = _required(reader, item, "from", reader.date)
    last = _required(reader, item, "until", reader.date)
    if first is None or last is None:
        return None
    if last < first:
        message = _("'until' ({last}) is before 'from' ({first}): swap them")
        reader.fail(item.value_at("until"), message.format(first=first, last=last))
        return None
    return first, last


def _required(reader: FieldReader, item: LocatedDict, key: str, parse: Any) -> Any:
    if key not in item:
        message = _("a recurring shift needs '{key}'")
        reader.fail(item.start, message.format(key=key))
        return None
    return parse(item[key], item.value_at(key))


def _skip(
    reader: FieldReader, item: LocatedDict, weekday: int | None
) -> frozenset[date]:
    value = item.get("skip")
    if value is None:
        return frozenset()
    if not isinstance(value, LocatedList):
        value = _single_item_list(value, item.value_at("skip"))
    periods = []
    for index, entry in enumerate(value):
        period = reader.date_range(entry, value.item_at(index))
        if period is None:
            continue
        periods.append(period)
        single = period.first == period.last
        if single and weekday is not None and period.first.weekday() != weekday:
            message = _(
                "{day} is a {actual}, not a {weekday}: "
                "this shift does not happen that day"
            )
            actual = WEEKDAY_WORDS[period.first.weekday()]
            expected = WEEKDAY_WORDS[weekday]
            text = message.format(
                day=period.first, actual=_(actual), weekday=_(expected)
            )
            reader.fail(value.item_at(index), text)
    return days_of(tuple(periods))


def _single_item_list(value: Any, position: Position) -> LocatedList:
    items = LocatedList()
    items.append(value)
    items.positions.append(position)
    return items


def days_of(periods: tuple[DateRange, ...]) -> frozenset[date]:
    """Return every day of ``periods``."""
    days = set()
    for period in periods:
        day = period.first
        while day <= period.last:
            days.add(day)
            day += timedelta(days=1)
    return frozenset(days)
