"""The few settings the call log needs, cached so that logging stays fast.

Reading ``shifts.yaml`` means importing the YAML parser and reading the
whole schedule, which costs more than the rest of ``permanence log``. The
call log needs only the timezone, the phone region, the retention period
and whether a sheet is configured: they are cached in the state folder
with the file's size and modification time, and ``shifts.yaml`` is read
again (and its problems reported) only when it changed. Domain functions
accept either these settings or the full ``Settings``.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING, Protocol
from zoneinfo import ZoneInfo

from permanence.workspace import Workspace

if TYPE_CHECKING:
    from permanence.settings import Settings

CACHE_NAME = "call-settings.pickle"


class CallSettings(Protocol):
    """What the call log reads from the settings (``Settings`` fits)."""

    @property
    def timezone(self) -> str: ...

    @property
    def phone_region(self) -> str: ...

    @property
    def retention_months(self) -> int: ...

    @property
    def sheet(self) -> object | None: ...

    @property
    def zone(self) -> ZoneInfo: ...


@dataclass(frozen=True)
class CachedSettings:
    """The call log's settings as cached (the sheet only as its key)."""

    timezone: str = "Europe/Paris"
    phone_region: str = "FR"
    retention_months: int = 12
    sheet_key: str = ""

    @property
    def sheet(self) -> object | None:
        """The sheet's key when one is configured, else None."""
        return self.sheet_key or None

    @property
    def zone(self) -> ZoneInfo:
        """The association's timezone."""
        return ZoneInfo(self.timezone)


def cached_from(settings: Settings) -> CachedSettings:
    """Return the call log's part of the full settings."""
    return CachedSettings(
        timezone=settings.timezone,
        phone_region=settings.phone_region,
        retention_months=settings.retention_months,
        sheet_key=settings.sheet.key if settings.sheet else "",
    )


def load_call_settings(workspace: Workspace) -> CachedSettings:
    """Return the call log's settings, reading ``shifts.yaml`` only if it changed."""
    from permanence.adapters.filecache import files_stamp, load_cached

    def build() -> CachedSettings:
        from permanence.settings import load_settings

        return cached_from(load_settings(workspace.shifts_file))

    stamp = files_stamp([], [workspace.shifts_file])
    cache_file = workspace.state_dir / "cache" / CACHE_NAME
    return load_cached(cache_file, stamp, build)
