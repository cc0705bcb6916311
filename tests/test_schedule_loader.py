"""Reading shifts.yaml: the sample loads, and each broken file says what to fix."""

from __future__ import annotations

import shutil
from datetime import date, timedelta
from pathlib import Path

import pytest

from permanence.errors import InvalidInputError
from permanence.i18n import set_language
from permanence.schedule import load_schedule
from permanence.schedule.loader import read_schedule
from permanence.workspace import Workspace
from tests.conftest import DATA, REPO_ROOT, Invoke

BAD = DATA / "bad_shifts"

# Each broken file -> the exact "line:column: message" lines it must produce.
EXPECTED = {
    "yaml_syntax": [
        "15:15: invalid YAML (mapping values are not allowed in this context): "
        "check indentation, colons and quotes"
    ],
    "not_a_mapping": [
        "1:1: the file must be a mapping with 'settings', 'volunteers' and 'shifts'"
    ],
    "unknown_top_key": [
        "1:1: unknown key 'setings' in shifts.yaml: did you mean 'settings'?"
    ],
    "unknown_settings_key": [
        "5:3: unknown key 'opening_hour' in settings: did you mean 'opening_hours'?"
    ],
    "unknown_volunteer_key": [
        "12:5: unknown key 'telephone' in volunteer 'marie': did you mean 'phone'?"
    ],
    "unknown_shift_key": [
        "25:5: unknown key 'lable' in shift 'reunion': did you mean 'label'?"
    ],
    "unknown_volunteer": ["23:18: unknown volunteer 'mari': did you mean 'marie'?"],
    "end_before_start": [
        "20:11: ends at 09:00, before it starts at 12:00: swap the times"
    ],
    "bad_date": ["25:11: '2027-02-30' is not a real date: check the day and the month"],
    "bad_time": ["20:11: '25:00' is not a real time: use 00:00 to 23:59"],
    "bad_weekday": ["19:14: unknown weekday 'lundu': did you mean 'lundi'?"],
    "bad_duration": [
        "4:25: 'demain' is not a duration: write e.g. 1d, 2h, 30m, '1 jour'"
    ],
    "double_booking": [
        "24:5: 'marie' is booked twice at once: shift 'reunion' overlaps "
        "'lundi-matin' (line 17) on 2026-09-14 11:00; "
        "change the time or the volunteer"
    ],
    "duplicate_volunteer_id": [
        "14:9: volunteer id 'marie' is already used on line 9: ids must be unique"
    ],
    "duplicate_shift_id": [
        "24:9: shift id 'lundi-matin' is already used on line 17: "
        "give each shift its own 'id'"
    ],
    "until_before_from": [
        "22:12: 'until' (2026-08-31) is before 'from' (2026-09-07): swap them"
    ],
    "recurring_without_id": [
        "17:5: a recurring shift needs an 'id' (e.g. 'id: mardi-soir'): "
        "its invitations use it"
    ],
    "missing_volunteers": [
        "17:5: 'volunteers' is missing: add the id of at least one volunteer"
    ],
    "missing_time": ["24:5: 'time' is missing: add e.g. 'time: \"14:00-17:00\"'"],
    "missing_end": ["24:5: 'end' is missing: add 'end: ...'"],
    "time_and_start": ["26:5: give either 'time' or 'start' and 'end', not both"],
    "bad_opening_hours": ["6:12: 'midi' is not a time: write it HH:MM, e.g. 14:00"],
    "closed_range_reversed": [
        "7:18: the range ends on 2026-12-19, before it starts on 2027-01-03"
    ],
    "bad_every": ["18:12: 'month' is not a repetition: write 'week' or '2 weeks'"],
    "bad_max_per_week": [
        "13:19: 'max_per_week' must be a whole number above 0, not 'deux'"
    ],
    "bad_away": ["14:12: '2026-13-01' is not a real date: check the day and the month"],
    "bad_email": [
        "11:12: 'marie.example.org' is not an email address: write it name@example.org"
    ],
    "bad_volunteer_id": [
        "14:9: id 'Jean Moulin' must use lowercase letters, digits and '-', "
        "e.g. 'marie-dupont'"
    ],
    "skip_wrong_weekday": [
        "23:12: 2026-10-13 is a tuesday, not a monday: "
        "this shift does not happen that day"
    ],
    "date_and_every": [
        "19:5: a shift has either 'date' (one-off) or 'every' (recurring), not both"
    ],
    "bad_timezone": [
        "3:13: unknown timezone 'Paris': use an IANA name such as Europe/Paris"
    ],
    "several_problems": [
        "12:5: unknown key 'telephone' in volunteer 'marie': did you mean 'phone'?",
        "19:14: unknown weekday 'lundu': did you mean 'lundi'?",
        "23:18: unknown volunteer 'mari': did you mean 'marie'?",
        "25:11: '2027-02-30' is not a real date: check the day and the month",
    ],
}


def problems_of(path: Path) -> list[str]:
    """Return the problems of a broken file as 'line:column: message' lines."""
    set_language("en")
    with pytest.raises(InvalidInputError) as caught:
        read_schedule(path)
    for problem in caught.value.problems:
        assert problem.path == path
    return [f"{p.line}:{p.column}: {p.message}" for p in caught.value.problems]


def test_the_corpus_has_a_file_for_every_expectation() -> None:
    names = {path.stem for path in BAD.glob("*.yaml")}
    assert names == set(EXPECTED)
    assert len(names) >= 20


@pytest.mark.parametrize("name", sorted(EXPECTED))
def test_broken_file_reports_exact_problems(name: str) -> None:
    assert problems_of(BAD / f"{name}.yaml") == EXPECTED[name]


