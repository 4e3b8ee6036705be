from __future__ import annotations

from collections.abc import Sequence
from dataclasses import fields
from datetime import datetime
from typing import TYPE_CHECKING, Any, Self

from sqlalchemy import delete, exc, insert, select, update
from sqlalchemy.ext.asyncio import AsyncConnection

from adapters.sql.constraints import unique_columns
from adapters.sql.tables.identity import sessions, users
from adapters.sql.unit_of_work import SqlUnitOfWork
from domains.identity.errors import EmailAlreadyRegistered
from domains.identity.model import Session, User
from domains.shared.errors import Conflict

if TYPE_CHECKING:
    import asyncpg

    from adapters.sql.read_pool import ReadPool

_USER_FIELDS = (
    "id",
    "email",
    "email_verified",
    "password_hash",
    "google_subject",
    "display_name",
    "time_zone",
    "created_at",
    "updated_at",
)
_SESSION_FIELDS = (
    "id",
    "user_id",
    "refresh_jti",
    "generation",
    "remember_me",
    "user_agent",
    "created_at",
    "last_used_at",
    "expires_at",
    "revoked_at",
    "revoked_reason",
)


def _user_row(user: User) -> dict[str, Any]:
    return {name: getattr(user, name) for name in _USER_FIELDS}


def _session_row(session: Session) -> dict[str, Any]:
    return {name: getattr(session, name) for name in _SESSION_FIELDS}


class SqlAlchemyUserRepository:
    def __init__(self, connection: AsyncConnection) -> None:
        self._c = connection

    async def _one(self, where: Any, *, for_update: bool = False) -> User | None:
        query = select(users).where(where)
        if for_update:
            query = query.with_for_update()
        row = (await self._c.execute(query)).mappings().first()
        return User(**row) if row else None

    async def get(self, user_id: str) -> User | None:
        return await self._one(users.c.id == user_id)

    async def get_for_update(self, user_id: str) -> User | None:
        # FOR UPDATE on PostgreSQL; SQLite's BEGIN IMMEDIATE already serialises writers.
        return await self._one(users.c.id == user_id, for_update=True)

    async def get_by_email(self, email: str) -> User | None:
        return await self._one(users.c.email == email)

    async def get_by_google_subject(self, subject: str) -> User | None:
        return await self._one(users.c.google_subject == subject)

    async def add(self, user: User) -> None:
        try:
            await self._c.execute(insert(users).values(**_user_row(user)))
        except exc.IntegrityError as e:
            if unique_columns(e, users) == frozenset({"email"}):
                raise EmailAlreadyRegistered() from e
            raise Conflict("the account conflicts with an existing one") from e

    async def update(self, user: User) -> None:
        row = _user_row(user)
        del row["id"], row["created_at"]
        try:
            await self._c.execute(update(users).where(users.c.id == user.id).values(**row))
        except exc.IntegrityError as e:
            raise Conflict("the change conflicts with another account") from e

    async def delete(self, user_id: str) -> None:
        await self._c.execute(delete(users).where(users.c.id == user_id))


class SqlAlchemySessionRepository:
    def __init__(self, connection: AsyncConnection) -> None:
        self._c = connection

    async def add(self, session: Session) -> None:
        await self._c.execute(insert(sessions).values(**_session_row(session)))

    async def get(self, session_id: str) -> Session | None:
        row = (
            (await self._c.execute(select(sessions).where(sessions.c.id == session_id)))
            .mappings()
            .first()
        )
        return Session(**row) if row else None

    async def list_for_user(self, user_id: str) -> Sequence[Session]:
        rows = await self._c.execute(
            select(sessions)
            .where(sessions.c.user_id == user_id)
            .order_by(sessions.c.last_used_at.desc())
        )
        return [Session(**row) for row in rows.mappings()]

    async def rotate(
        self,
        session_id: str,
        *,
        expected_jti: str,
        new_jti: str,
        now: datetime,
        expires_at: datetime,
    ) -> bool:
        result = await self._c.execute(
            update(sessions)
            .where(
                sessions.c.id == session_id,
                sessions.c.refresh_jti == expected_jti,
                sessions.c.revoked_at.is_(None),
            )
            .values(
                refresh_jti=new_jti,
                generation=sessions.c.generation + 1,
                last_used_at=now,
                expires_at=expires_at,
            )
        )
        return result.rowcount == 1

    async def revoke(self, session_id: str, *, reason: str, now: datetime) -> None:
        await self._c.execute(
            update(sessions)
            .where(sessions.c.id == session_id, sessions.c.revoked_at.is_(None))
            .values(revoked_at=now, revoked_reason=reason)
        )

    async def revoke_all_for_user(
        self, user_id: str, *, reason: str, now: datetime, keep: str | None = None
    ) -> list[str]:
        where = [sessions.c.user_id == user_id, sessions.c.revoked_at.is_(None)]
        if keep is not None:
            where.append(sessions.c.id != keep)
        ids = list((await self._c.execute(select(sessions.c.id).where(*where))).scalars())
        if ids:
            await self._c.execute(
                update(sessions)
                .where(sessions.c.id.in_(ids))
                .values(revoked_at=now, revoked_reason=reason)
            )
        return ids

    async def revoked_since(self, since: datetime) -> list[str]:
        rows = await self._c.execute(select(sessions.c.id).where(sessions.c.revoked_at >= since))
        return list(rows.scalars())

    async def delete_for_user(self, user_id: str) -> None:
        await self._c.execute(delete(sessions).where(sessions.c.user_id == user_id))


