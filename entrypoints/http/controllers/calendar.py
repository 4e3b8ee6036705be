"""The calendar day view and the dashboard over HTTP."""

from __future__ import annotations

from datetime import date
from typing import Annotated

from litestar import Controller, get
from litestar.di import NamedDependency
from litestar.params import PathParameter

from domains.calendar.use_cases import CalendarService
from domains.identity.model import Principal
from entrypoints.http.openapi import responses
from entrypoints.http.schemas.calendar import CalendarDayRead, DashboardRead

Calendar = NamedDependency[CalendarService]
CurrentUser = NamedDependency[Principal]
Day = Annotated[date, PathParameter(description="a local date, YYYY-MM-DD")]


class CalendarController(Controller):
    path = "/calendar"
    tags = ["calendar"]

    @get("/{day:date}", responses=responses(401, 422))
    async def day(self, calendar: Calendar, principal: CurrentUser, day: Day) -> CalendarDayRead:
        """Everything on one of the user's local days: streak activity, mood, breathing, goals.
        Dates from 2000-01-01 to a year ahead."""
        return CalendarDayRead.of(await calendar.day(principal.user_id, day))


class DashboardController(Controller):
    path = "/dashboard"
    tags = ["calendar"]

    @get("/", responses=responses(401))
    async def dashboard(self, calendar: Calendar, principal: CurrentUser) -> DashboardRead:
        """Today at a glance, on the user's local day: the streak, goals coming due, today's
        sections and the daily content."""
        return DashboardRead.of(await calendar.dashboard(principal.user_id))
