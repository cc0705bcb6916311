"""Expanding shifts into occurrences: weekdays, repetition, skips, clock changes."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from permanence.adapters.yamlfile import parse_yaml
from permanence.schedule import Schedule, ShiftRule, TimeRange, find_shift
from permanence.schedule.fields import FieldReader
from permanence.schedule.parsing import parse_schedule

PARIS = ZoneInfo("Europe/Paris")


def schedule_of(text: str) -> Schedule:
    """Parse a shifts.yaml text that must have no problem."""
    schedule, problems = parse_schedule(parse_yaml(text, None), Path("shifts.yaml"))
    assert problems == []
    return schedule


WEEKLY = """
settings:
  timezone: Europe/Paris
  closed_dates:
    - from: 2026-12-19
      until: 2027-01-03
volunteers:
  - id: marie
    name: Marie Curie
shifts:
  - id: mardi-soir
    every: {every}
    weekday: {weekday}
    time: "18:00-20:00"
    from: 2026-09-01
    until: 2027-06-30
    skip: [{skip}]
    volunteers: [marie]
"""


def test_weekly_shift_keeps_its_local_time_across_both_clock_changes() -> None:
    schedule = schedule_of(
        WEEKLY.format(every="week", weekday="mardi", skip="2026-11-10")
    )
    shifts = schedule.occurrences(date(2026, 10, 20), date(2027, 4, 7))
    by_day = {shift.day: shift for shift in shifts}
    before, after = by_day[date(2026, 10, 20)], by_day[date(2026, 10, 27)]
    assert before.start.utcoffset() == timedelta(hours=2)
    assert after.start.utcoffset() == timedelta(hours=1)
    assert before.start.hour == after.start.hour == 18
    elapsed = after.start.astimezone(UTC) - before.start.astimezone(UTC)
    assert elapsed == timedelta(days=7, hours=1)
    spring = by_day[date(2027, 3, 30)]
    assert spring.start == datetime(2027, 3, 30, 18, 0, tzinfo=PARIS)
    assert spring.start.utcoffset() == timedelta(hours=2)
    assert spring.end - spring.start == timedelta(hours=2)


def test_occurrence_ids_are_the_rule_id_and_the_date() -> None:
    schedule = schedule_of(WEEKLY.format(every="week", weekday="tuesday", skip=""))
    shifts = schedule.occurrences(date(2026, 9, 1), date(2026, 9, 16))
    assert [s.occurrence_id for s in shifts] == [
        "mardi-soir-20260901",
        "mardi-soir-20260908",
        "mardi-soir-20260915",
    ]
    assert {s.rule_id for s in shifts} == {"mardi-soir"}
    assert all(s.volunteers == ("marie",) for s in shifts)


def test_skip_dates_and_closed_dates_have_no_occurrence() -> None:
    schedule = schedule_of(
        WEEKLY.format(every="week", weekday="Mardi", skip="2026-11-10")
    )
    days = {s.day for s in schedule.occurrences(date(2026, 9, 1), date(2027, 7, 1))}
    assert date(2026, 11, 3) in days
    assert date(2026, 11, 10) not in days
    assert date(2026, 12, 22) not in days
    assert date(2026, 12, 29) not in days
    assert date(2027, 1, 5) in days
    assert max(days) == date(2027, 6, 29)


def test_every_two_weeks_counts_from_the_first_weekday_on_or_after_from() -> None:
    schedule = schedule_of(WEEKLY.format(every="2 semaines", weekday="jeudi", skip=""))
    shifts = schedule.occurrences(date(2026, 9, 1), date(2026, 10, 1))
    # 2026-09-01 is a Tuesday: the series starts on Thursday 3 September.
    assert [s.day for s in shifts] == [date(2026, 9, 3), date(2026, 9, 17)]


def test_a_window_starting_mid_series_keeps_the_fortnightly_rhythm() -> None:
    schedule = schedule_of(WEEKLY.format(every="2 weeks", weekday="jeudi", skip=""))
    late = schedule.occurrences(date(2026, 10, 2), date(2026, 11, 1))
    assert [s.day for s in late] == [date(2026, 10, 15), date(2026, 10, 29)]


def test_one_off_shift_without_id_is_named_by_date_and_time() -> None:
    schedule = schedule_of(
        """
volunteers:
  - id: marie
    name: Marie Curie
shifts:
  - date: 2026-12-24
    start: "9h30"
    end: "24:00"
    volunteers: marie
