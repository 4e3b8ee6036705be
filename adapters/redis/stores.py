"""Redis implementations of the cache ports for the production profile (many workers)."""

from __future__ import annotations

from collections.abc import Sequence

from redis.asyncio import Redis
from redis.exceptions import RedisError

from adapters.redis.batches import ScriptBatches
from adapters.redis.screen_versions import (
    SCREEN_VERSION_FUNCTION,
    VERSION_TTL_SECONDS,
    version_keys,
    version_text,
)
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

# The revocations and the mark that says "this set is complete" live in ONE key, a sorted set
# (member: session id, score: when the entry may go; the mark's score is +inf). Redis evicts,
# loses on a restart or fails over whole keys, never part of one, so the mark can never outlive
# an entry it vouches for: whatever Redis forgets, the answer becomes "unknown" (the sessions
# table decides), never "active". The key has no TTL, so volatile-* eviction policies never
# pick it; under allkeys-* policies it may go, as a whole.
_WARM_MARK = ":complete"  # never a session id (those are UUIDs)

# 2 = revoked, 1 = known active, 0 = the cache cannot vouch (the mark is gone).
_REVOCATION_FUNCTION = """
local function revocation(revocations, session_id, mark)
if redis.call('ZSCORE', revocations, session_id) then return 2 end
if redis.call('ZSCORE', revocations, mark) then return 1 end
return 0
end
"""
_REVOCATION_STATE = _REVOCATION_FUNCTION + "return revocation(KEYS[1], ARGV[1], ARGV[2])"

# Adds entries (ARGV: ttl, mark-or-empty, session ids...) and drops the ones that expired;
# an access token outlives its session's revocation by at most its own lifetime.
_REVOKE = """
local t = redis.call('TIME')
local now = tonumber(t[1])
local expires = now + tonumber(ARGV[1])
for i = 3, #ARGV do redis.call('ZADD', KEYS[1], expires, ARGV[i]) end
if ARGV[2] ~= '' then redis.call('ZADD', KEYS[1], '+inf', ARGV[2]) end
redis.call('ZREMRANGEBYSCORE', KEYS[1], '-inf', '(' .. now)
return 1
"""

# Every authenticated request needs both answers: one script, one round trip. The request is
# counted against the user (KEYS[2]) only when the cache vouches that the session is active,
# and against the client's address (KEYS[1]) when it is revoked or anonymous, so a stolen
# signed-out token can never spend its owner's allowance. When the cache cannot vouch either
# way (0), nothing is counted (allowed = -1): the caller asks the sessions table, then counts.
# A cached screen read also needs its user's screen version (KEYS[4], KEYS[5]; ARGV[5]: its time
# to live): answered in the same trip, and only for a session known to be active.
_REQUEST_CHECK = (
    _GCRA_FUNCTION
    + _REVOCATION_FUNCTION
    + SCREEN_VERSION_FUNCTION
    + """
local state = -1
local key = KEYS[1]
if KEYS[3] ~= nil then
  state = revocation(KEYS[3], ARGV[3], ARGV[4])
  if state == 0 then return {-1, 0, '0', '0', 0} end
  if state == 1 then key = KEYS[2] end
end
local decision = gcra(key, tonumber(ARGV[1]), tonumber(ARGV[2]), 1)
table.insert(decision, state)
if KEYS[4] ~= nil and state == 1 and decision[1] == 1 then
  table.insert(decision, screen_version(KEYS[4], KEYS[5], ARGV[5]))
end
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
        self._key = prefix + "revocations"
        self._state = redis.register_script(_REVOCATION_STATE)
        self._revoke = redis.register_script(_REVOKE)

    async def state(self, session_id: str) -> RevocationState:
        try:
            code = await self._state(keys=[self._key], args=[session_id, _WARM_MARK])
        except RedisError as e:
            raise Unavailable("the session store is unavailable") from e
        return _STATES[int(code)]

    async def revoke(self, session_ids: Sequence[str], ttl_seconds: int) -> None:
        if session_ids:
            await self._write(session_ids, ttl_seconds, mark="")

    async def warm(self, revoked_session_ids: Sequence[str], ttl_seconds: int) -> None:
        # The entries and the mark in one script: nobody sees the mark without the entries.
        await self._write(revoked_session_ids, ttl_seconds, mark=_WARM_MARK)

    async def forget(self) -> None:
        """Stop vouching: the next check is UNKNOWN and warms the cache from the sessions. For a
        Redis that comes back from an outage in which revocations may not have reached it."""
        try:
            await self._redis.zrem(self._key, _WARM_MARK)
        except RedisError as e:
            raise Unavailable("the session store is unavailable") from e

    async def _write(self, session_ids: Sequence[str], ttl_seconds: int, mark: str) -> None:
        try:
            await self._revoke(keys=[self._key], args=[ttl_seconds, mark, *session_ids])
        except RedisError as e:
            raise Unavailable("the session store is unavailable") from e


class RedisRequestChecks:
    """The global rate limit and the session's revocation state in one round trip; the same
    keys and semantics as RedisRateLimiter and RedisRevocationCache, and for a cached screen
    read its user's screen version, as RedisScreenVersions.read answers it."""

    def __init__(self, redis: Redis, prefix: str = "rf:") -> None:
        self._prefix = prefix
        self._limiter_prefix = prefix + "rl:"
        self._revocations = prefix + "revocations"
        self._script = ScriptBatches(redis, _REQUEST_CHECK)
        self._limiter = RedisRateLimiter(redis, prefix)

    async def check(
        self,
        rate: Rate,
        address_key: str,
        *,
        session_id: str | None = None,
        user_key: str = "",
        screens_of: str | None = None,
    ) -> tuple[Decision | None, RevocationState | None, str | None]:
        keys = [self._limiter_prefix + address_key]
        args: list[str | float] = [rate.emission_interval, rate.period_seconds]
        if session_id is not None:
            keys += [self._limiter_prefix + (user_key or address_key), self._revocations]
            args += [session_id, _WARM_MARK]
            if screens_of is not None:
                keys += version_keys(self._prefix, screens_of)
                args.append(VERSION_TTL_SECONDS)
        try:
            allowed, remaining, retry_after, reset_after, state, *version = await self._script(
                keys=keys, args=args
            )
        except RedisError as e:
            raise Unavailable("the rate limiter is unavailable") from e
        revocation = None if session_id is None else _STATES[int(state)]
        if int(allowed) < 0:
            return None, revocation, None
        decision = Decision(bool(allowed), int(remaining), float(retry_after), float(reset_after))
        return decision, revocation, version_text(version[0]) if version else None

    async def count(self, rate: Rate, key: str) -> Decision:
        return await self._limiter.hit(key, rate)
