"""The user's time zone, read from identity's users table: the adapters of the one shared
port `domains.shared.days.UserZones`, behind the composition root's single `UserDays` that
every context counts the user's days with. The zone is read at most once per request (the
memo below), however many use cases and dashboard sections ask for the user's day.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from typing import TYPE_CHECKING

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncEngine

from adapters.sql.tables.identity import users
from domains.shared.errors import NotFound

if TYPE_CHECKING:
    from adapters.sql.read_pool import ReadPool


#: The zones read during the current request, by user id; None outside a request's scope.
_REMEMBERED: ContextVar[dict[str, str] | None] = ContextVar("user_time_zones", default=None)


@contextmanager
def remembered_for_one_request() -> Iterator[None]:
    """Within the block (one request, and the tasks it starts), each user's zone is read once:
    the dashboard's sections each count the user's today, and each asked again. The memo ends
    with the block, so a zone changed by one request is read afresh by the next."""
    token = _REMEMBERED.set({})
    try:
        yield
    finally:
        _REMEMBERED.reset(token)


def _remember(user_id: str, zone: str) -> str:
    memo = _REMEMBERED.get()
    if memo is not None:
        memo[user_id] = zone
    return zone


def _recalled(user_id: str) -> str | None:
    memo = _REMEMBERED.get()
    return memo.get(user_id) if memo is not None else None


class SqlAlchemyUserTimeZones:
    def __init__(self, engine: AsyncEngine) -> None:
        self._engine = engine

    async def zone_of(self, user_id: str) -> str:
        """The IANA name the user chose; NotFound when the account no longer exists."""
        if (known := _recalled(user_id)) is not None:
            return known
        async with self._engine.connect() as connection:
            zone = (
                await connection.execute(select(users.c.time_zone).where(users.c.id == user_id))
            ).scalar_one_or_none()
        if zone is None:
            raise NotFound("no such user")
        return _remember(user_id, str(zone))


class AsyncpgUserTimeZones:
    """The same answer on PostgreSQL from the read pool: one prepared select on a pooled raw
    connection, no transaction. Every route that counts the user's today asks it; on the
    engine it cost a checkout, the select and the implicit transaction's rollback."""

    def __init__(self, pool: ReadPool) -> None:
        self._pool = pool

    async def zone_of(self, user_id: str) -> str:
        """The IANA name the user chose; NotFound when the account no longer exists."""
        if (known := _recalled(user_id)) is not None:
            return known
        connection = await self._pool.acquire()
        try:
            zone = await connection.fetchval("SELECT time_zone FROM users WHERE id = $1", user_id)
        finally:
            await self._pool.release(connection)
        if zone is None:
            raise NotFound("no such user")
        return _remember(user_id, str(zone))
