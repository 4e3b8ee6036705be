"""The calendar day and month views and the dashboard over HTTP."""

from __future__ import annotations

import re
from datetime import date
from typing import Annotated

from litestar import Controller, get
from litestar.di import NamedDependency
from litestar.openapi.spec import OpenAPIFormat
from litestar.params import PathParameter

from domains.calendar.use_cases import CalendarService
from domains.identity.model import Principal
from domains.shared.errors import InvalidInput
from entrypoints.http.openapi import responses
from entrypoints.http.schemas.calendar import CalendarDayRead, CalendarMonthRead, DashboardRead

Calendar = NamedDependency[CalendarService]
CurrentUser = NamedDependency[Principal]
#: A string on the route, parsed by the handler: a route typed `date` answers 404 to 2026-02-30,
#: a well-formed request for a day that does not exist (422).
Day = Annotated[
    str, PathParameter(format=OpenAPIFormat.DATE, description="a local date, YYYY-MM-DD")
]
_DAY = re.compile(r"^\d{4}-\d{2}-\d{2}$")
Month = Annotated[str, PathParameter(max_length=16, description="YYYY-MM", examples=[])]
_MONTH = re.compile(r"^(\d{4})-(\d{2})$")


class CalendarController(Controller):
    path = "/calendar"
    tags = ["calendar"]

    @get("/{day:str}", responses=responses(401, 422))
    async def day(self, calendar: Calendar, principal: CurrentUser, day: Day) -> CalendarDayRead:
        """Everything on one of the user's local days: streak activity, mood, breathing, goals.
        Dates from 2000-01-01 to a year ahead."""
        return CalendarDayRead.of(await calendar.day(principal.user_id, _local_day(day)))

    @get("/months/{month:str}", responses=responses(401, 422))
    async def month(
        self, calendar: Calendar, principal: CurrentUser, month: Month
    ) -> CalendarMonthRead:
        """A month at a glance, one entry per local day, for a month grid."""
        parsed = _MONTH.match(month)
        if parsed is None:
            raise InvalidInput("the month is written YYYY-MM", field="month")
        found = await calendar.month(principal.user_id, int(parsed[1]), int(parsed[2]))
        return CalendarMonthRead.of(found)


def _local_day(raw: str) -> date:
    if not _DAY.match(raw):
        raise InvalidInput("the day is written YYYY-MM-DD", field="day")
    try:
        return date.fromisoformat(raw)
    except ValueError:
        raise InvalidInput("no such day on the calendar", field="day") from None


class DashboardController(Controller):
    path = "/dashboard"
    tags = ["calendar"]

    @get("/", responses=responses(401))
    async def dashboard(self, calendar: Calendar, principal: CurrentUser) -> DashboardRead:
        """Today at a glance, on the user's local day: the streak, goals coming due, today's
        sections and the daily content."""
        return DashboardRead.of(await calendar.dashboard(principal.user_id))
