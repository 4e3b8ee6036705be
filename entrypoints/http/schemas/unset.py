"""Partial updates, read one way everywhere: a member the client left out is msgspec's UNSET,
which the services read as None ("leave it"); `changes` gives only the members sent."""

from __future__ import annotations

from typing import Any, TypeVar

import msgspec

T = TypeVar("T")


def given(value: T | msgspec.UnsetType) -> T | None:
    """The value sent, or None when the member was left out."""
    return None if value is msgspec.UNSET else value


def changes(update: msgspec.Struct) -> dict[str, Any]:
    """The members of a partial update that the client sent, by name."""
    return {
        name: value
        for name in update.__struct_fields__
        if (value := getattr(update, name)) is not msgspec.UNSET
    }
