"""Association-wide settings: the ``settings:`` block of ``shifts.yaml``.

Only settings shared by the whole association live here. Per-user values
(who I am, credentials, passwords) live in the user's config, see
``permanence.userconfig``. Parsing and checking the file is done by
``permanence.settings_file``; commands read the settings through
``workspace_settings``, which keeps them in the workspace's cache so that
most commands never load the YAML parser.
"""

from __future__ import annotations

from collections.abc import Mapping
from pathlib import Path
from typing import TYPE_CHECKING, NamedTuple

from permanence.adapters.located import LocatedDict

if TYPE_CHECKING:
    from zoneinfo import ZoneInfo

    from permanence.errors import Problem
    from permanence.workspace import Workspace


class SheetSettings(NamedTuple):
    """Where the shared call log lives (a Google Sheet)."""

    key: str
    worksheet: str = "Appels"


class SmtpSettings(NamedTuple):
    """How to send mail; the password is never stored here."""

    host: str
    port: int = 587
    security: str = "starttls"  # starttls, ssl or none
    user: str = ""
    sender: str = ""


class Person(NamedTuple):
    """A named contact (the coordinator, a call reason's owner)."""

    name: str
    email: str = ""


class Settings(NamedTuple):
    """The association's settings; schedule-specific raw values stay located."""

    name: str = ""
    timezone: str = "Europe/Paris"
    language: str | None = None
    phone_region: str = "FR"
    links: Mapping[str, str] = {}  # read only, never changed
    sheet: SheetSettings | None = None
    retention_months: int = 12
    coordinator: Person | None = None
    team_email: str = ""
    smtp: SmtpSettings | None = None
    # Parsed and checked by the schedule module, which reports their problems.
    raw: LocatedDict = LocatedDict()  # never changed once read

    @property
    def zone(self) -> ZoneInfo:
        """The association's timezone."""
        from zoneinfo import ZoneInfo

        return ZoneInfo(self.timezone)


def load_document(path: Path) -> LocatedDict:
    """Return the whole ``shifts.yaml`` mapping (empty if the file is absent)."""
    from permanence import settings_file

    return settings_file.load_document(path)


def parse_settings(document: LocatedDict, path: Path) -> tuple[Settings, list[Problem]]:
    """Return the settings and every problem found in the ``settings:`` block."""
    from permanence import settings_file

    return settings_file.parse_settings(document, path)


def load_settings(path: Path) -> Settings:
    """Read the settings of ``shifts.yaml``; raise listing every problem."""
    from permanence import settings_file

    return settings_file.load_settings(path)


def workspace_settings(workspace: Workspace) -> Settings:
    """Return the workspace's settings, parsed again only when the file changed."""
    from permanence.adapters.filecache import files_stamp, load_cached

    stamp = files_stamp([], [workspace.shifts_file])
    cache_file = workspace.cache_file("settings.pickle")
    return load_cached(cache_file, stamp, lambda: load_settings(workspace.shifts_file))
