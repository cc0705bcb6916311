"""Speed of ``permanence schedule invites`` (and ``send --dry-run``) against the floor.

    python bench/bench_invitations.py [--runs N]

Uses the schedule benchmark's generated workspaces (each volunteer has a
weekly shift for a year) and writes every volunteer's calendar plus the
team's for that year. Three cases: *no change* (the files and history of a
previous run are there and nothing changed: the files are left alone),
*one shift moved* (that volunteer's file and the team's are rendered again,
and ``shifts.yaml`` parsed again) and *first run* (no history, empty
folder: everything is rendered and written, reusing the calendar lines
icalendar made in earlier runs); a fourth, *no local cache*, starts with
no ``.permanence`` folder at all (icalendar imported and used, the YAML
parsed). Children run with bytecode caching on, as an installed package.
Prints the medians beside the floor, then how they grow from 10 to 100 to
1,000 volunteers.
"""

from __future__ import annotations

import argparse
import os
import shutil
import statistics
import sys
import tempfile
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from bench.bench_schedule import generate_workspace
from bench.timing import (
    floor_argv,
    median_times,
    ms,
    permanence_argv,
    print_table,
    run_once,
)
from permanence.invitations.state import STATE_FILE

YEAR = ["--from", "2026-09-07", "--to", "2027-09-06"]


def child_environment() -> dict[str, str]:
    """Return the commands' environment: as installed, bytecode cached.

    ``PYTHONDONTWRITEBYTECODE`` (set in some shells) would make every run
    compile the package again.
    """
    env = dict(os.environ)
    env.pop("PYTHONDONTWRITEBYTECODE", None)
    return env


ENV = child_environment()


def _invites(workspace: Path) -> list[str]:
    out = workspace / "agendas"
    return permanence_argv(
        "-w", str(workspace), "schedule", "invites", "-o", str(out), *YEAR
    )


def _dry_run(workspace: Path) -> list[str]:
    window = ["--from", YEAR[1], "--until", YEAR[3]]
    return permanence_argv(
        "-w", str(workspace), "schedule", "send", "--dry-run", "--json", *window
    )


def _forget(workspace: Path) -> None:
    """Remove the invitations' history and files (a first run)."""
    (workspace / ".permanence" / STATE_FILE).unlink(missing_ok=True)
    shutil.rmtree(workspace / "agendas", ignore_errors=True)


def first_run_median(workspace: Path, runs: int) -> float:
    """Return the median time of ``invites`` with no history and no files."""
    samples = []
    for _ in range(runs):
        _forget(workspace)
        samples.append(run_once(_invites(workspace), ENV, workspace))
    return statistics.median(samples)


def cold_median(workspace: Path, runs: int) -> float:
    """Return the median time of ``invites`` with no local state folder at all.

    Nothing kept by an earlier run: no history, no files, and no cache of
    the parsed ``shifts.yaml``, of the language or of the calendar lines
    made by icalendar (which is then imported and used for all of them).
    """
    samples = []
    for _ in range(runs):
        shutil.rmtree(workspace / ".permanence", ignore_errors=True)
        shutil.rmtree(workspace / "agendas", ignore_errors=True)
        samples.append(run_once(_invites(workspace), ENV, workspace))
    return statistics.median(samples)


def interleaved_medians(workspace: Path, runs: int) -> dict[str, float]:
    """Return the medians of the floor and of each ``invites`` case, interleaved.

    Each round runs ``invites`` with nothing changed, ``send --dry-run``,
    the floor, ``invites`` just after moving the first shift (toggled
    between two times, so that one volunteer's file and the team's are
    rewritten and ``shifts.yaml`` parsed again, as after a coordinator's
    edit) and ``invites`` with no history and an empty folder: a slow
    moment of a shared machine hits every case alike. The floor follows
    runs that write nothing, as it did when measured on its own.
    """
    path = workspace / "shifts.yaml"
    original = path.read_text(encoding="utf-8")
    first_time = original.split('time: "', 1)[1].split('"', 1)[0]
    moved = original.replace(f'time: "{first_time}"', 'time: "07:00-08:00"', 1)
    invites = _invites(workspace)
    cases = ("invites", "dry-run", "floor", "after edit", "first run")
    samples: dict[str, list[float]] = {name: [] for name in cases}
    try:
        for index in range(runs + 2):  # two rounds of warm-up
            times = [
                run_once(invites, ENV, workspace),
                run_once(_dry_run(workspace), ENV, workspace),
                run_once(floor_argv(), ENV, workspace),
            ]
            path.write_text(moved if index % 2 == 0 else original, encoding="utf-8")
            times.append(run_once(invites, ENV, workspace))
            _forget(workspace)
            times.append(run_once(invites, ENV, workspace))
            if index >= 2:
                for name, seconds in zip(cases, times, strict=True):
                    samples[name].append(seconds)
    finally:
        path.write_text(original, encoding="utf-8")
        run_once(invites, ENV, workspace)
    return {name: statistics.median(values) for name, values in samples.items()}


