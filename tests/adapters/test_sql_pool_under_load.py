"""The PostgreSQL connection pools under load: waiters are served in order, and a request that
cannot get a connection in time is refused fast (Overloaded: a 503 with Retry-After)."""

from __future__ import annotations

import asyncio
import time

import pytest
from sqlalchemy import text

from adapters.sql.engine import create_engine
from adapters.sql.read_pool import ReadPool
from domains.shared.errors import Overloaded


async def test_waiters_for_a_connection_are_served_first_come_first_served(
    postgres_url: str,
) -> None:
    engine = create_engine(postgres_url, pool_size=1, pool_timeout=10)
    served: list[int] = []

    async def use(n: int) -> None:
        async with engine.connect() as c:
            await c.execute(text("SELECT 1"))
            served.append(n)
            await asyncio.sleep(0.01)

    try:
        async with engine.connect() as holder:
            await holder.execute(text("SELECT 1"))
            waiters = []
            for n in range(8):
                waiters.append(asyncio.create_task(use(n)))
                await asyncio.sleep(0.005)  # they queue in this order
        # The holder's release and a newcomer arriving at the same moment: the newcomer must
        # not overtake the eight who were already waiting.
        late = asyncio.create_task(use(99))
        await asyncio.gather(*waiters, late)
        assert served == [*range(8), 99]
    finally:
        await engine.dispose()


async def test_an_exhausted_pool_refuses_within_its_bound_instead_of_waiting(
    postgres_url: str,
) -> None:
    engine = create_engine(postgres_url, pool_size=1, pool_timeout=0.3)
    try:
        async with engine.connect() as holder:
            await holder.execute(text("SELECT 1"))
            started = time.perf_counter()
            with pytest.raises(Overloaded) as refused:
                async with engine.connect():
                    pass
            assert time.perf_counter() - started < 1.5
            assert refused.value.retry_after_seconds >= 1
        async with engine.connect() as c:  # and the pool still serves once one is free
            assert (await c.execute(text("SELECT 1"))).scalar_one() == 1
    finally:
        await engine.dispose()


async def test_the_read_pool_refuses_within_its_bound_when_every_connection_is_out(
    postgres_url: str,
) -> None:
    engine = create_engine(postgres_url)
    pool = ReadPool(engine, max_size=1, timeout=0.3)
    try:
        held = await pool.acquire()
        started = time.perf_counter()
        with pytest.raises(Overloaded):
            await pool.acquire()
        assert time.perf_counter() - started < 1.5
        await pool.release(held)
        again = await pool.acquire()  # the refused waiter did not keep the turn
        assert await again.fetchval("SELECT 1") == 1
        await pool.release(again)
    finally:
        await pool.close()
        await engine.dispose()
