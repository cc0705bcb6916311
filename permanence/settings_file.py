"""Reading and checking the ``settings:`` block of ``shifts.yaml``.

Every problem is collected with its line and column, so that one run tells
the coordinator everything to fix.
"""

from __future__ import annotations

from pathlib import Path
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from permanence.adapters.yamlfile import (
    LocatedDict,
    LocatedList,
    load_yaml_file,
    unknown_key_problems,
)
from permanence.errors import InvalidInputError, Problem
from permanence.i18n import SUPPORTED, _, normalize_language
from permanence.settings import Person, Settings, SheetSettings, SmtpSettings

SETTINGS_KEYS = (
    "name",
    "timezone",
    "language",
    "phone_region",
    "links",
    "sheet",
    "retention_months",
    "coordinator",
    "reminders",
    "opening_hours",
    "closed_dates",
    "team_email",
    "smtp",
)
LINK_KEYS = ("guide", "sheet", "website")
SHEET_KEYS = ("key", "url", "worksheet")
SMTP_KEYS = ("host", "port", "security", "user", "sender")
PERSON_KEYS = ("name", "email")


# The settings and the schedule both read shifts.yaml: one parse per
# process, as long as the file does not change meanwhile.
_parsed: dict[Path, tuple[tuple[int, int], LocatedDict]] = {}


def load_document(path: Path) -> LocatedDict:
    """Return the whole ``shifts.yaml`` mapping (empty if the file is absent)."""
    try:
        stat = path.stat()
    except OSError:
        return LocatedDict()
    stamp = (stat.st_mtime_ns, stat.st_size)
    known = _parsed.get(path)
    if known is not None and known[0] == stamp:
        return known[1]
    document = _read_document(path)
    _parsed[path] = (stamp, document)
    return document


def _read_document(path: Path) -> LocatedDict:
    document = load_yaml_file(path)
    if document is None:
        return LocatedDict()
    if not isinstance(document, LocatedDict):
        message = _(
            "the file must be a mapping with 'settings', 'volunteers' and 'shifts'"
        )
        raise InvalidInputError([Problem(path, message, 1, 1)])
    return document


def load_settings(path: Path) -> Settings:
    """Read the settings of ``shifts.yaml``; raise listing every problem."""
    settings, problems = parse_settings(load_document(path), path)
    if problems:
        raise InvalidInputError(problems)
    return settings


def parse_settings(document: LocatedDict, path: Path) -> tuple[Settings, list[Problem]]:
    """Return the settings and every problem found in the ``settings:`` block."""
    block = document.get("settings")
    if block is None:
        return Settings(), []
    if not isinstance(block, LocatedDict):
        line, column = document.value_at("settings")
        message = _("'settings' must be a mapping of 'key: value' lines")
        return Settings(), [Problem(path, message, line, column)]
    checker = _Checker(block, path)
    # "webhook" is known, but refused below with its own explanation.
    allowed = (*SETTINGS_KEYS, "webhook")
    checker.problems += unknown_key_problems(block, allowed, path, "settings")
    if "webhook" in block:
        line, column = block.key_at("webhook")
        message = _(
            "the chat webhook address holds its secret token and the workspace "
            "is shared: remove it from here and put it in your personal "
            "config.yaml (webhook: …) or in $PERMANENCE_WEBHOOK"
        )
        checker.problems.append(Problem(path, message, line, column))
    settings = Settings(
        name=checker.text("name"),
        timezone=checker.timezone(),
        language=checker.language(),
        phone_region=checker.text("phone_region", "FR").upper(),
        links=checker.links(),
        sheet=checker.sheet(),
        retention_months=checker.positive_int("retention_months", 12),
        coordinator=checker.person("coordinator"),
        team_email=checker.text("team_email"),
        smtp=checker.smtp(),
        raw=block,
    )
    return settings, checker.problems


