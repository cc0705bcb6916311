"""Whole-process timing shared by the benchmarks.

Commands are run as separate processes, interleaved (one run of each in
turn, repeated) so that a slow moment of the machine hits all of them
alike; the median of the runs is reported.
"""

from __future__ import annotations

import os
import statistics
import subprocess
import sys
import time
from collections.abc import Mapping, Sequence
from pathlib import Path

BENCH_DIR = Path(__file__).resolve().parent
FLOOR_APP = BENCH_DIR / "floor_app.py"
FROZEN_FLOOR_APP = BENCH_DIR / "floor_app_frozen.py"
PYTHON = sys.executable


def permanence_argv(*args: str) -> list[str]:
    """Return the command line running ``permanence ARGS`` in this Python."""
    script = Path(PYTHON).parent / "permanence"
    if script.exists():
        return [str(script), *args]
    return [PYTHON, "-m", "permanence", *args]


def floor_argv() -> list[str]:
    """Return the command line of the floor app."""
    return [PYTHON, str(FLOOR_APP), "hello"]


def run_once(argv: Sequence[str], env: Mapping[str, str], cwd: Path | None) -> float:
    """Run a command once; return its wall time in seconds; fail loudly."""
    start = time.perf_counter()
    done = subprocess.run(
        list(argv), env=dict(env), cwd=cwd, capture_output=True, check=False
    )
    elapsed = time.perf_counter() - start
    if done.returncode not in (0, 1):
        raise RuntimeError(
            f"{' '.join(argv)} exited {done.returncode}: {done.stderr.decode()[-500:]}"
        )
    return elapsed


def median_times(
    commands: Mapping[str, Sequence[str]],
    runs: int = 15,
    env: Mapping[str, str] | None = None,
    cwd: Path | None = None,
    warmup: int = 2,
) -> dict[str, float]:
    """Return the median wall time in seconds of each command, interleaved."""
    environment = dict(os.environ if env is None else env)
    samples: dict[str, list[float]] = {name: [] for name in commands}
    for index in range(warmup + runs):
        for name, argv in commands.items():
            elapsed = run_once(argv, environment, cwd)
            if index >= warmup:
                samples[name].append(elapsed)
    return {name: statistics.median(values) for name, values in samples.items()}


def print_table(
    title: str, header: Sequence[str], rows: Sequence[Sequence[object]]
) -> None:
    """Print a markdown table (ready to paste into docs/benchmarks.md)."""
    print(f"\n### {title}\n")
    print("| " + " | ".join(header) + " |")
    print("|" + "|".join(" --- " for _ in header) + "|")
    for row in rows:
        print("| " + " | ".join(str(cell) for cell in row) + " |")


def ms(seconds: float) -> str:
    """Format seconds as milliseconds."""
    return f"{seconds * 1000:.0f} ms"
