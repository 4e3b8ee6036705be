from __future__ import annotations

from typing import Any

from litestar import Controller, Response, get
from litestar.di import NamedDependency
from sqlalchemy import text
from sqlalchemy.ext.asyncio import AsyncEngine

from adapters.sql.migrate import pending


class HealthController(Controller):
    tags = ["operations"]

    @get("/health", operation_id="checkHealth")
    async def health(self) -> dict[str, str]:
        """Liveness: the process answers."""
        return {"status": "ok"}

    @get("/ready", operation_id="checkReadiness")
    async def ready(
        self, engine: NamedDependency[AsyncEngine], cache_probe: NamedDependency[Any]
    ) -> Response[dict[str, Any]]:
        """Readiness. The database is required: without it (or with migrations pending) the
        answer is 503. The cache is not: without Redis the API serves on its fallbacks
        (per-process rate limits, revocation from the sessions table), so the answer is 200
        with status "degraded" and the cache marked unavailable; a 503 would have a load
        balancer pull every instance at once and turn a cache outage into a full one."""
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
        if checks["database"] != "ok":
            status, code = "not ready", 503
        elif checks["cache"] != "ok":
            status, code = "degraded", 200
        else:
            status, code = "ready", 200
        return Response({"status": status, "checks": checks}, status_code=code)
