"""The Habits repositories on both databases the product runs on."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta

import pytest
from sqlalchemy.ext.asyncio import AsyncEngine

from adapters.sql.habits import SqlAlchemyHabitsUnitOfWork
from domains.habits.errors import HabitNameTaken
from domains.habits.model import Habit, Schedule
from domains.habits.use_cases import HabitsUserData
from domains.shared.errors import Conflict
from domains.shared.ids import new_id
from tests.adapters.accounts import delete_user, new_user

NOW = datetime(2026, 3, 29, 0, 30, tzinfo=UTC)
DAY = date(2026, 3, 29)


def a_habit(user_id: str, name: str = "Read", schedule: Schedule | None = None) -> Habit:
    return Habit(
        id=new_id(),
        user_id=user_id,
        name=name,
        schedule=schedule or Schedule.daily(),
        created_on=DAY,
        created_at=NOW,
        updated_at=NOW,
    )


async def add(engine: AsyncEngine, *habits: Habit) -> None:
    async with SqlAlchemyHabitsUnitOfWork(engine) as uow:
        for habit in habits:
            await uow.habits.add(habit)
        await uow.commit()


@pytest.mark.parametrize("schedule", [Schedule.daily(), Schedule.on(0, 3, 6), Schedule.per_week(3)])
async def test_a_habit_round_trips_with_its_schedule(
    engine: AsyncEngine, schedule: Schedule
) -> None:
    habit = a_habit(await new_user(engine), schedule=schedule)
    await add(engine, habit)
    async with SqlAlchemyHabitsUnitOfWork(engine) as uow:
        assert await uow.habits.get(habit.id) == habit


async def test_names_are_unique_per_user_whatever_the_case(engine: AsyncEngine) -> None:
    ada, bob = await new_user(engine), await new_user(engine)
    await add(engine, a_habit(ada, "Read"), a_habit(bob, "read"))
    with pytest.raises(HabitNameTaken):
        await add(engine, a_habit(ada, "READ"))
    write = a_habit(ada, "Write")
    await add(engine, write)
    write.name = "rEaD"
    async with SqlAlchemyHabitsUnitOfWork(engine) as uow:
        with pytest.raises(HabitNameTaken):
            await uow.habits.update(write)


async def test_the_list_puts_favourites_first_and_hides_archived(engine: AsyncEngine) -> None:
    user = await new_user(engine)
    alpha, beta, gone = a_habit(user, "alpha"), a_habit(user, "Beta"), a_habit(user, "Gone")
    beta.favourite, gone.archived = True, True
    await add(engine, alpha, beta, gone)
    async with SqlAlchemyHabitsUnitOfWork(engine) as uow:
        active = await uow.habits.list_for_user(user, include_archived=False)
        every = await uow.habits.list_for_user(user, include_archived=True)
    assert [h.name for h in active] == ["Beta", "alpha"]
    assert [h.name for h in every] == ["Beta", "alpha", "Gone"]


async def test_a_day_is_marked_once_and_unmarked_once(engine: AsyncEngine) -> None:
    user = await new_user(engine)
    habit = a_habit(user)
    await add(engine, habit)
    async with SqlAlchemyHabitsUnitOfWork(engine) as uow:
        assert await uow.marks.mark(habit.id, user, DAY, NOW)
        assert not await uow.marks.mark(habit.id, user, DAY, NOW)
        assert await uow.marks.mark(habit.id, user, DAY - timedelta(days=1), NOW)
        assert await uow.marks.unmark(habit.id, DAY - timedelta(days=1))
        assert not await uow.marks.unmark(habit.id, DAY - timedelta(days=1))
        await uow.habits.add_to_count(habit.id, 1)
        await uow.commit()
    async with SqlAlchemyHabitsUnitOfWork(engine) as uow:
        assert await uow.marks.days(habit.id) == {DAY}
        assert (await uow.marks.days_of([habit.id, new_id()]))[habit.id] == {DAY}
        assert await uow.marks.days_of([]) == {}
        stored = await uow.habits.get(habit.id)
    assert stored is not None and stored.completions == 1


async def test_deleting_a_habit_or_the_account_removes_the_marks(engine: AsyncEngine) -> None:
    user = await new_user(engine)
    read, write = a_habit(user, "Read"), a_habit(user, "Write")
    await add(engine, read, write)
    async with SqlAlchemyHabitsUnitOfWork(engine) as uow:
        await uow.marks.mark(read.id, user, DAY, NOW)
        await uow.marks.mark(write.id, user, DAY, NOW)
        await uow.habits.delete(read.id)
        await uow.commit()
    async with SqlAlchemyHabitsUnitOfWork(engine) as uow:
        assert [m[0] for m in await uow.marks.list_for_user(user)] == [write.id]
    await delete_user(engine, user)
    async with SqlAlchemyHabitsUnitOfWork(engine) as uow:
        assert await uow.marks.list_for_user(user) == []
        assert await uow.habits.get(write.id) is None


async def test_erasure_removes_only_the_users_habits(engine: AsyncEngine) -> None:
    ada, bob = await new_user(engine), await new_user(engine)
    adas, bobs = a_habit(ada), a_habit(bob)
    await add(engine, adas, bobs)
    async with SqlAlchemyHabitsUnitOfWork(engine) as uow:
        await uow.marks.mark(adas.id, ada, DAY, NOW)
        await uow.marks.mark(bobs.id, bob, DAY, NOW)
        await uow.commit()
    data = HabitsUserData(uow=lambda: SqlAlchemyHabitsUnitOfWork(engine))
    assert (await data.export(ada))[0]["done_days"] == ["2026-03-29"]
    await data.erase(ada)
    assert await data.export(ada) == []
    assert (await data.export(bob))[0]["done_days"] == ["2026-03-29"]


async def test_a_habit_of_a_vanished_account_is_a_conflict_not_a_name_clash(
    engine: AsyncEngine,
) -> None:
    with pytest.raises(Conflict) as refused:
        await add(engine, a_habit(new_id()))
    assert not isinstance(refused.value, HabitNameTaken)
