"""One action, one transaction: a habit mark and the app streak it advances are written through
one connection in one transaction (adapters.sql.unit_of_work), composed as the application
composes them: the production event bus, the streak subscribed to it, the read pool's zones."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator
from datetime import UTC, date, datetime
from typing import Any

import pytest
from sqlalchemy import event, text
from sqlalchemy.ext.asyncio import AsyncConnection, AsyncEngine

from adapters.sql.engine import create_engine
from adapters.sql.habits import SqlAlchemyHabitsUnitOfWork
from adapters.sql.read_pool import ReadPool
from adapters.sql.streaks import SqlAlchemyStreakRepository, SqlAlchemyStreakUnitOfWork
from adapters.sql.unit_of_work import JoinedWorkFailed
from adapters.sql.user_time_zones import AsyncpgUserTimeZones, SqlAlchemyUserTimeZones
from domains.habits.model import Schedule
from domains.habits.use_cases import HabitsService
from domains.shared.days import UserDays
from domains.shared.events import InProcessEventBus
from domains.streaks.model import StreakRecord
from domains.streaks.use_cases import StreakService
from entrypoints.composition.daily_life import subscribe_app_streak
from entrypoints.composition.resources import report_event_failure
from tests.adapters.accounts import new_user

TODAY = date(2026, 5, 4)


class StillClock:
    def now(self) -> datetime:
        return datetime(2026, 5, 4, 9, 0, tzinfo=UTC)


class Traffic:
    """What one block asks of the engine: connections checked out and transactions begun."""

    def __init__(self, engine: AsyncEngine) -> None:
        self.checkouts = self.begins = 0
        self._engine = engine

    def _checkout(self, *_: Any) -> None:
        self.checkouts += 1

    def _begin(self, *_: Any) -> None:
        self.begins += 1

    def __enter__(self) -> Traffic:
        event.listen(self._engine.sync_engine.pool, "checkout", self._checkout)
        event.listen(self._engine.sync_engine, "begin", self._begin)
        return self

    def __exit__(self, *_: object) -> None:
        event.remove(self._engine.sync_engine.pool, "checkout", self._checkout)
        event.remove(self._engine.sync_engine, "begin", self._begin)


class FailingStreakRepository(SqlAlchemyStreakRepository):
    """The streak's write fails in the database (the statement aborts the transaction)."""

    async def save(self, record: StreakRecord) -> None:
        await self._c.execute(text("UPDATE no_such_table SET n = 1"))


class FailingStreakUnitOfWork(SqlAlchemyStreakUnitOfWork):
    def _bind(self, connection: AsyncConnection) -> None:
        self.streaks = FailingStreakRepository(connection)


def compose(
    engine: AsyncEngine, days: UserDays, streak_uow: type[SqlAlchemyStreakUnitOfWork]
) -> tuple[HabitsService, StreakService]:
    bus = InProcessEventBus(on_error=report_event_failure)
    streaks = StreakService(uow=lambda: streak_uow(engine), user_days=days)
    subscribe_app_streak(bus, streaks)
    habits = HabitsService(
        uow=lambda: SqlAlchemyHabitsUnitOfWork(engine),
        user_days=days,
        clock=StillClock(),
        events=bus,
    )
    return habits, streaks


@pytest.fixture
async def postgres_engine(postgres_url: str) -> AsyncIterator[AsyncEngine]:
    engine = create_engine(postgres_url, pool_size=5, max_overflow=5)
    try:
        yield engine
    finally:
        await engine.dispose()


async def test_a_habit_mark_and_its_streak_are_one_checkout_and_one_transaction(
    postgres_engine: AsyncEngine,
) -> None:
    engine = postgres_engine
    user = await new_user(engine)
    pool = ReadPool(engine, max_size=1)
    try:
        days = UserDays(AsyncpgUserTimeZones(pool), StillClock())
        habits, streaks = compose(engine, days, SqlAlchemyStreakUnitOfWork)
        habit = await habits.create(user, "Read", Schedule.daily())
        with Traffic(engine) as traffic:
            await habits.mark(user, habit.id, TODAY, True)
        assert (traffic.checkouts, traffic.begins) == (1, 1)
        streak = await streaks.streak(user)
        assert (streak.current, streak.active_today) == (1, True)
        assert (await habits.get(user, habit.id)).done_today
    finally:
        await pool.close()


async def test_a_failing_streak_write_rolls_the_mark_back(engine: AsyncEngine) -> None:
    user = await new_user(engine)
    days = UserDays(SqlAlchemyUserTimeZones(engine), StillClock())
    habits, streaks = compose(engine, days, FailingStreakUnitOfWork)
    habit = await habits.create(user, "Read", Schedule.daily())
    with pytest.raises(JoinedWorkFailed):
        await habits.mark(user, habit.id, TODAY, True)
    progress = await habits.get(user, habit.id)
    assert (progress.done_today, progress.habit.completions) == (False, 0)
    assert await streaks.active_days(user, TODAY, TODAY) == []


async def test_a_unit_of_work_joins_only_its_own_tasks_transaction(engine: AsyncEngine) -> None:
    """Tasks started inside the block copy the ContextVar but get their own connection: one
    connection must not run two statements at once. (The task only reads: on SQLite a second
    writer would wait for the first.)"""
    async with SqlAlchemyStreakUnitOfWork(engine) as outer:

        async def connection_of_a_task() -> object:
            async with SqlAlchemyStreakUnitOfWork(engine, read_only=True) as inner:
                return inner.streaks._c

        async with SqlAlchemyStreakUnitOfWork(engine) as nested:
            assert nested.streaks._c is outer.streaks._c
            await nested.commit()
        assert await asyncio.create_task(connection_of_a_task()) is not outer.streaks._c
        await outer.commit()


async def test_a_nested_unit_of_work_left_without_commit_fails_the_outer_one(
    engine: AsyncEngine,
) -> None:
    user = await new_user(engine)
    async with SqlAlchemyStreakUnitOfWork(engine) as outer:
        await outer.streaks.add_action(user, TODAY)
        async with SqlAlchemyStreakUnitOfWork(engine) as nested:
            await nested.streaks.add_action(user, TODAY)
        with pytest.raises(JoinedWorkFailed):
            await outer.commit()
    async with SqlAlchemyStreakUnitOfWork(engine) as check:
        assert await check.streaks.actions_between(user, TODAY, TODAY) == []
