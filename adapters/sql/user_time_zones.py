"""The user's time zone, read from identity's users table, for domains that count local days.

Domains declare their own small `UserTimeZones` port (`zone_of(user_id) -> str`); this one
adapter satisfies all of them structurally.
"""

from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncEngine

from adapters.sql.tables.identity import users
from domains.shared.errors import NotFound


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
