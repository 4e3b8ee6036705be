"""Pomodoro use cases: short methods over a unit of work. Every "day" is the user's local day."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, fields, replace
from datetime import date, datetime, timedelta
from typing import Any

from domains.pomodoro.errors import SessionAlreadyRunning, SessionNotFound, SessionNotRunning
from domains.pomodoro.model import (
    MAX_TASKS_PER_REQUEST,
    Completion,
    PeriodStats,
    PomodoroSession,
    PomodoroSettings,
    SessionKind,
    SessionStatus,
    period,
)
from domains.pomodoro.ports import PomodoroUnitOfWork
from domains.shared.clock import Clock
from domains.shared.days import UserDay, UserDays, check_range
from domains.shared.errors import InvalidInput
from domains.shared.events import EventPublisher, ProductiveAction
from domains.shared.ids import is_id, new_id

MAX_PLANNED_MINUTES = 180
#: Starts with `replace` that lose a race to another device's start retry this often.
_START_ATTEMPTS = 3


@dataclass(frozen=True, slots=True)
class Current:
    """What a timer needs on opening: the running session, if any, and what comes next."""

    today: date
    session: PomodoroSession | None
    focus_sessions_today: int
    next_kind: SessionKind
    settings: PomodoroSettings


@dataclass(frozen=True, slots=True)
class Summary:
    today: PeriodStats
    last_7_days: PeriodStats
    last_30_days: PeriodStats


@dataclass
class PomodoroService:
    uow: Callable[[], PomodoroUnitOfWork]
    user_days: UserDays
    clock: Clock
    events: EventPublisher
    #: Units of work for the reads (no transaction where the adapter can: a screen read then
    #: costs its queries' round trips, without BEGIN and ROLLBACK); `uow` when not given.
    reads: Callable[[], PomodoroUnitOfWork] | None = None

    def _reads(self) -> PomodoroUnitOfWork:
        return (self.reads or self.uow)()

    # -- settings -------------------------------------------------------------------------

    async def settings(self, user_id: str) -> PomodoroSettings:
        async with self._reads() as uow:
            return await uow.settings.get(user_id) or PomodoroSettings()

    async def update_settings(self, user_id: str, **changes: Any) -> PomodoroSettings:
        """Only the given fields change; the result is validated as a whole."""
        known = {f.name for f in fields(PomodoroSettings)}
        for name in changes:
            if name not in known:
                raise InvalidInput(f"there is no setting called {name[:40]!r}", field=name[:40])
        async with self.uow() as uow:
            current = await uow.settings.get(user_id) or PomodoroSettings()
            updated = replace(current, **changes)
            await uow.settings.put(user_id, updated, self.clock.now())
            await uow.commit()
        return updated

    # -- sessions -------------------------------------------------------------------------

    async def start(
        self,
        user_id: str,
        kind: SessionKind,
        *,
        planned_minutes: int | None = None,
        replace: bool = False,
    ) -> PomodoroSession:
        """A person runs one timer at a time: starting one while another runs is refused
        (SessionAlreadyRunning, naming it) unless `replace`, which abandons the running one.
        The store keeps at most one running session per user, so parallel starts cannot leave
        two running."""
        if planned_minutes is not None and not 1 <= planned_minutes <= MAX_PLANNED_MINUTES:
            raise InvalidInput(
                f"planned_minutes must be between 1 and {MAX_PLANNED_MINUTES}",
                field="planned_minutes",
            )
        user_day = await self.user_days.of(user_id)
        for attempt in range(_START_ATTEMPTS):
            try:
                return await self._start(user_id, kind, planned_minutes, replace, user_day)
            except SessionAlreadyRunning:
                # With `replace`, a start from another device won the race after this one
                # looked: abandon that one too, a few times at most.
                if not replace or attempt == _START_ATTEMPTS - 1:
                    raise
        raise AssertionError("unreachable")

    async def _start(
        self,
        user_id: str,
        kind: SessionKind,
        planned_minutes: int | None,
        replace: bool,
        user_day: UserDay,
    ) -> PomodoroSession:
        now = self.clock.now()
        today = user_day.date_of(now)
        async with self.uow() as uow:
            settings = await uow.settings.get(user_id) or PomodoroSettings()
            minutes = planned_minutes or settings.planned_minutes(kind)
            for old in await uow.sessions.running(user_id):
                if not replace:
                    raise SessionAlreadyRunning(old.id)
                await uow.sessions.finish(
                    old.id,
                    status=SessionStatus.ABANDONED,
                    ended_at=now,
                    actual_seconds=_elapsed(old, now),
                    local_date=today,
                    extra_tasks=0,
                )
            session = PomodoroSession(
                id=new_id(),
                user_id=user_id,
                kind=kind,
                status=SessionStatus.RUNNING,
                planned_seconds=minutes * 60,
                started_at=now,
            )
            await uow.sessions.add(session)
            await uow.commit()
        return session

    async def get(self, user_id: str, session_id: str) -> PomodoroSession:
        async with self._reads() as uow:
            return await self._owned(uow, user_id, session_id)

    async def complete(
        self, user_id: str, session_id: str, *, tasks_done: int = 0
    ) -> PomodoroSession:
        """Completing twice, or completing another user's session, is refused. The day's
        totals grow in the same transaction, atomically, and so does the app streak (a
        completed focus session is published inside it)."""
        self._check_task_count(tasks_done, low=0)
        user_day = await self.user_days.of(user_id)
        return await self._finish(
            user_id, session_id, SessionStatus.COMPLETED, tasks_done, user_day
        )

    async def abandon(self, user_id: str, session_id: str) -> PomodoroSession:
        return await self._finish(
            user_id, session_id, SessionStatus.ABANDONED, 0, await self.user_days.of(user_id)
        )

    async def count_tasks(self, user_id: str, session_id: str, count: int = 1) -> PomodoroSession:
        """Tasks are counted while a focus session runs; they reach the statistics when it
        completes."""
        self._check_task_count(count, low=1)
        async with self.uow() as uow:
            session = await self._owned(uow, user_id, session_id)
            if session.kind is not SessionKind.FOCUS:
                raise InvalidInput("tasks are counted during focus sessions", field="session_id")
            updated = await uow.sessions.add_tasks(session_id, count)
            if updated is None:
                raise SessionNotRunning(session.status.value)
            await uow.commit()
        return updated

    async def current(self, user_id: str) -> Current:
        today = (await self.user_days.of(user_id)).today
        async with self._reads() as uow:
            settings = await uow.settings.get(user_id) or PomodoroSettings()
            # The running session, whenever it started: the newest start may be another
            # device's session that ended, or one whose clock ran behind.
            running_now = list(await uow.sessions.running(user_id))
            latest = list(await uow.sessions.list_for_user(user_id, limit=1))
            days = await uow.daily.between(user_id, today, today)
        done = sum(d.focus_sessions for d in days)
        last = latest[0] if latest else None
        running = running_now[0] if running_now else None
        if running is not None and running.kind is SessionKind.FOCUS:
            next_kind = settings.break_after(done + 1)
        elif (
            running is None
            and last is not None
            and last.kind is SessionKind.FOCUS
            and last.status is SessionStatus.COMPLETED
            and last.local_date == today
        ):
            next_kind = settings.break_after(done)
        else:
            next_kind = SessionKind.FOCUS
        return Current(today, running, done, next_kind, settings)

    async def history(self, user_id: str, *, limit: int = 50) -> list[PomodoroSession]:
        if not 1 <= limit <= 500:
            raise InvalidInput("limit must be between 1 and 500", field="limit")
        async with self._reads() as uow:
            return list(await uow.sessions.list_for_user(user_id, limit=limit))

    # -- statistics -----------------------------------------------------------------------

    async def summary(self, user_id: str) -> Summary:
        """Today, the last 7 and the last 30 local days (each including today)."""
        today = (await self.user_days.of(user_id)).today
        month = await self._period(user_id, today - timedelta(days=29), today)
        return Summary(
            today=_slice(month, today, today),
            last_7_days=_slice(month, today - timedelta(days=6), today),
            last_30_days=month,
        )

    async def stats(self, user_id: str, start: date, end: date) -> PeriodStats:
        today = (await self.user_days.of(user_id)).today
        check_range(start, end, today)
        return await self._period(user_id, start, end)

    # -- helpers --------------------------------------------------------------------------

    async def _finish(
        self,
        user_id: str,
        session_id: str,
        status: SessionStatus,
        extra_tasks: int,
        user_day: UserDay,
    ) -> PomodoroSession:
        now = self.clock.now()
        day = user_day.date_of(now)
        async with self.uow() as uow:
            session = await self._owned(uow, user_id, session_id)
            if session.status is not SessionStatus.RUNNING:
                raise SessionNotRunning(session.status.value)
            actual = _elapsed(session, now)
            finished = await uow.sessions.finish(
                session_id,
                status=status,
                ended_at=now,
                actual_seconds=actual,
                local_date=day,
                extra_tasks=extra_tasks if session.kind is SessionKind.FOCUS else 0,
            )
            if finished is None:  # another device finished it first
                raise SessionNotRunning("finished")
            if status is SessionStatus.COMPLETED:
                await uow.daily.add(_completion_of(finished, day))
                if finished.kind is SessionKind.FOCUS:
                    await self.events.publish(ProductiveAction(user_id, "focus_session", now, day))
            await uow.commit()
        return finished

    async def _owned(
        self, uow: PomodoroUnitOfWork, user_id: str, session_id: str
    ) -> PomodoroSession:
        session = await uow.sessions.get(session_id) if is_id(session_id) else None
        if session is None or session.user_id != user_id:
            raise SessionNotFound()
        return session

    async def _period(self, user_id: str, start: date, end: date) -> PeriodStats:
        async with self._reads() as uow:
            stored = await uow.daily.between(user_id, start, end)
        return period(start, end, list(stored))

    @staticmethod
    def _check_task_count(count: int, *, low: int) -> None:
        if not low <= count <= MAX_TASKS_PER_REQUEST:
            raise InvalidInput(
                f"tasks_done must be between {low} and {MAX_TASKS_PER_REQUEST}", field="tasks_done"
            )


def _elapsed(session: PomodoroSession, now: datetime) -> int:
    return max(0, int((now - session.started_at).total_seconds()))


def _completion_of(session: PomodoroSession, day: date) -> Completion:
    focus = session.kind is SessionKind.FOCUS
    return Completion(
        user_id=session.user_id,
        local_date=day,
        focus_seconds=session.credited_seconds() if focus else 0,
        focus_sessions=1 if focus else 0,
        break_sessions=0 if focus else 1,
        tasks_done=session.tasks_done if focus else 0,
    )


def _slice(stats: PeriodStats, start: date, end: date) -> PeriodStats:
    return PeriodStats(start, end, [d for d in stats.days if start <= d.day <= end])


@dataclass
class PomodoroUserData:
    """Export and erasure of everything Pomodoro holds for a user."""

    uow: Callable[[], PomodoroUnitOfWork]
    name: str = "pomodoro"

    async def export(self, user_id: str) -> dict[str, Any]:
        async with self.uow() as uow:
            settings = await uow.settings.get(user_id)
            sessions = await uow.sessions.list_for_user(user_id)
        return {
            "settings": _settings_json(settings) if settings else None,
            "sessions": [_session_json(s) for s in sessions],
        }

    async def erase(self, user_id: str) -> None:
        async with self.uow() as uow:
            await uow.daily.delete_for_user(user_id)
            await uow.sessions.delete_for_user(user_id)
            await uow.settings.delete_for_user(user_id)
            await uow.commit()


def _settings_json(s: PomodoroSettings) -> dict[str, Any]:
    return {
        "focus_minutes": s.focus_minutes,
        "short_break_minutes": s.short_break_minutes,
        "long_break_minutes": s.long_break_minutes,
        "long_break_every": s.long_break_every,
        "auto_start_breaks": s.auto_start_breaks,
        "auto_start_focus": s.auto_start_focus,
    }


def _session_json(s: PomodoroSession) -> dict[str, Any]:
    return {
        "id": s.id,
        "kind": s.kind.value,
        "status": s.status.value,
        "planned_seconds": s.planned_seconds,
        "actual_seconds": s.actual_seconds,
        "tasks_done": s.tasks_done,
        "started_at": _iso(s.started_at),
        "ended_at": _iso(s.ended_at),
        "local_date": s.local_date.isoformat() if s.local_date else None,
    }


def _iso(value: datetime | None) -> str | None:
    return value.isoformat() if value else None
