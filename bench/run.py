"""Run every benchmark of ``bench/`` and print their tables.

python bench/run.py            # all of them
python bench/run.py startup    # only bench/bench_startup.py
"""

from __future__ import annotations

import importlib
import sys
from pathlib import Path

BENCH = Path(__file__).resolve().parent
sys.path.insert(0, str(BENCH.parent))


def main(names: list[str]) -> None:
    modules = sorted(path.stem for path in BENCH.glob("bench_*.py"))
    chosen = [m for m in modules if not names or m.removeprefix("bench_") in names]
    for name in chosen:
        print(f"\n## {name}")
        module = importlib.import_module(f"bench.{name}")
        sys.argv = [str(BENCH / f"{name}.py")]  # each runs with its defaults
        module.main()


if __name__ == "__main__":
    main(sys.argv[1:])
