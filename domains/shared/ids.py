from __future__ import annotations

import uuid


def new_id() -> str:
    """A random, unguessable identifier (UUID4 as text), so ids leak nothing about counts."""
    return str(uuid.uuid4())


def is_id(value: str) -> bool:
    try:
        uuid.UUID(value)
    except (ValueError, AttributeError, TypeError):
        return False
    return True
