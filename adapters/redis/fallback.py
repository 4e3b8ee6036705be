"""Redis down is degraded, not down: while Redis does not answer, each process limits rates on
its own (stricter) and revocation is decided by the durable sessions table; Redis is tried
again every second and takes over as soon as it answers.

Nothing here lets a request through that a working Redis would refuse on revocation: the
fallback never says ACTIVE, it says UNAVAILABLE, and the identity service then reads the
session's own row. And a Redis that comes back is first made to forget that it knew every
revocation, because sign-outs made while it was away (or lost with it) never reached it.
"""

from __future__ import annotations

import logging
import time
from collections.abc import Awaitable, Callable, Sequence
from typing import TypeVar

from adapters.cache import StoreCache
from adapters.memory.stores import InMemoryRateLimiter
from adapters.redis.screen_versions import RedisScreenVersions
from adapters.redis.stores import (
    RedisRateLimiter,
    RedisRequestChecks,
    RedisRevocationCache,
)
from domains.identity.ports import RevocationState
from domains.shared.errors import Unavailable
from domains.shared.rate_limit import Decision, Rate

log = logging.getLogger(__name__)

T = TypeVar("T")

#: How long a process leaves a failed Redis alone before trying it again.
RETRY_SECONDS = 1.0


def stricter(rate: Rate, divisor: int) -> Rate:
    """A process's share of a limit that all processes share through Redis: with `divisor`
    processes or fewer, the whole fleet together never allows more than Redis would."""
    return Rate(max(1, rate.limit // divisor), rate.period_seconds)


class RedisBreaker:
    """One per process, shared by its Redis stores. Closed: calls go to Redis. A failure opens
    it: calls go to the fallbacks at once, with no wait on a dead server, for `retry_seconds`;
    then one call probes Redis (telling it to forget its revocation mark) while the others
    still fall back. A probe that succeeds closes it."""

    def __init__(
        self,
        revocations: RedisRevocationCache,
        retry_seconds: float = RETRY_SECONDS,
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        self._revocations = revocations
        self._retry_seconds = retry_seconds
        self._clock = clock
        self._retry_at: float | None = None
        self._probing = False

    @property
    def degraded(self) -> bool:
        return self._retry_at is not None

    async def call(
        self, primary: Callable[[], Awaitable[T]], fallback: Callable[[], Awaitable[T]]
    ) -> T:
        if self._retry_at is not None and not await self._recovered():
            return await fallback()
        try:
            return await primary()
        except Unavailable:
            self._trip()
            return await fallback()

    async def _recovered(self) -> bool:
        assert self._retry_at is not None
        if self._probing or self._clock() < self._retry_at:
            return False
        self._probing = True
        try:
            await self._revocations.forget()
        except Unavailable:
            self._retry_at = self._clock() + self._retry_seconds
            return False
        finally:
            self._probing = False
        self._retry_at = None
        log.warning("redis.recovered: shared limits and the revocation cache are back")
        return True

    def _trip(self) -> None:
        if self._retry_at is None:
            log.warning("redis.unavailable: per-process limits, revocation from the sessions table")
        self._retry_at = self._clock() + self._retry_seconds


class FallbackRequestChecks:
    """RedisRequestChecks, or while Redis is away: revocation is UNAVAILABLE (the sessions
    table decides) and requests are counted in this process, at its stricter share."""

    def __init__(
        self,
        redis: RedisRequestChecks,
        breaker: RedisBreaker,
        local: InMemoryRateLimiter,
        divisor: int,
    ) -> None:
        self._redis = redis
        self._breaker = breaker
        self._local = local
        self._divisor = divisor

    async def check(
        self,
        rate: Rate,
        address_key: str,
        *,
        session_id: str | None = None,
        user_key: str = "",
        screens_of: str | None = None,
    ) -> tuple[Decision | None, RevocationState | None, str | None]:
        async def from_redis() -> tuple[Decision | None, RevocationState | None, str | None]:
            return await self._redis.check(
                rate, address_key, session_id=session_id, user_key=user_key, screens_of=screens_of
            )

        async def in_process() -> tuple[Decision | None, RevocationState | None, str | None]:
            # No screen version: nothing is cached while Redis cannot answer.
            if session_id is not None:
                # Counted once the session is settled.
                return None, RevocationState.UNAVAILABLE, None
            return await self._local.hit(address_key, stricter(rate, self._divisor)), None, None

        return await self._breaker.call(from_redis, in_process)

    async def count(self, rate: Rate, key: str) -> Decision:
        return await self._breaker.call(
            lambda: self._redis.count(rate, key),
            lambda: self._local.hit(key, stricter(rate, self._divisor)),
        )


class FallbackRateLimiter:
    """RedisRateLimiter, or while Redis is away the process's stricter share of each limit."""

    def __init__(
        self,
        redis: RedisRateLimiter,
        breaker: RedisBreaker,
        local: InMemoryRateLimiter,
        divisor: int,
    ) -> None:
        self._redis = redis
        self._breaker = breaker
        self._local = local
        self._divisor = divisor

    async def hit(self, key: str, rate: Rate, cost: int = 1) -> Decision:
        return await self._breaker.call(
            lambda: self._redis.hit(key, rate, cost),
            lambda: self._local.hit(key, stricter(rate, self._divisor), cost),
        )

    async def peek(self, key: str, rate: Rate) -> Decision:
        return await self._breaker.call(
            lambda: self._redis.peek(key, rate),
            lambda: self._local.peek(key, stricter(rate, self._divisor)),
        )


class FallbackRevocationCache:
    """RedisRevocationCache, or while Redis is away: UNAVAILABLE for every session (the
    sessions table decides), and revocations are kept by the sessions table alone; the breaker
    makes the returning Redis forget its mark, so it relearns them."""

    def __init__(self, redis: RedisRevocationCache, breaker: RedisBreaker) -> None:
        self._redis = redis
        self._breaker = breaker

    async def state(self, session_id: str) -> RevocationState:
        async def unavailable() -> RevocationState:
            return RevocationState.UNAVAILABLE

        return await self._breaker.call(lambda: self._redis.state(session_id), unavailable)

    async def revoke(self, session_ids: Sequence[str], ttl_seconds: int) -> None:
        await self._breaker.call(lambda: self._redis.revoke(session_ids, ttl_seconds), _nothing)

    async def warm(self, revoked_session_ids: Sequence[str], ttl_seconds: int) -> None:
        await self._breaker.call(
            lambda: self._redis.warm(revoked_session_ids, ttl_seconds), _nothing
        )


class FallbackCache:
    """The Redis cache that fails fast while the breaker is open. What lives there (journal grants,
    the daily content) has no per-process stand-in that would be right across workers, so the
    callers get Unavailable, as from a dead Redis, without waiting on it first."""

    def __init__(self, redis: StoreCache, breaker: RedisBreaker) -> None:
        self._redis = redis
        self._breaker = breaker

    async def get(self, key: str) -> bytes | None:
        return await self._breaker.call(lambda: self._redis.get(key), _unavailable)

    async def set(self, key: str, value: bytes, ttl_seconds: int) -> None:
        await self._breaker.call(lambda: self._redis.set(key, value, ttl_seconds), _unavailable)

    async def delete(self, key: str) -> None:
        await self._breaker.call(lambda: self._redis.delete(key), _unavailable)


async def _nothing() -> None:
    return None


async def _unavailable() -> None:
    raise Unavailable("the cache is unavailable")


class FallbackScreenVersions:
    """The Redis screen versions behind the breaker: None (cache nothing) when Redis cannot
    answer, and a change whose start or end could not be recorded says so (False) rather than
    failing the change itself."""

    def __init__(self, redis: RedisScreenVersions, breaker: RedisBreaker) -> None:
        self._redis = redis
        self._breaker = breaker

    async def read(self, user_id: str) -> str | None:
        async def primary() -> str | None:
            return await self._redis.read(user_id)

        return await self._breaker.call(primary, _nothing)

    async def begin_change(self, user_id: str) -> bool:
        return await self._recorded(lambda: self._redis.begin_change(user_id))

    async def end_change(self, user_id: str) -> bool:
        return await self._recorded(lambda: self._redis.end_change(user_id))

    async def bump(self, user_id: str) -> bool:
        return await self._recorded(lambda: self._redis.bump(user_id))

    async def _recorded(self, step: Callable[[], Awaitable[None]]) -> bool:
        async def primary() -> bool:
            await step()
            return True

        async def lost() -> bool:
            return False

        return await self._breaker.call(primary, lost)
