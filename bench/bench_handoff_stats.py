"""Speed of ``permanence stats`` and ``permanence handoff start|end``.

Generated call logs of 1,000, 10,000 and 100,000 records (calls over the
last two years, with follow-ups, new reasons and shift events) in copies
of the sample workspace. ``stats`` covers the whole log; the handoffs run
on the 10,000-record log without a sheet. Each figure is the median
whole-process wall time of interleaved runs (bytecode cached, as an
installed package runs), beside the floor app measured in the same run.
Targets: stats <= 4x the floor, handoffs <= 2x.

    python bench/bench_handoff_stats.py [--runs N] [--sizes 1000,10000]
"""

from __future__ import annotations

import argparse
import json
import os
import random
import shutil
import sys
import tempfile
import time
from datetime import datetime, timedelta
from pathlib import Path
from zoneinfo import ZoneInfo

BENCH_DIR = Path(__file__).resolve().parent
REPO = BENCH_DIR.parent
sys.path[:0] = [str(BENCH_DIR), str(REPO)]

from timing import floor_argv, median_times, ms, permanence_argv, print_table  # noqa: E402

from permanence.adapters.callstore import CallStore  # noqa: E402
from permanence.calls.record import CallRecord, FollowUp, new_call_id  # noqa: E402
from permanence.workspace import Workspace  # noqa: E402

PARIS = ZoneInfo("Europe/Paris")
NOW = datetime(2026, 12, 1, 18, 0, tzinfo=PARIS)  # a Tuesday evening shift
SIZES = (1_000, 10_000, 100_000)
HANDOFF_SIZE = 10_000
REASONS = ("adhesion", "dons", "benevolat", "presse", "evenements", "demande-aide")
VOLUNTEERS = ("Fatou Diallo", "Jean Dupuis", "Karim Haddad", "Claire Martin")


def copy_workspace(target: Path) -> Path:
    """Copy the sample workspace's guide, FAQ and shifts.yaml."""
    target.mkdir(parents=True)
    for name in ("guide", "faq"):
        shutil.copytree(REPO / name, target / name)
    shutil.copy(REPO / "shifts.yaml", target / "shifts.yaml")
    return target


def generated_records(count: int, seed: int = 7) -> list[CallRecord]:
    """Return ``count`` records spread over the two years before ``NOW``."""
    rng = random.Random(seed)
    span = int(timedelta(days=730).total_seconds())
    records = []
    for _ in range(count):
        moment = (NOW - timedelta(seconds=rng.randrange(60, span))).astimezone(PARIS)
        volunteer = rng.choice(VOLUNTEERS)
        if rng.random() < 0.05:
            kind = rng.choice(("shift_started", "shift_ended"))
            records.append(CallRecord(new_call_id(moment), moment, volunteer, kind))
            continue
        records.append(_call(rng, moment, volunteer))
    return records


def _call(rng: random.Random, moment: datetime, volunteer: str) -> CallRecord:
    new = rng.random() < 0.05
    follow_up = None
    if rng.random() < 0.25:
        # Follow-ups older than two weeks are closed, as in a healthy team.
        recent = NOW - moment < timedelta(days=14)
        done = None if recent and rng.random() < 0.5 else moment + timedelta(hours=30)
        follow_up = FollowUp(rng.choice(("Nadia", "Martine", "Bob")), done_at=done)
    return CallRecord(
        id=new_call_id(moment),
        time=moment,
        volunteer=volunteer,
        reason=f"motif {rng.randrange(20)}" if new else rng.choice(REASONS),
        reason_is_new=new,
        caller_name="Appelant Exemple",
        caller_phone="+33612345678",
        answer="Réponse donnée au téléphone.",
        follow_up=follow_up,
    )


