"""The iCalendar adapter, read back by icalendar, libical, vobject and khal."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from datetime import UTC, datetime, timedelta
from pathlib import Path

import icalendar
import pytest

from permanence.adapters.ical import CalendarEvent, Contact, render_calendar
from tests.invitations_fixtures import PARIS, paris
from tests.libical import check_calendar

ORGANIZER = Contact("Nadia Benali", "coordination@fil.example.org")
ALICE = Contact("Alice Martin", "alice@example.org")
# Saturdays at 18:00 on each side of the two clock changes of 2026.
SATURDAYS = {
    "2026-03-28 18:00": "2026-03-28 17:00",  # winter time, UTC+1
    "2026-04-04 18:00": "2026-04-04 16:00",  # summer time, UTC+2
    "2026-10-24 18:00": "2026-10-24 16:00",
    "2026-10-31 18:00": "2026-10-31 17:00",
}
STAMP = datetime(2026, 3, 1, 9, 0, tzinfo=UTC)


def _events(cancelled: bool = False, attendees: bool = True) -> list[CalendarEvent]:
    return [
        CalendarEvent(
            uid=f"samedi-{index}.alice@fil.example.org",
            start=paris(local),
            end=paris(local) + timedelta(hours=3),
            summary="Permanence téléphonique \u2013 Le Fil Solidaire",
            description="Guide : https://fil.example.org/guide",
            url="https://fil.example.org/guide",
            organizer=ORGANIZER,
            attendees=(ALICE,) if attendees else (),
            alarms=(timedelta(days=1), timedelta(minutes=30)),
            sequence=2 if cancelled else 0,
            cancelled=cancelled,
        )
        for index, local in enumerate(SATURDAYS)
    ]


def _utc(text: str) -> datetime:
    return datetime.fromisoformat(text).replace(tzinfo=UTC)


@pytest.fixture
def request_calendar() -> bytes:
    return render_calendar(_events(), "Europe/Paris", "REQUEST", STAMP)


def test_icalendar_reads_the_local_times_and_the_instants(
    request_calendar: bytes,
) -> None:
    calendar = icalendar.Calendar.from_ical(request_calendar)
    events = calendar.walk("VEVENT")
    starts = [event.decoded("DTSTART") for event in events]
    assert [s.astimezone(UTC) for s in starts] == [_utc(u) for u in SATURDAYS.values()]
    assert {s.strftime("%H:%M") for s in starts} == {"18:00"}
    assert all(event["DTSTART"].params["TZID"] == "Europe/Paris" for event in events)
    assert calendar["METHOD"] == "REQUEST"


def test_libical_finds_no_error_and_the_same_instants(
    request_calendar: bytes,
) -> None:
    report = check_calendar(request_calendar)
    assert report.errors == []
    assert [e.start for e in report.events] == [_utc(u) for u in SATURDAYS.values()]
    assert [e.end - e.start for e in report.events] == [timedelta(hours=3)] * 4


@pytest.mark.parametrize(
    ("method", "cancelled", "attendees"),
    [("REQUEST", False, True), ("CANCEL", True, True), ("PUBLISH", False, False)],
)
def test_each_method_follows_the_itip_rules(
    method: str, cancelled: bool, attendees: bool
) -> None:
    text = render_calendar(_events(cancelled, attendees), "Europe/Paris", method)
    assert check_calendar(text).errors == []


def test_libical_reports_a_request_without_organizer() -> None:
    """The iTIP check can fail: a REQUEST must name its ORGANIZER."""
    events = [
        CalendarEvent(
            uid="x@fil.example.org",
            start=paris("2026-03-28 18:00"),
            end=paris("2026-03-28 21:00"),
            summary="Permanence",
            attendees=(ALICE,),
        )
    ]
    errors = check_calendar(render_calendar(events, "Europe/Paris", "REQUEST")).errors
    assert any("ORGANIZER" in error for error in errors)


def test_request_carries_attendee_organizer_alarms_and_links(
    request_calendar: bytes,
) -> None:
    event = icalendar.Calendar.from_ical(request_calendar).walk("VEVENT")[0]
    attendee = event["ATTENDEE"]
    assert str(attendee) == "mailto:alice@example.org"
    assert attendee.params["CN"] == "Alice Martin"
    assert attendee.params["PARTSTAT"] == "NEEDS-ACTION"
    assert attendee.params["RSVP"] == "TRUE"
    assert attendee.params["ROLE"] == "REQ-PARTICIPANT"
    assert event["ORGANIZER"].params["CN"] == "Nadia Benali"
    triggers = [alarm.decoded("TRIGGER") for alarm in event.walk("VALARM")]
    assert triggers == [-timedelta(days=1), -timedelta(minutes=30)]
    assert str(event["URL"]) == "https://fil.example.org/guide"
    assert event.decoded("DTSTAMP") == STAMP


def _summers() -> bytes:
    """Return a calendar of four summer shifts, 2026 to 2029."""
    events = [
        CalendarEvent(
            uid=f"{year}@x",
            start=paris(f"{year}-07-01 18:00"),
            end=paris(f"{year}-07-01 21:00"),
            summary="x",
        )
        for year in (2026, 2027, 2028, 2029)
    ]
    return render_calendar(events, "Europe/Paris")


def test_embedded_timezone_is_narrow_with_one_rdate_per_line() -> None:
    text = _summers().decode()
    timezone = text[text.index("BEGIN:VTIMEZONE") : text.index("END:VTIMEZONE")]
    rdates = [line for line in timezone.splitlines() if line.startswith("RDATE")]
    assert len(rdates) >= 4
    assert not any("," in line for line in rdates)
    assert "2026-06-30 to 2029-07-03" in timezone.replace("\r\n ", "")


VOBJECT_SCRIPT = """
import json, sys, vobject
calendar = vobject.readOne(open(sys.argv[1], encoding="utf-8").read())
print(json.dumps([e.dtstart.value.isoformat() for e in calendar.vevent_list]))
"""


def vobject_starts(text: bytes, folder: Path) -> list[str]:
    """Return the events' starts as vobject reads them, in a fresh process."""
    pytest.importorskip("vobject", reason="vobject is a test dependency")
    path = folder / "calendar.ics"
    path.write_bytes(text)
    # vobject caches timezones per process: a fresh one sees only this file.
    done = subprocess.run(
        [sys.executable, "-c", VOBJECT_SCRIPT, str(path)],
        capture_output=True,
        text=True,
        check=True,
    )
    starts: list[str] = json.loads(done.stdout)
    return starts


