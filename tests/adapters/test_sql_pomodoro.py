"""The Pomodoro repositories on both databases the product runs on."""

from __future__ import annotations

from dataclasses import replace
from datetime import UTC, date, datetime, timedelta

import pytest
from sqlalchemy.ext.asyncio import AsyncEngine

from adapters.sql.pomodoro import SqlAlchemyPomodoroUnitOfWork
from adapters.sql.user_time_zones import SqlAlchemyUserTimeZones
from domains.pomodoro.errors import SessionAlreadyRunning
from domains.pomodoro.model import (
    Completion,
    DayStats,
    PomodoroSession,
    PomodoroSettings,
    SessionKind,
    SessionStatus,
)
from domains.pomodoro.use_cases import PomodoroUserData
from domains.shared.errors import NotFound
from domains.shared.ids import new_id
from tests.adapters.accounts import delete_user, new_user

NOW = datetime(2026, 3, 29, 0, 30, tzinfo=UTC)
DAY = date(2026, 3, 29)


def a_session(user_id: str, kind: SessionKind = SessionKind.FOCUS) -> PomodoroSession:
    return PomodoroSession(
        id=new_id(),
        user_id=user_id,
        kind=kind,
        status=SessionStatus.RUNNING,
        planned_seconds=1500,
        started_at=NOW,
    )


async def test_settings_are_inserted_then_replaced(engine: AsyncEngine) -> None:
    user = await new_user(engine)
    async with SqlAlchemyPomodoroUnitOfWork(engine) as uow:
        assert await uow.settings.get(user) is None
        await uow.settings.put(user, PomodoroSettings(focus_minutes=50), NOW)
        await uow.settings.put(user, PomodoroSettings(focus_minutes=45, auto_start_focus=True), NOW)
        await uow.commit()
    async with SqlAlchemyPomodoroUnitOfWork(engine) as uow:
        assert await uow.settings.get(user) == PomodoroSettings(
            focus_minutes=45, auto_start_focus=True
        )


async def test_a_session_round_trips_and_finishes_only_once(engine: AsyncEngine) -> None:
    user = await new_user(engine)
    session = a_session(user)
    async with SqlAlchemyPomodoroUnitOfWork(engine) as uow:
        await uow.sessions.add(session)
        assert await uow.sessions.get(session.id) == session
        assert await uow.sessions.add_tasks(session.id, 2) is not None
        ended = NOW + timedelta(minutes=25)
        finished = await uow.sessions.finish(
            session.id,
            status=SessionStatus.COMPLETED,
            ended_at=ended,
            actual_seconds=1500,
            local_date=DAY,
            extra_tasks=1,
        )
        again = await uow.sessions.finish(
            session.id,
            status=SessionStatus.ABANDONED,
            ended_at=ended,
            actual_seconds=1,
            local_date=DAY,
            extra_tasks=0,
        )
        late_task = await uow.sessions.add_tasks(session.id, 1)
        await uow.commit()
    assert finished is not None and again is None and late_task is None
    assert (finished.status, finished.tasks_done, finished.ended_at) == (
        SessionStatus.COMPLETED,
        3,
        ended,
    )
    assert finished.local_date == DAY and finished.ended_at.tzinfo is not None


async def test_running_and_history_list_only_the_users_own_sessions(engine: AsyncEngine) -> None:
    ada, bob = await new_user(engine), await new_user(engine)
    older, newer, bobs = a_session(ada), a_session(ada), a_session(bob)
    newer.started_at = NOW + timedelta(minutes=1)
    older.status, older.ended_at = SessionStatus.COMPLETED, NOW
    async with SqlAlchemyPomodoroUnitOfWork(engine) as uow:
        for s in (older, newer, bobs):
            await uow.sessions.add(s)
        await uow.commit()
    async with SqlAlchemyPomodoroUnitOfWork(engine) as uow:
        assert [s.id for s in await uow.sessions.running(ada)] == [newer.id]
        assert [s.id for s in await uow.sessions.list_for_user(ada)] == [newer.id, older.id]
        assert [s.id for s in await uow.sessions.list_for_user(ada, limit=1)] == [newer.id]


