"""Speed of the call log, against the floor.

    python bench/bench_calls.py [--runs N] [--sizes 1000,10000,100000]

1. ``permanence log --reason … --yes`` writing to the local store (no
   sheet): the volunteer given by the environment, by the user's
   ``config.yaml`` (which needs the YAML parser), and with a phone number
   (which needs phonenumbers).
2. ``permanence calls``, ``calls --text`` and ``followups`` over stores of
   1,000, 10,000 and 100,000 records, generated directly through
   ``CallStore`` in temporary workspaces, to show how the time grows.

Whole-process medians of interleaved runs. Children run with bytecode
caching on (``PYTHONDONTWRITEBYTECODE`` removed), as an installed package
does; one untimed run fills the workspace caches first.
"""

from __future__ import annotations

import argparse
import os
import random
import shutil
import subprocess
import sys
import tempfile
import time
from datetime import datetime, timedelta
from pathlib import Path
from zoneinfo import ZoneInfo

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from bench.timing import (
    floor_argv,
    median_times,
    ms,
    permanence_argv,
    print_table,
)

REPO = Path(__file__).resolve().parent.parent
PARIS = ZoneInfo("Europe/Paris")
SHIFTS = "settings:\n  name: Banc d'essai\n  timezone: Europe/Paris\n  language: fr\n"
VOLUNTEERS = ("Léa", "Karim", "Sophie", "Paul", "Nadia", "Yves")
WORDS = ("rappeler", "reçu", "adhésion", "carte", "bénévole", "don", "tarif")


def make_workspace(parent: Path, name: str) -> Path:
    """Copy the sample guide and FAQ into a workspace without a sheet."""
    root = parent / name
    root.mkdir()
    for folder in ("guide", "faq"):
        shutil.copytree(REPO / folder, root / folder)
    (root / "shifts.yaml").write_text(SHIFTS, encoding="utf-8")
    return root


def fill_store(root: Path, count: int, seed: int = 7) -> float:
    """Add ``count`` plausible records over two years; return the seconds taken."""
    from permanence.adapters.callstore import CallStore
    from permanence.calls.record import CallRecord, FollowUp, new_call_id
    from permanence.workspace import Workspace

    chance = random.Random(seed)
    start = datetime(2025, 1, 1, 9, tzinfo=PARIS)
    span = (datetime(2026, 12, 1, tzinfo=PARIS) - start).total_seconds()
    records = []
    for _ in range(count):
        at = start + timedelta(seconds=chance.uniform(0, span))
        follow_up = None
        if chance.random() < 0.12:
            done = at + timedelta(days=2) if chance.random() < 0.85 else None
            follow_up = FollowUp("Martine Roussel", done_at=done, done_by="Paul")
        records.append(
            CallRecord(
                id=new_call_id(at),
                time=at,
                volunteer=chance.choice(VOLUNTEERS),
                reason=chance.choice(("adhesion", "dons", "benevolat", "presse")),
                caller_name=f"Personne {chance.randrange(20000)}",
                caller_phone=f"+336{chance.randrange(10**8):08d}",
                fields={"type_demande": "renouvellement"},
                answer=" ".join(chance.sample(WORDS, 3)),
                note=" ".join(chance.sample(WORDS, 2)),
                follow_up=follow_up,
            )
        )
    began = time.perf_counter()
    with CallStore.open(Workspace(root)) as store:
        store.add_many(records)
    return time.perf_counter() - began


def log_arguments() -> list[str]:
    """Return ``log`` options filling the first reason's required fields."""
    from permanence.calls.reasons import load_reasons
    from permanence.workspace import Workspace

    reason = load_reasons(Workspace(REPO)).reasons[0]
    values = {"choice": "1", "number": "1", "yes_no": "oui", "date": "01/12/2026"}
    values |= {"phone": "06 12 34 56 78", "email": "a@example.org"}
    args = ["log", "--reason", reason.code, "--yes"]
    for field in reason.fields:
        if field.required:
            args += ["--field", f"{field.name}={values.get(field.kind, 'X')}"]
    return args