@pytest.mark.parametrize("name", sorted(EXPECTED))
def test_broken_file_exits_2_without_traceback(
    name: str, tmp_path: Path, invoke: Invoke
) -> None:
    shutil.copy(BAD / f"{name}.yaml", tmp_path / "shifts.yaml")
    outcome = invoke(["-w", tmp_path, "schedule", "check"], lang="en")
    assert outcome.exit_code == 2
    assert "Traceback" not in outcome.stderr
    assert outcome.stdout == ""
    first = EXPECTED[name][0]
    assert f"{tmp_path / 'shifts.yaml'}:{first}" in outcome.stderr


def test_problems_are_translated_into_french() -> None:
    set_language("fr")
    with pytest.raises(InvalidInputError) as caught:
        read_schedule(BAD / "unknown_volunteer.yaml")
    message = caught.value.problems[0].message
    assert message == "bénévole inconnu·e « mari » : vouliez-vous dire « marie » ?"


def test_sample_workspace_loads_without_problems() -> None:
    schedule = read_schedule(REPO_ROOT / "shifts.yaml")
    assert schedule.name == "Le Fil Solidaire"
    assert 8 <= len(schedule.volunteers) <= 10
    assert schedule.reminders == (timedelta(days=1), timedelta(minutes=30))
    assert schedule.coordinator is not None
    assert schedule.coordinator.email == "coordination@fil-solidaire.example.org"
    assert schedule.opening_hours[6] == ()
    assert any(p.label == "Vacances de Noël" for p in schedule.closed_dates)
    kinds = {rule.recurring for rule in schedule.rules}
    assert kinds == {True, False}
    first, end = schedule.span()
    assert first.year == 2026
    assert first.month == 9
    assert end <= date(2027, 7, 1)


def test_sample_uses_every_volunteer_feature() -> None:
    schedule = read_schedule(REPO_ROOT / "shifts.yaml")
    assert any(v.availability for v in schedule.volunteers)
    assert any(v.away for v in schedule.volunteers)
    assert all(v.max_per_week for v in schedule.volunteers)
    assert all(v.phone.startswith("06 39 98") for v in schedule.volunteers)
    derived = [r for r in schedule.rules if r.id == "20270331-1800"]
    assert len(derived) == 1


def test_valid_schedule_is_cached_and_refreshed_when_the_file_changes(
    sample_workspace: Path,
) -> None:
    from permanence.schedule.loader import cache_file

    workspace = Workspace(sample_workspace)
    first = load_schedule(workspace)
    assert cache_file(workspace).is_file()
    again = load_schedule(workspace)
    assert again == first
    shifts = sample_workspace / "shifts.yaml"
    shifts.write_text(
        shifts.read_text(encoding="utf-8").replace(
            "Marie Lefebvre", "Marie Lefèvre-Dubois"
        ),
        encoding="utf-8",
    )
    changed = load_schedule(workspace)
    names = [v.name for v in changed.volunteers]
    assert "Marie Lefèvre-Dubois" in names


def test_broken_file_is_never_served_from_the_cache(
    sample_workspace: Path,
) -> None:
    workspace = Workspace(sample_workspace)
    load_schedule(workspace)
    shifts = sample_workspace / "shifts.yaml"
    text = shifts.read_text(encoding="utf-8")
    shifts.write_text(
        text.replace("weekday: jeudi", "weekday: jeudis"), encoding="utf-8"
    )
    with pytest.raises(InvalidInputError):
        load_schedule(workspace)


def test_recurring_overlap_is_reported_once_with_its_count() -> None:
    from permanence.adapters.yamlfile import parse_yaml
    from permanence.schedule.parsing import parse_schedule

    text = (BAD / "unknown_volunteer.yaml").read_text(encoding="utf-8")
    text = text.replace("[mari]", "[marie]")
    text += (
        "  - id: lundi-midi\n    every: week\n    weekday: monday\n"
        '    time: "11:30-13:00"\n    from: 2026-10-01\n    until: 2026-11-30\n'
        "    volunteers: [marie]\n"
    )
    set_language("en")
    _schedule, problems = parse_schedule(parse_yaml(text, None), Path("s.yaml"))
    # Mondays from 5 October to 30 November, except the closed 11 November
    # (a Wednesday, so no effect): 9 Mondays.
    assert [p.message for p in problems] == [
        "'marie' is booked twice at once: shift 'lundi-midi' overlaps "
        "'lundi-matin' (line 17) on 2026-10-05 11:30 and 8 more time(s); "
        "change the time or the volunteer"
    ]


def test_closed_date_cancels_an_overlap_with_a_recurring_shift() -> None:
    from permanence.adapters.yamlfile import parse_yaml
    from permanence.schedule.parsing import parse_schedule

    text = (BAD / "double_booking.yaml").read_text(encoding="utf-8")
    text = text.replace("closed_dates: [2026-11-11]", "closed_dates: [2026-09-14]")
    schedule, problems = parse_schedule(parse_yaml(text, None), Path("s.yaml"))
    assert problems == []
    assert schedule.occurrences(date(2026, 9, 14), date(2026, 9, 15))[0].rule_id == (
        "reunion"
    )


def test_double_booking_is_reported_beside_other_problems(tmp_path: Path) -> None:
    text = (BAD / "double_booking.yaml").read_text(encoding="utf-8")
    broken = tmp_path / "shifts.yaml"
    broken.write_text(text.replace("    phone: 06", "    telephone: 06"), "utf-8")
    lines = problems_of(broken)
    assert [line.split(":")[0] for line in lines] == ["12", "24"]
    assert "did you mean 'phone'" in lines[0]
    assert "booked twice at once" in lines[1]
