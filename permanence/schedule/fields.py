"""Reading the schedule's values (dates, times, weekdays, durations) from YAML.

Every reader records a problem (with its position and what to write
instead) and returns None rather than stopping, so that the loader can
report every problem of ``shifts.yaml`` at once.
"""

from __future__ import annotations

import difflib
import re
import unicodedata
from datetime import date, datetime, timedelta
from pathlib import Path
from typing import Any

from permanence.adapters.yamlfile import LocatedDict, LocatedList, Position
from permanence.errors import Problem
from permanence.i18n import _
from permanence.schedule.model import WEEKDAYS, DateRange, TimeRange

FRENCH_WEEKDAYS = (
    "lundi",
    "mardi",
    "mercredi",
    "jeudi",
    "vendredi",
    "samedi",
    "dimanche",
)
_WEEKDAY_NUMBERS = {
    **{name: index for index, name in enumerate(WEEKDAYS)},
    **{name: index for index, name in enumerate(FRENCH_WEEKDAYS)},
}
_CLOCK = re.compile(r"^(\d{1,2})\s*(?:[:hH]\s*(\d{2})?)?$")
_RANGE_SEPARATOR = re.compile(r"\s*(?:-|\u2013|\bà\b|\bto\b)\s*")
_DURATION = re.compile(r"(?:\d+\s*[a-z]*\s*)+")
_DURATION_PART = re.compile(r"(\d+)\s*([a-z]*)")
_DURATION_UNITS = {
    "m": 1,
    "min": 1,
    "mins": 1,
    "minute": 1,
    "minutes": 1,
    "h": 60,
    "hour": 60,
    "hours": 60,
    "heure": 60,
    "heures": 60,
    "d": 1440,
    "j": 1440,
    "day": 1440,
    "days": 1440,
    "jour": 1440,
    "jours": 1440,
    "w": 10080,
    "week": 10080,
    "weeks": 10080,
    "semaine": 10080,
    "semaines": 10080,
}
_WEEK_WORDS = ("week", "weeks", "semaine", "semaines", "weekly", "hebdomadaire")
_NO_HOURS = ("", "closed", "ferme", "none")


def fold(text: str) -> str:
    """Return ``text`` lower-cased without accents, for forgiving comparisons."""
    decomposed = unicodedata.normalize("NFKD", text.strip().lower())
    return "".join(char for char in decomposed if not unicodedata.combining(char))


def scalar_text(value: Any) -> str | None:
    """Return a single YAML value as text, or None for a mapping or list."""
    if isinstance(value, (LocatedDict, LocatedList)):
        return None
    return "" if value is None else str(value).strip()


def time_text(value: Any) -> str:
    """Return a time of day as written, undoing YAML 1.1's base-60 integers.

    Unquoted, ``14:00`` reads as the integer 840 (minutes); turn it back
    into ``14:00`` so that it works, or at least shows as typed.
    """
    if isinstance(value, int) and not isinstance(value, bool) and value >= 60:
        return f"{value // 60:02d}:{value % 60:02d}"
    return scalar_text(value) or ""


