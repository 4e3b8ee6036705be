"""The users' time zones, read on the engine and on the PostgreSQL read pool alike."""

from __future__ import annotations

import asyncio

import pytest
from sqlalchemy import update
from sqlalchemy.ext.asyncio import AsyncEngine

from adapters.sql.engine import create_engine
from adapters.sql.read_pool import ReadPool
from adapters.sql.tables.identity import users
from adapters.sql.user_time_zones import (
    AsyncpgUserTimeZones,
    SqlAlchemyUserTimeZones,
    remembered_for_one_request,
)
from domains.shared.errors import NotFound
from domains.shared.ids import new_id
from tests.adapters.accounts import new_user


async def test_both_readers_give_the_users_zone_and_not_found_for_a_gone_account(
    postgres_url: str,
) -> None:
    engine = create_engine(postgres_url, pool_size=2)
    pool = ReadPool(engine, max_size=1)
    try:
        tokyo, lima = await new_user(engine, "Asia/Tokyo"), await new_user(engine, "America/Lima")
        for zones in (SqlAlchemyUserTimeZones(engine), AsyncpgUserTimeZones(pool)):
            assert await zones.zone_of(tokyo) == "Asia/Tokyo"
            assert await zones.zone_of(lima) == "America/Lima"
            with pytest.raises(NotFound):
                await zones.zone_of(new_id())
        # The read pool's one connection came back each time, also after NotFound.
        assert await AsyncpgUserTimeZones(pool).zone_of(tokyo) == "Asia/Tokyo"
    finally:
        await pool.close()
        await engine.dispose()


async def test_within_one_request_a_users_zone_is_read_once_and_afresh_by_the_next(
    postgres_url: str,
) -> None:
    engine = create_engine(postgres_url, pool_size=2)
    pool = ReadPool(engine, max_size=1)
    try:
        user = await new_user(engine, "Asia/Tokyo")
        for zones in (SqlAlchemyUserTimeZones(engine), AsyncpgUserTimeZones(pool)):
            await _set_zone(engine, user, "Asia/Tokyo")
            with remembered_for_one_request():
                assert await zones.zone_of(user) == "Asia/Tokyo"
                await _set_zone(engine, user, "America/Lima")
                # Later reads in the request, and in the tasks it starts, ask no one.
                assert await zones.zone_of(user) == "Asia/Tokyo"
                assert await asyncio.gather(zones.zone_of(user), zones.zone_of(user)) == [
                    "Asia/Tokyo",
                    "Asia/Tokyo",
                ]
            assert await zones.zone_of(user) == "America/Lima"  # outside: read as it is now
            with remembered_for_one_request():  # the next request reads it afresh
                assert await zones.zone_of(user) == "America/Lima"
    finally:
        await pool.close()
        await engine.dispose()


async def _set_zone(engine: AsyncEngine, user_id: str, zone: str) -> None:
    async with engine.begin() as c:
        await c.execute(update(users).where(users.c.id == user_id).values(time_zone=zone))
