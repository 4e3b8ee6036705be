"""Completions from several devices at once: every count survives, nothing is counted twice.

The services run on the real SQL adapters; each call opens its own connection and transaction,
so on PostgreSQL the statements really interleave (on SQLite, writers queue behind BEGIN
IMMEDIATE)."""

from __future__ import annotations

import asyncio
from datetime import UTC, date, datetime, timedelta

from sqlalchemy.ext.asyncio import AsyncEngine

from adapters.sql.habits import SqlAlchemyHabitsUnitOfWork
from adapters.sql.pomodoro import SqlAlchemyPomodoroUnitOfWork
from adapters.sql.user_time_zones import SqlAlchemyUserTimeZones
from domains.habits.model import Schedule
from domains.habits.use_cases import HabitsService, MarkRequest
from domains.pomodoro.errors import SessionNotRunning
from domains.pomodoro.model import Completion, SessionKind
from domains.pomodoro.use_cases import PomodoroService
from domains.shared.days import UserDays
from domains.shared.events import InProcessEventBus, ProductiveAction
from tests.adapters.accounts import new_user

PARALLEL = 12


class StillClock:
    def __init__(self) -> None:
        self.current = datetime(2026, 5, 4, 9, 0, tzinfo=UTC)

    def now(self) -> datetime:
        return self.current


def counting_bus() -> tuple[InProcessEventBus, list[ProductiveAction]]:
    bus, seen = InProcessEventBus(), []

    async def record(event: ProductiveAction) -> None:
        seen.append(event)

    bus.subscribe(record)
    return bus, seen


async def test_parallel_completions_of_one_day_are_all_counted(engine: AsyncEngine) -> None:
    # A user runs one session at a time, so the day's totals are contended by writers such
    # as a completion racing a late one from another device: each adds in one statement.
    user = await new_user(engine)
    day = date(2026, 5, 4)

    async def complete() -> None:
        async with SqlAlchemyPomodoroUnitOfWork(engine) as uow:
            await uow.daily.add(Completion(user, day, 1500, 1, 0, 2))
            await uow.commit()

    await asyncio.gather(*(complete() for _ in range(PARALLEL)))
    async with SqlAlchemyPomodoroUnitOfWork(engine) as uow:
        [today] = await uow.daily.between(user, day, day)
    assert today.focus_sessions == PARALLEL
    assert today.tasks_done == 2 * PARALLEL
    assert today.focus_minutes == 25 * PARALLEL


async def test_one_session_completed_from_many_devices_at_once_counts_once(
    engine: AsyncEngine,
) -> None:
    user = await new_user(engine)
    clock, (bus, seen) = StillClock(), counting_bus()
    service = PomodoroService(
        uow=lambda: SqlAlchemyPomodoroUnitOfWork(engine),
        user_days=UserDays(SqlAlchemyUserTimeZones(engine), clock),
        clock=clock,
        events=bus,
    )
    session = await service.start(user, SessionKind.FOCUS)
    clock.current += timedelta(minutes=25)
    outcomes = await asyncio.gather(
        *(service.complete(user, session.id, tasks_done=1) for _ in range(PARALLEL)),
        return_exceptions=True,
    )
    refused = [o for o in outcomes if isinstance(o, SessionNotRunning)]
    assert len(refused) == PARALLEL - 1, outcomes
    today = (await service.summary(user)).today
    assert (today.focus_sessions, today.tasks_done) == (1, 1)
    assert len(seen) == 1


async def test_parallel_habit_marks_are_all_counted_and_repeats_counted_once(
    engine: AsyncEngine,
) -> None:
    user = await new_user(engine)
    clock, (bus, seen) = StillClock(), counting_bus()
    service = HabitsService(
        uow=lambda: SqlAlchemyHabitsUnitOfWork(engine),
        user_days=UserDays(SqlAlchemyUserTimeZones(engine), clock),
        clock=clock,
        events=bus,
    )
    habit = await service.create(user, "Read", Schedule.daily())
    today = date(2026, 5, 4)
    days = [today - timedelta(days=i) for i in range(PARALLEL)]
    # Every day marked twice at the same moment, as two devices syncing would.
    marks = await asyncio.gather(*(service.mark(user, habit.id, day, True) for day in days + days))
    assert sum(m.changed for m in marks) == PARALLEL
    progress = await service.get(user, habit.id)
    assert progress.habit.completions == PARALLEL
    assert progress.streak.current == PARALLEL
    assert len(seen) == PARALLEL


async def test_bulk_marks_of_the_same_habits_in_opposite_orders_all_go_through(
    engine: AsyncEngine,
) -> None:
    user = await new_user(engine)
    service = HabitsService(
        uow=lambda: SqlAlchemyHabitsUnitOfWork(engine),
        user_days=UserDays(SqlAlchemyUserTimeZones(engine), StillClock()),
        clock=StillClock(),
        events=InProcessEventBus(),
    )
    read = await service.create(user, "Read", Schedule.daily())
    write = await service.create(user, "Write", Schedule.daily())
    today = date(2026, 5, 4)

    def batch(i: int) -> list[MarkRequest]:
        day = today - timedelta(days=i)
        first, second = (read, write) if i % 2 else (write, read)
        return [MarkRequest(first.id, day, True), MarkRequest(second.id, day, True)]

    await asyncio.gather(*(service.mark_many(user, batch(i)) for i in range(PARALLEL)))
    for habit in (read, write):
        assert (await service.get(user, habit.id)).habit.completions == PARALLEL
