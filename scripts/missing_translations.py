"""List the interface texts of the code that no French ``.po`` file translates.

python scripts/missing_translations.py            # print them as .po entries
"""

from __future__ import annotations

import ast
import sys
from collections.abc import Iterator
from pathlib import Path

from babel.messages.pofile import read_po

ROOT = Path(__file__).resolve().parent.parent
MARKERS = {"_", "N_"}


def code_messages(
    package: Path = ROOT / "permanence",
) -> Iterator[tuple[Path, int, str]]:
    """Yield (file, line, text) for every literal marked for translation."""
    for path in sorted(package.rglob("*.py")):
        tree = ast.parse(path.read_text(encoding="utf-8"), str(path))
        for node in ast.walk(tree):
            if not isinstance(node, ast.Call) or not isinstance(node.func, ast.Name):
                continue
            name = node.func.id
            if name in MARKERS:
                texts = node.args[:1]
            elif name == "ngettext":
                texts = node.args[:2]
            else:
                continue
            for arg in texts:
                if isinstance(arg, ast.Constant) and isinstance(arg.value, str):
                    yield path, node.lineno, arg.value


def translated(language: str = "fr") -> set[str]:
    """Return the message ids translated in the ``.po`` files of ``language``."""
    ids: set[str] = set()
    for po_path in (ROOT / "permanence" / "locale" / "po" / language).glob("*.po"):
        with po_path.open("rb") as handle:
            for message in read_po(handle):
                if not message.id or not message.string:
                    continue
                if isinstance(message.id, tuple):
                    ids.update(message.id)
                else:
                    ids.add(message.id)
    return ids


def main() -> None:
    known = translated()
    seen: set[str] = set()
    for path, line, text in code_messages():
        if text in known or text in seen:
            continue
        seen.add(text)
        escaped = text.replace("\\", "\\\\").replace('"', '\\"').replace("\n", "\\n")
        print(f'#: {path.relative_to(ROOT)}:{line}\nmsgid "{escaped}"\nmsgstr ""\n')
    sys.exit(1 if seen else 0)


if __name__ == "__main__":
    main()
