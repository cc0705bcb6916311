"""Per-user settings: who I am, where my credentials are, my SMTP password.

They live in the user's config folder (``config.yaml``) or in environment
variables, never in the workspace, which is shared by the whole team.
"""

from __future__ import annotations

import os
from dataclasses import dataclass
from pathlib import Path

from permanence.errors import InvalidInputError, Problem
from permanence.i18n import _

CONFIG_DIR_VARIABLE = "PERMANENCE_CONFIG_DIR"

# key -> environment variable that overrides it
USER_KEYS = {
    "volunteer": "PERMANENCE_VOLUNTEER",
    "credentials": "PERMANENCE_CREDENTIALS",
    "oauth": "PERMANENCE_OAUTH",
    "smtp_password_env": "PERMANENCE_SMTP_PASSWORD_ENV",
    # A chat's incoming-webhook address holds its secret token.
    "webhook": "PERMANENCE_WEBHOOK",
}
SECRET_KEYS = frozenset({"webhook"})


@dataclass(frozen=True)
class UserValue:
    """An effective per-user value and where it came from."""

    key: str
    value: str
    source: str  # "env:NAME", the config file path, or "" when unset


def config_dir() -> Path:
    """Return the user's config folder for permanence."""
    override = os.environ.get(CONFIG_DIR_VARIABLE)
    if override:
        return Path(override).expanduser()
    from platformdirs import user_config_dir

    return Path(user_config_dir("permanence"))


def config_file() -> Path:
    """Return the path of the user's ``config.yaml``."""
    return config_dir() / "config.yaml"


def _cache_file() -> Path:
    """Where the parsed config is kept (never in the workspace)."""
    override = os.environ.get(CONFIG_DIR_VARIABLE)
    if override:
        return Path(override).expanduser() / ".cache" / "config.pickle"
    from platformdirs import user_cache_dir

    return Path(user_cache_dir("permanence")) / "config.pickle"


def _read_file_values(path: Path) -> dict[str, str]:
    """Return the values of ``config.yaml``, parsed again only when it changed."""
    if not path.is_file():
        return {}
    from permanence.adapters.filecache import files_stamp, load_cached

    stamp = files_stamp([], [path])
    return load_cached(_cache_file(), stamp, lambda: _parse_file_values(path))


def _parse_file_values(path: Path) -> dict[str, str]:
    from permanence.adapters.yamlfile import (
        LocatedDict,
        load_yaml_file,
        unknown_key_problems,
    )

    document = load_yaml_file(path)
    if document is None:
        return {}
    if not isinstance(document, LocatedDict):
        message = _("the user config must be a list of 'key: value' lines")
        raise InvalidInputError([Problem(path, message, 1, 1)])
    problems = unknown_key_problems(document, USER_KEYS, path, "config.yaml")
    if problems:
        raise InvalidInputError(problems)
    return {key: str(value) for key, value in document.items() if value is not None}


def user_values() -> dict[str, UserValue]:
    """Return every per-user value with its source, environment first."""
    path = config_file()
    from_file = _read_file_values(path)
    values = {}
    for key, variable in USER_KEYS.items():
        if os.environ.get(variable):
            values[key] = UserValue(key, os.environ[variable], f"env:{variable}")
        elif key in from_file:
            values[key] = UserValue(key, from_file[key], str(path))
        else:
            values[key] = UserValue(key, "", "")
    return values


def user_value(key: str) -> str:
    """Return one effective per-user value ('' when unset)."""
    return user_values()[key].value