def child_env(config_dir: Path) -> dict[str, str]:
    """Return the children's environment: our variables cleared, bytecode on."""
    env = {k: v for k, v in os.environ.items() if not k.startswith("PERMANENCE_")}
    env.pop("PYTHONDONTWRITEBYTECODE", None)
    env["PERMANENCE_CONFIG_DIR"] = str(config_dir)
    return env


def warm(commands: dict[str, list[str]], env: dict[str, str]) -> None:
    """Run each command once, untimed, and fail loudly if one fails."""
    for name, argv in commands.items():
        done = subprocess.run(argv, env=env, capture_output=True, check=False)
        if done.returncode != 0:
            raise RuntimeError(f"{name}: {done.stderr.decode()[-400:]}")


def log_commands(root: Path, config_dir: Path) -> dict[str, list[str]]:
    """Return the ``log`` variants to time, keyed by their label."""
    (config_dir / "config.yaml").write_text("volunteer: Léa\n", encoding="utf-8")
    base = permanence_argv("-w", str(root), *log_arguments())
    return {
        "log --as NAME": [*base, "--as", "Léa"],
        "log (volunteer in config.yaml)": base,
        "log --as NAME --phone": [*base, "--as", "Léa", "--phone", "06 12 34 56 78"],
    }


def store_commands(roots: dict[int, Path]) -> dict[str, list[str]]:
    """Return the read commands to time over each store size."""
    commands = {}
    for size, root in roots.items():
        where = ("-w", str(root))
        commands[f"calls, {size:,}"] = permanence_argv(*where, "calls")
        commands[f"calls --json -n 20, {size:,}"] = permanence_argv(
            *where, "calls", "--json", "-n", "20"
        )
        commands[f"calls --text tarif, {size:,}"] = permanence_argv(
            *where, "calls", "--text", "tarif"
        )
        commands[f"followups, {size:,}"] = permanence_argv(*where, "followups")
    return commands


def main(
    runs: int = 15, sizes: tuple[int, ...] = (1000, 10000, 100000)
) -> dict[str, float]:
    """Measure and print the call log tables; return the medians in seconds."""
    with tempfile.TemporaryDirectory(prefix="bench-calls-") as folder:
        parent = Path(folder)
        config_dir = parent / "config"
        config_dir.mkdir()
        roots = {size: make_workspace(parent, f"ws{size}") for size in sizes}
        fill_rows = [(f"{s:,}", ms(fill_store(roots[s], s))) for s in sizes]
        log_root = make_workspace(parent, "log")
        commands = {"floor": floor_argv(), **log_commands(log_root, config_dir)}
        commands |= store_commands(roots)
        env = child_env(config_dir)
        warm(commands, env)
        medians = median_times(commands, runs=runs, env=env)
    report(medians, sizes, runs, fill_rows)
    return medians


def report(
    medians: dict[str, float],
    sizes: tuple[int, ...],
    runs: int,
    fill_rows: list[tuple[str, str]],
) -> None:
    """Print the tables ready for docs/benchmarks.md."""
    floor = medians["floor"]
    rows = [
        (name, ms(seconds), f"{seconds / floor:.2f}×")  # noqa: RUF001
        for name, seconds in medians.items()
        if not name.split(", ")[-1].replace(",", "").isdigit()
    ]
    print_table(
        f"Logging a call, local store, no sheet ({runs} interleaved runs, medians)",
        ("command", "median", "ratio to floor"),
        rows,
    )
    labels = sorted({name.rsplit(", ", 1)[0] for name in medians if ", " in name})
    header = ("command", *(f"{s:,} records" for s in sizes), "ratio to floor (largest)")
    growth = []
    for label in labels:
        times = [medians[f"{label}, {size:,}"] for size in sizes]
        growth.append((label, *(ms(t) for t in times), f"{times[-1] / floor:.2f}×"))  # noqa: RUF001
    print_table("Reading the call log as it grows", header, growth)
    print_table(
        "Generating the stores (one transaction)", ("records", "time"), fill_rows
    )


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--runs", type=int, default=15)
    parser.add_argument("--sizes", default="1000,10000,100000")
    options = parser.parse_args()
    main(options.runs, tuple(int(s) for s in options.sizes.split(",")))
