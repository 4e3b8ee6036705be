from __future__ import annotations

from typing import Self

from sqlalchemy.ext.asyncio import AsyncConnection, AsyncEngine, AsyncTransaction


class SqlUnitOfWork:
    """One connection and one transaction; subclasses bind their repositories to it in `_bind`.
    Leaving the block without `commit()` rolls everything back.

    `read_only=True` runs without a transaction (autocommit): a read then costs one round trip
    instead of BEGIN, SELECT and ROLLBACK, and on SQLite it takes no write lock."""

    def __init__(self, engine: AsyncEngine, read_only: bool = False) -> None:
        self._engine = engine
        self._read_only = read_only
        self._connection: AsyncConnection | None = None
        self._transaction: AsyncTransaction | None = None

    def _bind(self, connection: AsyncConnection) -> None:
        raise NotImplementedError

    async def __aenter__(self) -> Self:
        self._connection = await self._engine.connect()
        try:
            if self._read_only:
                await self._connection.execution_options(isolation_level="AUTOCOMMIT")
            else:
                self._transaction = await self._connection.begin()
        except BaseException:
            await self._connection.close()
            raise
        self._bind(self._connection)
        return self

    async def __aexit__(self, *exc: object) -> None:
        assert self._connection is not None
        try:
            if self._transaction is not None and self._transaction.is_active:
                await self._transaction.rollback()
        finally:
            await self._connection.close()
            self._connection = self._transaction = None

    async def commit(self) -> None:
        if self._read_only:
            raise RuntimeError("a read-only unit of work cannot commit")
        assert self._transaction is not None, "commit() outside the unit of work"
        await self._transaction.commit()
