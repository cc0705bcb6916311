"""Parsed YAML values that remember where they were written.

Kept apart from the YAML parser so that values cached by a command can be
read back without importing the parser.
"""

from __future__ import annotations

from typing import Any

Position = tuple[int, int]


class LocatedDict(dict[Any, Any]):
    """A mapping that knows where each of its keys and values starts."""

    start: Position = (1, 1)

    def __init__(self) -> None:
        super().__init__()
        self.key_positions: dict[Any, Position] = {}
        self.value_positions: dict[Any, Position] = {}

    def key_at(self, key: Any) -> Position:
        """Return the position of ``key``, or of the mapping if it is absent."""
        return self.key_positions.get(key, self.start)

    def value_at(self, key: Any) -> Position:
        """Return the position of the value of ``key``."""
        return self.value_positions.get(key, self.key_at(key))


class LocatedList(list[Any]):
    """A sequence that knows where each of its items starts."""

    start: Position = (1, 1)

    def __init__(self) -> None:
        super().__init__()
        self.positions: list[Position] = []

    def item_at(self, index: int) -> Position:
        """Return the position of item ``index``."""
        return self.positions[index] if index < len(self.positions) else self.start
