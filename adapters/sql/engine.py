from __future__ import annotations

from typing import Any

from sqlalchemy import event
from sqlalchemy.engine import make_url
from sqlalchemy.ext.asyncio import AsyncEngine, create_async_engine


def create_engine(
    url: str, *, pool_size: int = 30, max_overflow: int = 0, echo: bool = False
) -> AsyncEngine:
    """An async engine for SQLite (aiosqlite, embedded) or PostgreSQL (asyncpg, production)."""
    parsed = make_url(url)
    # Bound parameters hold addresses, hashes and journal ciphertext: an error's message and
    # traceback must not carry them into the logs.
    kwargs: dict[str, Any] = {"echo": echo, "hide_parameters": True}
    if parsed.get_backend_name() == "sqlite":
        # Writers wait for each other instead of failing with "database is locked".
        kwargs["connect_args"] = {"timeout": 15}
    else:
        # No pre-ping: it would cost a round trip per checkout. A connection the server dropped
        # fails once, is invalidated by SQLAlchemy and replaced; recycling bounds their age.
        kwargs.update(pool_size=pool_size, max_overflow=max_overflow, pool_recycle=1800)
    engine = create_async_engine(parsed, **kwargs)
    if parsed.get_backend_name() == "sqlite":
        _configure_sqlite(engine)
    return engine


def _configure_sqlite(engine: AsyncEngine) -> None:
    @event.listens_for(engine.sync_engine, "connect")
    def _on_connect(dbapi_connection: Any, _record: Any) -> None:
        # Foreign keys are off by default in SQLite; cascading erasure depends on them.
        dbapi_connection.isolation_level = None
        cursor = dbapi_connection.cursor()
        cursor.execute("PRAGMA foreign_keys=ON")
        cursor.execute("PRAGMA journal_mode=WAL")
        cursor.execute("PRAGMA synchronous=NORMAL")
        # Erasure must leave no byte behind: deleted rows are overwritten with zeros, whether
        # or not this host's SQLite was built with SQLITE_SECURE_DELETE.
        cursor.execute("PRAGMA secure_delete=ON")
        cursor.close()

    # The driver's own transaction handling defers BEGIN until the first write, so a read then
    # write in one unit of work could fail to upgrade its lock. Taking the write lock up front
    # makes concurrent writers queue (for up to the timeout) instead of failing: the embedded
    # profile trades write concurrency for correctness.
    @event.listens_for(engine.sync_engine, "begin")
    def _on_begin(conn: Any) -> None:
        conn.exec_driver_sql("BEGIN IMMEDIATE")
