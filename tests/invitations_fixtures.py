"""A small workspace for the invitation tests, with shifts around clock changes.

Paris switches to summer time on Sunday 29 March 2026 and back on Sunday
25 October 2026: the shifts on the Saturdays on each side must keep their
local 18:00 (17:00 UTC in winter, 16:00 UTC in summer).
"""

from __future__ import annotations

from datetime import datetime
from pathlib import Path
from zoneinfo import ZoneInfo

PARIS = ZoneInfo("Europe/Paris")
WINDOW = ["--from", "2026-03-01", "--to", "2026-12-31"]
SEND_WINDOW = ["--from", "2026-03-01", "--until", "2026-12-31"]

SETTINGS = """\
settings:
  name: Le Fil Solidaire
  timezone: Europe/Paris
  language: fr
  links:
    guide: https://fil.example.org/guide
    sheet: https://docs.google.com/spreadsheets/d/1abc/edit
    website: https://fil.example.org
  coordinator:
    name: Nadia Benali
    email: coordination@fil.example.org
  reminders: ["1 jour", "30 minutes"]
{smtp}
volunteers:
  - id: alice
    name: Alice Martin
    email: alice@example.org
  - id: bruno
    name: Bruno Petit
    email: bruno@example.org
  - id: chloe
    name: Chloé Durand
    email: chloe@example.org
  - id: denis
    name: Denis Roy

shifts:
"""

SHIFTS = {
    "jeudi": ("2026-03-12", "14:00-17:00", "chloe"),
    "avant-ete": ("2026-03-28", "18:00-21:00", "alice"),
    "apres-ete": ("2026-04-04", "18:00-21:00", "alice, bruno"),
    "avant-hiver": ("2026-10-24", "18:00-21:00", "bruno"),
    "apres-hiver": ("2026-10-31", "18:00-21:00", "chloe, denis"),
}


def smtp_block(port: int, user: str = "") -> str:
    """Return the ``smtp`` settings for a local server on ``port``."""
    lines = [
        "  smtp:",
        "    host: 127.0.0.1",
        f"    port: {port}",
        "    security: none",
        "    sender: Le Fil Solidaire <permanence@fil.example.org>",
    ]
    if user:
        lines.append(f"    user: {user}")
    return "\n".join(lines)


def write_shifts(
    root: Path, shifts: dict[str, tuple[str, str, str]], smtp: str = ""
) -> None:
    """Write ``shifts.yaml`` in ``root`` with these one-off shifts."""
    text = SETTINGS.format(smtp=smtp)
    for shift_id, (day, hours, volunteers) in shifts.items():
        text += (
            f'  - id: {shift_id}\n    date: {day}\n    time: "{hours}"\n'
            f"    volunteers: [{volunteers}]\n"
        )
    (root / "shifts.yaml").write_text(text, encoding="utf-8")


def make_workspace(root: Path, smtp: str = "") -> Path:
    """Create the test workspace in ``root`` and return it."""
    root.mkdir(parents=True, exist_ok=True)
    for folder in ("guide", "faq"):
        (root / folder).mkdir(exist_ok=True)
    write_shifts(root, SHIFTS, smtp)
    return root


def paris(text: str) -> datetime:
    """Return ``YYYY-MM-DD HH:MM`` as an aware Paris datetime."""
    return datetime.fromisoformat(text).replace(tzinfo=PARIS)
