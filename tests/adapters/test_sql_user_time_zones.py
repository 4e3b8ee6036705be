"""The users' time zones, read on the engine and on the PostgreSQL read pool alike."""

from __future__ import annotations

import pytest

from adapters.sql.engine import create_engine
from adapters.sql.read_pool import ReadPool
from adapters.sql.user_time_zones import AsyncpgUserTimeZones, SqlAlchemyUserTimeZones
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
