from __future__ import annotations

from collections.abc import Sequence
from datetime import date
from typing import Any

from sqlalchemy import delete, func, insert, select
from sqlalchemy.ext.asyncio import AsyncConnection

from adapters.sql.tables.breathing import breathing_sessions as t
from adapters.sql.unit_of_work import SqlUnitOfWork
from domains.breathing.model import BreathingSession, DayTotal, TechniqueTotal


def _between(start: date | None, end: date | None) -> list[Any]:
    where = []
    if start is not None:
        where.append(t.c.local_date >= start)
    if end is not None:
        where.append(t.c.local_date <= end)
    return where


class SqlAlchemyBreathingSessionRepository:
    def __init__(self, connection: AsyncConnection) -> None:
        self._c = connection

    async def add(self, session: BreathingSession) -> None:
        await self._c.execute(
            insert(t).values(
                id=session.id,
                user_id=session.user_id,
                technique=session.technique,
                cycles=session.cycles,
                duration_seconds=session.duration_seconds,
                completed_at=session.completed_at,
                local_date=session.local_date,
            )
        )

    async def get(self, user_id: str, session_id: str) -> BreathingSession | None:
        row = (
            (await self._c.execute(select(t).where(t.c.id == session_id, t.c.user_id == user_id)))
            .mappings()
            .first()
        )
        return BreathingSession(**row) if row else None

    async def list(
        self, user_id: str, start: date | None, end: date | None, limit: int
    ) -> Sequence[BreathingSession]:
        rows = await self._c.execute(
            select(t)
            .where(t.c.user_id == user_id, *_between(start, end))
            .order_by(t.c.completed_at.desc(), t.c.id)
            .limit(limit)
        )
        return [BreathingSession(**row) for row in rows.mappings()]

    async def delete(self, user_id: str, session_id: str) -> bool:
        result = await self._c.execute(
            delete(t).where(t.c.id == session_id, t.c.user_id == user_id)
        )
        return result.rowcount == 1

    async def per_technique(
        self, user_id: str, start: date | None, end: date | None
    ) -> Sequence[TechniqueTotal]:
        rows = await self._c.execute(
            select(
                t.c.technique,
                func.count(),
                func.sum(t.c.cycles),
                func.sum(t.c.duration_seconds),
            )
            .where(t.c.user_id == user_id, *_between(start, end))
            .group_by(t.c.technique)
            .order_by(t.c.technique)
        )
        return [TechniqueTotal(name, int(n), int(c), int(s)) for name, n, c, s in rows]

    async def per_day(self, user_id: str, start: date, end: date) -> Sequence[DayTotal]:
        rows = await self._c.execute(
            select(
                t.c.local_date,
                func.count(),
                func.sum(t.c.cycles),
                func.sum(t.c.duration_seconds),
            )
            .where(t.c.user_id == user_id, *_between(start, end))
            .group_by(t.c.local_date)
            .order_by(t.c.local_date)
        )
        return [DayTotal(day, int(n), int(c), int(s)) for day, n, c, s in rows]

    async def delete_for_user(self, user_id: str) -> None:
        await self._c.execute(delete(t).where(t.c.user_id == user_id))


class SqlAlchemyBreathingUnitOfWork(SqlUnitOfWork):
    sessions: SqlAlchemyBreathingSessionRepository

    def _bind(self, connection: AsyncConnection) -> None:
        self.sessions = SqlAlchemyBreathingSessionRepository(connection)
