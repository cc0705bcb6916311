"""Round trip: generated shifts -> invitations -> calendars parsed back.

Whatever the shifts (any day of 2026-2027, either side of the clock
changes), the calendars read back by icalendar and by libical give the
same start and end instants, the same UIDs and the same attendees.
"""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta

import icalendar
from hypothesis import given, settings
from hypothesis import strategies as st

from permanence.adapters.ical import render_calendar
from permanence.invitations.plan import Window, plan_invitations
from permanence.invitations.state import History
from permanence.schedule.model import (
    Organizer,
    Schedule,
    ShiftRule,
    TimeRange,
    Volunteer,
)
from permanence.settings import Person, Settings
from tests.invitations_fixtures import PARIS
from tests.libical import check_calendar

FIRST_DAY = date(2026, 1, 1)
VOLUNTEERS = tuple(
    Volunteer(id=name, name=name.title(), email=f"{name}@example.org")
    for name in ("alice", "bruno", "chloe")
)
SETTINGS = Settings(
    name="Le Fil Solidaire",
    links={"guide": "https://fil.example.org/guide"},
    coordinator=Person("Nadia Benali", "coordination@fil.example.org"),
)

shift_strategy = st.tuples(
    st.integers(0, 729),  # day of 2026-2027
    st.integers(6 * 4, 21 * 4),  # start, in quarters of an hour (no 2-3 am)
    st.integers(2, 16),  # length, in quarters of an hour
    st.sets(st.sampled_from([v.id for v in VOLUNTEERS]), min_size=1),
)


def _schedule(shifts: list[tuple[int, int, int, set[str]]]) -> Schedule:
    rules = []
    for index, (offset, start, length, volunteers) in enumerate(shifts):
        day = FIRST_DAY + timedelta(days=offset)
        hours = TimeRange(start * 15, (start + length) * 15)
        rules.append(ShiftRule(f"s{index}", hours, tuple(sorted(volunteers)), day, day))
    return Schedule(
        name="Le Fil Solidaire",
        reminders=(timedelta(hours=2),),
        coordinator=Organizer("Nadia Benali", "coordination@fil.example.org"),
        volunteers=VOLUNTEERS,
        rules=tuple(rules),
    )


def _expected(
    schedule: Schedule, volunteer: str
) -> set[tuple[str, datetime, datetime]]:
    found = set()
    for rule in schedule.rules:
        if volunteer in rule.volunteers:
            start = datetime.combine(rule.first, datetime.min.time(), PARIS)
            found.add(
                (
                    f"{rule.id}.{volunteer}@fil.example.org",
                    (start + timedelta(minutes=rule.hours.start)).astimezone(UTC),
                    (start + timedelta(minutes=rule.hours.end)).astimezone(UTC),
                )
            )
    return found


@settings(max_examples=60, deadline=None)
@given(st.lists(shift_strategy, min_size=1, max_size=8))
def test_calendars_read_back_give_the_same_instants_uids_and_attendees(
    shifts: list[tuple[int, int, int, set[str]]],
) -> None:
    schedule = _schedule(shifts)
    window = Window(FIRST_DAY, FIRST_DAY + timedelta(days=731))
    plan = plan_invitations(schedule, SETTINGS, window, History())
    for recipient in plan.recipients:
        if not recipient.invitations:
            assert _expected(schedule, recipient.id) == set()
            continue
        events = [invitation.event for invitation in recipient.invitations]
        text = render_calendar(events, "Europe/Paris", "REQUEST")

        calendar = icalendar.Calendar.from_ical(text)
        parsed = {
            (
                str(event["UID"]),
                event.decoded("DTSTART").astimezone(UTC),
                event.decoded("DTEND").astimezone(UTC),
            )
            for event in calendar.walk("VEVENT")
        }
        assert parsed == _expected(schedule, recipient.id)
        attendees = {str(e["ATTENDEE"]) for e in calendar.walk("VEVENT")}
        assert attendees == {f"mailto:{recipient.email}"}

        report = check_calendar(text)
        assert report.errors == []
        assert {(e.uid, e.start, e.end) for e in report.events} == parsed


@settings(max_examples=30, deadline=None)
@given(st.lists(shift_strategy, min_size=1, max_size=8), st.integers(1, 8))
def test_moving_a_shift_bumps_only_its_sequence(
    shifts: list[tuple[int, int, int, set[str]]], delay: int
) -> None:
    window = Window(FIRST_DAY, FIRST_DAY + timedelta(days=740))
    history = History()
    first = plan_invitations(_schedule(shifts), SETTINGS, window, history)
    for recipient in first.recipients:
        issued = [(i.event.uid, i.version) for i in recipient.invitations]
        history.issue_all(issued, team=False)
    offset, start, length, volunteers = shifts[0]
    moved = [(offset, start + delay, length, volunteers), *shifts[1:]]
    second = plan_invitations(_schedule(moved), SETTINGS, window, history)
    sequences = {
        invitation.event.uid: invitation.event.sequence
        for recipient in second.recipients
        for invitation in recipient.invitations
    }
    for uid, sequence in sequences.items():
        assert sequence == (1 if uid.startswith("s0.") else 0), uid
