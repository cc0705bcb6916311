"""Speed of the schedule commands on generated workspaces, against the floor.

    python bench/bench_schedule.py [--runs N]

Generates workspaces of 10, 100 and 1,000 volunteers, each with a weekly
shift for a year, and prints the median whole-process time of
``permanence schedule check`` (default range: 8 weeks) and
``permanence who`` beside the floor (a one-command Typer app), with the
ratios; then how the time grows with the number of volunteers, with the
schedule's cache warm (the everyday case) and cold (just after editing
``shifts.yaml``), and the in-process parse time.
"""

from __future__ import annotations

import argparse
import os
import shutil
import statistics
import sys
import tempfile
import time
from datetime import date, timedelta
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from bench.timing import (
    floor_argv,
    median_times,
    ms,
    permanence_argv,
    print_table,
    run_once,
)

FIRST_MONDAY = date(2026, 9, 7)
TODAY = "2026-11-02"
WEEKDAYS = ("lundi", "mardi", "mercredi", "jeudi", "vendredi", "samedi")
SLOTS = ("09:00-12:00", "14:00-17:00", "18:00-20:00")
HEADER = """settings:
  name: Association de test
  timezone: Europe/Paris
  language: fr
  opening_hours:
    lundi: ["09:00-12:00", "14:00-17:00", "18:00-20:00"]
    mardi: ["09:00-12:00", "14:00-17:00", "18:00-20:00"]
    mercredi: ["09:00-12:00", "14:00-17:00", "18:00-20:00"]
    jeudi: ["09:00-12:00", "14:00-17:00", "18:00-20:00"]
    vendredi: ["09:00-12:00", "14:00-17:00", "18:00-20:00"]
    samedi: ["09:00-12:00", "14:00-17:00"]
  closed_dates:
    - 2026-11-11
    - {from: 2026-12-19, until: 2027-01-03, label: Vacances de Noël}
  reminders: ["1 jour", "30m"]
  coordinator:
    name: Coordination
    email: coordination@example.org
"""


def _volunteer(index: int) -> str:
    lines = [
        f"  - id: benevole-{index:04d}",
        f"    name: Bénévole {index:04d}",
        f"    email: benevole{index:04d}@example.org",
        f"    phone: 06 39 98 {index // 100 % 100:02d} {index % 100:02d}",
        f"    max_per_week: {1 + index % 2}",
    ]
    if index % 5 == 0:
        lines.append(f'    availability: {{{WEEKDAYS[index % 6]}: "08:00-20:00"}}')
    if index % 7 == 0:
        away = FIRST_MONDAY + timedelta(days=index % 200)
        lines.append(f"    away: [{away}]")
    return "\n".join(lines)


def _shift(index: int) -> str:
    # One weekly shift each; the 18:00 slot of Saturdays is never booked
    # and the last slot of each day only by some, so gaps remain.
    weekday, slot = index % 6, (index // 6) % 3
    if weekday == 5 and slot == 2:
        slot = 0
    return "\n".join(
        [
            f"  - id: creneau-{index:04d}",
            "    every: week",
            f"    weekday: {WEEKDAYS[weekday]}",
            f'    time: "{SLOTS[slot]}"',
            f"    from: {FIRST_MONDAY}",
            f"    until: {FIRST_MONDAY + timedelta(weeks=52)}",
            f"    volunteers: [benevole-{index:04d}]",
        ]
    )


def generate_workspace(path: Path, volunteers: int) -> Path:
    """Write a workspace with ``volunteers`` volunteers and a year of weekly shifts.

    Returns the workspace folder (``path``, created if needed).
    """
    path.mkdir(parents=True, exist_ok=True)
    parts = [HEADER, "volunteers:"]
    parts += [_volunteer(i) for i in range(volunteers)]
    parts.append("shifts:")
    parts += [_shift(i) for i in range(volunteers)]
    (path / "shifts.yaml").write_text("\n".join(parts) + "\n", encoding="utf-8")
    return path


def _cache(workspace: Path) -> Path:
    return workspace / ".permanence" / "cache" / "schedule.pickle"


def cold_median(argv: list[str], workspace: Path, runs: int) -> float:
    """Return the median time of ``argv`` with the schedule's cache removed."""
    samples = []
    env = dict(os.environ)
    for _ in range(runs):
        _cache(workspace).unlink(missing_ok=True)
        samples.append(run_once(argv, env, workspace))
    return statistics.median(samples)


def parse_seconds(workspace: Path, runs: int = 3) -> float:
    """Return the median in-process time to parse and check ``shifts.yaml``."""
    from permanence.schedule.loader import read_schedule

    samples = []
    for _ in range(runs):
        start = time.perf_counter()
        read_schedule(workspace / "shifts.yaml")
        samples.append(time.perf_counter() - start)
    return statistics.median(samples)


def _commands(workspace: Path) -> dict[str, list[str]]:
    base = ["-w", str(workspace)]
    return {
        "check": permanence_argv(*base, "schedule", "check", "--today", TODAY),
        "who": permanence_argv(*base, "who", "--at", f"{TODAY} 10:00"),
    }


def _ratio_table(workspace: Path, runs: int) -> dict[str, float]:
    commands = {"floor": floor_argv(), **_commands(workspace)}
    for argv in commands.values():  # fill the caches (language, schedule)
        run_once(argv, os.environ, workspace)
    medians = median_times(commands, runs=runs, cwd=workspace)
    floor = medians["floor"]
    rows = [["floor (Typer app, one command)", ms(floor), "1.00", ""]]
    for name, label, target in (
        ("check", "permanence schedule check", "≤ 4"),
        ("who", "permanence who", "≤ 1.5"),
    ):
        rows.append([label, ms(medians[name]), f"{medians[name] / floor:.2f}", target])
    print_table(
        "schedule: 100 volunteers, a year of weekly shifts",
        ["command", "median", "ratio to floor", "target"],
        rows,
    )
    return medians


def _growth_table(sizes: dict[int, Path], runs: int) -> None:
    rows = []
    for count, workspace in sizes.items():
        commands = _commands(workspace)
        run_once(commands["check"], os.environ, workspace)
        warm = median_times(commands, runs=max(5, runs // 2), cwd=workspace)
        cold = cold_median(commands["check"], workspace, max(5, runs // 3))
        parse = parse_seconds(workspace)
        rows.append(
            [f"{count:,}", ms(warm["check"]), ms(cold), ms(warm["who"]), ms(parse)]
        )
    print_table(
        "schedule: growth with the number of volunteers",
        [
            "volunteers",
            "check (cache warm)",
            "check (cache cold)",
            "who",
            "parse + checks in-process",
        ],
        rows,
    )


def main(runs: int = 15) -> dict[str, float]:
    """Measure and print the schedule tables; return the medians in seconds."""
    root = Path(tempfile.mkdtemp(prefix="bench-schedule-"))
    try:
        sizes = {n: generate_workspace(root / f"w{n}", n) for n in (10, 100, 1000)}
        medians = _ratio_table(sizes[100], runs)
        _growth_table(sizes, runs)
        return medians
    finally:
        shutil.rmtree(root, ignore_errors=True)


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=15)
    main(parser.parse_args().runs)