async def test_day_totals_add_up_in_place(engine: AsyncEngine) -> None:
    user = await new_user(engine)
    async with SqlAlchemyPomodoroUnitOfWork(engine) as uow:
        await uow.daily.add(Completion(user, DAY, 1500, 1, 0, 2))
        await uow.daily.add(Completion(user, DAY, 0, 0, 1, 0))
        await uow.daily.add(Completion(user, DAY + timedelta(days=2), 600, 1, 0, 0))
        await uow.commit()
    async with SqlAlchemyPomodoroUnitOfWork(engine) as uow:
        stored = await uow.daily.between(user, DAY, DAY + timedelta(days=1))
    assert list(stored) == [DayStats(DAY, 1500, 1, 1, 2)]


async def test_uncommitted_work_is_rolled_back(engine: AsyncEngine) -> None:
    user = await new_user(engine)
    async with SqlAlchemyPomodoroUnitOfWork(engine) as uow:
        await uow.daily.add(Completion(user, DAY, 1500, 1, 0, 0))
    async with SqlAlchemyPomodoroUnitOfWork(engine) as uow:
        assert list(await uow.daily.between(user, DAY, DAY)) == []


async def test_erasure_removes_everything_of_the_user_and_nothing_else(
    engine: AsyncEngine,
) -> None:
    ada, bob = await new_user(engine), await new_user(engine)
    async with SqlAlchemyPomodoroUnitOfWork(engine) as uow:
        for user in (ada, bob):
            await uow.settings.put(user, PomodoroSettings(), NOW)
            await uow.sessions.add(a_session(user))
            await uow.daily.add(Completion(user, DAY, 60, 1, 0, 0))
        await uow.commit()
    data = PomodoroUserData(uow=lambda: SqlAlchemyPomodoroUnitOfWork(engine))
    await data.erase(ada)
    assert await data.export(ada) == {"settings": None, "sessions": []}
    exported = await data.export(bob)
    assert exported["settings"] is not None and len(exported["sessions"]) == 1


async def test_deleting_the_account_cascades_to_pomodoro_rows(engine: AsyncEngine) -> None:
    user = await new_user(engine)
    async with SqlAlchemyPomodoroUnitOfWork(engine) as uow:
        await uow.settings.put(user, PomodoroSettings(), NOW)
        await uow.sessions.add(a_session(user))
        await uow.daily.add(Completion(user, DAY, 60, 1, 0, 0))
        await uow.commit()
    await delete_user(engine, user)
    async with SqlAlchemyPomodoroUnitOfWork(engine) as uow:
        assert await uow.settings.get(user) is None
        assert list(await uow.sessions.list_for_user(user)) == []
        assert list(await uow.daily.between(user, DAY, DAY)) == []


async def test_the_time_zone_comes_from_the_account(engine: AsyncEngine) -> None:
    user = await new_user(engine, time_zone="Asia/Kolkata")
    zones = SqlAlchemyUserTimeZones(engine)
    assert await zones.zone_of(user) == "Asia/Kolkata"
    with pytest.raises(NotFound):
        await zones.zone_of(new_id())


async def test_the_database_keeps_one_running_session_per_user(engine: AsyncEngine) -> None:
    user, other = await new_user(engine), await new_user(engine)
    first = a_session(user)
    async with SqlAlchemyPomodoroUnitOfWork(engine) as uow:
        await uow.sessions.add(first)
        await uow.commit()
    async with SqlAlchemyPomodoroUnitOfWork(engine) as uow:
        with pytest.raises(SessionAlreadyRunning) as refused:
            await uow.sessions.add(a_session(user, SessionKind.SHORT_BREAK))
        assert refused.value.session_id == first.id
        # The refusal leaves the transaction usable.
        await uow.sessions.add(a_session(other))
        ended = replace(a_session(user), status=SessionStatus.ABANDONED, ended_at=NOW)
        await uow.sessions.add(ended)
        await uow.commit()
    async with SqlAlchemyPomodoroUnitOfWork(engine) as uow:
        assert [s.id for s in await uow.sessions.running(user)] == [first.id]
        assert len(await uow.sessions.list_for_user(user)) == 2
        assert len(await uow.sessions.running(other)) == 1
