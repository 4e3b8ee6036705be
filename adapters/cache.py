"""The cache port (`domains.shared.cache.Cache`) over Litestar's stores: `RedisStore` in
production, `MemoryStore` on the embedded profile. Litestar's stores do the job our own Redis
and in-memory caches did (get, set with an expiry, delete, a key namespace); this adapter only
turns a Redis failure into the domains' `Unavailable`, which the breaker in
`adapters.redis.fallback` and the callers rely on."""

from __future__ import annotations

from litestar.stores.base import Store
from litestar.stores.memory import MemoryStore
from litestar.stores.redis import RedisStore
from redis.asyncio import Redis
from redis.exceptions import RedisError

from domains.shared.errors import Unavailable


class StoreCache:
    def __init__(self, store: Store) -> None:
        self._store = store

    @classmethod
    def redis(cls, client: Redis, prefix: str = "rf:") -> StoreCache:
        """Keys `<prefix>cache:<key>` on the process's shared client (which the composition
        root closes, not the store)."""
        return cls(RedisStore(client, namespace=prefix + "cache"))

    @classmethod
    def memory(cls) -> StoreCache:
        return cls(MemoryStore())

    async def get(self, key: str) -> bytes | None:
        try:
            return await self._store.get(key)
        except RedisError as e:
            raise Unavailable("the cache is unavailable") from e

    async def set(self, key: str, value: bytes, ttl_seconds: int) -> None:
        try:
            await self._store.set(key, value, expires_in=ttl_seconds)
        except RedisError as e:
            raise Unavailable("the cache is unavailable") from e

    async def delete(self, key: str) -> None:
        try:
            await self._store.delete(key)
        except RedisError as e:
            raise Unavailable("the cache is unavailable") from e
