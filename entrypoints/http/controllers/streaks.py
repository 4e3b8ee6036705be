"""The app streak over HTTP."""

from __future__ import annotations

from datetime import date
from typing import Annotated

from litestar import Controller, get
from litestar.di import NamedDependency
from litestar.params import QueryParameter

from domains.identity.model import Principal
from domains.streaks.use_cases import StreakService
from entrypoints.http.openapi import responses
from entrypoints.http.schemas.streaks import ActiveDayRead, StreakRead

Streaks = NamedDependency[StreakService]
CurrentUser = NamedDependency[Principal]
FirstDay = Annotated[date, QueryParameter(name="from", description="first local day")]
LastDay = Annotated[date, QueryParameter(name="to", description="last local day")]


class StreakController(Controller):
    path = "/streak"
    tags = ["streak"]

    @get("/", operation_id="getStreak", responses=responses(401))
    async def streak(self, streaks: Streaks, principal: CurrentUser) -> StreakRead:
        """Current and longest run of local days with any productive action (a focus session, a
        habit done, a journal entry, a card reviewed, a breathing session, a mood entry). Today
        not yet done does not break the streak until the day is over."""
        return StreakRead.of(await streaks.streak(principal.user_id))

    @get("/days", operation_id="listStreakDays", responses=responses(401, 422))
    async def days(
        self, streaks: Streaks, principal: CurrentUser, first: FirstDay, last: LastDay
    ) -> list[ActiveDayRead]:
        """The active local days from..to (at most 366 days) and their number of actions."""
        found = await streaks.active_days(principal.user_id, first, last)
        return [ActiveDayRead(day, actions) for day, actions in found]
