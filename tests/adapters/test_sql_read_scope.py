"""One view, one read: the dashboard, a day and a month ask their sections inside one read scope
(adapters.sql.unit_of_work.SqlReadScope), so every section's SQL goes through one connection
checkout and one read-only transaction, composed as the application composes them. A write in
a read scope is never lost quietly."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator, Callable
from datetime import date
from typing import Any

import pytest
from sqlalchemy import text
from sqlalchemy.exc import DBAPIError
from sqlalchemy.ext.asyncio import AsyncEngine

from adapters.sql.engine import create_engine
from adapters.sql.migrate import upgrade
from adapters.sql.streaks import SqlAlchemyStreakUnitOfWork
from adapters.sql.unit_of_work import SqlReadScope, WriteInReadScope
from adapters.sql.user_time_zones import remembered_for_one_request
from domains.calendar.use_cases import CalendarService
from domains.habits.model import Schedule
from entrypoints.composition import resources
from entrypoints.composition.containers import Application, wire_events
from entrypoints.settings import Settings
from tests.adapters.accounts import new_user
from tests.adapters.test_sql_one_transaction import Traffic

TODAY = date(2026, 5, 4)


@pytest.fixture(params=["sqlite", "postgres"])
def settings(request: pytest.FixtureRequest, make_settings: Callable[..., Settings]) -> Settings:
    """Embedded settings on a SQLite file, or on the test PostgreSQL (with its read pool)."""
    if request.param == "sqlite":
        return make_settings()
    return make_settings(database_url=request.getfixturevalue("postgres_url"))


@pytest.fixture
async def application(settings: Settings) -> AsyncIterator[Application]:
    """The application's containers, composed as the API composes them."""
    container = Application(settings=settings)
    wire_events(container)
    engine = container.infrastructure.engine()
    if engine.dialect.name == "sqlite":
        await upgrade(engine)
    try:
        yield container
    finally:
        await resources.close_resources(container)


async def _with_a_little_of_everything(container: Application) -> tuple[str, date]:
    user = await new_user(container.infrastructure.engine())
    today = (await container.infrastructure.user_days().of(user)).today
    habit = await container.habits.service().create(user, "Read", Schedule.daily())
    await container.habits.service().mark(user, habit.id, today, True)
    await container.mood.service().record(user, happiness=4, focus=3, stress=2)
    await container.breathing.service().log_session(user, "box", 4, 64)
    await container.goals.service().create(
        user, title="Run 5k", horizon="two_week", kind="percentage"
    )
    return user, today


async def _view(calendar: CalendarService, view: str, user: str, today: date) -> Any:
    if view == "dashboard":
        return await calendar.dashboard(user)
    if view == "day":
        return await calendar.day(user, today)
    return await calendar.month(user, today.year, today.month)


@pytest.mark.parametrize("view", ["dashboard", "day", "month"])
async def test_a_calendar_view_is_one_checkout_and_one_transaction(
    application: Application, view: str
) -> None:
    """Every section reads its own domain through its own unit of work; they all join the view's
    read scope. (The habits' raw asyncpg read pool on PostgreSQL is not the engine's, and the
    user's zone is read once per request, before the view's scope, as the gate's request scope
    remembers it.)"""
    user, today = await _with_a_little_of_everything(application)
    engine = application.infrastructure.engine()
    calendar = application.calendar.service()
    with remembered_for_one_request():
        await application.infrastructure.user_days().of(user)
        with Traffic(engine) as traffic:
            found = await _view(calendar, view, user, today)
    assert (traffic.checkouts, traffic.begins) == (1, 1)
    if view == "dashboard":
        sections = found.sections
        assert sections["today"]["mood"]["average"]["happiness"] == 4
        assert sections["today"]["habits"]["done"] == 1
        assert sections["today"]["breathing"]["sessions"] == 1
        assert sections["today"]["activity"] == {"active": True, "actions": 3}
        assert sections["goals"]["active"] == 1
        assert sections["streak"]["current"] == 1
    elif view == "day":
        assert found.sections["mood"]["entries"][0]["happiness"] == 4
        assert found.sections["habits"]["done"] == 1
    else:
        (entry,) = [d for d in found.days if d["date"] == today]
        assert entry["habits"] == {"done": 1}
        assert entry["breathing"] == {"sessions": 1, "seconds": 64}


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
