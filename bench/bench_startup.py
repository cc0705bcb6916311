"""Start-up cost of everyday commands on the sample workspace, against the floor.

    python bench/bench_startup.py [--runs N]

Prints the median whole-process time of ``permanence --help``,
``permanence guide`` and ``permanence faq QUERY`` beside the floor (a
one-command Typer app printing its argument, and its ``--help``), and the
ratios. Also checks that none of them imports gspread, google-auth or
icalendar.
"""

from __future__ import annotations

import argparse
import os
import subprocess
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from bench.timing import (
    FLOOR_APP,
    FROZEN_FLOOR_APP,
    PYTHON,
    floor_argv,
    median_times,
    ms,
    permanence_argv,
    print_table,
)

REPO = Path(__file__).resolve().parent.parent
HEAVY = ("gspread", "google.auth", "google.oauth2", "icalendar")
QUERY = "reçu fiscal"


def heavy_imports(args: list[str]) -> list[str]:
    """Return the heavy modules that ``permanence ARGS`` imports."""
    command = [PYTHON, "-X", "importtime", "-m", "permanence", *args]
    done = subprocess.run(
        command, cwd=REPO, capture_output=True, text=True, check=False
    )
    lines = done.stderr.splitlines()
    modules = {line.split("|")[-1].strip() for line in lines if "|" in line}
    return sorted(module for module in modules if module.startswith(HEAVY))


def main(runs: int = 21) -> dict[str, float]:
    """Measure and print the start-up table; return the medians in seconds."""
    commands = {
        "floor: app.py hello": floor_argv(),
        "floor: app.py --help": [PYTHON, str(FLOOR_APP), "--help"],
        "frozen floor: app.py hello": [PYTHON, str(FROZEN_FLOOR_APP), "hello"],
        "permanence --help": permanence_argv("--help"),
        "permanence guide": permanence_argv("guide"),
        f"permanence faq {QUERY}": permanence_argv("faq", *QUERY.split()),
    }
    env = dict(os.environ, COLUMNS="100")
    # One untimed run fills the workspace's caches (language, FAQ index).
    for argv in commands.values():
        subprocess.run(argv, cwd=REPO, env=env, capture_output=True, check=False)
    medians = median_times(commands, runs=runs, env=env, cwd=REPO)
    floor = medians["floor: app.py hello"]
    floor_help = medians["floor: app.py --help"]
    frozen = medians["frozen floor: app.py hello"]
    rows = []
    for name, seconds in medians.items():
        reference = floor_help if name.endswith("--help") else floor
        heavy = ""
        if name.startswith("permanence"):
            heavy = ", ".join(heavy_imports(name.split()[1:])) or "none"
        rows.append(
            (
                name,
                ms(seconds),
                f"{seconds / reference:.2f}x",
                f"{seconds / floor:.2f}x",
                f"{seconds / frozen:.2f}x",
                heavy,
            )
        )
    header = (
        "command",
        "median",
        "ratio to floor",
        "ratio to floor run",
        "ratio to frozen floor run",
        "heavy imports",
    )
    print_table(
        f"Start-up, sample workspace ({runs} interleaved runs, medians)", header, rows
    )
    print(
        "\n'ratio to floor': --help against the floor app's --help, the others"
        " against its run; 'ratio to floor run': everything against its run;"
        " 'frozen floor': the floor app calling gc.freeze() before it runs, as"
        " permanence does (bench/floor_app_frozen.py)."
    )
    return medians


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--runs", type=int, default=21)
    main(parser.parse_args().runs)