class FieldReader:
    """Reads typed values, collecting every problem with its position."""

    def __init__(self, path: Path | None) -> None:
        self.path = path
        self.problems: list[Problem] = []

    def fail(self, position: Position, message: str) -> None:
        """Record a problem at ``position``."""
        self.problems.append(Problem(self.path, message, *position))

    def text(self, mapping: LocatedDict, key: str, required: bool = False) -> str:
        """Return ``mapping[key]`` as text, '' if absent (a problem if required)."""
        value = mapping.get(key)
        if value is None:
            if required:
                message = _("'{key}' is missing: add '{key}: ...'")
                self.fail(mapping.start, message.format(key=key))
            return ""
        text = scalar_text(value)
        if text is None:
            message = _("'{key}' must be a single value")
            self.fail(mapping.value_at(key), message.format(key=key))
            return ""
        return text

    def date(self, value: Any, position: Position) -> date | None:
        """Return a date written YYYY-MM-DD (or DD/MM/YYYY)."""
        text = scalar_text(value) or ""
        for pattern in ("%Y-%m-%d", "%d/%m/%Y"):
            try:
                return datetime.strptime(text, pattern).date()
            except ValueError:
                continue
        if re.fullmatch(r"\d{4}-\d{1,2}-\d{1,2}|\d{1,2}/\d{1,2}/\d{4}", text):
            message = _("'{value}' is not a real date: check the day and the month")
        else:
            message = _("'{value}' is not a date: write it YYYY-MM-DD, e.g. 2026-09-14")
        self.fail(position, message.format(value=text))
        return None

    def clock(self, text: str, position: Position, end: bool = False) -> int | None:
        """Return minutes since midnight for HH:MM (or 14h, 14h30)."""
        match = _CLOCK.match(text.strip())
        if match:
            hours, minutes = int(match.group(1)), int(match.group(2) or 0)
            limit = 24 if end else 23
            in_day = hours < 24 and minutes < 60
            if in_day or (hours == limit == 24 and minutes == 0):
                return hours * 60 + minutes
            message = _("'{value}' is not a real time: use 00:00 to 23:59")
        else:
            message = _("'{value}' is not a time: write it HH:MM, e.g. 14:00")
        self.fail(position, message.format(value=text.strip()))
        return None

    def time_range(self, value: Any, position: Position) -> TimeRange | None:
        """Return the range written ``HH:MM-HH:MM``."""
        text = time_text(value)
        parts = _RANGE_SEPARATOR.split(text, maxsplit=1)
        if len(parts) != 2:
            message = _("'{value}' is not a time range: write it HH:MM-HH:MM")
            self.fail(position, message.format(value=text))
            return None
        return self.hours(parts[0], parts[1], position, position)

    def hours(
        self, start: str, end: str, start_at: Position, end_at: Position
    ) -> TimeRange | None:
        """Return the range from ``start`` to ``end``; it must not end first."""
        first = self.clock(start, start_at)
        last = self.clock(end, end_at, end=True)
        if first is None or last is None:
            return None
        if last <= first:
            message = _("ends at {end}, before it starts at {start}: swap the times")
            self.fail(end_at, message.format(start=start.strip(), end=end.strip()))
            return None
        return TimeRange(first, last)

    def weekday(self, value: Any, position: Position) -> int | None:
        """Return 0 (Monday) to 6 for a French or English weekday name."""
        text = scalar_text(value) or ""
        number = _WEEKDAY_NUMBERS.get(fold(text))
        if number is not None:
            return number
        close = difflib.get_close_matches(fold(text), list(_WEEKDAY_NUMBERS), n=1)
        if close:
            message = _("unknown weekday '{value}': did you mean '{close}'?")
        else:
            message = _("unknown weekday '{value}': use lundi to dimanche")
        self.fail(position, message.format(value=text, close=close[0] if close else ""))
        return None

    def weekly_hours(
        self, value: Any, position: Position, where: str
    ) -> dict[int, tuple[TimeRange, ...]]:
        """Return the time ranges of each weekday (``lundi: "09:00-12:00"``)."""
        if not isinstance(value, LocatedDict):
            message = _("'{where}' must list weekdays, e.g. 'lundi: \"09:00-12:00\"'")
            self.fail(position, message.format(where=where))
            return {}
        weekly: dict[int, tuple[TimeRange, ...]] = {}
        for key, ranges in value.items():
            weekday = self.weekday(key, value.key_at(key))
            found = self.range_list(ranges, value.value_at(key))
            if weekday is not None:
                weekly[weekday] = tuple(sorted(weekly.get(weekday, ()) + found))
        return weekly

    def range_list(self, value: Any, position: Position) -> tuple[TimeRange, ...]:
        """Return the ranges of one day: a range, a list of ranges, or 'fermé'."""
        items = value if isinstance(value, LocatedList) else LocatedList()
        if not isinstance(value, LocatedList):
            if fold(scalar_text(value) or "") in _NO_HOURS:
                return ()
            items.append(value)
            items.positions.append(position)
        ranges = []
        for index, item in enumerate(items):
            found = self.time_range(item, items.item_at(index))
            if found is not None:
                ranges.append(found)
        return tuple(ranges)

    def date_ranges(self, value: Any, position: Position) -> tuple[DateRange, ...]:
        """Return dates and date ranges: ``2026-11-11``, ``A..B``, ``{from, until}``."""
        if not isinstance(value, LocatedList):
            message = _(
                "write a list of dates, e.g. '[2026-11-11, 2026-12-24..2027-01-03]'"
            )
            self.fail(position, message)
            return ()
        periods = []
        for index, item in enumerate(value):
            found = self.date_range(item, value.item_at(index))
            if found is not None:
                periods.append(found)
        return tuple(periods)

    def date_range(self, value: Any, position: Position) -> DateRange | None:
        """Return one date or date range."""
        if isinstance(value, LocatedDict):
            return self._date_range_mapping(value)
        text = scalar_text(value) or ""
        if ".." in text:
            first_text, last_text = (part.strip() for part in text.split("..", 1))
            return self._checked_range(first_text, last_text, "", position, position)
        day = self.date(text, position)
        return None if day is None else DateRange(day, day)

    def _date_range_mapping(self, mapping: LocatedDict) -> DateRange | None:
        from permanence.adapters.yamlfile import unknown_key_problems

        where = _("a date range")
        self.problems += unknown_key_problems(
            mapping, ("from", "until", "label"), self.path, where
        )
        first = self.text(mapping, "from", required=True)
        last = self.text(mapping, "until") or first
        if not first:
            return None
        return self._checked_range(
            first,
            last,
            self.text(mapping, "label"),
            mapping.value_at("from"),
            mapping.value_at("until")
            if "until" in mapping
            else mapping.value_at("from"),
        )

    def _checked_range(
        self, first: str, last: str, label: str, first_at: Position, last_at: Position
    ) -> DateRange | None:
        start, end = self.date(first, first_at), self.date(last, last_at)
        if start is None or end is None:
            return None
        if end < start:
            message = _("the range ends on {last}, before it starts on {first}")
            self.fail(last_at, message.format(first=start, last=end))
            return None
        return DateRange(start, end, label)

    def duration(self, value: Any, position: Position) -> timedelta | None:
        """Return a duration such as ``1d``, ``30m``, ``1 jour``, ``1h30``."""
        text = fold(scalar_text(value) or "")
        minutes, previous = 0, 0
        valid = bool(_DURATION.fullmatch(text))
        for count, word in _DURATION_PART.findall(text) if valid else ():
            # A bare number after hours counts as minutes: "1h30".
            unit = (
                _DURATION_UNITS.get(word) if word else (1 if previous == 60 else None)
            )
            if unit is None:
                valid = False
                break
            minutes, previous = minutes + int(count) * unit, unit
        if not valid or minutes == 0:
            message = _("'{value}' is not a duration: write e.g. 1d, 2h, 30m, '1 jour'")
            self.fail(position, message.format(value=scalar_text(value)))
            return None
        return timedelta(minutes=minutes)

    def every(self, value: Any, position: Position) -> int | None:
        """Return the number of weeks between occurrences (``week``, ``2 weeks``)."""
        text = fold(scalar_text(value) or "")
        match = re.fullmatch(r"(?:(\d+)\s*)?([a-z]+)", text)
        if match and match.group(2) in _WEEK_WORDS:
            count = int(match.group(1) or 1)
            if count > 0:
                return count
        if text.isdigit() and int(text) > 0:
            return int(text)
        message = _("'{value}' is not a repetition: write 'week' or '2 weeks'")
        self.fail(position, message.format(value=scalar_text(value)))
        return None
