from __future__ import annotations

from collections.abc import Sequence
from datetime import date

from sqlalchemy import delete, select, update
from sqlalchemy.ext.asyncio import AsyncConnection

from adapters.sql.tables.streaks import app_streak_days as days_t
from adapters.sql.tables.streaks import app_streaks as streaks_t
from adapters.sql.unit_of_work import SqlUnitOfWork
from adapters.sql.upsert import insert_on_conflict
from domains.streaks.model import StreakRecord


class SqlAlchemyStreakRepository:
    def __init__(self, connection: AsyncConnection) -> None:
        self._c = connection

    async def add_action(self, user_id: str, day: date) -> bool:
        # The (user, day) primary key decides, inside the database, which action is the day's
        # first, even when several arrive at once from different workers.
        inserted = await self._c.execute(
            insert_on_conflict(self._c, days_t)
            .values(user_id=user_id, day=day, actions=1)
            .on_conflict_do_nothing(index_elements=["user_id", "day"])
        )
        if inserted.rowcount == 1:
            return True
        await self._c.execute(
            update(days_t)
            .where(days_t.c.user_id == user_id, days_t.c.day == day)
            .values(actions=days_t.c.actions + 1)
        )
        return False

    async def lock(self, user_id: str) -> None:
        await self._c.execute(
            insert_on_conflict(self._c, streaks_t)
            .values(user_id=user_id, last_day=None, last_run=0, longest=0, active_days=0)
            .on_conflict_do_nothing(index_elements=["user_id"])
        )
        # FOR UPDATE on PostgreSQL; SQLite's BEGIN IMMEDIATE already serialises writers.
        await self._c.execute(
            select(streaks_t.c.user_id).where(streaks_t.c.user_id == user_id).with_for_update()
        )

    async def get(self, user_id: str) -> StreakRecord | None:
        row = (
            (await self._c.execute(select(streaks_t).where(streaks_t.c.user_id == user_id)))
            .mappings()
            .first()
        )
        return StreakRecord(**row) if row else None

    async def save(self, record: StreakRecord) -> None:
        await self._c.execute(
            update(streaks_t)
            .where(streaks_t.c.user_id == record.user_id)
            .values(
                last_day=record.last_day,
                last_run=record.last_run,
                longest=record.longest,
                active_days=record.active_days,
            )
        )

    async def days(self, user_id: str) -> Sequence[date]:
        rows = await self._c.execute(select(days_t.c.day).where(days_t.c.user_id == user_id))
        return list(rows.scalars())

    async def actions_between(
        self, user_id: str, start: date, end: date
    ) -> Sequence[tuple[date, int]]:
        rows = await self._c.execute(
            select(days_t.c.day, days_t.c.actions)
            .where(days_t.c.user_id == user_id, days_t.c.day >= start, days_t.c.day <= end)
            .order_by(days_t.c.day)
        )
        return [(day, int(n)) for day, n in rows]

    async def delete_for_user(self, user_id: str) -> None:
        await self._c.execute(delete(days_t).where(days_t.c.user_id == user_id))
        await self._c.execute(delete(streaks_t).where(streaks_t.c.user_id == user_id))


class SqlAlchemyStreakUnitOfWork(SqlUnitOfWork):
    streaks: SqlAlchemyStreakRepository

    def _bind(self, connection: AsyncConnection) -> None:
        self.streaks = SqlAlchemyStreakRepository(connection)
