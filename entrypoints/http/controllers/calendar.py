"""The calendar day and month views and the dashboard over HTTP."""

from __future__ import annotations

import re
from typing import Annotated

from litestar import Controller, get
from litestar.di import NamedDependency
from litestar.openapi.spec import Example
from litestar.params import PathParameter

from domains.calendar.use_cases import CalendarService
from domains.identity.model import Principal
from domains.shared.errors import InvalidInput
from entrypoints.http.openapi import beyond_schema, responses
from entrypoints.http.params import MONTH_PATTERN, DayInPath, local_day
from entrypoints.http.schemas.calendar import CalendarDayRead, CalendarMonthRead, DashboardRead
from entrypoints.http.screens import SCREEN_SECONDS

Calendar = NamedDependency[CalendarService]
CurrentUser = NamedDependency[Principal]
Month = Annotated[
    str,
    PathParameter(
        pattern=MONTH_PATTERN, description="YYYY-MM", examples=[Example(value="2026-01")]
    ),
]
_MONTH = re.compile(MONTH_PATTERN)


class CalendarController(Controller):
    path = "/calendar"
    tags = ["calendar"]

    @get(
        "/{day:str}",
        operation_id="getCalendarDay",
        cache=SCREEN_SECONDS,
        responses=responses(401, 422),
        opt=beyond_schema("the day lies between 2000-01-01 and a year after the user's today"),
    )
    async def day(
        self, calendar: Calendar, principal: CurrentUser, day: DayInPath
    ) -> CalendarDayRead:
        """Everything on one of the user's local days: streak activity, mood, breathing, goals.
        Dates from 2000-01-01 to a year ahead."""
        return CalendarDayRead.of(await calendar.day(principal.user_id, local_day(day)))

    @get(
        "/months/{month:str}",
        operation_id="getCalendarMonth",
        responses=responses(401, 422),
        cache=SCREEN_SECONDS,
    )
    async def month(
        self, calendar: Calendar, principal: CurrentUser, month: Month
    ) -> CalendarMonthRead:
        """A month at a glance, one entry per local day, for a month grid."""
        parsed = _MONTH.match(month)
        if parsed is None:
            raise InvalidInput("the month is written YYYY-MM", field="month")
        found = await calendar.month(principal.user_id, int(parsed[1]), int(parsed[2]))
        return CalendarMonthRead.of(found)


class DashboardController(Controller):
    path = "/dashboard"
    tags = ["dashboard"]

    @get("/", operation_id="getDashboard", responses=responses(401), cache=SCREEN_SECONDS)
    async def dashboard(self, calendar: Calendar, principal: CurrentUser) -> DashboardRead:
        """Today at a glance, on the user's local day: the streak, goals coming due, today's
        sections and the daily content."""
        return DashboardRead.of(await calendar.dashboard(principal.user_id))
