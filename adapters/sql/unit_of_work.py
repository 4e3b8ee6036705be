from __future__ import annotations

from typing import Self

from sqlalchemy.ext.asyncio import AsyncConnection, AsyncEngine, AsyncTransaction


class SqlUnitOfWork:
    """One connection and one transaction; subclasses bind their repositories to it in `_bind`.
    Leaving the block without `commit()` rolls everything back."""

    def __init__(self, engine: AsyncEngine) -> None:
        self._engine = engine
        self._connection: AsyncConnection | None = None
        self._transaction: AsyncTransaction | None = None

    def _bind(self, connection: AsyncConnection) -> None:
        raise NotImplementedError

    async def __aenter__(self) -> Self:
        self._connection = await self._engine.connect()
        try:
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
        assert self._transaction is not None, "commit() outside the unit of work"
        await self._transaction.commit()
