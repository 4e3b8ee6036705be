"""Daily content over HTTP: the same for everyone on a UTC day, no sign-in needed."""

from __future__ import annotations

from datetime import date
from typing import Annotated

from litestar import Controller, get
from litestar.di import NamedDependency
from litestar.params import QueryParameter

from domains.daily.model import DailyContent
from domains.daily.use_cases import DailyContentService
from entrypoints.http.openapi import responses
from entrypoints.http.schemas.daily import (
    DailyRead,
    MindFuelRead,
    PromptRead,
    QuoteRead,
    ThemeRead,
    WordRead,
)

Daily = NamedDependency[DailyContentService]
Day = Annotated[
    date | None,
    QueryParameter(
        name="date", description="a past UTC day (up to a year back); today when left out"
    ),
]


async def _content(daily: DailyContentService, day: date | None) -> DailyContent:
    return await (daily.for_today() if day is None else daily.for_date(day))


class DailyController(Controller):
    path = "/daily"
    tags = ["daily"]

    @get("/", operation_id="getDailyContent", responses=responses(422))
    async def today(self, daily: Daily, day: Day = None) -> DailyRead:
        """Quote, word, writing prompt and mind-fuel tip of the UTC day, and the ISO week's
        theme. Everything rolls over at midnight UTC (`expires_at`)."""
        return DailyRead.of(await _content(daily, day))

    @get("/quote", operation_id="getDailyQuote", responses=responses(422))
    async def quote(self, daily: Daily, day: Day = None) -> QuoteRead:
        """The day's quote (today, or `day`)."""
        return QuoteRead.of((await _content(daily, day)).quote)

    @get("/word", operation_id="getDailyWord", responses=responses(422))
    async def word(self, daily: Daily, day: Day = None) -> WordRead:
        """The day's word with its meaning and an example (today, or `day`)."""
        return WordRead.of((await _content(daily, day)).word)

    @get("/prompt", operation_id="getDailyPrompt", responses=responses(422))
    async def prompt(self, daily: Daily, day: Day = None) -> PromptRead:
        """The day's journal prompt (today, or `day`)."""
        return PromptRead.of((await _content(daily, day)).prompt)

    @get("/mind-fuel", operation_id="getDailyMindFuel", responses=responses(422))
    async def mind_fuel(self, daily: Daily, day: Day = None) -> MindFuelRead:
        """The day's mind fuel (today, or `day`); the same for everyone on that day."""
        return MindFuelRead.of((await _content(daily, day)).mind_fuel)

    @get("/theme", operation_id="getDailyTheme", responses=responses(422))
    async def theme(self, daily: Daily, day: Day = None) -> ThemeRead:
        """The day's theme (today, or `day`)."""
        content = await _content(daily, day)
        return ThemeRead.of(content.theme, content.week)