def test_vobject_reads_summer_time_after_the_clock_change(
    request_calendar: bytes, tmp_path: Path
) -> None:
    assert vobject_starts(request_calendar, tmp_path) == [
        "2026-03-28T18:00:00+01:00",
        "2026-04-04T18:00:00+02:00",
        "2026-10-24T18:00:00+02:00",
        "2026-10-31T18:00:00+01:00",
    ]


def test_vobject_reads_summer_time_in_every_year_of_a_long_calendar(
    tmp_path: Path,
) -> None:
    starts = vobject_starts(_summers(), tmp_path)
    assert [start[-6:] for start in starts] == ["+02:00"] * 4


KHAL_CONFIG = """\
[calendars]
[[volunteers]]
path = {folder}/cal/
type = calendar
[locale]
local_timezone = {zone}
default_timezone = Europe/Paris
timeformat = %H:%M
dateformat = %Y-%m-%d
longdateformat = %Y-%m-%d
datetimeformat = %Y-%m-%d %H:%M
longdatetimeformat = %Y-%m-%d %H:%M
[sqlite]
path = {folder}/khal.db
"""


def khal_listing(calendar: Path, folder: Path, zone: str, first: str) -> list[str]:
    """Import ``calendar`` into a fresh khal store; return its listing lines."""
    khal = Path(sys.executable).parent / "khal"
    if not khal.exists():
        pytest.skip("khal is not installed in this environment (a test dependency)")
    (folder / "cal").mkdir(parents=True)
    config = folder / "khal.conf"
    config.write_text(KHAL_CONFIG.format(folder=folder, zone=zone), encoding="utf-8")
    base = [str(khal), "-c", str(config)]
    # The tests run under a French locale that may not be installed; khal
    # calls setlocale() and would stop there.
    env = {**os.environ, "LANG": "C.UTF-8", "LC_ALL": "C.UTF-8"}
    imported = subprocess.run(
        [*base, "import", "--batch", "-a", "volunteers", str(calendar)],
        capture_output=True,
        text=True,
        env=env,
    )
    assert imported.returncode == 0, imported.stderr
    listing = subprocess.run(
        [*base, "list", "--format", "{start} -> {end} | {title}", first, "300d"],
        capture_output=True,
        text=True,
        env=env,
    )
    assert listing.returncode == 0, listing.stderr
    return [line for line in listing.stdout.splitlines() if "->" in line]


@pytest.mark.parametrize(
    ("zone", "expected"),
    [
        (
            "Europe/Paris",
            [
                f"{day} 18:00 -> {day} 21:00"
                for day in ("2026-03-28", "2026-04-04", "2026-10-24", "2026-10-31")
            ],
        ),
        (
            "UTC",
            [
                "2026-03-28 17:00 -> 2026-03-28 20:00",
                "2026-04-04 16:00 -> 2026-04-04 19:00",
                "2026-10-24 16:00 -> 2026-10-24 19:00",
                "2026-10-31 17:00 -> 2026-10-31 20:00",
            ],
        ),
    ],
)
def test_khal_shows_the_shifts_at_the_right_time(
    request_calendar: bytes, tmp_path: Path, zone: str, expected: list[str]
) -> None:
    path = tmp_path / "alice.ics"
    path.write_bytes(request_calendar)
    lines = khal_listing(path, tmp_path / "khal", zone, "2026-03-01")
    assert [line.split(" | ")[0] for line in lines] == expected
    assert all("Permanence téléphonique" in line for line in lines)


def test_paris_fixture_is_the_association_zone() -> None:
    assert paris("2026-04-04 18:00").utcoffset() == timedelta(hours=2)
    assert PARIS.key == "Europe/Paris"
