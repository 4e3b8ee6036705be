"""The day view and dashboard: one local date, every section asked in turn."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date

from domains.calendar.model import CalendarDay, Dashboard, check_day
from domains.calendar.ports import DashboardPanel, DaySection, UserTimeZones
from domains.shared.clock import Clock, local_date, time_zone


@dataclass
class CalendarService:
    zones: UserTimeZones
    clock: Clock
    sections: Sequence[DaySection] = ()
    panels: Sequence[DashboardPanel] = ()

    async def day(self, user_id: str, day: date) -> CalendarDay:
        zone_name, today = await self._today(user_id)
        check_day(day, today)
        sections = {s.name: await s.on(user_id, day) for s in self.sections}
        return CalendarDay(day, zone_name, day == today, sections)

    async def dashboard(self, user_id: str) -> Dashboard:
        zone_name, today = await self._today(user_id)
        sections = {p.name: await p.panel(user_id, today) for p in self.panels}
        sections["today"] = {s.name: await s.on(user_id, today) for s in self.sections}
        return Dashboard(today, zone_name, sections)

    async def _today(self, user_id: str) -> tuple[str, date]:
        name = await self.zones.zone_of(user_id)
        return name, local_date(self.clock.now(), time_zone(name))
