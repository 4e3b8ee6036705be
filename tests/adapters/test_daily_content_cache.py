"""Daily content through the production cache (Redis): one choice per UTC day shared by every
worker, and gone from the cache at midnight UTC."""

from __future__ import annotations

from datetime import UTC, datetime

from redis.asyncio import Redis

from adapters.cache import StoreCache
from adapters.content.library import JsonContentLibrary
from domains.daily.use_cases import DailyContentService


class Clock:
    def __init__(self, now: datetime) -> None:
        self.current = now

    def now(self) -> datetime:
        return self.current


async def test_the_days_content_lives_in_redis_exactly_until_midnight_utc(
    redis: Redis, redis_prefix: str
) -> None:
    clock = Clock(datetime(2026, 7, 14, 23, 58, 0, tzinfo=UTC))
    worker = DailyContentService(JsonContentLibrary(), StoreCache.redis(redis, redis_prefix), clock)
    content = await worker.for_today()
    key = f"{redis_prefix}cache:daily:v1:2026-07-14"
    assert 118 <= await redis.ttl(key) <= 120
    assert content.expires_at == datetime(2026, 7, 15, tzinfo=UTC)


async def test_every_worker_serves_what_the_first_one_chose(
    redis: Redis, redis_prefix: str
) -> None:
    clock = Clock(datetime(2026, 7, 14, 8, 0, tzinfo=UTC))
    first = DailyContentService(JsonContentLibrary(), StoreCache.redis(redis, redis_prefix), clock)
    chosen = await first.for_today()
    # A second worker whose own schedule would pick something else still serves the cached day.
    other_day = first.choose(datetime(2026, 7, 15, tzinfo=UTC).date())
    await redis.set(f"{redis_prefix}cache:daily:v1:2026-07-15", b"not json", ex=60)
    second = DailyContentService(JsonContentLibrary(), StoreCache.redis(redis, redis_prefix), clock)
    assert await second.for_today() == chosen
    # A corrupt entry is replaced by a fresh, deterministic choice rather than failing.
    clock.current = datetime(2026, 7, 15, 0, 0, 1, tzinfo=UTC)
    assert (await second.for_today()).quote == other_day.quote
    assert await redis.get(f"{redis_prefix}cache:daily:v1:2026-07-15") != b"not json"