def send_median(workspace: Path, runs: int) -> tuple[float, float, int]:
    """Return the medians of a first ``send`` and of a re-run, and the mails.

    The mails go to a real SMTP server (aiosmtpd) on 127.0.0.1; each first
    send starts from an empty history.
    """
    from tests.smtp_server import MailServer

    server = MailServer()
    server.start()
    path = workspace / "shifts.yaml"
    original = path.read_text(encoding="utf-8")
    smtp = (
        f"  smtp:\n    host: 127.0.0.1\n    port: {server.port}\n    security: none\n"
    )
    path.write_text(original.replace("settings:\n", "settings:\n" + smtp, 1), "utf-8")
    window = ["--from", YEAR[1], "--until", YEAR[3]]
    argv = permanence_argv("-w", str(workspace), "schedule", "send", *window)
    first, again = [], []
    try:
        for _ in range(runs):
            _forget(workspace)
            server.clear()
            first.append(run_once(argv, ENV, workspace))
            again.append(run_once(argv, ENV, workspace))
        mails = len(server.messages)
    finally:
        server.stop()
        path.write_text(original, encoding="utf-8")
        _forget(workspace)
    return statistics.median(first), statistics.median(again), mails


def _row(label: str, seconds: float, floor: float, target: str) -> list[str]:
    return [label, ms(seconds), f"{seconds / floor:.2f}", target]


def _events(workspace: Path) -> int:
    """Return how many VEVENTs the last run wrote (checks the work was done)."""
    return sum(
        path.read_bytes().count(b"BEGIN:VEVENT")
        for path in (workspace / "agendas").glob("*.ics")
    )


def main(runs: int = 15) -> dict[str, float]:
    """Measure and print the invitation tables; return the medians in seconds."""
    root = Path(tempfile.mkdtemp(prefix="bench-invitations-"))
    try:
        sizes = {n: generate_workspace(root / f"w{n}", n) for n in (10, 100, 1000)}
        main_ws = sizes[100]
        medians = interleaved_medians(main_ws, runs)
        first, edit = medians["first run"], medians["after edit"]
        cold = medians["cold"] = cold_median(main_ws, max(3, runs // 3))
        sent, resent, mails = send_median(main_ws, 3)
        floor = medians["floor"]
        run_once(_invites(main_ws), ENV, main_ws)
        events = _events(main_ws)
        print_table(
            f"invitations: 100 volunteers, a year of weekly shifts ({events:,} events)",
            ["command", "median", "ratio to floor", "target"],
            [
                ["floor (Typer app, one command)", ms(floor), "1.00", ""],
                _row("schedule invites, no change", medians["invites"], floor, "≤ 4"),
                _row("schedule invites, one shift moved", edit, floor, "≤ 4"),
                _row("schedule invites, first run", first, floor, "≤ 4"),
                _row("schedule invites, first run, no local cache", cold, floor, ""),
                _row("schedule send --dry-run", medians["dry-run"], floor, ""),
                _row(f"schedule send, first ({mails} mails)", sent, floor, ""),
                _row("schedule send, nothing changed", resent, floor, ""),
            ],
        )
        rows = []
        for count, workspace in sizes.items():
            argv = _invites(workspace)
            run_once(argv, ENV, workspace)
            warm = median_times(
                {"invites": argv}, runs=max(3, runs // 3), env=ENV, cwd=workspace
            )
            cold = first_run_median(workspace, max(3, runs // 5))
            events = _events(workspace)
            rows.append([f"{count:,}", f"{events:,}", ms(warm["invites"]), ms(cold)])
        print_table(
            "invitations: growth with the number of volunteers",
            [
                "volunteers",
                "events written",
                "invites, no change",
                "invites, first run",
            ],
            rows,
        )
        return medians
    finally:
        shutil.rmtree(root, ignore_errors=True)


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=15)
    main(parser.parse_args().runs)
