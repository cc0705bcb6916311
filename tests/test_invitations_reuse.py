"""What ``schedule invites`` keeps between runs: history file, files, calendar lines."""

from __future__ import annotations

import os
import pickle
import subprocess
import sys
from datetime import UTC, datetime, timedelta
from pathlib import Path

import icalendar
import pytest

from permanence.adapters.ical import _stamp_line, kept_lines, render_calendar
from permanence.invitations.files import LINES_CACHE
from permanence.invitations.state import (
    STATE_FILE,
    read_history,
)
from permanence.workspace import Workspace
from tests.conftest import Invoke
from tests.invitations_fixtures import WINDOW, make_workspace
from tests.libical import check_calendar
from tests.test_ical import STAMP, _events


@pytest.fixture
def workspace(tmp_path: Path) -> Path:
    return make_workspace(tmp_path / "workspace")


def _invites(invoke: Invoke, workspace: Path, out: Path) -> str:
    outcome = invoke(["-w", workspace, "schedule", "invites", "-o", out, *WINDOW])
    assert outcome.exit_code == 0, outcome.stderr
    return outcome.stderr


def _without_stamps(path: Path) -> list[bytes]:
    return [line for line in path.read_bytes().split(b"\r\n") if b"DTSTAMP" not in line]


def test_a_calendar_edited_on_disk_is_written_again(
    invoke: Invoke, workspace: Path, tmp_path: Path
) -> None:
    out = tmp_path / "agendas"
    _invites(invoke, workspace, out)
    original = (out / "alice.ics").read_bytes()
    # Same size, other content: only the modification time tells.
    edited = original.replace(b"SEQUENCE:0", b"SEQUENCE:9", 1)
    assert len(edited) == len(original)
    assert edited != original
    (out / "alice.ics").write_bytes(edited)
    stat = (out / "alice.ics").stat()
    os.utime(out / "alice.ics", ns=(stat.st_atime_ns, stat.st_mtime_ns + 10**9))
    stderr = _invites(invoke, workspace, out)
    assert "1 fichier(s) d'agenda écrit(s)" in stderr
    assert b"SEQUENCE:9" not in (out / "alice.ics").read_bytes()
    unstamped = [line for line in original.split(b"\r\n") if b"DTSTAMP" not in line]
    assert _without_stamps(out / "alice.ics") == unstamped


def test_the_history_is_read_back_as_written(
    invoke: Invoke, workspace: Path, tmp_path: Path
) -> None:
    _invites(invoke, workspace, tmp_path / "agendas")
    history = read_history(Workspace(workspace))
    assert history.domain == "fil.example.org"
    assert history.people["alice"] == ["Alice Martin", "alice@example.org"]
    assert len(history.events) == 7
    assert len(history.team) == 5
    assert not history.changed
    stderr = _invites(invoke, workspace, tmp_path / "agendas")
    assert "0 fichier(s) d'agenda écrit(s)" in stderr


def test_a_damaged_history_is_a_clear_error(
    invoke: Invoke, workspace: Path, tmp_path: Path
) -> None:
    _invites(invoke, workspace, tmp_path / "agendas")
    state = workspace / ".permanence" / STATE_FILE
    data = bytearray(state.read_bytes())
    data[-40] ^= 0xFF
    state.write_bytes(bytes(data))
    args = ["schedule", "invites", "-o", tmp_path / "agendas", *WINDOW]
    outcome = invoke(["-w", workspace, *args])
    assert outcome.exit_code == 2
    assert STATE_FILE in outcome.stderr
    assert "endommagé" in outcome.stderr
    assert "Traceback" not in outcome.stderr
    state.write_bytes(b"\x00" * 10)
    outcome = invoke(["-w", workspace, *args])
    assert outcome.exit_code == 2
    assert STATE_FILE in outcome.stderr


FIRST_RUN_CHECK = """
import sys
from permanence.cli.main import run
sys.argv = ["permanence", "-w", sys.argv[1], "schedule", "invites", "-o", sys.argv[2],
            *sys.argv[3:]]
try:
    run()
except SystemExit:
    pass
print("icalendar" in sys.modules, file=sys.stderr)
"""


