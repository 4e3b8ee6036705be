"""Each user's screen version in Redis: the mark that says which of a user's cached screen reads
are still current (entrypoints.http.screens). Every change a user makes moves it on; a cached
read made under an older version is never served again.

A version is a number taken from Redis's clock (microseconds), at least one more than the one
before: if the key is lost (eviction, a restart, a failover) the next version is still larger
than any handed out before, so an old cached read can never match it again."""

from __future__ import annotations

from redis.asyncio import Redis
from redis.exceptions import RedisError

from domains.shared.errors import Unavailable

#: Versions outlive any cached read (minutes) by far; one that expires is simply made anew.
VERSION_TTL_SECONDS = 86_400

_NOW = """
local t = redis.call('TIME')
local now = tonumber(t[1]) * 1000000 + tonumber(t[2])
"""

_READ = (
    _NOW
    + """
local v = redis.call('GET', KEYS[1])
if v then return v end
v = string.format('%.0f', now)
if redis.call('SET', KEYS[1], v, 'NX', 'EX', ARGV[1]) then return v end
return redis.call('GET', KEYS[1])
"""
)

_BUMP = (
    _NOW
    + """
local old = tonumber(redis.call('GET', KEYS[1]) or '0')
local v = now
if v <= old then v = old + 1 end
v = string.format('%.0f', v)
redis.call('SET', KEYS[1], v, 'EX', ARGV[1])
return v
"""
)


class RedisScreenVersions:
    def __init__(self, redis: Redis, prefix: str = "rf:") -> None:
        self._prefix = prefix + "screens:"
        self._read = redis.register_script(_READ)
        self._bump = redis.register_script(_BUMP)

    async def read(self, user_id: str) -> str:
        try:
            value = await self._read(keys=[self._prefix + user_id], args=[VERSION_TTL_SECONDS])
        except RedisError as e:
            raise Unavailable("the screen versions are unavailable") from e
        return value.decode() if isinstance(value, bytes) else str(value)

    async def bump(self, user_id: str) -> None:
        try:
            await self._bump(keys=[self._prefix + user_id], args=[VERSION_TTL_SECONDS])
        except RedisError as e:
            raise Unavailable("the screen versions are unavailable") from e
