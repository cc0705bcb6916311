"""Interface language: gettext catalogs, French by default, English too.

Source strings in the code are English; ``locale/fr`` holds the French
catalog. The language comes from the workspace's ``language`` setting, or
else from the locale environment variables, or else French.
"""

from __future__ import annotations

import gettext
import os
from pathlib import Path

DOMAIN = "permanence"
LOCALE_DIR = Path(__file__).parent / "locale"
SUPPORTED = ("fr", "en")
DEFAULT = "fr"

_translation: gettext.NullTranslations = gettext.NullTranslations()
_language = ""


def language_from_locale(environ: dict[str, str] | None = None) -> str:
    """Return the supported language named by the locale, else the default."""
    env = os.environ if environ is None else environ
    for variable in ("LANGUAGE", "LC_ALL", "LC_MESSAGES", "LANG"):
        value = env.get(variable, "")
        if not value:
            continue
        for candidate in value.split(":"):
            code = candidate[:2].lower()
            if code in SUPPORTED:
                return code
        return DEFAULT
    return DEFAULT


def normalize_language(value: str | None) -> str | None:
    """Return the supported two-letter code for ``value``, or None."""
    if not value:
        return None
    code = value.strip()[:2].lower()
    return code if code in SUPPORTED else None


def set_language(language: str | None) -> str:
    """Switch the interface to ``language`` (or the locale's) and return it."""
    global _translation, _language
    code = normalize_language(language) or language_from_locale()
    if code != _language:
        _translation = gettext.translation(
            DOMAIN, LOCALE_DIR, languages=[code], fallback=True
        )
        _language = code
    return code


def current_language() -> str:
    """Return the language in use, choosing it from the locale if unset."""
    return _language or set_language(None)


def _(message: str) -> str:
    """Translate ``message`` into the interface language."""
    if not _language:
        set_language(None)
    return _translation.gettext(message)


def ngettext(singular: str, plural: str, n: int) -> str:
    """Translate a message whose form depends on the count ``n``."""
    if not _language:
        set_language(None)
    return _translation.ngettext(singular, plural, n)


def N_(message: str) -> str:
    """Mark ``message`` for translation later (help texts, built before use)."""
    return message
