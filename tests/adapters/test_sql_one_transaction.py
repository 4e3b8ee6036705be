"""One action, one transaction (adapters.sql.unit_of_work): a unit of work opened while the
same task holds another's transaction joins it."""

from __future__ import annotations

import asyncio
from datetime import date

import pytest
from sqlalchemy.ext.asyncio import AsyncEngine

from adapters.sql.streaks import SqlAlchemyStreakUnitOfWork
from adapters.sql.unit_of_work import JoinedWorkFailed
from tests.adapters.accounts import new_user

TODAY = date(2026, 5, 4)


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
