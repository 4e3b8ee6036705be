"""The day view and dashboard: one local date, every section asked at once."""

from __future__ import annotations

import asyncio
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
from domains.calendar.ports import DashboardPanel, DaySection, MonthSection
from domains.shared.days import UserDays


@dataclass
class CalendarService:
    user_days: UserDays
    sections: Sequence[DaySection] = ()
    panels: Sequence[DashboardPanel] = ()
    months: Sequence[MonthSection] = ()

    async def day(self, user_id: str, day: date) -> CalendarDay:
        user_day = await self.user_days.of(user_id)
        check_day(day, user_day.today)
        return CalendarDay(
            day, user_day.zone.key, day == user_day.today, await self._sections(user_id, day)
        )

    async def month(self, user_id: str, year: int, month: int) -> CalendarMonth:
        """Every day of a month with each month section's summary (None on empty days)."""
        user_day = await self.user_days.of(user_id)
        today = user_day.today
        first, last = month_bounds(year, month, today)
        found = await asyncio.gather(*(s.between(user_id, first, last) for s in self.months))
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
        panels = await asyncio.gather(*(p.panel(user_id, today) for p in self.panels))
        sections = {p.name: value for p, value in zip(self.panels, panels, strict=True)}
        sections["today"] = await self._sections(user_id, today)
        return Dashboard(today, user_day.zone.key, sections)

    async def _sections(self, user_id: str, day: date) -> dict[str, Any]:
        # Each section reads its own domain on its own connection: ask them all at once.
        found = await asyncio.gather(*(s.on(user_id, day) for s in self.sections))
        return {s.name: value for s, value in zip(self.sections, found, strict=True)}
