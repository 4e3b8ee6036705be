"""The habits read port on raw asyncpg answers exactly as the SQLAlchemy repositories do."""

from __future__ import annotations

from datetime import timedelta

from adapters.sql.engine import create_engine
from adapters.sql.habits import AsyncpgHabitsReader, SqlAlchemyHabitsUnitOfWork
from adapters.sql.read_pool import ReadPool
from domains.habits.model import Schedule
from domains.shared.ids import new_id
from tests.adapters.accounts import new_user
from tests.adapters.test_sql_habits import DAY, NOW, a_habit, add


async def test_the_asyncpg_reader_answers_row_for_row_as_the_repositories(
    postgres_url: str,
) -> None:
    engine = create_engine(postgres_url, pool_size=5)
    pool = ReadPool(engine, max_size=2)
    try:
        user = await new_user(engine)
        read = a_habit(user, "read", Schedule.on(0, 3, 6))
        walk = a_habit(user, "Walk", Schedule.per_week(3))
        walk.favourite = True
        gone = a_habit(user, "Archived one")
        gone.archived = True
        empty = a_habit(user, "Never done")
        await add(engine, read, walk, gone, empty)
        async with SqlAlchemyHabitsUnitOfWork(engine) as uow:
            for days_ago in (0, 1, 3):
                await uow.marks.mark(read.id, user, DAY - timedelta(days=days_ago), NOW)
            await uow.marks.mark(walk.id, user, DAY, NOW)
            await uow.commit()
        ids = [read.id, walk.id, gone.id, empty.id]
        async with SqlAlchemyHabitsUnitOfWork(engine, read_only=True) as uow:
            active = await uow.habits.list_for_user(user, include_archived=False)
            everything = await uow.habits.list_for_user(user, include_archived=True)
            days_of = await uow.marks.days_of(ids)
            days = await uow.marks.days(read.id)
        async with AsyncpgHabitsReader(pool) as reader:
            assert await reader.habits.list_for_user(user, include_archived=False) == active
            assert await reader.habits.list_for_user(user, include_archived=True) == everything
            assert [h.name for h in active] == ["Walk", "Never done", "read"]  # favourites first
            assert len(everything) == 4
            assert await reader.habits.get(read.id) == read
            assert await reader.habits.get(new_id()) is None
            assert (
                await reader.marks.days(read.id)
                == days
                == {DAY, DAY - timedelta(1), DAY - timedelta(3)}
            )
            assert await reader.marks.days_of(ids) == days_of
            assert (await reader.marks.days_of(ids))[empty.id] == set()
            assert await reader.marks.days_of([]) == {}
            loaded = await reader.habits.get(walk.id)
            assert loaded is not None and loaded.created_at.utcoffset() == timedelta(0)
        for _ in range(4):  # released connections serve the next reader
            async with AsyncpgHabitsReader(pool) as reader:
                assert await reader.habits.get(read.id) == read
    finally:
        await pool.close()
        await engine.dispose()
