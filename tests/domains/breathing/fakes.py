"""In-memory fakes of breathing's ports."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Sequence
from dataclasses import replace
from datetime import UTC, date, datetime

from domains.breathing.model import BreathingSession, DayTotal, TechniqueTotal
from tests.support.fakes import AutoCommitUnitOfWork
from tests.support.fakes import FakeClock as SharedFakeClock
from tests.support.fakes import FakeEvents as FakeEvents
from tests.support.fakes import FakeZones as FakeZones


class FakeClock(SharedFakeClock):
    start = datetime(2026, 3, 10, 12, 0, tzinfo=UTC)


def _within(s: BreathingSession, start: date | None, end: date | None) -> bool:
    return (start is None or s.local_date >= start) and (end is None or s.local_date <= end)


class FakeSessions:
    def __init__(self, rows: dict[str, BreathingSession]) -> None:
        self.rows = rows

    async def add(self, session: BreathingSession) -> None:
        self.rows[session.id] = replace(session)

    async def get(self, user_id: str, session_id: str) -> BreathingSession | None:
        found = self.rows.get(session_id)
        return replace(found) if found and found.user_id == user_id else None

    async def list(
        self, user_id: str, start: date | None, end: date | None, limit: int
    ) -> Sequence[BreathingSession]:
        mine = [s for s in self.rows.values() if s.user_id == user_id and _within(s, start, end)]
        return sorted(mine, key=lambda s: s.completed_at, reverse=True)[:limit]

    async def delete(self, user_id: str, session_id: str) -> bool:
        if await self.get(user_id, session_id) is None:
            return False
        del self.rows[session_id]
        return True

    async def per_technique(
        self, user_id: str, start: date | None, end: date | None
    ) -> Sequence[TechniqueTotal]:
        groups: dict[str, list[BreathingSession]] = defaultdict(list)
        for s in await self.list(user_id, start, end, 10**9):
            groups[s.technique].append(s)
        return [
            TechniqueTotal(t, len(g), sum(s.cycles for s in g), sum(s.duration_seconds for s in g))
            for t, g in sorted(groups.items())
        ]

    async def per_day(self, user_id: str, start: date, end: date) -> Sequence[DayTotal]:
        groups: dict[date, list[BreathingSession]] = defaultdict(list)
        for s in await self.list(user_id, start, end, 10**9):
            groups[s.local_date].append(s)
        return [
            DayTotal(d, len(g), sum(s.cycles for s in g), sum(s.duration_seconds for s in g))
            for d, g in sorted(groups.items())
        ]

    async def delete_for_user(self, user_id: str) -> None:
        for key in [k for k, s in self.rows.items() if s.user_id == user_id]:
            del self.rows[key]


class FakeBreathingUnitOfWork(AutoCommitUnitOfWork):
    def __init__(self, rows: dict[str, BreathingSession]) -> None:
        self.sessions = FakeSessions(rows)
