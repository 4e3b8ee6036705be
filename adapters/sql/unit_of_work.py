"""The SQL unit of work every context's store builds on, and the one transaction they share
within an action.

An action's handlers run inside it: a habit mark publishes ProductiveAction before it commits,
and the app streak's handler opens its own unit of work. Contexts stay independent (neither
knows the other), so the sharing lives here: while a unit of work holds a transaction, a unit
of work opened in the same task joins it (the task's *ambient* transaction, a ContextVar)
instead of checking out a second connection for a second transaction. One click is then one
connection checkout and one BEGIN ... COMMIT on PostgreSQL and on SQLite alike, and the mark and
the streak are saved together or not at all.

A joined unit of work is the outer one, seen through another context's repositories:

- its `commit()` defers to the outer one's, which commits both;
- it cannot roll back on its own (that would cost a SAVEPOINT and a RELEASE per handler, the
  round trips this sharing saves), so when it ends with an error, or without committing, it
  marks the transaction failed, and the outer `commit()` raises JoinedWorkFailed and rolls
  back everything instead of committing half an action. On PostgreSQL a failed statement has
  aborted the transaction anyway: there is nothing left to commit but nothing;
- the outer rollback (an error, or leaving the block without commit) undoes both.

Only the task that opened the transaction joins it: tasks started inside the block (they copy
the ContextVar) get their own connection, as one connection must not run two statements at once.
"""

from __future__ import annotations

import asyncio
from contextvars import ContextVar, Token
from dataclasses import dataclass
from typing import Self

from sqlalchemy.ext.asyncio import AsyncConnection, AsyncEngine, AsyncTransaction


class JoinedWorkFailed(RuntimeError):
    """A unit of work that joined this transaction failed or did not commit: nothing of the
    action was committed."""


@dataclass(slots=True)
class _Ambient:
    """The transaction a task has open, for the units of work it opens meanwhile."""

    connection: AsyncConnection
    transaction: AsyncTransaction
    task: asyncio.Task[object] | None
    failed: bool = False

    def joinable(self) -> bool:
        return self.transaction.is_active and self.task is asyncio.current_task()


_AMBIENT: ContextVar[_Ambient | None] = ContextVar("sql_ambient_transaction", default=None)


class SqlUnitOfWork:
    """One connection and one transaction; subclasses bind their repositories to it in `_bind`.
    Leaving the block without `commit()` rolls everything back. Opened while the same task
    holds another unit of work's transaction, it joins that one (see the module).

    `read_only=True` runs without a transaction (autocommit): a read then costs one round trip
    instead of BEGIN, SELECT and ROLLBACK, and on SQLite it takes no write lock. Inside a
    transaction it reads through that one (seeing its writes, with no second checkout)."""

    def __init__(self, engine: AsyncEngine, read_only: bool = False) -> None:
        self._engine = engine
        self._read_only = read_only
        self._connection: AsyncConnection | None = None
        self._transaction: AsyncTransaction | None = None
        #: Set while this unit of work joins another's transaction.
        self._joined: _Ambient | None = None
        self._committed = False
        #: Set while this unit of work's transaction is the task's ambient one.
        self._ambient: _Ambient | None = None
        self._token: Token[_Ambient | None] | None = None

    def _bind(self, connection: AsyncConnection) -> None:
        raise NotImplementedError

    async def __aenter__(self) -> Self:
        ambient = _AMBIENT.get()
        if ambient is not None and ambient.joinable():
            self._joined, self._committed = ambient, False
            self._bind(ambient.connection)
            return self
        self._connection = await self._engine.connect()
        try:
            if self._read_only:
                await self._connection.execution_options(isolation_level="AUTOCOMMIT")
            else:
                self._transaction = await self._connection.begin()
        except BaseException:
            await self._connection.close()
            raise
        if self._transaction is not None:
            self._ambient = _Ambient(self._connection, self._transaction, asyncio.current_task())
            self._token = _AMBIENT.set(self._ambient)
        self._bind(self._connection)
        return self

    async def __aexit__(self, *exc: object) -> None:
        if self._joined is not None:
            if not self._read_only and (exc[0] is not None or not self._committed):
                self._joined.failed = True
            self._joined = None
            return
        assert self._connection is not None
        try:
            if self._token is not None:
                _AMBIENT.reset(self._token)
            if self._transaction is not None and self._transaction.is_active:
                await self._transaction.rollback()
        finally:
            await self._connection.close()
            self._connection = self._transaction = self._ambient = self._token = None

    async def commit(self) -> None:
        if self._read_only:
            raise RuntimeError("a read-only unit of work cannot commit")
        if self._joined is not None:
            self._committed = True  # the unit of work it joined commits both
            return
        assert self._transaction is not None, "commit() outside the unit of work"
        assert self._ambient is not None
        if self._ambient.failed:
            await self._transaction.rollback()
            raise JoinedWorkFailed("a unit of work joined to this one failed; nothing was saved")
        await self._transaction.commit()
