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

A *read scope* (`SqlReadScope`) is an ambient transaction for a view that reads many contexts:
the dashboard, the day and the month ask their sections one after the other inside one, and
every unit of work the sections open joins its connection. The whole view is then one checkout
and one BEGIN ... ROLLBACK, where it was one per section, and it reads one snapshot: on
PostgreSQL the transaction is `REPEATABLE READ, READ ONLY`; on SQLite a deferred `BEGIN` (the
engine's `DEFERRED_BEGIN`), which takes no write lock. Nothing in it is ever committed, so a
write must not be lost quietly: a joined unit of work's `commit()` raises WriteInReadScope (on
PostgreSQL the write itself is already refused by the read-only transaction). Opened while the
task already has a transaction, a read scope reads through that one.
"""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator
from contextlib import AbstractAsyncContextManager, asynccontextmanager
from contextvars import ContextVar, Token
from dataclasses import dataclass
from typing import Self

from sqlalchemy.ext.asyncio import AsyncConnection, AsyncEngine, AsyncTransaction

from adapters.sql.engine import DEFERRED_BEGIN


class JoinedWorkFailed(RuntimeError):
    """A unit of work that joined this transaction failed or did not commit: nothing of the
    action was committed."""


class WriteInReadScope(RuntimeError):
    """A unit of work tried to commit inside a read scope, whose transaction is only ever
    rolled back: its writes would have been lost."""


@dataclass(slots=True)
class _Ambient:
    """The transaction a task has open, for the units of work it opens meanwhile."""

    connection: AsyncConnection
    transaction: AsyncTransaction
    task: asyncio.Task[object] | None
    failed: bool = False
    #: A read scope's transaction: never committed, so joined units of work may not commit.
    read_scope: bool = False

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
            if self._joined.read_scope:
                raise WriteInReadScope(
                    "a unit of work cannot commit inside a read scope: the scope's transaction "
                    "is read-only and is rolled back, so its writes would be lost"
                )
            self._committed = True  # the unit of work it joined commits both
            return
        assert self._transaction is not None, "commit() outside the unit of work"
        assert self._ambient is not None
        if self._ambient.failed:
            await self._transaction.rollback()
            raise JoinedWorkFailed("a unit of work joined to this one failed; nothing was saved")
        await self._transaction.commit()


class SqlReadScope:
    """Calling it gives a read scope (see the module): one connection and one read-only
    transaction that the units of work the task opens inside the block join, rolled back and
    returned to the pool when the block ends. Inside another transaction of the same task it
    adds nothing: the block reads through that one.

    Units of work of other tasks, and readers that do not go through the engine (the raw
    asyncpg read pool), keep their own connections."""

    def __init__(self, engine: AsyncEngine) -> None:
        self._engine = engine

    def __call__(self) -> AbstractAsyncContextManager[None]:
        return self._scope()

    @asynccontextmanager
    async def _scope(self) -> AsyncIterator[None]:
        ambient = _AMBIENT.get()
        if ambient is not None and ambient.joinable():
            yield
            return
        connection = await self._engine.connect()
        try:
            if connection.dialect.name == "postgresql":
                # Set on the pooled connection without a round trip (BEGIN carries them), and
                # reset by the pool when the connection is returned.
                await connection.execution_options(
                    isolation_level="REPEATABLE READ", postgresql_readonly=True
                )
            else:
                await connection.execution_options(**{DEFERRED_BEGIN: True})
            transaction = await connection.begin()
            token = _AMBIENT.set(
                _Ambient(connection, transaction, asyncio.current_task(), read_scope=True)
            )
            try:
                yield
            finally:
                _AMBIENT.reset(token)
                if transaction.is_active:
                    await transaction.rollback()
        finally:
            await connection.close()
