"""Hand-written fakes of Pomodoro's ports: dictionaries, no frameworks."""

from __future__ import annotations

import copy
from collections.abc import Sequence
from dataclasses import dataclass, field, replace
from datetime import UTC, date, datetime
from typing import Self

from domains.pomodoro.errors import SessionAlreadyRunning
from domains.pomodoro.model import (
    Completion,
    DayStats,
    PomodoroSession,
    PomodoroSettings,
    SessionStatus,
)
from domains.shared.events import ProductiveAction
from tests.support.fakes import FakeClock as SharedFakeClock


class FakeClock(SharedFakeClock):
    start = datetime(2026, 3, 2, 12, 0, tzinfo=UTC)


class FakeTimeZones:
    def __init__(self) -> None:
        self.zones: dict[str, str] = {}

    async def zone_of(self, user_id: str) -> str:
        return self.zones.get(user_id, "UTC")


class RecordingEvents:
    def __init__(self) -> None:
        self.published: list[ProductiveAction] = []

    async def publish(self, event: ProductiveAction) -> None:
        self.published.append(event)


@dataclass
class Store:
    settings: dict[str, PomodoroSettings] = field(default_factory=dict)
    sessions: dict[str, PomodoroSession] = field(default_factory=dict)
    daily: dict[tuple[str, date], DayStats] = field(default_factory=dict)


class FakeSettings:
    def __init__(self, store: Store) -> None:
        self.s = store

    async def get(self, user_id: str) -> PomodoroSettings | None:
        return self.s.settings.get(user_id)

    async def put(self, user_id: str, settings: PomodoroSettings, now: datetime) -> None:
        self.s.settings[user_id] = settings

    async def delete_for_user(self, user_id: str) -> None:
        self.s.settings.pop(user_id, None)


class FakeSessions:
    def __init__(self, store: Store) -> None:
        self.s = store

    async def add(self, session: PomodoroSession) -> None:
        if session.status is SessionStatus.RUNNING:
            for running in await self.running(session.user_id):
                raise SessionAlreadyRunning(running.id)
        self.s.sessions[session.id] = copy.copy(session)

    async def get(self, session_id: str) -> PomodoroSession | None:
        return copy.copy(self.s.sessions.get(session_id))

    async def running(self, user_id: str) -> Sequence[PomodoroSession]:
        return [
            copy.copy(s)
            for s in self.s.sessions.values()
            if s.user_id == user_id and s.status is SessionStatus.RUNNING
        ]

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
        session = self.s.sessions.get(session_id)
        if session is None or session.status is not SessionStatus.RUNNING:
            return None
        session.status, session.ended_at = status, ended_at
        session.actual_seconds, session.local_date = actual_seconds, local_date
        session.tasks_done += extra_tasks
        return copy.copy(session)

    async def add_tasks(self, session_id: str, count: int) -> PomodoroSession | None:
        session = self.s.sessions.get(session_id)
        if session is None or session.status is not SessionStatus.RUNNING:
            return None
        session.tasks_done += count
        return copy.copy(session)

    async def list_for_user(
        self, user_id: str, *, limit: int | None = None
    ) -> Sequence[PomodoroSession]:
        mine = [copy.copy(s) for s in self.s.sessions.values() if s.user_id == user_id]
        mine.sort(key=lambda s: s.started_at, reverse=True)
        return mine[:limit] if limit else mine

    async def delete_for_user(self, user_id: str) -> None:
        for key in [k for k, s in self.s.sessions.items() if s.user_id == user_id]:
            del self.s.sessions[key]


class FakeDaily:
    def __init__(self, store: Store) -> None:
        self.s = store

    async def add(self, c: Completion) -> None:
        old = self.s.daily.get((c.user_id, c.local_date), DayStats(c.local_date))
        self.s.daily[(c.user_id, c.local_date)] = replace(
            old,
            focus_seconds=old.focus_seconds + c.focus_seconds,
            focus_sessions=old.focus_sessions + c.focus_sessions,
            break_sessions=old.break_sessions + c.break_sessions,
            tasks_done=old.tasks_done + c.tasks_done,
        )

    async def between(self, user_id: str, start: date, end: date) -> Sequence[DayStats]:
        return sorted(
            (d for (u, day), d in self.s.daily.items() if u == user_id and start <= day <= end),
            key=lambda d: d.day,
        )

    async def delete_for_user(self, user_id: str) -> None:
        for key in [k for k in self.s.daily if k[0] == user_id]:
            del self.s.daily[key]


class FakeUnitOfWork:
    """Works on a copy of the store; only commit() publishes it, like a transaction."""

    def __init__(self, store: Store) -> None:
        self._store = store
        self._committed = False

    async def __aenter__(self) -> Self:
        self._work = copy.deepcopy(self._store)
        self.settings = FakeSettings(self._work)
        self.sessions = FakeSessions(self._work)
        self.daily = FakeDaily(self._work)
        return self

    async def __aexit__(self, *exc: object) -> None:
        pass

    async def commit(self) -> None:
        self._store.settings = self._work.settings
        self._store.sessions = self._work.sessions
        self._store.daily = self._work.daily
        self._work = copy.deepcopy(self._store)
        self.settings = FakeSettings(self._work)
        self.sessions = FakeSessions(self._work)
        self.daily = FakeDaily(self._work)
