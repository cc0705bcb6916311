"""The error tree and the exit codes every command shares.

Each error kind carries its exit code and a message written for a
volunteer; the command layer catches ``PermanenceError`` once, prints the
message on stderr and exits with the code.
"""

from __future__ import annotations

import enum
from pathlib import Path
from typing import NamedTuple


class ExitCode(enum.IntEnum):
    """Exit codes of the ``permanence`` command, documented in the README."""

    OK = 0
    PROBLEMS_FOUND = 1  # a check ran and found problems (e.g. coverage gaps)
    BAD_INPUT = 2  # a file, an option or a typed value must be fixed
    UNAVAILABLE = 3  # a remote service (sheet, mail server) could not be reached
    INTERNAL = 70  # a bug: rerun with --debug and report it
    INTERRUPTED = 130  # Ctrl-C


class Problem(NamedTuple):
    """One thing wrong in an input file, with where it is and how to fix it."""

    path: Path | None
    message: str
    line: int | None = None
    column: int | None = None

    def location(self) -> str:
        """Return ``file:line:column`` (as much of it as is known)."""
        parts = [str(self.path) if self.path else "-"]
        if self.line is not None:
            parts.append(str(self.line))
            if self.column is not None:
                parts.append(str(self.column))
        return ":".join(parts)

    def __str__(self) -> str:
        return f"{self.location()}: {self.message}"


class PermanenceError(Exception):
    """Base of every error the user can cause or fix."""

    exit_code: ExitCode = ExitCode.BAD_INPUT

    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message


class WorkspaceError(PermanenceError):
    """The workspace cannot be found or lacks a required part."""


class InvalidInputError(PermanenceError):
    """One or more input files are malformed; lists every problem found."""

    def __init__(self, problems: list[Problem]) -> None:
        self.problems = problems
        super().__init__("\n".join(str(p) for p in problems))


class UserInputError(PermanenceError):
    """An option or a typed value is not acceptable."""


class UnavailableError(PermanenceError):
    """A remote service could not be reached; nothing was lost locally."""

    exit_code = ExitCode.UNAVAILABLE


class ProblemsFoundError(PermanenceError):
    """A check found problems; the report has already been printed."""

    exit_code = ExitCode.PROBLEMS_FOUND