def seed_workspace(root: Path, count: int) -> float:
    """Fill the workspace's call log and unanswered questions; return seconds."""
    start = time.perf_counter()
    with CallStore.open(Workspace(root)) as store:
        store.add_many(generated_records(count))
    lines = []
    for index in range(count // 100):
        moment = NOW - timedelta(hours=7 * index)
        query = f"question sans réponse {index % 17}"
        lines.append(json.dumps({"time": moment.isoformat(), "query": query}))
    (root / ".permanence" / "unanswered.jsonl").write_text("\n".join(lines) + "\n")
    return time.perf_counter() - start


def on_terminal(argv: list[str]) -> list[str]:
    """Return ``argv`` run as if on a terminal (styled output, ``FORCE_COLOR``)."""
    return ["env", "FORCE_COLOR=1", *argv]


def stats_argvs(roots: dict[int, Path]) -> dict[str, list[str]]:
    """Return the stats commands: JSON at each size, plain and styled at the largest."""
    period = ("--since", "1000d")
    commands = {
        f"stats --json, {size:,} records": permanence_argv(
            "-w", str(root), "stats", *period, "--json"
        )
        for size, root in roots.items()
    }
    largest = max(roots)
    table = permanence_argv("-w", str(roots[largest]), "stats", *period)
    commands[f"stats (piped text), {largest:,} records"] = table
    commands[f"stats (terminal, styled), {largest:,} records"] = on_terminal(table)
    return commands


def handoff_argvs(root: Path) -> dict[str, list[str]]:
    """Return the handoff commands (default format, as piped and on a terminal)."""
    common = ("--as", "karim", "--at", "01/12/2026 18:00")
    base = ("-w", str(root), "handoff")
    start = permanence_argv(*base, "start", *common)
    return {
        "handoff start": start,
        "handoff end --note": permanence_argv(*base, "end", *common, "--note", "RAS"),
        "handoff start (terminal, styled)": on_terminal(start),
    }


def child_environment() -> dict[str, str]:
    """Return the commands' environment: as installed, bytecode cached.

    ``PYTHONDONTWRITEBYTECODE`` (set in some shells) would make every run
    compile the package again; our own variables would change the results.
    """
    env = {k: v for k, v in os.environ.items() if not k.startswith("PERMANENCE_")}
    env.pop("PYTHONDONTWRITEBYTECODE", None)
    return env


def main(argv: list[str] | None = None) -> None:
    """Measure and print the table (``argv``: this script's options only)."""
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--runs", type=int, default=15)
    parser.add_argument("--sizes", default=",".join(str(s) for s in SIZES))
    options = parser.parse_args(argv or [])
    sizes = [int(size) for size in options.sizes.split(",")]
    with tempfile.TemporaryDirectory(prefix="bench-handoff-") as folder:
        roots = {}
        for size in sizes:
            roots[size] = copy_workspace(Path(folder) / f"log-{size}")
            seconds = seed_workspace(roots[size], size)
            print(f"seeded {size:,} records in {seconds:.1f} s")
        commands = {"floor": floor_argv(), **stats_argvs(roots)}
        handoff_size = HANDOFF_SIZE if HANDOFF_SIZE in roots else sizes[0]
        handoff_root = roots[handoff_size]
        commands |= handoff_argvs(handoff_root)
        env = child_environment()
        for argv in commands.values():  # warm the caches (schedule, reasons)
            median_times({"warm": argv}, runs=1, warmup=0, env=env)
        times = median_times(commands, runs=options.runs, env=env)
    report(times, sizes, handoff_size)


def report(times: dict[str, float], sizes: list[int], handoff_size: int) -> None:
    """Print the table with the ratios to the floor and the growth."""
    floor = times["floor"]
    rows = []
    previous = None
    for name, seconds in times.items():
        growth = ""
        if name.startswith("stats --json"):
            growth = f"x{seconds / previous:.2f}" if previous else ""
            previous = seconds
        rows.append(
            (name, ms(seconds), f"{seconds / floor:.2f}x", _target(name), growth)
        )
    header = ("command", "median", "vs floor", "target", "growth vs previous size")
    print_table("handoff and stats", header, rows)
    print(f"\nhandoffs on the {handoff_size:,}-record log; sizes: {sizes}")


def _target(name: str) -> str:
    if name == "floor":
        return ""
    return "4x" if name.startswith("stats") else "2x"


if __name__ == "__main__":
    main(sys.argv[1:])
