"""Redis implementations of the cache ports for the production profile (many workers)."""

from __future__ import annotations

from collections.abc import Sequence

from redis.asyncio import Redis
from redis.exceptions import RedisError

from domains.identity.ports import RevocationState
from domains.shared.errors import Unavailable
from domains.shared.rate_limit import Decision, Rate

# GCRA in one script: read, decide and write happen atomically inside Redis, on Redis's clock,
# so concurrent requests from many workers can never both take the last token. A port of
# domains.shared.rate_limit.gcra.
_GCRA_FUNCTION = """
local function gcra(key, interval, burst, cost)
local t = redis.call('TIME')
local now = tonumber(t[1]) + tonumber(t[2]) / 1000000
local tat = tonumber(redis.call('GET', key))
if tat == nil or tat < now then tat = now end
local new_tat = tat + interval * cost
local allow_at = new_tat - burst
if allow_at > now + 1e-9 then
  local remaining = math.floor((burst - (tat - now)) / interval + 1e-9)
  if remaining < 0 then remaining = 0 end
  return {0, remaining, tostring(allow_at - now), tostring(tat - now)}
end
if cost > 0 then
  redis.call('SET', key, tostring(new_tat), 'PX', math.ceil((new_tat - now) * 1000) + 1000)
end
local remaining = math.floor((burst - (new_tat - now)) / interval + 1e-9)
if remaining < 0 then remaining = 0 end
return {1, remaining, '0', tostring(new_tat - now)}
end
"""

_GCRA = (
    _GCRA_FUNCTION
    + """
return gcra(KEYS[1], tonumber(ARGV[1]), tonumber(ARGV[2]), tonumber(ARGV[3]))
"""
)

# 2 = revoked, 1 = known active, 0 = the cache lost its memory (marker gone).
_REVOCATION_FUNCTION = """
local function revocation(marker, revoked)
if redis.call('EXISTS', revoked) == 1 then return 2 end
if redis.call('EXISTS', marker) == 1 then return 1 end
return 0
end
"""
_REVOCATION_STATE = _REVOCATION_FUNCTION + "return revocation(KEYS[1], KEYS[2])"

# Every authenticated request needs both answers: one script, one round trip.
_REQUEST_CHECK = (
    _GCRA_FUNCTION
    + _REVOCATION_FUNCTION
    + """
local decision = gcra(KEYS[1], tonumber(ARGV[1]), tonumber(ARGV[2]), 1)
local state = -1
if KEYS[2] ~= nil then state = revocation(KEYS[2], KEYS[3]) end
table.insert(decision, state)
return decision
"""
)
_STATES = {2: RevocationState.REVOKED, 1: RevocationState.ACTIVE, 0: RevocationState.UNKNOWN}


class RedisRateLimiter:
    def __init__(self, redis: Redis, prefix: str = "rf:") -> None:
        self._redis = redis
        self._prefix = prefix + "rl:"
        self._script = redis.register_script(_GCRA)

    async def hit(self, key: str, rate: Rate, cost: int = 1) -> Decision:
        try:
            allowed, remaining, retry_after, reset_after = await self._script(
                keys=[self._prefix + key],
                args=[rate.emission_interval, rate.period_seconds, cost],
            )
        except RedisError as e:
            raise Unavailable("the rate limiter is unavailable") from e
        return Decision(bool(allowed), int(remaining), float(retry_after), float(reset_after))

    async def peek(self, key: str, rate: Rate) -> Decision:
        return await self.hit(key, rate, cost=0)


class RedisRevocationCache:
    def __init__(self, redis: Redis, prefix: str = "rf:") -> None:
        self._redis = redis
        self._marker = prefix + "revocations:warm"
        self._prefix = prefix + "revoked:"
        self._script = redis.register_script(_REVOCATION_STATE)

    async def state(self, session_id: str) -> RevocationState:
        try:
            code = await self._script(keys=[self._marker, self._prefix + session_id])
        except RedisError as e:
            raise Unavailable("the session store is unavailable") from e
        return _STATES[int(code)]

    async def revoke(self, session_ids: Sequence[str], ttl_seconds: int) -> None:
        if not session_ids:
            return
        try:
            async with self._redis.pipeline(transaction=False) as pipe:
                for session_id in session_ids:
                    pipe.set(self._prefix + session_id, b"1", ex=ttl_seconds)
                await pipe.execute()
        except RedisError as e:
            raise Unavailable("the session store is unavailable") from e

    async def warm(self, revoked_session_ids: Sequence[str], ttl_seconds: int) -> None:
        await self.revoke(revoked_session_ids, ttl_seconds)
        try:
            await self._redis.set(self._marker, b"1")
        except RedisError as e:
            raise Unavailable("the session store is unavailable") from e


class RedisCache:
    def __init__(self, redis: Redis, prefix: str = "rf:") -> None:
        self._redis = redis
        self._prefix = prefix + "cache:"

    async def get(self, key: str) -> bytes | None:
        try:
            value = await self._redis.get(self._prefix + key)
        except RedisError as e:
            raise Unavailable("the cache is unavailable") from e
        return None if value is None else bytes(value)

    async def set(self, key: str, value: bytes, ttl_seconds: int) -> None:
        try:
            await self._redis.set(self._prefix + key, value, ex=ttl_seconds)
        except RedisError as e:
            raise Unavailable("the cache is unavailable") from e

    async def delete(self, key: str) -> None:
        try:
            await self._redis.delete(self._prefix + key)
        except RedisError as e:
            raise Unavailable("the cache is unavailable") from e


class RedisRequestChecks:
    """The global rate limit and the session's revocation state in one round trip; the same
    keys and semantics as RedisRateLimiter and RedisRevocationCache."""

    def __init__(self, redis: Redis, prefix: str = "rf:") -> None:
        self._limiter_prefix = prefix + "rl:"
        self._marker = prefix + "revocations:warm"
        self._revoked_prefix = prefix + "revoked:"
        self._script = redis.register_script(_REQUEST_CHECK)

    async def check(
        self, rate_key: str, rate: Rate, session_id: str | None
    ) -> tuple[Decision, RevocationState | None]:
        keys = [self._limiter_prefix + rate_key]
        if session_id is not None:
            keys += [self._marker, self._revoked_prefix + session_id]
        try:
            allowed, remaining, retry_after, reset_after, state = await self._script(
                keys=keys, args=[rate.emission_interval, rate.period_seconds]
            )
        except RedisError as e:
            raise Unavailable("the rate limiter is unavailable") from e
        decision = Decision(bool(allowed), int(remaining), float(retry_after), float(reset_after))
        return decision, (None if session_id is None else _STATES[int(state)])
