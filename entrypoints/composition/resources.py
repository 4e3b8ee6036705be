"""Clients with a lifetime: built lazily by the container, closed by `close_resources`."""

from __future__ import annotations

import structlog
from redis.asyncio import BlockingConnectionPool, Redis
from sqlalchemy.ext.asyncio import AsyncEngine

from adapters.sql.engine import create_engine
from domains.shared.events import ProductiveAction
from entrypoints.settings import Settings


def database_engine(settings: Settings) -> AsyncEngine:
    if not settings.is_production:
        settings.data_dir.mkdir(parents=True, exist_ok=True)
    return create_engine(
        settings.effective_database_url,
        pool_size=settings.db_pool_size,
        max_overflow=settings.db_max_overflow,
    )


def redis_client(settings: Settings) -> Redis | None:
    if not settings.redis_url:
        return None
    # A blocking pool queues bursts for a free connection instead of failing them.
    pool = BlockingConnectionPool.from_url(
        settings.redis_url, max_connections=128, timeout=5, health_check_interval=30
    )
    return Redis(connection_pool=pool)


async def close_resources(container: object) -> None:
    """Dispose of what the container built (and only that)."""
    infrastructure = container.infrastructure  # type: ignore[attr-defined]
    engine: AsyncEngine = infrastructure.engine()
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
