"""Compile the French ``.po`` sources into the one ``.mo`` catalog shipped.

Each area of the interface keeps its own ``.po`` file under
``permanence/locale/po/<lang>/``; they are merged into
``permanence/locale/<lang>/LC_MESSAGES/permanence.mo``. Run it after editing
a ``.po`` file; a test fails while the ``.mo`` is out of date.

    python scripts/compile_catalogs.py
"""

from __future__ import annotations

import io
import sys
from datetime import UTC, datetime
from pathlib import Path

from babel.messages.catalog import Catalog
from babel.messages.mofile import write_mo
from babel.messages.pofile import read_po

PLURAL_FORMS = {"fr": "nplurals=2; plural=(n > 1);"}
FIXED_DATE = datetime(2026, 1, 1, tzinfo=UTC)
LOCALE = Path(__file__).resolve().parent.parent / "permanence" / "locale"


def merged_catalog(language: str) -> Catalog:
    """Return one catalog holding the messages of every ``.po`` file."""
    # Fixed dates keep the compiled file identical from one run to the next.
    merged = Catalog(
        locale=language,
        domain="permanence",
        project="permanence",
        fuzzy=False,
        creation_date=FIXED_DATE,
        revision_date=FIXED_DATE,
    )
    # Babel would take the plural rules of its locale data (three forms for
    # French in recent CLDR); the .po files are written with two.
    merged.mime_headers = [("Plural-Forms", PLURAL_FORMS[language])]
    for po_path in sorted((LOCALE / "po" / language).glob("*.po")):
        with po_path.open("rb") as handle:
            part = read_po(handle, locale=language)
        for message in part:
            if not message.id:
                continue
            if message.id in merged:
                sys.exit(f"{po_path}: {message.id!r} is already in another file")
            merged[message.id] = message
    return merged


def compiled_bytes(language: str) -> bytes:
    """Return the ``.mo`` file content for ``language``."""
    buffer = io.BytesIO()
    write_mo(buffer, merged_catalog(language), use_fuzzy=False)
    return buffer.getvalue()


def main() -> None:
    for language_dir in sorted((LOCALE / "po").iterdir()):
        target = LOCALE / language_dir.name / "LC_MESSAGES" / "permanence.mo"
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_bytes(compiled_bytes(language_dir.name))
        print(f"wrote {target}")


if __name__ == "__main__":
    main()
