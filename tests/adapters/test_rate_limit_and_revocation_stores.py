"""The cache-port implementations: Redis (production) and in-process (embedded) keep the same
contract, so both run the same tests."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator

import pytest
from redis.asyncio import BlockingConnectionPool, Redis

from adapters.cache import StoreCache
from adapters.memory.stores import (
    InMemoryRateLimiter,
    InMemoryRequestChecks,
    InMemoryRevocationCache,
    InMemoryScreenVersions,
)
from adapters.redis.screen_versions import RedisScreenVersions
from adapters.redis.stores import (
    RedisRateLimiter,
    RedisRequestChecks,
    RedisRevocationCache,
)
from domains.identity.ports import RevocationState
from domains.shared.rate_limit import Rate
from tests.support.servers import REDIS_URL


@pytest.fixture(params=["redis", "memory"])
async def stores(
    request: pytest.FixtureRequest, redis_prefix: str
) -> AsyncIterator[tuple[object, object, object]]:
    if request.param == "memory":
        yield InMemoryRateLimiter(), InMemoryRevocationCache(), StoreCache.memory()
        return
    client = Redis(connection_pool=BlockingConnectionPool.from_url(REDIS_URL, max_connections=20))
    yield (
        RedisRateLimiter(client, redis_prefix),
        RedisRevocationCache(client, redis_prefix),
        StoreCache.redis(client, redis_prefix),
    )
    await client.aclose()


async def test_a_bucket_allows_its_limit_then_refuses_with_a_retry_time(stores: tuple) -> None:
    limiter = stores[0]
    rate = Rate(5, 60)
    decisions = [await limiter.hit("user:1", rate) for _ in range(6)]
    assert [d.allowed for d in decisions] == [True] * 5 + [False]
    assert [d.remaining for d in decisions[:5]] == [4, 3, 2, 1, 0]
    assert 11 <= decisions[5].retry_after <= 12.5  # one token returns every 12 s


async def test_buckets_are_separate_per_key(stores: tuple) -> None:
    limiter = stores[0]
    rate = Rate(1, 60)
    assert (await limiter.hit("a", rate)).allowed
    assert (await limiter.hit("b", rate)).allowed
    assert not (await limiter.hit("a", rate)).allowed


async def test_tokens_come_back_with_time(stores: tuple) -> None:
    limiter = stores[0]
    rate = Rate(2, 0.4)  # one token every 200 ms
    assert (await limiter.hit("k", rate)).allowed
    assert (await limiter.hit("k", rate)).allowed
    assert not (await limiter.hit("k", rate)).allowed
    await asyncio.sleep(0.25)
    assert (await limiter.hit("k", rate)).allowed


async def test_concurrent_hits_never_exceed_the_limit(stores: tuple) -> None:
    limiter = stores[0]
    rate = Rate(50, 60)
    decisions = await asyncio.gather(*(limiter.hit("burst", rate) for _ in range(200)))
    assert sum(d.allowed for d in decisions) == 50


async def test_peeking_counts_nothing(stores: tuple) -> None:
    limiter = stores[0]
    rate = Rate(1, 60)
    for _ in range(3):
        assert (await limiter.peek("p", rate)).allowed
    assert (await limiter.hit("p", rate)).allowed


async def test_a_fresh_revocation_cache_admits_it_knows_nothing_until_warmed(
    stores: tuple,
) -> None:
    revocations = stores[1]
    assert await revocations.state("s1") is RevocationState.UNKNOWN
    await revocations.warm(["s2"], 60)
    assert await revocations.state("s1") is RevocationState.ACTIVE
    assert await revocations.state("s2") is RevocationState.REVOKED
    await revocations.revoke(["s1"], 60)
    assert await revocations.state("s1") is RevocationState.REVOKED


async def test_cached_values_expire(stores: tuple) -> None:
    cache = stores[2]
    await cache.set("quote", b"hello", 1)
    assert await cache.get("quote") == b"hello"
    await asyncio.sleep(1.1)
    assert await cache.get("quote") is None


async def test_a_redis_restart_makes_the_revocation_state_unknown_again(
    redis: Redis, redis_prefix: str
) -> None:
    revocations = RedisRevocationCache(redis, redis_prefix)
    await revocations.warm([], 60)
    assert await revocations.state("s") is RevocationState.ACTIVE
    await redis.delete(*await redis.keys(redis_prefix + "*"))  # a restart without disk
    assert await revocations.state("s") is RevocationState.UNKNOWN


async def test_whatever_redis_evicts_the_revocation_cache_never_says_active_for_a_revoked_session(
    redis: Redis, redis_prefix: str
) -> None:
    revocations = RedisRevocationCache(redis, redis_prefix)
    await revocations.warm(["old"], 60)
    await revocations.revoke(["new"], 60)
    keys = await redis.keys(redis_prefix + "*")
    # Nothing a volatile-* policy may evict (keys with a TTL) ...
    assert [k for k in keys if await redis.ttl(k) > 0] == []
    # ... and whatever allkeys-* may evict takes the mark with it.
    for key in keys:
        await redis.delete(key)
        for session in ("old", "new"):
            assert await revocations.state(session) is not RevocationState.ACTIVE


async def test_a_cache_told_to_forget_is_unknown_until_warmed_again(
    redis: Redis, redis_prefix: str
) -> None:
    revocations = RedisRevocationCache(redis, redis_prefix)
    await revocations.warm([], 60)
    await revocations.revoke(["s1"], 60)
    await revocations.forget()
    assert await revocations.state("s2") is RevocationState.UNKNOWN
    assert await revocations.state("s1") is RevocationState.REVOKED
    await revocations.warm([], 60)
    assert await revocations.state("s2") is RevocationState.ACTIVE


async def test_expired_revocations_are_dropped_and_the_mark_stays(
    redis: Redis, redis_prefix: str
) -> None:
    revocations = RedisRevocationCache(redis, redis_prefix)
    await revocations.warm(["short"], 1)
    await asyncio.sleep(2.1)
    await revocations.revoke(["later"], 60)
    assert await redis.zrange(redis_prefix + "revocations", 0, -1) == [b"later", b":complete"]
    assert await revocations.state("other") is RevocationState.ACTIVE


async def test_a_dead_redis_is_reported_as_unavailable_not_as_a_crash() -> None:
    from domains.shared.errors import Unavailable

    dead = Redis.from_url("redis://127.0.0.1:1/0", socket_connect_timeout=0.2)
    for call in (
        StoreCache.redis(dead).get("k"),
        StoreCache.redis(dead).set("k", b"v", 5),
        RedisRateLimiter(dead).hit("k", Rate(1, 1)),
        RedisRevocationCache(dead).state("s"),
        RedisRevocationCache(dead).revoke(["s"], 5),
    ):
        with pytest.raises(Unavailable):
            await call
    await dead.aclose()


@pytest.fixture(params=["redis", "memory"])
async def request_checks(
    request: pytest.FixtureRequest, redis_prefix: str
) -> AsyncIterator[tuple[object, object, object, object]]:
    """The one-round-trip gate check and the three stores whose keys it shares."""
    if request.param == "memory":
        limiter, revocations = InMemoryRateLimiter(), InMemoryRevocationCache()
        screens = InMemoryScreenVersions()
        yield InMemoryRequestChecks(limiter, revocations, screens), limiter, revocations, screens
        return
    client = Redis.from_url(REDIS_URL)
    yield (
        RedisRequestChecks(client, redis_prefix),
        RedisRateLimiter(client, redis_prefix),
        RedisRevocationCache(client, redis_prefix),
        RedisScreenVersions(client, redis_prefix),
    )
    await client.aclose()


async def test_the_request_check_counts_and_reports_revocation_in_one_call(
    request_checks: tuple,
) -> None:
    checks, limiter, revocations, _ = request_checks
    rate = Rate(3, 60)
    await revocations.warm(["s2"], 60)
    decision, state, _ = await checks.check(rate, "ip:1", session_id="s1", user_key="user:1")
    assert decision.allowed and decision.remaining == 2
    assert state is RevocationState.ACTIVE
    assert (await checks.check(rate, "ip:1", session_id="s1", user_key="user:1"))[1] is (
        RevocationState.ACTIVE
    )
    await checks.check(rate, "ip:1", session_id="s1", user_key="user:1")
    refused, *_ = await checks.check(rate, "ip:1", session_id="s1", user_key="user:1")
    assert not refused.allowed and refused.retry_after > 0
    # It shares the rate limiter's buckets.
    assert not (await limiter.hit("user:1", rate)).allowed


async def test_only_a_session_known_active_spends_its_users_allowance(
    request_checks: tuple,
) -> None:
    checks, limiter, revocations, _ = request_checks
    rate = Rate(3, 60)
    # A cache that was never warmed says so, cannot vouch, and counts nothing: the caller asks
    # the sessions table, then counts the request against whom it deserves.
    decision, state, _ = await checks.check(rate, "ip:1", session_id="s1", user_key="user:1")
    assert decision is None and state is RevocationState.UNKNOWN
    assert (await checks.count(rate, "user:1")).remaining == 2
    await revocations.warm(["revoked"], 60)
    for _ in range(3):
        decision, state, _ = await checks.check(
            rate, "ip:1", session_id="revoked", user_key="user:1"
        )
        assert decision.allowed and state is RevocationState.REVOKED
    refused, *_ = await checks.check(rate, "ip:1", session_id="revoked", user_key="user:1")
    assert not refused.allowed
    assert (await limiter.peek("user:1", rate)).remaining == 2


async def test_an_anonymous_request_check_asks_only_the_rate_limit(request_checks: tuple) -> None:
    checks, *_ = request_checks
    decision, state, _ = await checks.check(Rate(1, 60), "ip:203.0.113.9")
    assert decision.allowed and state is None


async def test_a_cached_reads_check_answers_its_users_screen_version_in_the_same_trip(
    request_checks: tuple,
) -> None:
    """The version a screen read is cached under comes with the session and the limit, as the
    screen versions read it: none while a change is in flight, nor for a session not known to
    be active, nor for a request over its limit."""
    checks, _, revocations, screens = request_checks
    rate = Rate(100, 60)
    await revocations.warm(["revoked"], 60)

    async def version(session_id: str = "s1", at: Rate = rate) -> str | None:
        return (
            await checks.check(at, "ip:1", session_id=session_id, user_key="u:1", screens_of="u1")
        )[2]

    first = await version()
    assert first is not None and first == await screens.read("u1")
    assert await version() == first  # the same until the user changes something
    await screens.begin_change("u1")
    assert await version() is None  # a change in flight: nothing is served or kept
    await screens.end_change("u1")
    moved = await version()
    assert moved is not None and moved != first and moved == await screens.read("u1")
    assert await version("revoked") is None
    assert (await checks.check(rate, "ip:1", session_id="s1", user_key="u:1"))[2] is None
    await checks.check(Rate(1, 60), "ip:1", session_id="s1", user_key="u:2")
    refused = await checks.check(
        Rate(1, 60), "ip:1", session_id="s1", user_key="u:2", screens_of="u1"
    )
    assert not refused[0].allowed and refused[2] is None
