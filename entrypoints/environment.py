"""Settings from the environment, read one way by both runtimes: the API's Settings
(entrypoints.settings) and the functions' LambdaSettings (entrypoints.composition.lambdas) are
dataclasses whose fields name their variables; read_env reads and converts them. Standard
library only, so the Lambda zip carries it without the API's database drivers."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import Field, fields
from pathlib import Path
from typing import Any, get_args, get_type_hints


class SettingsError(ValueError):
    """A setting is missing or has a bad value; the message names the variable."""


def env(*names: str) -> dict[str, tuple[str, ...]]:
    """A field's metadata naming the variables it is read from, the first one set winning:
    for a setting whose variable is not REFOCUSED_<NAME> (a customary name such as PORT, the
    names the platform gives the functions' resources, AWS's own)."""
    return {"env": names}


def env_names(setting: Field[Any]) -> tuple[str, ...]:
    """The variables a setting is read from, the first one set winning: those its field names
    with env(), else REFOCUSED_<NAME>."""
    return tuple(setting.metadata.get("env", (f"REFOCUSED_{setting.name.upper()}",)))


def read_env(settings_class: type[Any], environ: Mapping[str, str]) -> dict[str, Any]:
    """The values of the settings a dataclass's fields name that the environment sets: each
    from its variables (env_names), converted to the field's annotated type. A blank variable
    is unset (the field keeps its default); a bad value is a SettingsError naming the
    variable."""
    hints = get_type_hints(settings_class)
    values: dict[str, Any] = {}
    for setting in fields(settings_class):
        for name in env_names(setting):
            raw = environ.get(name, "")
            if raw.strip():
                values[setting.name] = _parse(name, raw, hints[setting.name])
                break
    return values


def _parse(name: str, raw: str, kind: Any) -> Any:
    raw = raw.strip()
    args = get_args(kind)
    try:
        if kind is bool or set(args) == {bool, type(None)}:
            lowered = raw.lower()
            if lowered in {"1", "true", "yes", "on"}:
                return True
            if lowered in {"0", "false", "no", "off"}:
                return False
            raise ValueError("expected true or false")
        if kind is int:
            return int(raw)
        if kind is Path or set(args) == {Path, type(None)}:
            return Path(raw) if raw else None if type(None) in args else Path(raw)
        if kind == tuple[str, ...]:
            return tuple(part.strip() for part in raw.split(",") if part.strip())
        if args and all(isinstance(a, str) for a in args):
            if raw not in args:
                raise ValueError(f"expected one of {', '.join(args)}")
            return raw
        return raw
    except ValueError as e:
        raise SettingsError(f"{name}={raw!r} is not valid: {e}") from None
