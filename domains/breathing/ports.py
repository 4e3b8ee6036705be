"""What breathing needs from the outside world."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date
from typing import Protocol, Self

from domains.breathing.model import BreathingSession, DayTotal, TechniqueTotal


class BreathingSessionRepository(Protocol):
    async def add(self, session: BreathingSession) -> None: ...
    async def get(self, user_id: str, session_id: str) -> BreathingSession | None:
        """None also when the session belongs to another user."""
        ...

    async def list(
        self, user_id: str, start: date | None, end: date | None, limit: int
    ) -> Sequence[BreathingSession]:
        """Newest first, on the sessions' local dates between start and end inclusive."""
        ...

    async def delete(self, user_id: str, session_id: str) -> bool: ...
    async def per_technique(
        self, user_id: str, start: date | None, end: date | None
    ) -> Sequence[TechniqueTotal]: ...
    async def per_day(self, user_id: str, start: date, end: date) -> Sequence[DayTotal]: ...
    async def delete_for_user(self, user_id: str) -> None: ...


class BreathingUnitOfWork(Protocol):
    @property
    def sessions(self) -> BreathingSessionRepository:
        """Read-only, so adapters may narrow the type."""
        ...

    async def __aenter__(self) -> Self: ...
    async def __aexit__(self, *exc: object) -> None: ...
    async def commit(self) -> None: ...