class SqlAlchemyIdentityUnitOfWork(SqlUnitOfWork):
    users: SqlAlchemyUserRepository
    sessions: SqlAlchemySessionRepository

    def _bind(self, connection: AsyncConnection) -> None:
        self.users = SqlAlchemyUserRepository(connection)
        self.sessions = SqlAlchemySessionRepository(connection)


# The read path on raw asyncpg (PostgreSQL): the same columns as the tables above, as prepared
# statements that asyncpg caches per connection. Column order follows the dataclasses.
def _select(table: str, model: type[Any]) -> str:
    """SELECT of the model's fields in their declared order, so rows build it positionally.
    Called with constants only (below): no request data reaches the statement text."""
    return f"SELECT {', '.join(f.name for f in fields(model))} FROM {table} WHERE "  # noqa: S608


_USER_SELECT = _select("users", User)
_SESSION_SELECT = _select("sessions", Session)


class AsyncpgUserReader:
    def __init__(self, connection: asyncpg.Connection) -> None:
        self._c = connection

    async def _one(self, where: str, value: str) -> User | None:
        row = await self._c.fetchrow(_USER_SELECT + where, value)
        return User(*row) if row is not None else None

    async def get(self, user_id: str) -> User | None:
        return await self._one("id = $1", user_id)

    async def get_by_email(self, email: str) -> User | None:
        return await self._one("email = $1", email)

    async def get_by_google_subject(self, subject: str) -> User | None:
        return await self._one("google_subject = $1", subject)


class AsyncpgSessionReader:
    def __init__(self, connection: asyncpg.Connection) -> None:
        self._c = connection

    async def get(self, session_id: str) -> Session | None:
        row = await self._c.fetchrow(_SESSION_SELECT + "id = $1", session_id)
        return Session(*row) if row is not None else None

    async def list_for_user(self, user_id: str) -> Sequence[Session]:
        rows = await self._c.fetch(
            _SESSION_SELECT + "user_id = $1 ORDER BY last_used_at DESC", user_id
        )
        return [Session(*row) for row in rows]

    async def revoked_since(self, since: datetime) -> list[str]:
        rows = await self._c.fetch("SELECT id FROM sessions WHERE revoked_at >= $1", since)
        return [row[0] for row in rows]


class AsyncpgIdentityReader:
    """The identity service's reader (domains.identity.ports.IdentityReader) on PostgreSQL:
    one pooled asyncpg connection, no transaction (autocommit, like
    SqlUnitOfWork(read_only=True)), prepared statements. Row for row the same answers as the
    SQLAlchemy repositories; it has no write methods at all."""

    users: AsyncpgUserReader
    sessions: AsyncpgSessionReader

    def __init__(self, pool: ReadPool) -> None:
        self._pool = pool
        self._connection: asyncpg.Connection | None = None

    async def __aenter__(self) -> Self:
        self._connection = connection = await self._pool.acquire()
        self.users = AsyncpgUserReader(connection)
        self.sessions = AsyncpgSessionReader(connection)
        return self

    async def __aexit__(self, *exc: object) -> None:
        assert self._connection is not None
        connection, self._connection = self._connection, None
        await self._pool.release(connection)
