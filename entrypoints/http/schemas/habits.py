from __future__ import annotations

from datetime import date, datetime
from typing import Annotated, Literal

import msgspec
from msgspec import Meta, Struct

from domains.habits.model import (
    MAX_BULK_MARKS,
    MAX_NAME_LENGTH,
    DayMark,
    Habit,
    Schedule,
    ScheduleKind,
)
from domains.habits.progress import CalendarDay, Rate, WeekdayRate
from domains.habits.use_cases import Analytics, Dashboard, HabitProgress
from domains.shared.errors import InvalidInput

Name = Annotated[str, Meta(min_length=1, max_length=MAX_NAME_LENGTH)]
HabitId = Annotated[str, Meta(min_length=1, max_length=64)]


class ScheduleBody(Struct, forbid_unknown_fields=True):
    kind: Literal["daily", "weekdays", "times_per_week"] = "daily"
    #: For "weekdays": 0 (Monday) to 6 (Sunday).
    weekdays: Annotated[list[Annotated[int, Meta(ge=0, le=6)]], Meta(max_length=7)] = []
    #: For "times_per_week": 1 to 7.
    times_per_week: Annotated[int, Meta(ge=1, le=7)] | None = None

    def to_domain(self) -> Schedule:
        if len(set(self.weekdays)) != len(self.weekdays):
            raise InvalidInput("each weekday may appear once", field="schedule.weekdays")
        return Schedule(
            ScheduleKind(self.kind),
            weekdays=frozenset(self.weekdays),
            times_per_week=self.times_per_week or 0,
        )

    @classmethod
    def of(cls, s: Schedule) -> ScheduleBody:
        return cls(s.kind.value, sorted(s.weekdays), s.times_per_week or None)


class HabitCreate(Struct, forbid_unknown_fields=True):
    name: Name
    schedule: ScheduleBody = msgspec.field(default_factory=ScheduleBody)
    favourite: bool = False


class HabitUpdate(Struct, forbid_unknown_fields=True):
    name: Name | msgspec.UnsetType = msgspec.UNSET
    schedule: ScheduleBody | msgspec.UnsetType = msgspec.UNSET
    favourite: bool | msgspec.UnsetType = msgspec.UNSET
    archived: bool | msgspec.UnsetType = msgspec.UNSET


class HabitRead(Struct):
    id: str
    name: str
    schedule: ScheduleBody
    archived: bool
    favourite: bool
    completions: int
    created_on: date
    created_at: datetime

    @classmethod
    def of(cls, h: Habit) -> HabitRead:
        return cls(
            h.id,
            h.name,
            ScheduleBody.of(h.schedule),
            h.archived,
            h.favourite,
            h.completions,
            h.created_on,
            h.created_at,
        )


class StreakRead(Struct):
    current: int
    best: int
    unit: Literal["days", "weeks"]


class ProgressRead(Struct):
    habit: HabitRead
    today: date
    done_today: bool
    scheduled_today: bool
    done_this_week: int
    streak: StreakRead
    #: 0 to 100: rises with completions, decays with misses.
    strength: int

    @classmethod
    def of(cls, p: HabitProgress) -> ProgressRead:
        return cls(
            habit=HabitRead.of(p.habit),
            today=p.today,
            done_today=p.done_today,
            scheduled_today=p.scheduled_today,
            done_this_week=p.done_this_week,
            streak=StreakRead(p.streak.current, p.streak.best, p.streak.unit),  # type: ignore[arg-type]
            strength=round(p.strength * 100),
        )


class MarkBody(Struct, forbid_unknown_fields=True):
    habit_id: HabitId
    date: date
    done: bool = True


class BulkMarks(Struct, forbid_unknown_fields=True):
    marks: Annotated[list[MarkBody], Meta(min_length=1, max_length=MAX_BULK_MARKS)]


class MarkRead(Struct):
    habit_id: str
    date: date
    done: bool
    changed: bool

    @classmethod
    def of(cls, m: DayMark) -> MarkRead:
        return cls(m.habit_id, m.day, m.done, m.changed)


class CalendarDayRead(Struct):
    date: date
    done: bool
    scheduled: bool
    tracked: bool

    @classmethod
    def of(cls, d: CalendarDay) -> CalendarDayRead:
        return cls(d.day, d.done, d.scheduled, d.tracked)


class CalendarRead(Struct):
    month: str
    days: list[CalendarDayRead]
    done: int


class RateRead(Struct):
    days: int
    done: int
    expected: int
    rate: float | None

    @classmethod
    def of(cls, r: Rate) -> RateRead:
        return cls(r.days, r.done, r.expected, None if r.rate is None else round(r.rate, 4))


class WeekdayRead(Struct):
    weekday: int
    done: int
    expected: int
    rate: float | None

    @classmethod
    def of(cls, w: WeekdayRate) -> WeekdayRead:
        return cls(w.weekday, w.done, w.expected, None if w.rate is None else round(w.rate, 4))


class AnalyticsRead(Struct):
    progress: ProgressRead
    rates: list[RateRead]
    by_weekday: list[WeekdayRead]

    @classmethod
    def of(cls, a: Analytics) -> AnalyticsRead:
        return cls(
            ProgressRead.of(a.progress),
            [RateRead.of(r) for r in a.rates],
            [WeekdayRead.of(w) for w in a.by_weekday],
        )


class DashboardRead(Struct):
    today: date
    due_today: int
    done_today: int
    habits: list[ProgressRead]

    @classmethod
    def of(cls, d: Dashboard) -> DashboardRead:
        return cls(d.today, d.due_today, d.done_today, [ProgressRead.of(h) for h in d.habits])
