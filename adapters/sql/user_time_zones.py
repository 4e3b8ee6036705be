"""The user's time zone, read from identity's users table, for domains that count local days.

Domains declare their own small `UserTimeZones` port (`zone_of(user_id) -> str`); this one
adapter satisfies all of them structurally.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncEngine

from adapters.sql.tables.identity import users
from domains.shared.errors import NotFound

if TYPE_CHECKING:
    from adapters.sql.read_pool import ReadPool


class SqlAlchemyUserTimeZones:
    def __init__(self, engine: AsyncEngine) -> None:
        self._engine = engine

    async def zone_of(self, user_id: str) -> str:
        """The IANA name the user chose; NotFound when the account no longer exists."""
        async with self._engine.connect() as connection:
            zone = (
                await connection.execute(select(users.c.time_zone).where(users.c.id == user_id))
            ).scalar_one_or_none()
        if zone is None:
            raise NotFound("no such user")
        return str(zone)


class AsyncpgUserTimeZones:
    """The same answer on PostgreSQL from the read pool: one prepared select on a pooled raw
    connection, no transaction. Every route that counts the user's today asks it; on the
    engine it cost a checkout, the select and the implicit transaction's rollback."""

    def __init__(self, pool: ReadPool) -> None:
        self._pool = pool

    async def zone_of(self, user_id: str) -> str:
        """The IANA name the user chose; NotFound when the account no longer exists."""
        connection = await self._pool.acquire()
        try:
            zone = await connection.fetchval("SELECT time_zone FROM users WHERE id = $1", user_id)
        finally:
            await self._pool.release(connection)
        if zone is None:
            raise NotFound("no such user")
        return str(zone)
