"""Imports go downward: commands -> domain -> adapters, never back up."""

from __future__ import annotations

import ast
from pathlib import Path

PACKAGE = Path(__file__).resolve().parent.parent / "permanence"
TERMINAL_OR_REMOTE = ("typer", "rich", "gspread", "icalendar", "google")


def _imports(path: Path) -> set[str]:
    names: set[str] = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Import):
            names.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.module:
            names.add(node.module)
    return names


def _layer(path: Path) -> str:
    relative = path.relative_to(PACKAGE).parts
    if relative[0] in ("cli", "__main__.py"):
        return "cli"
    if relative[0] == "adapters":
        return "adapters"
    return "domain"


def test_domain_and_adapters_never_import_the_command_layer() -> None:
    wrong = [
        f"{path.relative_to(PACKAGE)} imports {name}"
        for path in PACKAGE.rglob("*.py")
        if _layer(path) != "cli"
        for name in _imports(path)
        if name.startswith("permanence.cli")
    ]
    assert wrong == []


def test_adapters_never_import_the_domain() -> None:
    allowed = ("permanence.adapters", "permanence.errors", "permanence.i18n")
    wrong = [
        f"{path.relative_to(PACKAGE)} imports {name}"
        for path in (PACKAGE / "adapters").rglob("*.py")
        for name in _imports(path)
        if name.startswith("permanence")
        and not name.startswith(allowed)
        and not _is_plain_model(name)
    ]
    assert wrong == []


def _is_plain_model(module: str) -> bool:
    """Adapters may use the domain's plain dataclasses and settings."""
    return module.endswith(
        (".record", ".model", "permanence.settings", "permanence.workspace")
    )


def test_domain_never_imports_terminal_or_remote_libraries() -> None:
    wrong = [
        f"{path.relative_to(PACKAGE)} imports {name}"
        for path in PACKAGE.rglob("*.py")
        if _layer(path) == "domain"
        for name in _imports(path)
        if name.split(".")[0] in TERMINAL_OR_REMOTE
    ]
    assert wrong == []
