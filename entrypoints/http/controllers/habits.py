"""Habits over HTTP: thin handlers over the Habits service. Days are the user's local days."""

from __future__ import annotations

from datetime import date
from typing import Annotated

from litestar import Controller, delete, get, patch, post, put
from litestar.di import NamedDependency
from litestar.params import JSONBody, PathParameter, QueryParameter
from litestar.status_codes import HTTP_204_NO_CONTENT

from domains.habits.use_cases import HabitsService, MarkRequest
from domains.identity.model import Principal
from domains.shared.errors import InvalidInput
from entrypoints.http.openapi import beyond_schema, responses
from entrypoints.http.params import MONTH_PATTERN, DayInPath, local_day
from entrypoints.http.schemas.habits import (
    AnalyticsRead,
    BulkMarks,
    CalendarDayRead,
    CalendarRead,
    DashboardRead,
    HabitCreate,
    HabitRead,
    HabitUpdate,
    MarkRead,
    ProgressRead,
    ScheduleBody,
    StreakRead,
)
from entrypoints.http.screens import SCREEN_SECONDS

Habits = NamedDependency[HabitsService]
CurrentUser = NamedDependency[Principal]
HabitId = Annotated[str, PathParameter(max_length=64, format="uuid", description="a habit id")]
Month = Annotated[str, QueryParameter(pattern=MONTH_PATTERN, description="YYYY-MM")]


