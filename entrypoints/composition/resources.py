"""Clients with a lifetime: built lazily by the container, closed by `close_resources`."""

from __future__ import annotations

from typing import TYPE_CHECKING

import structlog
from redis.asyncio import BlockingConnectionPool, Redis
from sqlalchemy.ext.asyncio import AsyncEngine

from adapters.sql.engine import create_engine
from domains.shared.events import ProductiveAction
from entrypoints.settings import Settings

if TYPE_CHECKING:
    from adapters.sql.read_pool import ReadPool


def database_engine(settings: Settings) -> AsyncEngine:
    if not settings.is_production:
        settings.data_dir.mkdir(parents=True, exist_ok=True)
    return create_engine(
        settings.effective_database_url,
        pool_size=settings.db_pool_size,
        max_overflow=settings.db_max_overflow,
    )


def read_pool(settings: Settings, engine: AsyncEngine) -> ReadPool | None:
    """Raw asyncpg connections for the hot reads, on PostgreSQL only (SQLite reads stay on the
    engine). A third of the engine's pool size: each read holds its connection for one round
    trip, where the engine's connections span whole transactions."""
    if engine.dialect.name != "postgresql" or engine.dialect.driver != "asyncpg":
        return None
    from adapters.sql.read_pool import ReadPool

    return ReadPool(engine, max_size=max(2, settings.db_pool_size // 3))


def redis_client(settings: Settings) -> Redis | None:
    if not settings.redis_url:
        return None
    # A blocking pool queues bursts for a free connection instead of failing them. Short socket
    # timeouts: a Redis that hangs costs the requests in flight at most a second, then the
    # breaker (adapters.redis.fallback) sends everyone to the fallbacks without waiting.
    pool = BlockingConnectionPool.from_url(
        settings.redis_url,
        max_connections=128,
        timeout=5,
        health_check_interval=30,
        socket_connect_timeout=0.5,
        socket_timeout=1.0,
    )
    return Redis(connection_pool=pool)


async def close_resources(container: object) -> None:
    """Dispose of what the container built (and only that)."""
    infrastructure = container.infrastructure  # type: ignore[attr-defined]
    engine: AsyncEngine = infrastructure.engine()
    pool: ReadPool | None = infrastructure.read_pool()
    if pool is not None:
        await pool.close()
    await engine.dispose()
    client = infrastructure.redis()
    if client is not None:
        await client.aclose()


def report_event_failure(event: ProductiveAction, error: Exception) -> None:
    structlog.get_logger("refocused.events").error(
        "event.handler_failed",
        kind=event.kind,
        user_id=event.user_id,
        error_type=type(error).__name__,
        exc_info=error,
    )
