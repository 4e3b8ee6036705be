"""The Redis stores behind the per-process breaker: a dead Redis is answered by the fallbacks at
once, and a Redis that answers again is made to relearn the revocations first."""

from __future__ import annotations

from collections.abc import AsyncIterator

import pytest
from redis.asyncio import Redis

from adapters.cache import StoreCache
from adapters.memory.stores import InMemoryRateLimiter
from adapters.redis.fallback import (
    FallbackCache,
    FallbackRateLimiter,
    FallbackRequestChecks,
    FallbackRevocationCache,
    RedisBreaker,
    stricter,
)
from adapters.redis.stores import (
    RedisRateLimiter,
    RedisRequestChecks,
    RedisRevocationCache,
)
from domains.identity.ports import RevocationState
from domains.shared.errors import Unavailable
from domains.shared.rate_limit import Rate


class Clock:
    def __init__(self) -> None:
        self.now = 100.0

    def __call__(self) -> float:
        return self.now


@pytest.fixture
async def dead() -> AsyncIterator[Redis]:
    client = Redis.from_url("redis://127.0.0.1:1/0", socket_connect_timeout=0.2)
    yield client
    await client.aclose()


def test_a_process_share_of_a_limit_is_the_limit_over_the_divisor_and_at_least_one() -> None:
    assert stricter(Rate(500, 60), 4) == Rate(125, 60)
    assert stricter(Rate(3, 300), 4) == Rate(1, 300)


async def test_with_redis_dead_the_checks_leave_revocation_to_the_sessions_and_count_locally(
    dead: Redis,
) -> None:
    breaker = RedisBreaker(RedisRevocationCache(dead))
    checks = FallbackRequestChecks(RedisRequestChecks(dead), breaker, InMemoryRateLimiter(), 4)
    rate = Rate(8, 60)
    decision, state, _ = await checks.check(rate, "ip:1", session_id="s", user_key="user:1")
    assert decision is None and state is RevocationState.UNAVAILABLE
    assert breaker.degraded
    # The process's share: 8 / 4.
    assert [(await checks.count(rate, "user:1")).allowed for _ in range(3)] == [True, True, False]
    anonymous = [(await checks.check(rate, "ip:2"))[0] for _ in range(3)]
    assert [d.allowed for d in anonymous if d] == [True, True, False]


async def test_with_redis_dead_limits_and_revocations_fall_back(dead: Redis) -> None:
    breaker = RedisBreaker(RedisRevocationCache(dead))
    limiter = FallbackRateLimiter(RedisRateLimiter(dead), breaker, InMemoryRateLimiter(), 2)
    rate = Rate(4, 60)
    assert [(await limiter.hit("login:ip:1", rate)).allowed for _ in range(3)] == [
        True,
        True,
        False,
    ]
    revocations = FallbackRevocationCache(RedisRevocationCache(dead), breaker)
    await revocations.revoke(["s"], 60)  # the sessions table keeps it; nothing to raise
    await revocations.warm(["s"], 60)
    assert await revocations.state("s") is RevocationState.UNAVAILABLE


async def test_a_redis_that_answers_again_is_used_again_and_relearns_its_revocations(
    redis: Redis, redis_prefix: str
) -> None:
    clock = Clock()
    plain = RedisRevocationCache(redis, redis_prefix)
    breaker = RedisBreaker(plain, retry_seconds=1.0, clock=clock)
    revocations = FallbackRevocationCache(plain, breaker)
    await revocations.warm([], 60)
    assert await revocations.state("s") is RevocationState.ACTIVE

    async def failing() -> RevocationState:
        raise Unavailable("gone")

    async def fallback() -> RevocationState:
        return RevocationState.UNAVAILABLE

    assert await breaker.call(failing, fallback) is RevocationState.UNAVAILABLE
    # Within the retry interval nobody waits on Redis: the fallback answers.
    clock.now += 0.5
    assert await revocations.state("s") is RevocationState.UNAVAILABLE
    # Then one call probes; Redis answers, and first forgets what it vouched for.
    clock.now += 0.6
    assert await revocations.state("s") is RevocationState.UNKNOWN
    assert not breaker.degraded
    await revocations.warm(["s"], 60)
    assert await revocations.state("s") is RevocationState.REVOKED


async def test_with_redis_dead_the_cache_says_unavailable_without_asking_redis_again(
    dead: Redis,
) -> None:
    asked: list[str] = []

    class Asked(StoreCache):
        async def get(self, key: str) -> bytes | None:
            asked.append(key)
            return await super().get(key)

    breaker = RedisBreaker(RedisRevocationCache(dead), clock=Clock())
    cache = FallbackCache(Asked.redis(dead), breaker)
    for _ in range(3):
        with pytest.raises(Unavailable):
            await cache.get("k")
    assert asked == ["k"] and breaker.degraded  # only the first call waited on Redis
    with pytest.raises(Unavailable):
        await cache.set("k", b"v", 5)
