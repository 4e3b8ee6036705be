from __future__ import annotations

from typing import Any

from litestar import Controller, Response, get
from litestar.di import NamedDependency
from sqlalchemy import text
from sqlalchemy.ext.asyncio import AsyncEngine

from adapters.sql.migrate import pending


class HealthController(Controller):
    tags = ["operations"]

    @get("/health")
    async def health(self) -> dict[str, str]:
        """Liveness: the process answers."""
        return {"status": "ok"}

    @get("/ready")
    async def ready(
        self, engine: NamedDependency[AsyncEngine], cache_probe: NamedDependency[Any]
    ) -> Response[dict[str, Any]]:
        """Readiness: the database answers with the current schema and the cache answers."""
        checks: dict[str, str] = {}
        try:
            async with engine.connect() as connection:
                await connection.execute(text("SELECT 1"))
            checks["database"] = "migrations pending" if await pending(engine) else "ok"
        except Exception:  # any failure means "not ready"; the reason goes to the logs
            checks["database"] = "unavailable"
        try:
            await cache_probe()
            checks["cache"] = "ok"
        except Exception:
            checks["cache"] = "unavailable"
        ok = all(v == "ok" for v in checks.values())
        return Response(
            {"status": "ready" if ok else "not ready", "checks": checks},
            status_code=200 if ok else 503,
        )
