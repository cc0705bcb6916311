"""The interface language: catalogs complete and compiled, both languages work."""

from __future__ import annotations

import sys
from pathlib import Path

import pytest

from permanence.i18n import _, language_from_locale, set_language

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "scripts"))

import compile_catalogs  # noqa: E402
import missing_translations  # noqa: E402


def test_every_marked_text_has_a_french_translation() -> None:
    known = missing_translations.translated("fr")
    missing = sorted(
        {
            f"{path.name}:{line}: {text}"
            for path, line, text in missing_translations.code_messages()
            if text not in known
        }
    )
    assert missing == []


def test_shipped_catalog_matches_the_po_sources() -> None:
    shipped = ROOT / "permanence" / "locale" / "fr" / "LC_MESSAGES" / "permanence.mo"
    assert shipped.read_bytes() == compile_catalogs.compiled_bytes("fr"), (
        "run: python scripts/compile_catalogs.py"
    )


def test_french_placeholders_match_the_english_ones() -> None:
    import re

    from babel.messages.pofile import read_po

    placeholder = re.compile(r"\{(\w+)\}")
    wrong = []
    for po_path in (ROOT / "permanence" / "locale" / "po" / "fr").glob("*.po"):
        with po_path.open("rb") as handle:
            for message in read_po(handle):
                if not message.id:
                    continue
                ids = message.id if isinstance(message.id, tuple) else (message.id,)
                strings = (
                    message.string
                    if isinstance(message.string, tuple)
                    else (message.string,)
                )
                expected = set(placeholder.findall(ids[-1]))
                for string in strings:
                    if set(placeholder.findall(string)) - expected:
                        wrong.append((po_path.name, ids[0]))
    assert wrong == []


@pytest.mark.parametrize(
    ("environ", "expected"),
    [
        ({"LANG": "en_GB.UTF-8"}, "en"),
        ({"LANG": "fr_FR.UTF-8"}, "fr"),
        ({"LANG": "de_DE.UTF-8"}, "fr"),
        ({"LANGUAGE": "en:fr", "LANG": "fr_FR.UTF-8"}, "en"),
        ({"LC_ALL": "C"}, "fr"),
        ({}, "fr"),
    ],
)
def test_language_follows_the_locale_with_french_by_default(
    environ: dict[str, str], expected: str
) -> None:
    assert language_from_locale(environ) == expected


def test_texts_switch_between_french_and_english() -> None:
    set_language("fr")
    assert _("Warning:") == "Attention :"
    set_language("en")
    assert _("Warning:") == "Warning:"


def test_french_plurals_use_two_forms() -> None:
    from permanence.i18n import ngettext

    set_language("fr")
    singular, plural = (
        "Error: {count} problem to fix:",
        "Error: {count} problems to fix:",
    )
    assert ngettext(singular, plural, 1) == "Erreur : {count} problème à corriger :"
    assert ngettext(singular, plural, 3) == "Erreur : {count} problèmes à corriger :"
