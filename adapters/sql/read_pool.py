"""Raw asyncpg connections for the reads every request makes (PostgreSQL only).

A prepared statement on a raw connection skips SQLAlchemy Core's compilation and result
processing (benchmarks/http/profile_route.py shows the difference per route), and checkout
skips SQLAlchemy's pool bookkeeping. Writes and everything
else stay on the engine; this module is imported only on the PostgreSQL profile."""

from __future__ import annotations

import asyncio

import asyncpg
from sqlalchemy.ext.asyncio import AsyncEngine

from adapters.sql.engine import POOL_TIMEOUT_SECONDS
from adapters.system.turns import take_turn


class ReadPool:
    """A small pool beside the engine's, opened on first use inside the running loop with the
    engine's own connect arguments. A released connection is rolled back only if it is inside a
    transaction (readers never open one), so release costs no round trip.

    Waiters are served first come, first served by a semaphore in front of the pool: asyncpg's
    own queue lets a newcomer take a just-released connection from a woken waiter, which then
    queues again at the back, and under load some requests waited seconds. None waits longer
    than `timeout`: it is refused (Overloaded, a 503 with Retry-After)."""

    def __init__(
        self, engine: AsyncEngine, max_size: int, timeout: float = POOL_TIMEOUT_SECONDS
    ) -> None:
        cargs, cparams = engine.dialect.create_connect_args(engine.url)
        for sqlalchemy_only in ("prepared_statement_cache_size", "prepared_statement_name_func"):
            cparams.pop(sqlalchemy_only, None)
        self._cargs, self._cparams = list(cargs), dict(cparams)
        self._max_size = max_size
        self._timeout = timeout
        self._pool: asyncpg.Pool | None = None
        self._lock = asyncio.Lock()
        self._turns = asyncio.Semaphore(max_size)

    async def pool(self) -> asyncpg.Pool:
        if self._pool is None:
            async with self._lock:
                if self._pool is None:
                    self._pool = await asyncpg.create_pool(
                        *self._cargs,
                        **self._cparams,
                        min_size=1,
                        max_size=self._max_size,
                        reset=_keep_session,
                    )
        return self._pool

    async def acquire(self) -> asyncpg.Connection:
        await take_turn(self._turns, self._timeout)
        try:
            return await (await self.pool()).acquire()
        except BaseException:
            self._turns.release()
            raise

    async def release(self, connection: asyncpg.Connection) -> None:
        try:
            await (await self.pool()).release(connection)
        finally:
            self._turns.release()

    async def close(self) -> None:
        if self._pool is not None:
            await self._pool.close()
            self._pool = None


async def _keep_session(_connection: asyncpg.Connection) -> None:
    """Readers change no session state, so the default reset query (a round trip) is skipped."""
