"""Coverage checks: gaps, weekly maximum, availability, time away, stand-ins."""

from __future__ import annotations

from datetime import date, datetime
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest

from permanence.adapters.yamlfile import parse_yaml
from permanence.schedule import Schedule, find_shift
from permanence.schedule.coverage import (
    AWAY,
    UNAVAILABLE,
    CoverageReport,
    check_coverage,
    standins,
)
from permanence.schedule.parsing import parse_schedule

PARIS = ZoneInfo("Europe/Paris")

TEAM = """
settings:
  timezone: Europe/Paris
  opening_hours:
    lundi: ["09:00-12:00", "14:00-17:00"]
    mardi: "14:00-17:00"
  closed_dates: [2026-09-22]
volunteers:
  - id: anne
    name: Anne Arnaud
    max_per_week: 1
    availability:
      lundi: "09:00-12:00"
      mardi: "14:00-17:00"
  - id: bruno
    name: Bruno Blanc
    max_per_week: 2
    away: [2026-09-15]
  - id: chloe
    name: Chloé Chevalier
    max_per_week: 2
    availability:
      lundi: "14:00-17:00"
  - id: david
    name: David Dumas
    availability:
      mardi: "14:00-17:00"
shifts:
  - id: lundi-matin
    every: week
    weekday: lundi
    time: "09:00-12:00"
    from: 2026-09-07
    until: 2026-09-28
    volunteers: [anne]
  - id: lundi-aprem
    every: week
    weekday: lundi
    time: "14:00-16:00"
    from: 2026-09-07
    until: 2026-09-28
    volunteers: [chloe]
  - id: mardi-1
    date: 2026-09-08
    time: "14:00-17:00"
    volunteers: [bruno]
  - id: mardi-2
    date: 2026-09-15
    time: "14:00-17:00"
    volunteers: [bruno]
  - id: extra
    date: 2026-09-09
    time: "10:00-12:00"
    volunteers: [anne]
"""


@pytest.fixture
def team() -> Schedule:
    schedule, problems = parse_schedule(parse_yaml(TEAM, None), Path("shifts.yaml"))
    assert problems == []
    return schedule


@pytest.fixture
def report(team: Schedule) -> CoverageReport:
    return check_coverage(team, date(2026, 9, 7), date(2026, 9, 23))


def at(day: int, hour: int) -> datetime:
    return datetime(2026, 9, day, hour, 0, tzinfo=PARIS)


def test_gaps_are_uncovered_opening_hours_except_closed_dates(
    report: CoverageReport,
) -> None:
    # Tuesday 22 is closed: no gap although nobody is booked.
    assert [(g.start, g.end) for g in report.gaps] == [
        (at(7, 16), at(7, 17)),
        (at(14, 16), at(14, 17)),
        (at(21, 16), at(21, 17)),
    ]


def test_gap_standins_are_available_free_and_least_loaded_first(
    report: CoverageReport,
) -> None:
    first = report.gaps[0]
    # Anne and David do not do Monday afternoons; Bruno has fewer shifts
    # around than Chloé (who is on duty until 16:00, so free after).
    assert [c.volunteer.id for c in first.candidates] == ["bruno", "chloe"]
    assert [c.week_load for c in first.candidates] == [1, 1]
    assert [c.total_load for c in first.candidates] == [2, 3]


def test_volunteer_over_weekly_maximum_is_reported_per_iso_week(
    report: CoverageReport,
) -> None:
    assert [(o.volunteer.id, o.week) for o in report.overloads] == [
        ("anne", (2026, 37))
    ]
    assert [s.occurrence_id for s in report.overloads[0].shifts] == [
        "lundi-matin-20260907",
        "extra",
    ]
    # Who could take the week's last shift instead.
    assert [c.volunteer.id for c in report.overloads[0].candidates] == ["bruno"]


def test_shifts_outside_availability_or_during_time_away_are_conflicts(
    report: CoverageReport,
) -> None:
    found = [
        (c.shift.occurrence_id, c.volunteer.id, c.reason) for c in report.conflicts
    ]
    assert found == [("extra", "anne", UNAVAILABLE), ("mardi-2", "bruno", AWAY)]


def test_conflict_standins_skip_volunteers_at_their_weekly_maximum(
    report: CoverageReport,
) -> None:
    candidates = {
        c.shift.occurrence_id: [x.volunteer.id for x in c.candidates]
        for c in report.conflicts
    }
    # Anne accepts Tuesday afternoons but already has her one shift that week.
    assert candidates == {"extra": ["bruno"], "mardi-2": ["david"]}


def test_overload_shows_for_any_range_touching_that_week(team: Schedule) -> None:
    tuesday = check_coverage(team, date(2026, 9, 8), date(2026, 9, 9))
    assert [s.occurrence_id for s in tuesday.shifts] == ["mardi-1"]
    assert tuesday.gaps == ()
    assert [o.volunteer.id for o in tuesday.overloads] == ["anne"]


def test_closed_day_has_no_problem(team: Schedule) -> None:
    closed = check_coverage(team, date(2026, 9, 22), date(2026, 9, 23))
    assert not closed.has_problems


def test_standin_for_one_shift_leaves_out_who_is_on_it(team: Schedule) -> None:
    shift = find_shift(team, "lundi-matin-20260914")
    assert shift is not None
    assert [c.volunteer.id for c in standins(team, shift)] == ["bruno"]


def test_standins_are_ordered_by_week_load_then_total_then_name() -> None:
    text = """
volunteers:
  - {id: a, name: Zoé Zola}
  - {id: b, name: Yves Yon}
  - {id: c, name: Xavier Xu}
  - {id: d, name: Wanda West}
shifts:
  - {id: s1, date: 2026-09-07, time: "09:00-10:00", volunteers: [a]}
  - {id: s2, date: 2026-09-08, time: "09:00-10:00", volunteers: [a]}
  - {id: s3, date: 2026-09-14, time: "09:00-10:00", volunteers: [b]}
  - {id: s4, date: 2026-09-09, time: "09:00-10:00", volunteers: [c]}
  - {id: target, date: 2026-09-10, time: "09:00-10:00", volunteers: [d]}
"""
    schedule, problems = parse_schedule(parse_yaml(text, None), Path("s.yaml"))
    assert problems == []
    shift = find_shift(schedule, "target")
    assert shift is not None
    # Yves: 0 that week, 1 around; Xavier: 1 that week; Zoé: 2 that week.
    assert [c.volunteer.name for c in standins(schedule, shift)] == [
        "Yves Yon",
        "Xavier Xu",
        "Zoé Zola",
    ]
