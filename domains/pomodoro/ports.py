"""What Pomodoro needs from the outside world. Adapters implement these; tests fake them."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date, datetime
from typing import Protocol, Self

from domains.pomodoro.model import (
    Completion,
    DayStats,
    PomodoroSession,
    PomodoroSettings,
    SessionStatus,
)


class SettingsRepository(Protocol):
    async def get(self, user_id: str) -> PomodoroSettings | None: ...

    async def put(self, user_id: str, settings: PomodoroSettings, now: datetime) -> None:
        """Insert or replace the user's settings."""
        ...

    async def delete_for_user(self, user_id: str) -> None: ...


class SessionRepository(Protocol):
    async def add(self, session: PomodoroSession) -> None:
        """SessionAlreadyRunning, naming the running one, when `session` runs and the user
        already has a running session: the store holds at most one per user, whatever the
        interleaving of concurrent starts."""
        ...

    async def get(self, session_id: str) -> PomodoroSession | None: ...

    async def running(self, user_id: str) -> Sequence[PomodoroSession]:
        """The user's running session, if any (at most one)."""
        ...

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
        """Compare and set: end the session only if it is still running, adding `extra_tasks`
        to its count in the same statement. None when it was no longer running, so two
        concurrent completions cannot both succeed."""
        ...

    async def add_tasks(self, session_id: str, count: int) -> PomodoroSession | None:
        """Atomically add `count` done tasks to a running session; None when not running."""
        ...

    async def list_for_user(
        self, user_id: str, *, limit: int | None = None
    ) -> Sequence[PomodoroSession]:
        """Newest first."""
        ...

    async def delete_for_user(self, user_id: str) -> None: ...


class DailyStatsRepository(Protocol):
    async def add(self, completion: Completion) -> None:
        """Add to the day's totals atomically (never read-modify-write), so completions from
        several devices at once are all counted."""
        ...

    async def between(self, user_id: str, start: date, end: date) -> Sequence[DayStats]: ...

    async def delete_for_user(self, user_id: str) -> None: ...


class PomodoroUnitOfWork(Protocol):
    settings: SettingsRepository
    sessions: SessionRepository
    daily: DailyStatsRepository

    async def __aenter__(self) -> Self: ...

    async def __aexit__(self, *exc: object) -> None:
        """Rolls back whatever was not committed."""
        ...

    async def commit(self) -> None: ...
