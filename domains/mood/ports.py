"""What mood needs from the outside world."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date
from typing import Protocol, Self

from domains.mood.model import DayMood, MoodEntry


class MoodRepository(Protocol):
    async def add(self, entry: MoodEntry) -> None: ...
    async def get(self, user_id: str, entry_id: str) -> MoodEntry | None:
        """None also when the entry belongs to another user."""
        ...

    async def update(self, entry: MoodEntry) -> None: ...
    async def delete(self, user_id: str, entry_id: str) -> bool: ...
    async def list(self, user_id: str, start: date, end: date) -> Sequence[MoodEntry]:
        """Oldest first, local dates start..end inclusive."""
        ...

    async def list_all(self, user_id: str) -> Sequence[MoodEntry]: ...
    async def per_day(self, user_id: str, start: date, end: date) -> Sequence[DayMood]:
        """Averages per local day that has entries, oldest first."""
        ...

    async def delete_for_user(self, user_id: str) -> None: ...


class MoodUnitOfWork(Protocol):
    @property
    def entries(self) -> MoodRepository:
        """Read-only, so adapters may narrow the type."""
        ...

    async def __aenter__(self) -> Self: ...
    async def __aexit__(self, *exc: object) -> None: ...
    async def commit(self) -> None: ...