"""
    )
    (shift,) = schedule.occurrences(date(2026, 12, 1), date(2027, 1, 1))
    assert shift.occurrence_id == shift.rule_id == "20261224-0930"
    assert shift.end == datetime(2026, 12, 25, 0, 0, tzinfo=PARIS)
    assert find_shift(schedule, "20261224-0930") == shift


def test_find_shift_by_occurrence_id_or_rule_and_date() -> None:
    schedule = schedule_of(
        WEEKLY.format(every="week", weekday="mardi", skip="2026-11-10")
    )
    by_id = find_shift(schedule, "mardi-soir-20261006")
    by_date = find_shift(schedule, "mardi-soir", date(2026, 10, 6))
    assert by_id is not None
    assert by_id == by_date
    assert find_shift(schedule, "mardi-soir-20261007") is None
    assert find_shift(schedule, "mardi-soir-20261110") is None


@pytest.mark.parametrize(
    ("text", "minutes"),
    [
        ("1d", 1440),
        ("1 jour", 1440),
        ("2 jours", 2880),
        ("30m", 30),
        ("30 minutes", 30),
        ("2h", 120),
        ("1h30", 90),
        ("1 heure 15", 75),
        ("1 semaine", 10080),
        ("1w", 10080),
    ],
)
def test_durations_are_read_in_french_and_english(text: str, minutes: int) -> None:
    reader = FieldReader(None)
    assert reader.duration(text, (1, 1)) == timedelta(minutes=minutes)
    assert reader.problems == []


@pytest.mark.parametrize("text", ["demain", "1", "30 secondes", "0m", "m30", ""])
def test_bad_durations_are_reported(text: str) -> None:
    reader = FieldReader(None)
    assert reader.duration(text, (3, 7)) is None
    assert [(p.line, p.column) for p in reader.problems] == [(3, 7)]


@pytest.mark.parametrize(
    ("text", "number"),
    [("lundi", 0), ("Monday", 0), ("MERCREDI", 2), ("wednesday", 2), ("dimanche", 6)],
)
def test_weekdays_are_read_in_french_and_english(text: str, number: int) -> None:
    assert FieldReader(None).weekday(text, (1, 1)) == number


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("09:00-12:00", "09:00-12:00"),
        ("9h-12h30", "09:00-12:30"),
        ("14:00 à 24:00", "14:00-24:00"),
    ],
)
def test_time_ranges_accept_common_spellings(text: str, expected: str) -> None:
    found = FieldReader(None).time_range(text, (1, 1))
    assert str(found) == expected


@settings(max_examples=60, deadline=None)
@given(
    every=st.integers(min_value=1, max_value=4),
    weekday=st.integers(min_value=0, max_value=6),
    first=st.dates(min_value=date(2026, 1, 1), max_value=date(2027, 12, 31)),
    length=st.integers(min_value=0, max_value=400),
    cut=st.integers(min_value=0, max_value=450),
    start_minute=st.integers(min_value=0, max_value=22 * 60),
)
def test_splitting_the_window_never_changes_the_occurrences(
    every: int, weekday: int, first: date, length: int, cut: int, start_minute: int
) -> None:
    rule = ShiftRule(
        id="r",
        hours=TimeRange(start_minute, start_minute + 90),
        volunteers=("a",),
        first=first,
        last=first + timedelta(days=length),
        every_weeks=every,
        weekday=weekday,
    )
    schedule = Schedule(rules=(rule,))
    low, high = first - timedelta(days=10), first + timedelta(days=length + 10)
    middle = low + timedelta(days=cut)
    whole = schedule.occurrences(low, high)
    parts = schedule.occurrences(low, middle) + schedule.occurrences(middle, high)
    assert parts == whole
    for shift in whole:
        assert shift.day.weekday() == weekday
        assert first <= shift.day <= rule.last
        assert shift.start.hour * 60 + shift.start.minute == start_minute
        assert (shift.day - whole[0].day).days % (7 * every) == 0
    if whole:
        assert (whole[0].day - first).days < 7


def test_unquoted_times_work_despite_yaml_base_60_numbers() -> None:
    schedule = schedule_of(
        """
volunteers:
  - {id: marie, name: Marie Curie}
shifts:
  - {id: a, date: 2026-09-07, start: 14:00, end: 17:30, volunteers: [marie]}
  - {id: b, date: 2026-09-08, start: 09:00, end: 10:00, volunteers: [marie]}
"""
    )
    found = schedule.occurrences(date(2026, 9, 7), date(2026, 9, 9))
    assert [str(rule.hours) for rule in schedule.rules] == [
        "14:00-17:30",
        "09:00-10:00",
    ]
    assert found[0].start == datetime(2026, 9, 7, 14, 0, tzinfo=PARIS)
