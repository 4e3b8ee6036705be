"""What the app streak needs from the outside world."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date
from typing import Protocol, Self

from domains.streaks.model import StreakRecord


class StreakRepository(Protocol):
    async def add_action(self, user_id: str, day: date) -> bool:
        """Count one action on `day`, atomically. True when it is the day's first action (the
        day is new), False when the day was already active: that is what makes it idempotent."""
        ...

    async def lock(self, user_id: str) -> None:
        """Make sure the user's record exists and hold it until the unit of work ends, so
        concurrent new days for one user are summarised one after the other."""
        ...

    async def get(self, user_id: str) -> StreakRecord | None: ...
    async def save(self, record: StreakRecord) -> None: ...
    async def days(self, user_id: str) -> Sequence[date]: ...
    async def actions_between(
        self, user_id: str, start: date, end: date
    ) -> Sequence[tuple[date, int]]:
        """(day, number of actions) for the active days in start..end inclusive."""
        ...

    async def delete_for_user(self, user_id: str) -> None: ...


class StreakUnitOfWork(Protocol):
    @property
    def streaks(self) -> StreakRepository:
        """Read-only, so adapters may narrow the type."""
        ...

    async def __aenter__(self) -> Self: ...
    async def __aexit__(self, *exc: object) -> None: ...
    async def commit(self) -> None: ...
