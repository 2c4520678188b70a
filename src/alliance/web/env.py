"""Typed readers for settings taken from the environment: each refuses a bad value at start-up.

A clinic server that starts with a typo in its configuration runs with a setting nobody chose;
these readers stop it instead, naming the variable and what it accepts.
"""

from __future__ import annotations

import os
from collections.abc import Collection

TRUE = frozenset({"1", "true", "yes", "on"})
FALSE = frozenset({"0", "false", "no", "off"})


class SettingError(ValueError):
    """An environment variable holds a value its setting does not accept."""


def _raw(name: str) -> str | None:
    value = os.environ.get(name)
    if value is None or value.strip() == "":
        return None
    return value.strip()


def env_str(name: str, default: str) -> str:
    """A text setting, or ``default`` when unset or blank."""
    value = _raw(name)
    return default if value is None else value


def env_optional(name: str) -> str | None:
    """A text setting that may be absent."""
    return _raw(name)


def env_bool(name: str, default: bool) -> bool:
    """A yes/no setting: 1/true/yes/on or 0/false/no/off, any case."""
    value = _raw(name)
    if value is None:
        return default
    if value.lower() in TRUE:
        return True
    if value.lower() in FALSE:
        return False
    raise SettingError(f"{name}={value!r}: expected one of true/false, yes/no, on/off, 1/0")


def env_int(name: str, default: int, *, minimum: int, maximum: int) -> int:
    """A whole-number setting within ``minimum``..``maximum``."""
    value = _raw(name)
    if value is None:
        return default
    try:
        number = int(value)
    except ValueError:
        raise SettingError(f"{name}={value!r}: expected a whole number") from None
    if not minimum <= number <= maximum:
        raise SettingError(f"{name}={number}: expected a number from {minimum} to {maximum}")
    return number


def env_choice(name: str, default: str, choices: Collection[str]) -> str:
    """A setting that must be one of ``choices``."""
    value = _raw(name)
    if value is None:
        return default
    if value not in choices:
        raise SettingError(f"{name}={value!r}: expected one of {', '.join(sorted(choices))}")
    return value


def env_list(name: str, default: list[str]) -> list[str]:
    """A comma-separated list setting; blank entries are dropped."""
    value = _raw(name)
    if value is None:
        return list(default)
    return [part.strip() for part in value.split(",") if part.strip()]
