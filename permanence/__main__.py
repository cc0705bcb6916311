"""Allow ``python -m permanence``."""

from permanence.cli.main import run

run()
