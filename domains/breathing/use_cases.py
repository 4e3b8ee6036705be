"""Breathing use cases: serve the catalogue, log completed sessions, report totals."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import date
from typing import Any

from domains.breathing.catalogue import TECHNIQUES, technique
from domains.breathing.model import (
    BreathingSession,
    BreathingTotals,
    Technique,
    check_session,
)
from domains.breathing.ports import BreathingUnitOfWork
from domains.shared.clock import Clock
from domains.shared.days import UserDays, check_range
from domains.shared.errors import InvalidInput, NotFound
from domains.shared.events import EventPublisher, ProductiveAction
from domains.shared.ids import new_id

MAX_LIST = 200


@dataclass
class BreathingService:
    uow: Callable[[], BreathingUnitOfWork]
    user_days: UserDays
    clock: Clock
    events: EventPublisher

    def techniques(self) -> tuple[Technique, ...]:
        return TECHNIQUES

    def technique(self, slug: str) -> Technique:
        found = technique(slug)
        if found is None:
            raise NotFound(f"no breathing technique {slug[:40]!r}")
        return found

    async def log_session(
        self, user_id: str, technique_slug: str, cycles: int, duration_seconds: int
    ) -> BreathingSession:
        if technique(technique_slug) is None:
            raise InvalidInput(f"no breathing technique {technique_slug[:40]!r}", field="technique")
        check_session(cycles, duration_seconds)
        now = self.clock.now()
        user_day = await self.user_days.of(user_id)
        session = BreathingSession(
            id=new_id(),
            user_id=user_id,
            technique=technique_slug,
            cycles=cycles,
            duration_seconds=duration_seconds,
            completed_at=now,
            local_date=user_day.date_of(now),
        )
        async with self.uow() as uow:
            await uow.sessions.add(session)
            await self.events.publish(
                ProductiveAction(user_id, "breathing_session", now, session.local_date)
            )
            await uow.commit()
        return session

    async def session(self, user_id: str, session_id: str) -> BreathingSession:
        async with self.uow() as uow:
            found = await uow.sessions.get(user_id, session_id)
        if found is None:
            raise NotFound("no such breathing session")
        return found

    async def sessions(
        self,
        user_id: str,
        start: date | None = None,
        end: date | None = None,
        limit: int = 50,
    ) -> Sequence[BreathingSession]:
        if (start is None) != (end is None):
            raise InvalidInput("give both from and to, or neither", field="from")
        if start is not None and end is not None:
            check_range(start, end, (await self.user_days.of(user_id)).today)
        if not 1 <= limit <= MAX_LIST:
            raise InvalidInput(f"limit must be between 1 and {MAX_LIST}", field="limit")
        async with self.uow() as uow:
            return await uow.sessions.list(user_id, start, end, limit)

    async def delete_session(self, user_id: str, session_id: str) -> None:
        async with self.uow() as uow:
            if not await uow.sessions.delete(user_id, session_id):
                raise NotFound("no such breathing session")
            await uow.commit()

    async def totals(
        self, user_id: str, start: date | None = None, end: date | None = None
    ) -> BreathingTotals:
        """All-time per technique when no range is given; per day only within a range."""
        if (start is None) != (end is None):
            raise InvalidInput("give both from and to, or neither", field="from")
        if start is not None and end is not None:
            check_range(start, end, (await self.user_days.of(user_id)).today)
        async with self.uow() as uow:
            per_technique = tuple(await uow.sessions.per_technique(user_id, start, end))
            per_day = (
                tuple(await uow.sessions.per_day(user_id, start, end))
                if start is not None and end is not None
                else ()
            )
        return BreathingTotals(
            start=start,
            end=end,
            sessions=sum(t.sessions for t in per_technique),
            cycles=sum(t.cycles for t in per_technique),
            seconds=sum(t.seconds for t in per_technique),
            per_technique=per_technique,
            per_day=per_day,
        )


@dataclass
class BreathingUserData:
    """Export and erasure of a user's breathing history."""

    uow: Callable[[], BreathingUnitOfWork]
    name: str = "breathing"

    async def export(self, user_id: str) -> Any:
        async with self.uow() as uow:
            sessions = await uow.sessions.list(user_id, None, None, limit=1_000_000)
        return {
            "sessions": [
                {
                    "id": s.id,
                    "technique": s.technique,
                    "cycles": s.cycles,
                    "duration_seconds": s.duration_seconds,
                    "completed_at": s.completed_at.isoformat(),
                    "local_date": s.local_date.isoformat(),
                }
                for s in sessions
            ]
        }

    async def erase(self, user_id: str) -> None:
        async with self.uow() as uow:
            await uow.sessions.delete_for_user(user_id)
            await uow.commit()