def _run_invites(workspace: Path, out: Path) -> str:
    done = subprocess.run(
        [sys.executable, "-c", FIRST_RUN_CHECK, str(workspace), str(out), *WINDOW],
        capture_output=True,
        text=True,
        check=True,
    )
    return done.stderr.split()[-1]


def test_a_new_history_reuses_the_calendar_lines_of_earlier_runs(
    workspace: Path, tmp_path: Path
) -> None:
    assert _run_invites(workspace, tmp_path / "first") == "True"
    (workspace / ".permanence" / STATE_FILE).unlink()
    assert _run_invites(workspace, tmp_path / "second") == "False"  # not imported
    names = sorted(path.name for path in (tmp_path / "first").iterdir())
    assert names == sorted(path.name for path in (tmp_path / "second").iterdir())
    for name in names:
        first, second = tmp_path / "first" / name, tmp_path / "second" / name
        assert _without_stamps(first) == _without_stamps(second), name
        assert check_calendar(second.read_bytes()).errors == [], name


def test_kept_lines_from_another_version_or_damaged_are_not_used(
    tmp_path: Path,
) -> None:
    expected = render_calendar(_events(), "Europe/Paris", "REQUEST", STAMP)
    cache = tmp_path / LINES_CACHE
    _clear_memory()
    with kept_lines(cache):
        render_calendar(_events(), "Europe/Paris", "REQUEST", STAMP)
    stamp, saves, lines = pickle.loads(cache.read_bytes())
    assert lines  # the lines made were kept
    forged = {key: (b"X-FORGED:1\r\n", run) for key, (_value, run) in lines.items()}
    cache.write_bytes(pickle.dumps((stamp + " other", saves, forged)))
    _clear_memory()
    with kept_lines(cache):
        assert render_calendar(_events(), "Europe/Paris", "REQUEST", STAMP) == expected
    cache.write_bytes(b"not a pickle")
    _clear_memory()
    with kept_lines(cache):
        assert render_calendar(_events(), "Europe/Paris", "REQUEST", STAMP) == expected


def test_kept_lines_with_the_right_stamp_are_used(tmp_path: Path) -> None:
    cache = tmp_path / LINES_CACHE
    _clear_memory()
    with kept_lines(cache):
        render_calendar(_events(), "Europe/Paris", "REQUEST", STAMP)
    stamp, saves, lines = pickle.loads(cache.read_bytes())
    shared = [key for key in lines if key[0] == "_shared_lines"]
    assert shared
    for key in shared:
        lines[key] = (b"X-FORGED:1\r\n", lines[key][1])
    cache.write_bytes(pickle.dumps((stamp, saves, lines)))
    _clear_memory()
    with kept_lines(cache):
        text = render_calendar(_events(), "Europe/Paris", "REQUEST", STAMP)
    _clear_memory()
    # The kept lines, not icalendar, wrote the events' shared part.
    assert text.count(b"X-FORGED:1") == len(_events())
    assert b"SUMMARY" not in text


def _clear_memory() -> None:
    """Forget the lines remembered in this process, as a new run would."""
    from permanence.adapters import ical

    for function in (
        ical._shared_lines,
        ical._attendee_line,
        ical._tzid_parameter,
        ical._empty_calendar,
        ical._timezone_lines,
        ical._time_lines,
    ):
        function.cache_clear()


@pytest.mark.parametrize(
    "moment",
    [STAMP, datetime(2027, 12, 31, 23, 59, 59, tzinfo=UTC), STAMP + timedelta(1)],
)
def test_the_dtstamp_line_is_the_one_icalendar_writes(moment: datetime) -> None:
    event = icalendar.Event()
    event.add("dtstamp", moment)
    expected = event.to_ical().split(b"\r\n")[1] + b"\r\n"
    assert _stamp_line(moment) == expected
