from __future__ import annotations

from datetime import date, datetime
from typing import Annotated, Literal

import msgspec
from msgspec import Meta, Struct

from domains.pomodoro.model import (
    MAX_TASKS_PER_REQUEST,
    SETTING_LIMITS,
    DayStats,
    PeriodStats,
    PomodoroSession,
    PomodoroSettings,
)
from domains.pomodoro.use_cases import MAX_PLANNED_MINUTES, Current, Summary
from entrypoints.http.schemas.unset import changes

Kind = Literal["focus", "short_break", "long_break"]
# Transport bounds; the domain gives the precise message for values inside them.

Unset = msgspec.UnsetType


def _limits(setting: str) -> Meta:
    low, high = SETTING_LIMITS[setting]
    return Meta(ge=low, le=high)


TaskCount = Annotated[int, Meta(ge=0, le=MAX_TASKS_PER_REQUEST)]


class SettingsUpdate(Struct, forbid_unknown_fields=True):
    focus_minutes: Annotated[int, _limits("focus_minutes")] | Unset = msgspec.UNSET
    short_break_minutes: Annotated[int, _limits("short_break_minutes")] | msgspec.UnsetType = (
        msgspec.UNSET
    )
    long_break_minutes: Annotated[int, _limits("long_break_minutes")] | msgspec.UnsetType = (
        msgspec.UNSET
    )
    long_break_every: Annotated[int, _limits("long_break_every")] | msgspec.UnsetType = (
        msgspec.UNSET
    )
    auto_start_breaks: bool | msgspec.UnsetType = msgspec.UNSET
    auto_start_focus: bool | msgspec.UnsetType = msgspec.UNSET

    def changes(self) -> dict[str, int | bool]:
        return changes(self)


class SettingsRead(Struct):
    focus_minutes: int
    short_break_minutes: int
    long_break_minutes: int
    long_break_every: int
    auto_start_breaks: bool
    auto_start_focus: bool

    @classmethod
    def of(cls, s: PomodoroSettings) -> SettingsRead:
        return cls(
            s.focus_minutes,
            s.short_break_minutes,
            s.long_break_minutes,
            s.long_break_every,
            s.auto_start_breaks,
            s.auto_start_focus,
        )


class SessionCreate(Struct, forbid_unknown_fields=True):
    kind: Kind = "focus"
    #: Overrides the settings' length for this session only.
    planned_minutes: Annotated[int, Meta(ge=1, le=MAX_PLANNED_MINUTES)] | None = None


class SessionComplete(Struct, forbid_unknown_fields=True):
    #: Tasks finished during the session, added to those already counted.
    tasks_done: TaskCount = 0


class TasksDone(Struct, forbid_unknown_fields=True):
    count: Annotated[int, Meta(ge=1, le=MAX_TASKS_PER_REQUEST)] = 1


class SessionRead(Struct):
    id: str
    kind: Kind
    status: Literal["running", "completed", "abandoned"]
    planned_seconds: int
    actual_seconds: int | None
    tasks_done: int
    started_at: datetime
    ended_at: datetime | None
    #: The local day the session counts on (set when it ends).
    local_date: date | None

    @classmethod
    def of(cls, s: PomodoroSession) -> SessionRead:
        return cls(
            id=s.id,
            kind=s.kind.value,
            status=s.status.value,
            planned_seconds=s.planned_seconds,
            actual_seconds=s.actual_seconds,
            tasks_done=s.tasks_done,
            started_at=s.started_at,
            ended_at=s.ended_at,
            local_date=s.local_date,
        )


class CurrentRead(Struct):
    today: date
    session: SessionRead | None
    focus_sessions_today: int
    next_kind: Kind
    next_planned_minutes: int
    settings: SettingsRead

    @classmethod
    def of(cls, c: Current) -> CurrentRead:
        return cls(
            today=c.today,
            session=SessionRead.of(c.session) if c.session else None,
            focus_sessions_today=c.focus_sessions_today,
            next_kind=c.next_kind.value,
            next_planned_minutes=c.settings.planned_minutes(c.next_kind),
            settings=SettingsRead.of(c.settings),
        )


class DayRead(Struct):
    date: date
    focus_minutes: int
    focus_seconds: int
    focus_sessions: int
    break_sessions: int
    tasks_done: int

    @classmethod
    def of(cls, d: DayStats) -> DayRead:
        return cls(
            d.day,
            d.focus_minutes,
            d.focus_seconds,
            d.focus_sessions,
            d.break_sessions,
            d.tasks_done,
        )


class PeriodRead(Struct):
    start: date
    end: date
    focus_minutes: int
    focus_sessions: int
    break_sessions: int
    tasks_done: int
    days: list[DayRead] | None = None

    @classmethod
    def of(cls, p: PeriodStats, *, with_days: bool = False) -> PeriodRead:
        return cls(
            start=p.start,
            end=p.end,
            focus_minutes=p.focus_minutes,
            focus_sessions=p.focus_sessions,
            break_sessions=p.break_sessions,
            tasks_done=p.tasks_done,
            days=[DayRead.of(d) for d in p.days] if with_days else None,
        )


class SummaryRead(Struct):
    today: PeriodRead
    last_7_days: PeriodRead
    last_30_days: PeriodRead

    @classmethod
    def of(cls, s: Summary) -> SummaryRead:
        return cls(
            PeriodRead.of(s.today),
            PeriodRead.of(s.last_7_days, with_days=True),
            PeriodRead.of(s.last_30_days, with_days=True),
        )
