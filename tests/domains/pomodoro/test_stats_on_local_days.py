from __future__ import annotations

from datetime import date, datetime
from zoneinfo import ZoneInfo

import pytest

from domains.pomodoro.model import SessionKind
from domains.shared.errors import InvalidInput
from tests.domains.pomodoro.conftest import ALICE, World


async def focus(world: World, minutes: int = 25, *, tasks: int = 0) -> None:
    session = await world.service.start(ALICE, SessionKind.FOCUS)
    world.clock.advance(minutes=minutes)
    await world.service.complete(ALICE, session.id, tasks_done=tasks)


def at(zone: str, *args: int) -> datetime:
    return datetime(*args, tzinfo=ZoneInfo(zone))  # type: ignore[misc]


async def test_a_session_counts_on_the_users_local_day_not_the_servers(world: World) -> None:
    world.zones.zones[ALICE] = "Asia/Tokyo"
    # 23:00 in Tokyo is still 14:00 the same day in UTC; 00:30 the next day is 15:30 UTC.
    world.clock.set(at("Asia/Tokyo", 2026, 5, 10, 23, 0))
    await focus(world)
    world.clock.set(at("Asia/Tokyo", 2026, 5, 11, 0, 30))
    await focus(world)
    stats = await world.service.stats(ALICE, date(2026, 5, 10), date(2026, 5, 11))
    assert [(d.day, d.focus_sessions) for d in stats.days] == [
        (date(2026, 5, 10), 1),
        (date(2026, 5, 11), 1),
    ]


async def test_a_session_crossing_local_midnight_counts_on_the_day_it_ends(world: World) -> None:
    world.zones.zones[ALICE] = "Europe/Paris"
    world.clock.set(at("Europe/Paris", 2026, 6, 30, 23, 50))
    await focus(world, 25)
    stats = await world.service.stats(ALICE, date(2026, 6, 30), date(2026, 7, 1))
    assert [d.focus_minutes for d in stats.days] == [0, 25]


async def test_today_last_7_and_last_30_days_are_counted_back_from_the_local_today(
    world: World,
) -> None:
    world.zones.zones[ALICE] = "America/Los_Angeles"
    for day in (1, 20, 25, 31):  # 31 is today
        world.clock.set(at("America/Los_Angeles", 2026, 3, day, 9, 0))
        await focus(world, tasks=1)
    world.clock.set(at("America/Los_Angeles", 2026, 3, 31, 18, 0))
    summary = await world.service.summary(ALICE)
    assert (summary.today.focus_sessions, summary.today.tasks_done) == (1, 1)
    assert summary.last_7_days.focus_sessions == 2
    assert summary.last_7_days.start == date(2026, 3, 25)
    assert summary.last_30_days.focus_sessions == 3
    assert summary.last_30_days.focus_minutes == 75
    assert len(summary.last_30_days.days) == 30


async def test_after_local_midnight_today_starts_empty_even_if_utc_has_not_turned(
    world: World,
) -> None:
    world.zones.zones[ALICE] = "Pacific/Auckland"
    world.clock.set(at("Pacific/Auckland", 2026, 8, 1, 23, 0))
    await focus(world)
    world.clock.set(at("Pacific/Auckland", 2026, 8, 2, 0, 5))
    assert world.clock.now().date() == date(2026, 8, 1)  # still the 1st in UTC
    summary = await world.service.summary(ALICE)
    assert summary.today.focus_sessions == 0
    assert summary.last_7_days.focus_sessions == 1


async def test_the_short_day_of_a_daylight_saving_change_is_one_local_day(world: World) -> None:
    world.zones.zones[ALICE] = "America/New_York"
    # 8 March 2026: clocks jump from 02:00 to 03:00; the local day has 23 hours.
    world.clock.set(at("America/New_York", 2026, 3, 8, 0, 10))
    await focus(world)
    world.clock.set(at("America/New_York", 2026, 3, 8, 23, 30))
    await focus(world)
    stats = await world.service.stats(ALICE, date(2026, 3, 7), date(2026, 3, 9))
    assert [d.focus_sessions for d in stats.days] == [0, 2, 0]


async def test_moving_to_another_time_zone_keeps_past_days_where_they_were(world: World) -> None:
    world.zones.zones[ALICE] = "Asia/Tokyo"
    world.clock.set(at("Asia/Tokyo", 2026, 9, 2, 8, 0))  # 1 September 23:00 UTC
    await focus(world)
    world.zones.zones[ALICE] = "America/Los_Angeles"
    world.clock.advance(hours=1)  # 1 September, 17:25 in Los Angeles
    summary = await world.service.summary(ALICE)
    assert summary.today.start == date(2026, 9, 1)
    assert summary.today.focus_sessions == 0
    stats = await world.service.stats(ALICE, date(2026, 9, 2), date(2026, 9, 2))
    assert stats.focus_sessions == 1


async def test_a_range_spanning_a_month_boundary_lists_every_day_with_zeros(
    world: World,
) -> None:
    world.clock.set(datetime(2026, 2, 28, 10, 0, tzinfo=ZoneInfo("UTC")))
    await focus(world)
    world.clock.set(datetime(2026, 3, 1, 10, 0, tzinfo=ZoneInfo("UTC")))
    await focus(world, 50)
    stats = await world.service.stats(ALICE, date(2026, 2, 27), date(2026, 3, 2))
    assert [(d.day.day, d.focus_minutes) for d in stats.days] == [
        (27, 0),
        (28, 25),
        (1, 25),
        (2, 0),
    ]
    assert stats.focus_minutes == 50


@pytest.mark.parametrize(
    ("start", "end", "field"),
    [
        (date(2026, 3, 2), date(2026, 3, 1), "from"),
        (date(1999, 12, 31), date(2000, 1, 2), "from"),
        (date(2025, 1, 1), date(2026, 3, 1), "to"),
        (date(2030, 1, 1), date(2030, 1, 2), "to"),
    ],
)
async def test_reversed_too_long_or_far_away_ranges_are_refused(
    world: World, start: date, end: date, field: str
) -> None:
    with pytest.raises(InvalidInput) as refused:
        await world.service.stats(ALICE, start, end)
    assert refused.value.field == field
