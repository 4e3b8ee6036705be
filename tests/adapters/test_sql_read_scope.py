"""A read scope (adapters.sql.unit_of_work.SqlReadScope): one connection and one read-only
transaction that the units of work opened inside it join. A write in a read scope is never
lost quietly."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator
from datetime import date

import pytest
from sqlalchemy import text
from sqlalchemy.exc import DBAPIError
from sqlalchemy.ext.asyncio import AsyncEngine

from adapters.sql.engine import create_engine
from adapters.sql.streaks import SqlAlchemyStreakUnitOfWork
from adapters.sql.unit_of_work import SqlReadScope, WriteInReadScope
from tests.adapters.accounts import new_user

TODAY = date(2026, 5, 4)


async def test_a_commit_inside_a_read_scope_raises_and_nothing_is_written(
    engine: AsyncEngine,
) -> None:
    user = await new_user(engine)
    async with SqlReadScope(engine)():
        async with SqlAlchemyStreakUnitOfWork(engine) as uow:
            if engine.dialect.name == "postgresql":
                # The read-only transaction refuses the write itself.
                with pytest.raises(DBAPIError, match="read-only transaction"):
                    await uow.streaks.add_action(user, TODAY)
            else:
                await uow.streaks.add_action(user, TODAY)
            with pytest.raises(WriteInReadScope, match="read scope"):
                await uow.commit()
    async with SqlAlchemyStreakUnitOfWork(engine, read_only=True) as check:
        assert await check.streaks.actions_between(user, TODAY, TODAY) == []


async def test_a_read_scope_reads_one_snapshot_and_holds_up_no_writer(
    engine: AsyncEngine,
) -> None:
    """A write committed by another task while the scope is open is not seen inside it (one
    consistent view), and the writer does not wait for the scope (on SQLite the scope's
    transaction is deferred: it takes no write lock)."""
    user = await new_user(engine)

    async def reads() -> list[tuple[date, int]]:
        async with SqlAlchemyStreakUnitOfWork(engine, read_only=True) as uow:
            return list(await uow.streaks.actions_between(user, TODAY, TODAY))

    async def writes() -> None:
        async with SqlAlchemyStreakUnitOfWork(engine) as uow:
            await uow.streaks.add_action(user, TODAY)
            await uow.commit()

    async with SqlReadScope(engine)():
        assert await reads() == []
        await asyncio.wait_for(asyncio.create_task(writes()), timeout=5)
        assert await reads() == []
    assert await reads() == [(TODAY, 1)]


@pytest.fixture
async def one_connection(postgres_url: str) -> AsyncIterator[AsyncEngine]:
    engine = create_engine(postgres_url, pool_size=1, max_overflow=0)
    try:
        yield engine
    finally:
        await engine.dispose()


async def test_on_postgresql_a_read_scope_is_repeatable_read_and_read_only_and_then_reset(
    one_connection: AsyncEngine,
) -> None:
    engine = one_connection

    async def characteristics() -> tuple[str, str]:
        async with SqlAlchemyStreakUnitOfWork(engine) as uow:
            connection = uow.streaks._c
            isolation = (await connection.execute(text("SHOW transaction_isolation"))).scalar()
            read_only = (await connection.execute(text("SHOW transaction_read_only"))).scalar()
            return str(isolation), str(read_only)

    async with SqlReadScope(engine)():
        assert await characteristics() == ("repeatable read", "on")
    # The pool's one connection, back to the engine's defaults for the next unit of work.
    assert await characteristics() == ("read committed", "off")


async def test_a_read_scope_inside_a_transaction_reads_through_it(engine: AsyncEngine) -> None:
    """Opened while the task holds a unit of work's transaction, the scope adds nothing: the
    reads see that transaction's writes, and its commit still commits."""
    user = await new_user(engine)
    async with SqlAlchemyStreakUnitOfWork(engine) as outer:
        await outer.streaks.add_action(user, TODAY)
        async with SqlReadScope(engine)():
            async with SqlAlchemyStreakUnitOfWork(engine, read_only=True) as inner:
                assert inner.streaks._c is outer.streaks._c
                assert await inner.streaks.actions_between(user, TODAY, TODAY) == [(TODAY, 1)]
        await outer.commit()
    async with SqlAlchemyStreakUnitOfWork(engine, read_only=True) as check:
        assert await check.streaks.actions_between(user, TODAY, TODAY) == [(TODAY, 1)]


async def test_after_a_read_scope_units_of_work_commit_again(engine: AsyncEngine) -> None:
    user = await new_user(engine)
    async with SqlReadScope(engine)():
        async with SqlAlchemyStreakUnitOfWork(engine, read_only=True) as inside:
            await inside.streaks.actions_between(user, TODAY, TODAY)
    async with SqlAlchemyStreakUnitOfWork(engine) as after:
        await after.streaks.add_action(user, TODAY)
        await after.commit()
    async with SqlAlchemyStreakUnitOfWork(engine, read_only=True) as check:
        assert await check.streaks.actions_between(user, TODAY, TODAY) == [(TODAY, 1)]
