from __future__ import annotations

from datetime import date, timedelta

import pytest

from domains.daily.model import day_index
from domains.daily.use_cases import DailyContentService
from domains.shared.errors import InvalidInput
from tests.domains.daily.fakes import FakeCache, FakeClock, TinyLibrary, utc


@pytest.fixture
def clock() -> FakeClock:
    return FakeClock(utc(2026, 3, 10, 0, 0, 0))


@pytest.fixture
def cache(clock: FakeClock) -> FakeCache:
    return FakeCache(clock)


def service(
    clock: FakeClock, cache: FakeCache, library: TinyLibrary | None = None
) -> DailyContentService:
    return DailyContentService(library or TinyLibrary(size=50), cache, clock)


async def test_everyone_gets_the_same_content_all_day_long(clock: FakeClock) -> None:
    # Two servers with separate caches agree, from the first second to the last of the day.
    first = await service(clock, FakeCache(clock)).for_today()
    clock.current = utc(2026, 3, 10, 23, 59, 59)
    last = await service(clock, FakeCache(clock)).for_today()
    assert first == last
    assert first.date == date(2026, 3, 10)


async def test_content_rolls_over_at_midnight_utc(clock: FakeClock, cache: FakeCache) -> None:
    daily = service(clock, cache)
    clock.current = utc(2026, 3, 10, 23, 59, 59)
    before = await daily.for_today()
    assert cache.ttls["daily:v1:2026-03-10"] == 1  # lives exactly until midnight
    clock.advance(seconds=1)
    after = await daily.for_today()
    assert after.date == date(2026, 3, 11)
    assert (after.quote, after.word, after.prompt) != (before.quote, before.word, before.prompt)
    assert before.expires_at == utc(2026, 3, 11)


async def test_the_users_own_time_zone_does_not_change_the_day(clock: FakeClock) -> None:
    # 23:30 in Los Angeles is already the next UTC day: daily content follows UTC for everyone.
    clock.current = utc(2026, 3, 11, 6, 30)
    content = await service(clock, FakeCache(clock)).for_today()
    assert content.date == date(2026, 3, 11)


async def test_the_theme_stays_for_the_iso_week_and_changes_on_monday(clock: FakeClock) -> None:
    daily = service(clock, FakeCache(clock))
    monday = date(2026, 3, 9)
    clock.current = utc(2026, 3, 15, 23, 0)
    themes = {(await daily.for_date(monday + timedelta(days=i))).theme for i in range(7)}
    assert len(themes) == 1
    assert (await daily.for_date(monday)).week == "2026-W11"
    clock.current = utc(2026, 3, 16, 0, 0)
    assert (await daily.for_date(date(2026, 3, 16))).theme not in themes


async def test_the_cached_choice_is_served_all_day_even_if_the_content_set_changes(
    clock: FakeClock, cache: FakeCache
) -> None:
    original = await service(clock, cache, TinyLibrary(size=50)).for_today()
    clock.advance(hours=5)
    redeployed = await service(clock, cache, TinyLibrary(size=50, tag=" (edited)")).for_today()
    assert redeployed.quote == original.quote


async def test_a_cache_outage_still_serves_the_same_content(
    clock: FakeClock, cache: FakeCache
) -> None:
    expected = await service(clock, FakeCache(clock)).for_today()
    cache.down = True
    assert await service(clock, cache).for_today() == expected


async def test_nothing_repeats_until_every_quote_has_had_its_day(clock: FakeClock) -> None:
    library = TinyLibrary(size=30)
    daily = DailyContentService(library, FakeCache(clock), clock)
    start = date(2026, 1, 1)
    chosen = [daily.choose(start + timedelta(days=i)).quote.id for i in range(300)]
    # Every window of 30 days that starts at a cycle boundary holds each quote exactly once.
    offset = next(i for i in range(30) if day_index(start + timedelta(days=i)) % 30 == 0)
    window = chosen[offset : offset + 30]
    assert sorted(window) == sorted(q.id for q in library.quotes())


async def test_future_days_and_days_over_a_year_ago_are_refused(
    clock: FakeClock, cache: FakeCache
) -> None:
    daily = service(clock, cache)
    with pytest.raises(InvalidInput):
        await daily.for_date(date(2026, 3, 11))
    with pytest.raises(InvalidInput):
        await daily.for_date(date(2025, 3, 8))
    assert (await daily.for_date(date(2025, 3, 9))).date == date(2025, 3, 9)
