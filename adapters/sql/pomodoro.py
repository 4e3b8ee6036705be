from __future__ import annotations

from collections.abc import Sequence
from datetime import date, datetime
from typing import Any

from sqlalchemy import delete, exc, insert, select, update
from sqlalchemy.ext.asyncio import AsyncConnection

from adapters.sql.tables.pomodoro import pomodoro_daily, pomodoro_sessions, pomodoro_settings
from adapters.sql.unit_of_work import SqlUnitOfWork
from adapters.sql.upsert import insert_on_conflict
from domains.pomodoro.errors import SessionAlreadyRunning
from domains.pomodoro.model import (
    Completion,
    DayStats,
    PomodoroSession,
    PomodoroSettings,
    SessionKind,
    SessionStatus,
)

_SETTINGS_FIELDS = (
    "focus_minutes",
    "short_break_minutes",
    "long_break_minutes",
    "long_break_every",
    "auto_start_breaks",
    "auto_start_focus",
)
_COUNTERS = ("focus_seconds", "focus_sessions", "break_sessions", "tasks_done")


def _session(row: Any) -> PomodoroSession:
    return PomodoroSession(
        id=row.id,
        user_id=row.user_id,
        kind=SessionKind(row.kind),
        status=SessionStatus(row.status),
        planned_seconds=row.planned_seconds,
        started_at=row.started_at,
        ended_at=row.ended_at,
        actual_seconds=row.actual_seconds,
        tasks_done=row.tasks_done,
        local_date=row.local_date,
    )


class SqlAlchemyPomodoroSettingsRepository:
    def __init__(self, connection: AsyncConnection) -> None:
        self._c = connection

    async def get(self, user_id: str) -> PomodoroSettings | None:
        row = (
            await self._c.execute(
                select(pomodoro_settings).where(pomodoro_settings.c.user_id == user_id)
            )
        ).first()
        if row is None:
            return None
        return PomodoroSettings(**{name: getattr(row, name) for name in _SETTINGS_FIELDS})

    async def put(self, user_id: str, settings: PomodoroSettings, now: datetime) -> None:
        values = {name: getattr(settings, name) for name in _SETTINGS_FIELDS}
        values["updated_at"] = now
        statement = insert_on_conflict(self._c, pomodoro_settings).values(user_id=user_id, **values)
        await self._c.execute(
            statement.on_conflict_do_update(index_elements=["user_id"], set_=values)
        )

    async def delete_for_user(self, user_id: str) -> None:
        await self._c.execute(
            delete(pomodoro_settings).where(pomodoro_settings.c.user_id == user_id)
        )