class _Checker:
    """Reads typed values from the settings block, collecting problems."""

    def __init__(self, block: LocatedDict, path: Path) -> None:
        self.block = block
        self.path = path
        self.problems: list[Problem] = []

    def fail(self, mapping: LocatedDict, key: str, message: str) -> None:
        line, column = mapping.value_at(key)
        self.problems.append(Problem(self.path, message, line, column))

    def text(
        self, key: str, default: str = "", mapping: LocatedDict | None = None
    ) -> str:
        mapping = self.block if mapping is None else mapping
        value = mapping.get(key)
        if value is None:
            return default
        if isinstance(value, (LocatedDict, LocatedList)):
            self.fail(mapping, key, _("'{key}' must be a single value").format(key=key))
            return default
        return str(value).strip()

    def positive_int(
        self, key: str, default: int, mapping: LocatedDict | None = None
    ) -> int:
        mapping = self.block if mapping is None else mapping
        value = mapping.get(key)
        if value is None:
            return default
        if isinstance(value, bool) or not isinstance(value, int) or value <= 0:
            message = _("'{key}' must be a whole number above 0, not '{value}'")
            self.fail(mapping, key, message.format(key=key, value=value))
            return default
        return value

    def timezone(self) -> str:
        name = self.text("timezone", "Europe/Paris")
        try:
            ZoneInfo(name)
        except (ZoneInfoNotFoundError, ValueError):
            message = _(
                "unknown timezone '{name}': use an IANA name such as Europe/Paris"
            )
            self.fail(self.block, "timezone", message.format(name=name))
            return "Europe/Paris"
        return name

    def language(self) -> str | None:
        value = self.text("language")
        if not value:
            return None
        code = normalize_language(value)
        if code is None:
            message = _("unsupported language '{value}': use one of {choices}")
            self.fail(
                self.block,
                "language",
                message.format(value=value, choices=", ".join(SUPPORTED)),
            )
        return code

    def mapping(self, key: str, allowed: tuple[str, ...]) -> LocatedDict | None:
        value = self.block.get(key)
        if value is None:
            return None
        if not isinstance(value, LocatedDict):
            self.fail(
                self.block,
                key,
                _("'{key}' must be a mapping of 'key: value' lines").format(key=key),
            )
            return None
        self.problems += unknown_key_problems(
            value, allowed, self.path, f"settings.{key}"
        )
        return value

    def links(self) -> dict[str, str]:
        block = self.mapping("links", LINK_KEYS)
        if block is None:
            return {}
        return {
            key: self.text(key, mapping=block) for key in LINK_KEYS if block.get(key)
        }

    def sheet(self) -> SheetSettings | None:
        block = self.mapping("sheet", SHEET_KEYS)
        if block is None:
            return None
        key = self.text("key", mapping=block) or _sheet_key_from_url(
            self.text("url", mapping=block)
        )
        if not key:
            message = _("'sheet' needs a 'key' or the sheet's 'url'")
            self.fail(self.block, "sheet", message)
            return None
        return SheetSettings(key=key, worksheet=self.text("worksheet", "Appels", block))

    def person(self, key: str) -> Person | None:
        block = self.mapping(key, PERSON_KEYS)
        if block is None:
            return None
        return Person(
            self.text("name", mapping=block), self.text("email", mapping=block)
        )

    def smtp(self) -> SmtpSettings | None:
        block = self.mapping("smtp", SMTP_KEYS)
        if block is None:
            return None
        security = self.text("security", "starttls", block).lower()
        if security not in ("starttls", "ssl", "none"):
            message = _("'security' must be starttls, ssl or none, not '{value}'")
            self.fail(block, "security", message.format(value=security))
        default_port = {"ssl": 465, "none": 25}.get(security, 587)
        return SmtpSettings(
            host=self.text("host", mapping=block),
            port=self.positive_int("port", default_port, block),
            security=security,
            user=self.text("user", mapping=block),
            sender=self.text("sender", mapping=block),
        )


def _sheet_key_from_url(url: str) -> str:
    """Return the spreadsheet key of a Google Sheets address, or ''."""
    marker = "/spreadsheets/d/"
    if marker not in url:
        return ""
    return url.split(marker, 1)[1].split("/", 1)[0]