class HabitsController(Controller):
    path = "/habits"
    tags = ["habits"]

    @get("/", responses=responses(401), cache=SCREEN_SECONDS)
    async def list_habits(
        self,
        habits: Habits,
        principal: CurrentUser,
        include_archived: Annotated[bool, QueryParameter()] = False,
    ) -> list[HabitRead]:
        """The user's habits, favourites first."""
        found = await habits.list_habits(principal.user_id, include_archived=include_archived)
        return [HabitRead.of(h) for h in found]

    @post(
        "/",
        operation_id="createHabit",
        status_code=201,
        responses=responses(401, 403, 409, 422),
        opt=beyond_schema(
            "a `weekdays` schedule lists at least one weekday, each once; `weekdays` is sent only "
            "with it",
            "a `times_per_week` schedule has `times_per_week`; it is sent only with it",
        ),
    )
    async def create(
        self, data: JSONBody[HabitCreate], habits: Habits, principal: CurrentUser
    ) -> HabitRead:
        """A new habit; names are unique per user, whatever their case."""
        habit = await habits.create(
            principal.user_id, data.name, data.schedule.to_domain(), favourite=data.favourite
        )
        return HabitRead.of(habit)

    @get(
        "/dashboard",
        operation_id="getHabitDashboard",
        responses=responses(401),
        cache=SCREEN_SECONDS,
    )
    async def dashboard(self, habits: Habits, principal: CurrentUser) -> DashboardRead:
        """Every active habit as it stands on the user's local today."""
        return DashboardRead.of(await habits.dashboard(principal.user_id))

    @post(
        "/marks",
        operation_id="markHabits",
        status_code=200,
        responses=responses(401, 403, 404, 422),
        opt=beyond_schema(
            "each `marks[i].date` is one of the last 366 days and not after the user's today (in "
            "their time zone)",
            "each `marks[i].habit_id` is one of the user's habits (otherwise 404, and nothing is "
            "marked)",
        ),
    )
    async def mark_many(
        self, data: JSONBody[BulkMarks], habits: Habits, principal: CurrentUser
    ) -> list[MarkRead]:
        """Mark up to 100 (habit, day) pairs done or not done, all or nothing."""
        requests = [MarkRequest(m.habit_id, m.date, m.done) for m in data.marks]
        return [MarkRead.of(m) for m in await habits.mark_many(principal.user_id, requests)]

    @get("/{habit_id:str}", responses=responses(401, 404))
    async def get_habit(
        self, habits: Habits, principal: CurrentUser, habit_id: HabitId
    ) -> ProgressRead:
        """The habit with today's state, its streaks and strength."""
        return ProgressRead.of(await habits.get(principal.user_id, habit_id))

    @patch(
        "/{habit_id:str}",
        operation_id="updateHabit",
        responses=responses(401, 403, 404, 409, 422),
        opt=beyond_schema(
            "a `weekdays` schedule lists at least one weekday, each once; `weekdays` is sent only "
            "with it",
            "a `times_per_week` schedule has `times_per_week`; it is sent only with it",
        ),
    )
    async def update(
        self, data: JSONBody[HabitUpdate], habits: Habits, principal: CurrentUser, habit_id: HabitId
    ) -> HabitRead:
        """Rename, reschedule, favourite or archive."""
        habit = await habits.update(
            principal.user_id,
            habit_id,
            name=data.name if isinstance(data.name, str) else None,
            schedule=(
                data.schedule.to_domain() if isinstance(data.schedule, ScheduleBody) else None
            ),
            favourite=data.favourite if isinstance(data.favourite, bool) else None,
            archived=data.archived if isinstance(data.archived, bool) else None,
        )
        return HabitRead.of(habit)

    @delete("/{habit_id:str}", status_code=HTTP_204_NO_CONTENT, responses=responses(401, 403, 404))
    async def delete_habit(self, habits: Habits, principal: CurrentUser, habit_id: HabitId) -> None:
        """Delete the habit and its history."""
        await habits.delete(principal.user_id, habit_id)

    @put(
        "/{habit_id:str}/days/{day:str}",
        operation_id="markHabitDone",
        responses=responses(401, 403, 404, 422),
        opt=beyond_schema(
            "the day is one of the last 366 days of the user's calendar and not after the user's "
            "today (in their time zone)"
        ),
    )
    async def mark_done(
        self, habits: Habits, principal: CurrentUser, habit_id: HabitId, day: DayInPath
    ) -> MarkRead:
        """Mark a local day done (idempotent); not a day in the future."""
        return MarkRead.of(await habits.mark(principal.user_id, habit_id, local_day(day), True))

    @delete(
        "/{habit_id:str}/days/{day:str}",
        operation_id="markHabitNotDone",
        status_code=200,
        responses=responses(401, 403, 404, 422),
        opt=beyond_schema(
            "the day is one of the last 366 days of the user's calendar and not after the user's "
            "today (in their time zone)"
        ),
    )
    async def mark_not_done(
        self, habits: Habits, principal: CurrentUser, habit_id: HabitId, day: DayInPath
    ) -> MarkRead:
        """Mark a local day not done (idempotent)."""
        return MarkRead.of(await habits.mark(principal.user_id, habit_id, local_day(day), False))

    @get("/{habit_id:str}/streak", operation_id="getHabitStreak", responses=responses(401, 404))
    async def streak(self, habits: Habits, principal: CurrentUser, habit_id: HabitId) -> StreakRead:
        """Current and best streak of scheduled days (of weeks, for N times a week)."""
        s = (await habits.get(principal.user_id, habit_id)).streak
        return StreakRead(s.current, s.best, s.unit)  # type: ignore[arg-type]

    @get(
        "/{habit_id:str}/calendar",
        operation_id="getHabitCalendar",
        responses=responses(401, 404, 422),
        opt=beyond_schema("`month` is a month of the years 2000 to 2200"),
    )
    async def calendar(
        self,
        habits: Habits,
        principal: CurrentUser,
        habit_id: HabitId,
        month: Month,
    ) -> CalendarRead:
        """Each day of a month: done, scheduled, and whether it can be judged yet."""
        year, number = _month(month)
        days = await habits.calendar(principal.user_id, habit_id, year, number)
        return CalendarRead(
            month=month,
            days=[CalendarDayRead.of(d) for d in days],
            done=sum(1 for d in days if d.done),
        )

    @get(
        "/{habit_id:str}/analytics", operation_id="getHabitAnalytics", responses=responses(401, 404)
    )
    async def analytics(
        self, habits: Habits, principal: CurrentUser, habit_id: HabitId
    ) -> AnalyticsRead:
        """Completion rate over 7, 30 and 90 days, the weekday pattern, streaks and strength."""
        return AnalyticsRead.of(await habits.analytics(principal.user_id, habit_id))


def _month(raw: str) -> tuple[int, int]:
    try:
        first = date.fromisoformat(raw + "-01")
    except ValueError:
        raise InvalidInput("the month is written YYYY-MM", field="month") from None
    return first.year, first.month
