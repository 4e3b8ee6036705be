"""Each user's screen version in Redis: the mark that says which of a user's cached screen reads
are still current (entrypoints.http.screens). Every change a user makes moves it on; a cached
read made under an older version is never served again.

A version is a number taken from Redis's clock (microseconds), at least one more than the one
before: if the key is lost (eviction, a restart, a failover) the next version is still larger
than any handed out before, so an old cached read can never match it again.

Beside the version, the count of the user's changes in flight: a change counts itself in before
its handler runs and out, in the same script that moves the version on, once it has committed.
While any is in flight the version reads as None (nothing is served from the cache or stored):
a read that arrives after a change has committed but before the version has moved on must not
get the screen from before the change. The count expires (`IN_FLIGHT_TTL_SECONDS`), so a worker
that dies mid-change leaves the user uncached for a while, never cached wrongly."""

from __future__ import annotations

from redis.asyncio import Redis
from redis.exceptions import RedisError

from domains.shared.errors import Unavailable

#: Versions outlive any cached read (minutes) by far; one that expires is simply made anew.
VERSION_TTL_SECONDS = 86_400
#: How long a change counted in may stay in flight: longer than any request runs, and longer
#: than a cached read lives (entrypoints.http.screens.SCREEN_SECONDS), so a change whose end
#: never reached Redis (its worker died after the commit) keeps the user's reads out of the
#: cache until every answer cached before it has expired.
IN_FLIGHT_TTL_SECONDS = 600

_NOW = """
local t = redis.call('TIME')
local now = tonumber(t[1]) * 1000000 + tonumber(t[2])
"""

#: The user's version (made now if there is none), or false while a change is in flight. Also
#: part of the request check (adapters.redis.stores), which answers a cached read's version in
#: the same round trip as its session and limit.
SCREEN_VERSION_FUNCTION = """
local function screen_version(version_key, changing_key, ttl)
if tonumber(redis.call('GET', changing_key) or '0') > 0 then return false end
local v = redis.call('GET', version_key)
if v then return v end
local t = redis.call('TIME')
v = string.format('%.0f', tonumber(t[1]) * 1000000 + tonumber(t[2]))
if redis.call('SET', version_key, v, 'NX', 'EX', ttl) then return v end
return redis.call('GET', version_key)
end
"""

# KEYS[1]: the version, KEYS[2]: the changes in flight; ARGV[1]: the version's time to live.
_READ = SCREEN_VERSION_FUNCTION + "return screen_version(KEYS[1], KEYS[2], ARGV[1])"

# KEYS[1]: the changes in flight; ARGV[1]: their time to live.
_BEGIN = """
local n = redis.call('INCR', KEYS[1])
redis.call('EXPIRE', KEYS[1], ARGV[1])
return n
"""

# KEYS[1]: the version, KEYS[2]: the changes in flight (counted out when ARGV[2] is '1').
_BUMP = (
    _NOW
    + """
local old = tonumber(redis.call('GET', KEYS[1]) or '0')
local v = now
if v <= old then v = old + 1 end
v = string.format('%.0f', v)
redis.call('SET', KEYS[1], v, 'EX', ARGV[1])
if ARGV[2] == '1' then
  if tonumber(redis.call('GET', KEYS[2]) or '0') > 1 then
    redis.call('DECR', KEYS[2])
  else
    redis.call('DEL', KEYS[2])
  end
end
return v
"""
)


def version_keys(prefix: str, user_id: str) -> list[str]:
    """The user's version and changes in flight under the store's `prefix` ("rf:"). One hash
    slot per user ({...}), so this module's scripts touch one node of a cluster."""
    return [f"{prefix}screens:{{{user_id}}}", f"{prefix}screens:{{{user_id}}}:changing"]


def version_text(value: bytes | str | None) -> str | None:
    """A version as the scripts answer it (None while a change is in flight)."""
    if value is None:
        return None
    return value.decode() if isinstance(value, bytes) else str(value)


class RedisScreenVersions:
    def __init__(self, redis: Redis, prefix: str = "rf:") -> None:
        self._prefix = prefix
        self._read = redis.register_script(_READ)
        self._begin = redis.register_script(_BEGIN)
        self._bump = redis.register_script(_BUMP)

    def _keys(self, user_id: str) -> list[str]:
        return version_keys(self._prefix, user_id)

    async def read(self, user_id: str) -> str | None:
        """The user's version, or None while a change of theirs is in flight."""
        try:
            value = await self._read(keys=self._keys(user_id), args=[VERSION_TTL_SECONDS])
        except RedisError as e:
            raise Unavailable("the screen versions are unavailable") from e
        return version_text(value)

    async def begin_change(self, user_id: str) -> None:
        """Counts a change of the user's in, before its handler runs."""
        try:
            await self._begin(keys=self._keys(user_id)[1:], args=[IN_FLIGHT_TTL_SECONDS])
        except RedisError as e:
            raise Unavailable("the screen versions are unavailable") from e

    async def end_change(self, user_id: str) -> None:
        """Moves the user's version on and counts the change out, in one step."""
        await self._bumped(user_id, counted=True)

    async def bump(self, user_id: str) -> None:
        """Moves the user's version on (a change whose end Redis could not record earlier)."""
        await self._bumped(user_id, counted=False)

    async def _bumped(self, user_id: str, *, counted: bool) -> None:
        try:
            await self._bump(
                keys=self._keys(user_id), args=[VERSION_TTL_SECONDS, "1" if counted else "0"]
            )
        except RedisError as e:
            raise Unavailable("the screen versions are unavailable") from e
