from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from datetime import UTC, date, datetime
from typing import Any

import pytest

from domains.calendar.use_cases import CalendarService
from domains.shared.days import UserDays
from domains.shared.errors import InvalidInput, NotFound


class Clock:
    def __init__(self, now: datetime) -> None:
        self.current = now

    def now(self) -> datetime:
        return self.current


class Zones:
    def __init__(self, **zones: str) -> None:
        self.zones = zones

    async def zone_of(self, user_id: str) -> str:
        if user_id not in self.zones:
            raise NotFound("no such user")
        return self.zones[user_id]


class RecordingSection:
    """Answers with the day it was asked about, so the test sees which day reached it."""

    def __init__(self, name: str) -> None:
        self.name = name
        self.asked: list[tuple[str, date]] = []

    async def on(self, user_id: str, day: date) -> Any:
        self.asked.append((user_id, day))
        return {"day": day.isoformat()}


class Panel:
    name = "streak"

    async def panel(self, user_id: str, today: date) -> Any:
        return {"today": today.isoformat(), "user": user_id}


@pytest.fixture
def clock() -> Clock:
    return Clock(datetime(2026, 3, 31, 22, 30, tzinfo=UTC))


@pytest.fixture
def mood() -> RecordingSection:
    return RecordingSection("mood")


@pytest.fixture
def service(clock: Clock, mood: RecordingSection) -> CalendarService:
    zones = Zones(ann="UTC", mei="Asia/Shanghai")
    return CalendarService(
        UserDays(zones, clock), sections=[mood, RecordingSection("goals")], panels=[Panel()]
    )


async def test_the_day_view_asks_every_section_about_that_day(
    service: CalendarService, mood: RecordingSection
) -> None:
    day = await service.day("ann", date(2026, 3, 2))
    assert day.sections == {"mood": {"day": "2026-03-02"}, "goals": {"day": "2026-03-02"}}
    assert not day.is_today
    assert mood.asked == [("ann", date(2026, 3, 2))]


async def test_today_is_the_users_day_across_a_month_end(service: CalendarService) -> None:
    # 22:30 UTC on 31 March is already 1 April in Shanghai.
    assert (await service.day("mei", date(2026, 4, 1))).is_today
    assert not (await service.day("ann", date(2026, 4, 1))).is_today
    dashboard = await service.dashboard("mei")
    assert dashboard.date == date(2026, 4, 1)
    assert dashboard.sections["streak"] == {"today": "2026-04-01", "user": "mei"}
    assert dashboard.sections["today"]["mood"] == {"day": "2026-04-01"}


async def test_dates_before_2000_or_over_a_year_ahead_are_refused(
    service: CalendarService,
) -> None:
    with pytest.raises(InvalidInput):
        await service.day("ann", date(1999, 12, 31))
    with pytest.raises(InvalidInput):
        await service.day("ann", date(2027, 4, 2))
    assert (await service.day("ann", date(2027, 3, 31))).date == date(2027, 3, 31)


async def test_an_unknown_user_has_no_calendar(service: CalendarService) -> None:
    with pytest.raises(NotFound):
        await service.dashboard("ghost")


class MoodMonth:
    name = "mood"

    async def between(self, user_id: str, start: date, end: date) -> dict[date, Any]:
        return {date(2026, 2, 28): {"entries": 2}, date(2026, 3, 1): {"entries": 9}}


async def test_a_month_lists_every_day_with_each_sections_summary(clock: Clock) -> None:
    service = CalendarService(UserDays(Zones(ann="UTC"), clock), months=[MoodMonth()])
    february = await service.month("ann", 2026, 2)
    assert len(february.days) == 28
    assert february.days[0] == {"date": date(2026, 2, 1), "is_today": False, "mood": None}
    assert february.days[-1]["mood"] == {"entries": 2}
    march = await service.month("ann", 2026, 3)
    assert [d["date"] for d in march.days if d["is_today"]] == [date(2026, 3, 31)]
    leap = await service.month("ann", 2024, 2)
    assert len(leap.days) == 29


@pytest.mark.parametrize(
    ("year", "month"), [(2026, 13), (2026, 0), (1999, 12), (2027, 5), (2028, 1)]
)
async def test_months_out_of_range_are_refused(clock: Clock, year: int, month: int) -> None:
    service = CalendarService(UserDays(Zones(ann="UTC"), clock), months=[MoodMonth()])
    with pytest.raises(InvalidInput):
        await service.month("ann", year, month)


class Reads:
    """A read scope that records what was asked inside it, and how many were asked at once."""

    def __init__(self) -> None:
        self.opened = 0
        self.inside = False
        self.running = self.most_at_once = 0
        self.asked: list[str] = []

    @asynccontextmanager
    async def scope(self) -> AsyncIterator[None]:
        self.opened += 1
        self.inside = True
        try:
            yield
        finally:
            self.inside = False

    async def ask(self, name: str) -> Any:
        assert self.inside, f"{name} was asked outside the read scope"
        self.asked.append(name)
        self.running += 1
        self.most_at_once = max(self.most_at_once, self.running)
        await asyncio.sleep(0)
        self.running -= 1
        return name


class ScopedSection:
    def __init__(self, name: str, reads: Reads) -> None:
        self.name = name
        self.reads = reads

    async def on(self, user_id: str, day: date) -> Any:
        return await self.reads.ask(f"{self.name}.on")

    async def between(self, user_id: str, start: date, end: date) -> dict[date, Any]:
        return {start: await self.reads.ask(f"{self.name}.between")}

    async def panel(self, user_id: str, today: date) -> Any:
        return await self.reads.ask(f"{self.name}.panel")


async def test_each_view_asks_its_sections_one_at_a_time_inside_one_read_scope(
    clock: Clock,
) -> None:
    reads = Reads()
    sections = [ScopedSection("mood", reads), ScopedSection("goals", reads)]
    service = CalendarService(
        UserDays(Zones(ann="UTC"), clock),
        sections=sections,
        months=sections,
        panels=[ScopedSection("streak", reads), ScopedSection("daily", reads)],
        reading=reads.scope,
    )
    dashboard = await service.dashboard("ann")
    assert dashboard.sections["streak"] == "streak.panel"
    assert dashboard.sections["today"] == {"mood": "mood.on", "goals": "goals.on"}
    await service.day("ann", date(2026, 3, 2))
    await service.month("ann", 2026, 3)
    assert reads.opened == 3
    assert reads.most_at_once == 1
    assert reads.asked == [
        "streak.panel",
        "daily.panel",
        "mood.on",
        "goals.on",
        "mood.on",
        "goals.on",
        "mood.between",
        "goals.between",
    ]