class SqlAlchemyPomodoroSessionRepository:
    def __init__(self, connection: AsyncConnection) -> None:
        self._c = connection

    async def add(self, session: PomodoroSession) -> None:
        # A savepoint: when the one-running-session index refuses the row, the transaction
        # stays usable to read which session holds the place.
        try:
            async with self._c.begin_nested():
                await self._insert(session)
        except exc.IntegrityError as e:
            if session.status is not SessionStatus.RUNNING:
                raise
            running = await self.running(session.user_id)
            if not running:
                raise
            raise SessionAlreadyRunning(running[0].id) from e

    async def _insert(self, session: PomodoroSession) -> None:
        await self._c.execute(
            insert(pomodoro_sessions).values(
                id=session.id,
                user_id=session.user_id,
                kind=session.kind.value,
                status=session.status.value,
                planned_seconds=session.planned_seconds,
                actual_seconds=session.actual_seconds,
                tasks_done=session.tasks_done,
                started_at=session.started_at,
                ended_at=session.ended_at,
                local_date=session.local_date,
            )
        )

    async def get(self, session_id: str) -> PomodoroSession | None:
        row = (
            await self._c.execute(
                select(pomodoro_sessions).where(pomodoro_sessions.c.id == session_id)
            )
        ).first()
        return _session(row) if row else None

    async def running(self, user_id: str) -> Sequence[PomodoroSession]:
        rows = await self._c.execute(
            select(pomodoro_sessions)
            .where(
                pomodoro_sessions.c.user_id == user_id,
                pomodoro_sessions.c.status == SessionStatus.RUNNING.value,
            )
            # A fixed order: concurrent starts then end these sessions in the same order.
            .order_by(pomodoro_sessions.c.id)
        )
        return [_session(row) for row in rows]

    async def finish(
        self,
        session_id: str,
        *,
        status: SessionStatus,
        ended_at: datetime,
        actual_seconds: int,
        local_date: date,
        extra_tasks: int,
    ) -> PomodoroSession | None:
        t = pomodoro_sessions
        row = (
            await self._c.execute(
                update(t)
                .where(t.c.id == session_id, t.c.status == SessionStatus.RUNNING.value)
                .values(
                    status=status.value,
                    ended_at=ended_at,
                    actual_seconds=actual_seconds,
                    local_date=local_date,
                    tasks_done=t.c.tasks_done + extra_tasks,
                )
                .returning(*t.c)
            )
        ).first()
        return _session(row) if row else None

    async def add_tasks(self, session_id: str, count: int) -> PomodoroSession | None:
        t = pomodoro_sessions
        row = (
            await self._c.execute(
                update(t)
                .where(t.c.id == session_id, t.c.status == SessionStatus.RUNNING.value)
                .values(tasks_done=t.c.tasks_done + count)
                .returning(*t.c)
            )
        ).first()
        return _session(row) if row else None

    async def list_for_user(
        self, user_id: str, *, limit: int | None = None
    ) -> Sequence[PomodoroSession]:
        t = pomodoro_sessions
        query = (
            select(t).where(t.c.user_id == user_id).order_by(t.c.started_at.desc(), t.c.id.desc())
        )
        if limit is not None:
            query = query.limit(limit)
        return [_session(row) for row in await self._c.execute(query)]

    async def delete_for_user(self, user_id: str) -> None:
        await self._c.execute(
            delete(pomodoro_sessions).where(pomodoro_sessions.c.user_id == user_id)
        )


class SqlAlchemyPomodoroDailyRepository:
    def __init__(self, connection: AsyncConnection) -> None:
        self._c = connection

    async def add(self, completion: Completion) -> None:
        t = pomodoro_daily
        statement = insert_on_conflict(self._c, t).values(
            user_id=completion.user_id,
            day=completion.local_date,
            **{name: getattr(completion, name) for name in _COUNTERS},
        )
        # One statement: the database adds to whatever the row holds at that moment.
        await self._c.execute(
            statement.on_conflict_do_update(
                index_elements=["user_id", "day"],
                set_={name: t.c[name] + statement.excluded[name] for name in _COUNTERS},
            )
        )

    async def between(self, user_id: str, start: date, end: date) -> Sequence[DayStats]:
        t = pomodoro_daily
        rows = await self._c.execute(
            select(t)
            .where(t.c.user_id == user_id, t.c.day >= start, t.c.day <= end)
            .order_by(t.c.day)
        )
        return [DayStats(row.day, *(getattr(row, name) for name in _COUNTERS)) for row in rows]

    async def delete_for_user(self, user_id: str) -> None:
        await self._c.execute(delete(pomodoro_daily).where(pomodoro_daily.c.user_id == user_id))


class SqlAlchemyPomodoroUnitOfWork(SqlUnitOfWork):
    settings: SqlAlchemyPomodoroSettingsRepository
    sessions: SqlAlchemyPomodoroSessionRepository
    daily: SqlAlchemyPomodoroDailyRepository

    def _bind(self, connection: AsyncConnection) -> None:
        self.settings = SqlAlchemyPomodoroSettingsRepository(connection)
        self.sessions = SqlAlchemyPomodoroSessionRepository(connection)
        self.daily = SqlAlchemyPomodoroDailyRepository(connection)
