"""YAML files read with the position of every key and value.

Mappings come back as ``LocatedDict`` and sequences as ``LocatedList``, which
remember the line and column (1-based) where each key, value and item
starts, so that checks can say exactly where a problem is.
"""

from __future__ import annotations

import difflib
from collections.abc import Iterable
from pathlib import Path
from typing import Any

import yaml

from permanence.adapters.located import LocatedDict, LocatedList, Position
from permanence.errors import InvalidInputError, Problem
from permanence.i18n import _

__all__ = [
    "LocatedDict",
    "LocatedList",
    "Position",
    "load_yaml_file",
    "parse_yaml",
    "read_text",
    "unknown_key_problems",
]

try:
    _BaseLoader: type[yaml.SafeLoader] = yaml.CSafeLoader  # type: ignore[assignment]
except AttributeError:  # PyYAML built without libyaml
    _BaseLoader = yaml.SafeLoader


def _position(node: yaml.Node) -> Position:
    return (node.start_mark.line + 1, node.start_mark.column + 1)


class _LocatingLoader(_BaseLoader):  # type: ignore[misc, valid-type]
    pass


class DuplicateKeyError(yaml.MarkedYAMLError):
    """A mapping gives the same key twice (YAML would keep only the last)."""

    def __init__(self, key: Any, node: yaml.Node) -> None:
        super().__init__(problem=str(key), problem_mark=node.start_mark)
        self.key = key
        self.position = _position(node)


def _construct_mapping(loader: yaml.SafeLoader, node: yaml.MappingNode) -> LocatedDict:
    mapping = LocatedDict()
    mapping.start = _position(node)
    loader.flatten_mapping(node)
    for key_node, value_node in node.value:
        key = loader.construct_object(key_node, deep=True)
        try:
            hash(key)
        except TypeError:
            key = str(key)
        if key in mapping:
            raise DuplicateKeyError(key, key_node)
        mapping[key] = loader.construct_object(value_node, deep=True)
        mapping.key_positions[key] = _position(key_node)
        mapping.value_positions[key] = _position(value_node)
    return mapping


def _construct_sequence(
    loader: yaml.SafeLoader, node: yaml.SequenceNode
) -> LocatedList:
    sequence = LocatedList()
    sequence.start = _position(node)
    for item in node.value:
        sequence.append(loader.construct_object(item, deep=True))
        sequence.positions.append(_position(item))
    return sequence


def _construct_text(loader: yaml.SafeLoader, node: yaml.ScalarNode) -> str:
    return str(loader.construct_scalar(node))


_LocatingLoader.add_constructor(
    yaml.resolver.BaseResolver.DEFAULT_MAPPING_TAG, _construct_mapping
)
_LocatingLoader.add_constructor(
    yaml.resolver.BaseResolver.DEFAULT_SEQUENCE_TAG, _construct_sequence
)
# Dates and times stay text: the checks parse them and report bad ones
# with their position, instead of PyYAML guessing (``2025-02-30`` fails,
# ``12:30`` becomes 750 minutes in YAML 1.1).
_LocatingLoader.add_constructor("tag:yaml.org,2002:timestamp", _construct_text)


def parse_yaml(text: str, path: Path | None) -> Any:
    """Parse ``text``; raise ``InvalidInputError`` naming the line on bad syntax."""
    try:
        return yaml.load(text, Loader=_LocatingLoader)
    except DuplicateKeyError as error:
        message = _("'{key}' is written twice here: keep only one")
        duplicate = Problem(path, message.format(key=error.key), *error.position)
        raise InvalidInputError([duplicate]) from error
    except yaml.MarkedYAMLError as error:
        mark = error.problem_mark or error.context_mark
        line = mark.line + 1 if mark else None
        column = mark.column + 1 if mark else None
        detail = error.problem or error.context or ""
        message = _("invalid YAML ({detail}): check indentation, colons and quotes")
        problem = Problem(path, message.format(detail=detail), line, column)
        raise InvalidInputError([problem]) from error
    except yaml.YAMLError as error:
        message = _("invalid YAML: {detail}").format(detail=error)
        raise InvalidInputError([Problem(path, message)]) from error


def read_text(path: Path) -> str:
    """Read a UTF-8 file, turning OS and encoding errors into a clear problem."""
    try:
        return path.read_text(encoding="utf-8")
    except FileNotFoundError as error:
        message = _("file not found")
        raise InvalidInputError([Problem(path, message)]) from error
    except UnicodeDecodeError as error:
        message = _("not valid UTF-8 text (byte {offset}): save it as UTF-8")
        problem = Problem(path, message.format(offset=error.start))
        raise InvalidInputError([problem]) from error
    except OSError as error:
        message = _("cannot be read ({reason}): check its permissions")
        problem = Problem(path, message.format(reason=error.strerror))
        raise InvalidInputError([problem]) from error


def load_yaml_file(path: Path) -> Any:
    """Read and parse a YAML file with positions."""
    return parse_yaml(read_text(path), path)


def unknown_key_problems(
    mapping: LocatedDict, allowed: Iterable[str], path: Path | None, where: str
) -> list[Problem]:
    """Return one problem per key of ``mapping`` not in ``allowed``.

    Each message suggests the closest allowed key ("did you mean").
    """
    allowed = list(allowed)
    problems = []
    for key in mapping:
        if key in allowed:
            continue
        line, column = mapping.key_at(key)
        close = difflib.get_close_matches(str(key), allowed, n=1, cutoff=0.6)
        if close:
            message = _("unknown key '{key}' in {where}: did you mean '{close}'?")
        else:
            message = _("unknown key '{key}' in {where}: allowed keys are {allowed}")
        text = message.format(
            key=key,
            where=where,
            close=close[0] if close else "",
            allowed=", ".join(allowed),
        )
        problems.append(Problem(path, text, line, column))
    return problems
