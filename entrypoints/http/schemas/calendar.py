from __future__ import annotations

from datetime import date
from typing import Any

from msgspec import Struct

from domains.calendar.model import CalendarDay, CalendarMonth, Dashboard


class CalendarDayRead(Struct):
    date: date
    time_zone: str
    is_today: bool
    #: activity, mood, breathing, goals: one summary per domain.
    sections: dict[str, Any]

    @classmethod
    def of(cls, d: CalendarDay) -> CalendarDayRead:
        return cls(d.date, d.time_zone, d.is_today, d.sections)


class DashboardRead(Struct):
    date: date
    time_zone: str
    #: streak, goals, daily and today (the day view's sections for today).
    sections: dict[str, Any]

    @classmethod
    def of(cls, d: Dashboard) -> DashboardRead:
        return cls(d.date, d.time_zone, d.sections)


class CalendarMonthRead(Struct):
    year: int
    month: int
    time_zone: str
    today: date
    #: Every day of the month: date, is_today, and activity, focus, habits, mood, breathing
    #: and goals summaries (null on days without any).
    days: list[dict[str, Any]]

    @classmethod
    def of(cls, m: CalendarMonth) -> CalendarMonthRead:
        return cls(m.year, m.month, m.time_zone, m.today, m.days)
