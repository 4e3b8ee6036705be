"""The day view, the month and the dashboard: one local date (or month), every section asked in
turn inside one read scope.

The sections are asked one after the other, not all at once: each is a read or two of another
domain, and inside the scope they share one connection and one transaction, which runs one
statement at a time anyway. Gathering them cost a task, a connection checkout and a BEGIN ...
ROLLBACK per section and bought nothing on a busy server."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, timedelta
from typing import Any

from domains.calendar.model import (
    CalendarDay,
    CalendarMonth,
    Dashboard,
    check_day,
    month_bounds,
)
from domains.calendar.ports import (
    DashboardPanel,
    DaySection,
    MonthSection,
    ReadScope,
    separate_reads,
)
from domains.shared.days import UserDays


@dataclass
class CalendarService:
    user_days: UserDays
    sections: Sequence[DaySection] = ()
    panels: Sequence[DashboardPanel] = ()
    months: Sequence[MonthSection] = ()
    #: The one read the sections of a view share (`ports.ReadScope`).
    reading: ReadScope = separate_reads

    async def day(self, user_id: str, day: date) -> CalendarDay:
        user_day = await self.user_days.of(user_id)
        check_day(day, user_day.today)
        async with self.reading():
            sections = await self._sections(user_id, day)
        return CalendarDay(day, user_day.zone.key, day == user_day.today, sections)

    async def month(self, user_id: str, year: int, month: int) -> CalendarMonth:
        """Every day of a month with each month section's summary (None on empty days)."""
        user_day = await self.user_days.of(user_id)
        today = user_day.today
        first, last = month_bounds(year, month, today)
        async with self.reading():
            found = [await s.between(user_id, first, last) for s in self.months]
        days = []
        day = first
        while day <= last:
            entry: dict[str, Any] = {"date": day, "is_today": day == today}
            for section, by_day in zip(self.months, found, strict=True):
                entry[section.name] = by_day.get(day)
            days.append(entry)
            day += timedelta(days=1)
        return CalendarMonth(year, month, user_day.zone.key, today, days)

    async def dashboard(self, user_id: str) -> Dashboard:
        user_day = await self.user_days.of(user_id)
        today = user_day.today
        sections: dict[str, Any] = {}
        async with self.reading():
            for panel in self.panels:
                sections[panel.name] = await panel.panel(user_id, today)
            sections["today"] = await self._sections(user_id, today)
        return Dashboard(today, user_day.zone.key, sections)

    async def _sections(self, user_id: str, day: date) -> dict[str, Any]:
        return {s.name: await s.on(user_id, day) for s in self.sections}
