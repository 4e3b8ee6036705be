from __future__ import annotations

from typing import Protocol


class Cache(Protocol):
    """A shared, expiring key-value cache (Redis in production, in-process when embedded)."""

    async def get(self, key: str) -> bytes | None: ...

    async def set(self, key: str, value: bytes, ttl_seconds: int) -> None: ...

    async def delete(self, key: str) -> None: ...
