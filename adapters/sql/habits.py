from __future__ import annotations

from collections.abc import Collection, Mapping, Sequence
from datetime import date, datetime
from typing import Any

from sqlalchemy import delete, exc, insert, select, update
from sqlalchemy.ext.asyncio import AsyncConnection

from adapters.sql.constraints import unique_columns
from adapters.sql.tables.habits import habit_marks, habits
from adapters.sql.unit_of_work import SqlUnitOfWork
from adapters.sql.upsert import insert_on_conflict
from domains.habits.errors import HabitNameTaken
from domains.habits.model import Habit, Schedule, ScheduleKind, name_key
from domains.shared.errors import Conflict


def _weekday_bits(days: frozenset[int]) -> int:
    return sum(1 << d for d in days)


def _schedule(row: Any) -> Schedule:
    return Schedule(
        ScheduleKind(row.schedule_kind),
        weekdays=frozenset(d for d in range(7) if row.weekdays & (1 << d)),
        times_per_week=row.times_per_week,
    )


def _habit(row: Any) -> Habit:
    return Habit(
        id=row.id,
        user_id=row.user_id,
        name=row.name,
        schedule=_schedule(row),
        created_on=row.created_on,
        created_at=row.created_at,
        updated_at=row.updated_at,
        archived=row.archived,
        favourite=row.favourite,
        completions=row.completions,
    )


def _conflict(error: exc.IntegrityError) -> Conflict:
    # Of the constraints a habit can break, only the name's is the user's doing.
    if unique_columns(error, habits) == frozenset({"user_id", "name_key"}):
        return HabitNameTaken()
    return Conflict("the habit conflicts with existing data")


def _editable(habit: Habit) -> dict[str, Any]:
    return {
        "name": habit.name,
        "name_key": name_key(habit.name),
        "schedule_kind": habit.schedule.kind.value,
        "weekdays": _weekday_bits(habit.schedule.weekdays),
        "times_per_week": habit.schedule.times_per_week,
        "archived": habit.archived,
        "favourite": habit.favourite,
        "updated_at": habit.updated_at,
    }


class SqlAlchemyHabitRepository:
    def __init__(self, connection: AsyncConnection) -> None:
        self._c = connection

    async def add(self, habit: Habit) -> None:
        try:
            await self._c.execute(
                insert(habits).values(
                    id=habit.id,
                    user_id=habit.user_id,
                    completions=habit.completions,
                    created_on=habit.created_on,
                    created_at=habit.created_at,
                    **_editable(habit),
                )
            )
        except exc.IntegrityError as e:
            raise _conflict(e) from e

    async def get(self, habit_id: str) -> Habit | None:
        row = (await self._c.execute(select(habits).where(habits.c.id == habit_id))).first()
        return _habit(row) if row else None

    async def list_for_user(self, user_id: str, *, include_archived: bool) -> Sequence[Habit]:
        query = select(habits).where(habits.c.user_id == user_id)
        if not include_archived:
            query = query.where(habits.c.archived.is_(False))
        query = query.order_by(habits.c.favourite.desc(), habits.c.name_key, habits.c.id)
        return [_habit(row) for row in await self._c.execute(query)]

    async def update(self, habit: Habit) -> None:
        try:
            await self._c.execute(
                update(habits).where(habits.c.id == habit.id).values(**_editable(habit))
            )
        except exc.IntegrityError as e:
            raise _conflict(e) from e

    async def add_to_count(self, habit_id: str, delta: int) -> None:
        await self._c.execute(
            update(habits)
            .where(habits.c.id == habit_id)
            .values(completions=habits.c.completions + delta)
        )

    async def delete(self, habit_id: str) -> None:
        await self._c.execute(delete(habit_marks).where(habit_marks.c.habit_id == habit_id))
        await self._c.execute(delete(habits).where(habits.c.id == habit_id))

    async def delete_for_user(self, user_id: str) -> None:
        await self._c.execute(delete(habit_marks).where(habit_marks.c.user_id == user_id))
        await self._c.execute(delete(habits).where(habits.c.user_id == user_id))


class SqlAlchemyMarkRepository:
    def __init__(self, connection: AsyncConnection) -> None:
        self._c = connection

    async def mark(self, habit_id: str, user_id: str, day: date, now: datetime) -> bool:
        statement = insert_on_conflict(self._c, habit_marks).values(
            habit_id=habit_id, user_id=user_id, day=day, marked_at=now
        )
        # The primary key (habit, day) decides: a second mark of the day inserts nothing.
        result = await self._c.execute(
            statement.on_conflict_do_nothing(index_elements=["habit_id", "day"])
        )
        return bool(result.rowcount == 1)

    async def unmark(self, habit_id: str, day: date) -> bool:
        result = await self._c.execute(
            delete(habit_marks).where(habit_marks.c.habit_id == habit_id, habit_marks.c.day == day)
        )
        return bool(result.rowcount == 1)

    async def days(self, habit_id: str) -> set[date]:
        rows = await self._c.execute(
            select(habit_marks.c.day).where(habit_marks.c.habit_id == habit_id)
        )
        return set(rows.scalars())

    async def days_of(self, habit_ids: Collection[str]) -> Mapping[str, set[date]]:
        found: dict[str, set[date]] = {habit_id: set() for habit_id in habit_ids}
        if not found:
            return found
        rows = await self._c.execute(
            select(habit_marks.c.habit_id, habit_marks.c.day).where(
                habit_marks.c.habit_id.in_(list(found))
            )
        )
        for habit_id, day in rows:
            found[habit_id].add(day)
        return found

    async def list_for_user(self, user_id: str) -> Sequence[tuple[str, date, datetime]]:
        t = habit_marks
        rows = await self._c.execute(
            select(t.c.habit_id, t.c.day, t.c.marked_at)
            .where(t.c.user_id == user_id)
            .order_by(t.c.habit_id, t.c.day)
        )
        return [(row.habit_id, row.day, row.marked_at) for row in rows]


class SqlAlchemyHabitsUnitOfWork(SqlUnitOfWork):
    habits: SqlAlchemyHabitRepository
    marks: SqlAlchemyMarkRepository

    def _bind(self, connection: AsyncConnection) -> None:
        self.habits = SqlAlchemyHabitRepository(connection)
        self.marks = SqlAlchemyMarkRepository(connection)
