from __future__ import annotations

from collections.abc import Collection, Mapping, Sequence
from datetime import date, datetime
from typing import TYPE_CHECKING, Any, Self

from sqlalchemy import delete, exc, insert, select, update
from sqlalchemy.ext.asyncio import AsyncConnection

from adapters.sql.constraints import unique_columns
from adapters.sql.tables.habits import habit_marks, habits
from adapters.sql.unit_of_work import SqlUnitOfWork
from adapters.sql.upsert import insert_on_conflict
from domains.habits.errors import HabitNameTaken
from domains.habits.model import Habit, Schedule, ScheduleKind, name_key
from domains.shared.errors import Conflict

if TYPE_CHECKING:
    import asyncpg

    from adapters.sql.read_pool import ReadPool


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


# -- the read port on raw asyncpg (PostgreSQL) -------------------------------------------------

# Constant SQL, values only as $n parameters.
_HABIT_SELECT = (
    "SELECT id, user_id, name, schedule_kind, weekdays, times_per_week, created_on, "
    "created_at, updated_at, archived, favourite, completions FROM habits "
)
_LIST_ACTIVE = (
    _HABIT_SELECT + "WHERE user_id = $1 AND NOT archived ORDER BY favourite DESC, name_key, id"
)
_LIST_ALL = _HABIT_SELECT + "WHERE user_id = $1 ORDER BY favourite DESC, name_key, id"
_GET = _HABIT_SELECT + "WHERE id = $1"
_DAYS = "SELECT day FROM habit_marks WHERE habit_id = $1"
_DAYS_OF = "SELECT habit_id, day FROM habit_marks WHERE habit_id = ANY($1::varchar[])"


def _habit_of_record(r: Any) -> Habit:
    bits = r[4]
    return Habit(
        id=r[0],
        user_id=r[1],
        name=r[2],
        schedule=Schedule(
            ScheduleKind(r[3]),
            weekdays=frozenset(d for d in range(7) if bits & (1 << d)),
            times_per_week=r[5],
        ),
        created_on=r[6],
        created_at=r[7],
        updated_at=r[8],
        archived=r[9],
        favourite=r[10],
        completions=r[11],
    )


class AsyncpgHabitReads:
    def __init__(self, connection: asyncpg.Connection) -> None:
        self._c = connection

    async def get(self, habit_id: str) -> Habit | None:
        row = await self._c.fetchrow(_GET, habit_id)
        return _habit_of_record(row) if row is not None else None

    async def list_for_user(self, user_id: str, *, include_archived: bool) -> Sequence[Habit]:
        rows = await self._c.fetch(_LIST_ALL if include_archived else _LIST_ACTIVE, user_id)
        return [_habit_of_record(r) for r in rows]


class AsyncpgMarkReads:
    def __init__(self, connection: asyncpg.Connection) -> None:
        self._c = connection

    async def days(self, habit_id: str) -> set[date]:
        return {r[0] for r in await self._c.fetch(_DAYS, habit_id)}

    async def days_of(self, habit_ids: Collection[str]) -> Mapping[str, set[date]]:
        found: dict[str, set[date]] = {habit_id: set() for habit_id in habit_ids}
        if found:
            for habit_id, day in await self._c.fetch(_DAYS_OF, list(found)):
                found[habit_id].add(day)
        return found


class AsyncpgHabitsReader:
    """The habits read port on PostgreSQL: one pooled asyncpg connection, no transaction,
    prepared statements (asyncpg caches them per connection). Row for row the answers of
    SqlAlchemyHabitRepository and SqlAlchemyMarkRepository, for the reads every screen makes;
    SQLAlchemy's execute path was a fifth of the habits list's CPU."""

    habits: AsyncpgHabitReads
    marks: AsyncpgMarkReads

    def __init__(self, pool: ReadPool) -> None:
        self._pool = pool
        self._connection: asyncpg.Connection | None = None

    async def __aenter__(self) -> Self:
        self._connection = connection = await self._pool.acquire()
        self.habits = AsyncpgHabitReads(connection)
        self.marks = AsyncpgMarkReads(connection)
        return self

    async def __aexit__(self, *exc: object) -> None:
        assert self._connection is not None
        connection, self._connection = self._connection, None
        await self._pool.release(connection)
