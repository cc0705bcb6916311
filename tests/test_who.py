"""Who is on duty now, who is next, who came before: at fixed times."""

from __future__ import annotations

import json
from datetime import datetime
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest

from permanence.schedule import Schedule, next_shift, on_duty, previous_shift
from permanence.schedule.loader import read_schedule
from tests.conftest import REPO_ROOT, Invoke

PARIS = ZoneInfo("Europe/Paris")


@pytest.fixture(scope="module")
def sample() -> Schedule:
    return read_schedule(REPO_ROOT / "shifts.yaml")


def paris(*parts: int) -> datetime:
    return datetime(*parts, tzinfo=PARIS)  # type: ignore[misc]


def test_on_duty_lists_both_volunteers_of_a_shared_shift(sample: Schedule) -> None:
    names = [v.name for v in on_duty(sample, paris(2026, 10, 27, 18, 30))]
    assert names == ["Karim Haddad", "Thomas Girard"]


def test_shift_end_is_excluded_and_start_included(sample: Schedule) -> None:
    assert [v.id for v in on_duty(sample, paris(2026, 10, 26, 9, 0))] == [
        "marie-lefebvre"
    ]
    assert on_duty(sample, paris(2026, 10, 26, 12, 0)) == []


def test_on_duty_accepts_a_time_in_another_zone(sample: Schedule) -> None:
    utc = datetime(2026, 10, 27, 17, 30, tzinfo=ZoneInfo("UTC"))  # 18:30 in Paris
    assert [v.id for v in on_duty(sample, utc)] == ["karim-haddad", "thomas-girard"]


def test_next_shift_across_the_october_clock_change(sample: Schedule) -> None:
    # Saturday 24 October 12:30 (summer time); next is Monday 26 at 09:00
    # winter time, after the clocks went back on Sunday 25.
    found = next_shift(sample, paris(2026, 10, 24, 12, 30))
    assert found is not None
    assert found.occurrence_id == "lundi-matin-20261026"
    assert found.start.isoformat() == "2026-10-26T09:00:00+01:00"


def test_next_shift_skips_the_christmas_break(sample: Schedule) -> None:
    found = next_shift(sample, paris(2026, 12, 18, 20, 0))
    assert found is not None
    assert found.occurrence_id == "lundi-matin-20270104"


def test_previous_shift_is_the_last_one_ended(sample: Schedule) -> None:
    found = previous_shift(sample, paris(2027, 3, 29, 9, 0))
    # Monday 29 March 2027 is closed (Easter Monday); Saturday 27 was Thomas's.
    assert found is not None
    assert found.occurrence_id == "samedi-thomas-20270327"
    assert found.volunteers == ("thomas-girard",)


def test_nothing_after_the_last_shift(sample: Schedule) -> None:
    assert next_shift(sample, paris(2027, 7, 1, 0, 0)) is None
    assert previous_shift(sample, paris(2026, 9, 1, 0, 0)) is None


def test_who_prints_names_phones_and_until_when(
    invoke: Invoke, sample_workspace: Path
) -> None:
    outcome = invoke(["-w", sample_workspace, "who", "--at", "2026-10-27 18:30"])
    assert outcome.exit_code == 0, outcome.stderr
    assert outcome.stdout.splitlines() == [
        "mardi 27/10/2026 18:30",
        "De permanence jusqu'à 20:00 :",
        "  Karim Haddad  06 39 98 12 06",
        "  Thomas Girard  06 39 98 12 08",
        "Ensuite : mercredi 28/10/2026 09:00-12:00",
        "  Sophie Bernard  06 39 98 12 07",
    ]


def test_who_when_nobody_is_on_duty_in_english(
    invoke: Invoke, sample_workspace: Path
) -> None:
    shifts = sample_workspace / "shifts.yaml"
    text = shifts.read_text(encoding="utf-8").replace("  language: fr\n", "")
    shifts.write_text(text, encoding="utf-8")
    outcome = invoke(
        ["-w", sample_workspace, "who", "--at", "2026-10-24T12:30"], lang="en"
    )
    assert outcome.exit_code == 0, outcome.stderr
    assert outcome.stdout.splitlines() == [
        "Saturday 2026-10-24 12:30",
        "Nobody is on duty at this time.",
        "Next: Monday 2026-10-26 09:00-12:00",
        "  Marie Lefebvre  06 39 98 12 01",
    ]


def test_who_json(invoke: Invoke, sample_workspace: Path) -> None:
    outcome = invoke(
        ["-w", sample_workspace, "who", "--at", "2027-03-30 18:15", "--json"]
    )
    assert outcome.exit_code == 0, outcome.stderr
    data = json.loads(outcome.stdout)
    assert data["at"] == "2027-03-30T18:15:00+02:00"
    assert [(p["id"], p["until"]) for p in data["on_duty"]] == [
        ("karim-haddad", "2027-03-30T20:00:00+02:00"),
        ("thomas-girard", "2027-03-30T20:00:00+02:00"),
    ]
    assert data["on_duty"][0]["phone"] == "06 39 98 12 06"
    # Wednesday morning is one of the sample's gaps: next is the evening
    # one-off shift, named by its date and time.
    (upcoming,) = data["next"]
    assert upcoming["id"] == "20270331-1800"
    assert upcoming["volunteers"] == [{"id": "claire-martin", "name": "Claire Martin"}]


def test_who_with_a_bad_time_exits_2(invoke: Invoke, sample_workspace: Path) -> None:
    outcome = invoke(["-w", sample_workspace, "who", "--at", "demain 9h"])
    assert outcome.exit_code == 2
    assert "--at" in outcome.stderr
    assert "Traceback" not in outcome.stderr


def test_who_with_a_warm_cache_imports_neither_yaml_nor_rich_tables(
    sample_workspace: Path,
) -> None:
    import subprocess
    import sys

    command = [sys.executable, "-X", "importtime", "-m", "permanence"]
    command += ["-w", str(sample_workspace), "who", "--at", "2026-12-08 18:30"]
    first = subprocess.run(command, capture_output=True, text=True, check=False)
    assert first.returncode == 0, first.stderr
    again = subprocess.run(command, capture_output=True, text=True, check=False)
    assert again.returncode == 0, again.stderr
    modules = {line.rsplit("|", 1)[-1].strip() for line in again.stderr.splitlines()}
    assert "permanence.schedule.model" in modules
    assert "yaml" not in modules
    assert "rich.table" not in modules
    assert "Karim Haddad" in again.stdout


def test_shifts_starting_together_are_all_next_and_volunteers_hash() -> None:
    from permanence.adapters.yamlfile import parse_yaml
    from permanence.schedule import next_shifts
    from permanence.schedule.parsing import parse_schedule

    text = """
volunteers:
  - {id: a, name: Anne, availability: {lundi: "08:00-12:00"}}
  - {id: b, name: Bruno}
shifts:
  - {id: one, date: 2026-09-07, time: "09:00-12:00", volunteers: [a]}
  - {id: two, date: 2026-09-07, time: "09:00-10:00", volunteers: [b]}
  - {id: three, date: 2026-09-07, time: "10:00-11:00", volunteers: [b]}
"""
    schedule, problems = parse_schedule(parse_yaml(text, None), Path("s.yaml"))
    assert problems == []
    found = next_shifts(schedule, paris(2026, 9, 7, 8, 0))
    assert [s.occurrence_id for s in found] == ["one", "two"]
    assert [v.id for v in on_duty(schedule, paris(2026, 9, 7, 10, 30))] == ["a", "b"]
    assert len(set(schedule.volunteers)) == 2
