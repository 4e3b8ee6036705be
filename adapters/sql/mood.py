from __future__ import annotations

from collections.abc import Sequence
from datetime import date

from sqlalchemy import delete, func, insert, select, update
from sqlalchemy.ext.asyncio import AsyncConnection

from adapters.sql.tables.mood import mood_entries as t
from adapters.sql.unit_of_work import SqlUnitOfWork
from domains.mood.model import DayMood, MoodEntry


class SqlAlchemyMoodRepository:
    def __init__(self, connection: AsyncConnection) -> None:
        self._c = connection

    async def add(self, entry: MoodEntry) -> None:
        await self._c.execute(
            insert(t).values(
                id=entry.id,
                user_id=entry.user_id,
                happiness=entry.happiness,
                focus=entry.focus,
                stress=entry.stress,
                note=entry.note,
                recorded_at=entry.recorded_at,
                local_date=entry.local_date,
            )
        )

    async def get(self, user_id: str, entry_id: str) -> MoodEntry | None:
        row = (
            (await self._c.execute(select(t).where(t.c.id == entry_id, t.c.user_id == user_id)))
            .mappings()
            .first()
        )
        return MoodEntry(**row) if row else None

    async def update(self, entry: MoodEntry) -> None:
        await self._c.execute(
            update(t)
            .where(t.c.id == entry.id, t.c.user_id == entry.user_id)
            .values(
                happiness=entry.happiness, focus=entry.focus, stress=entry.stress, note=entry.note
            )
        )

    async def delete(self, user_id: str, entry_id: str) -> bool:
        result = await self._c.execute(delete(t).where(t.c.id == entry_id, t.c.user_id == user_id))
        return result.rowcount == 1

    async def list(self, user_id: str, start: date, end: date) -> Sequence[MoodEntry]:
        rows = await self._c.execute(
            select(t)
            .where(t.c.user_id == user_id, t.c.local_date >= start, t.c.local_date <= end)
            .order_by(t.c.recorded_at, t.c.id)
        )
        return [MoodEntry(**row) for row in rows.mappings()]

    async def list_all(self, user_id: str) -> Sequence[MoodEntry]:
        rows = await self._c.execute(
            select(t).where(t.c.user_id == user_id).order_by(t.c.recorded_at, t.c.id)
        )
        return [MoodEntry(**row) for row in rows.mappings()]

    async def per_day(self, user_id: str, start: date, end: date) -> Sequence[DayMood]:
        rows = await self._c.execute(
            select(
                t.c.local_date,
                func.count(),
                func.avg(t.c.happiness),
                func.avg(t.c.focus),
                func.avg(t.c.stress),
            )
            .where(t.c.user_id == user_id, t.c.local_date >= start, t.c.local_date <= end)
            .group_by(t.c.local_date)
            .order_by(t.c.local_date)
        )
        return [
            DayMood(day, int(n), round(float(h), 2), round(float(f), 2), round(float(s), 2))
            for day, n, h, f, s in rows
        ]

    async def delete_for_user(self, user_id: str) -> None:
        await self._c.execute(delete(t).where(t.c.user_id == user_id))


class SqlAlchemyMoodUnitOfWork(SqlUnitOfWork):
    entries: SqlAlchemyMoodRepository

    def _bind(self, connection: AsyncConnection) -> None:
        self.entries = SqlAlchemyMoodRepository(connection)
