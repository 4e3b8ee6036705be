"""Prometheus metrics at /metrics, for the operator's scraper only when a token is set.

Request counts per route and latencies tell a stranger which routes are used and how the
service is doing; production serves them only to a scraper that sends
`Authorization: Bearer <REFOCUSED_METRICS_TOKEN>` (Prometheus: `authorization.credentials`).
A token rather than a second port: App Runner exposes one port, so a metrics port would be
either unreachable or exactly as public as the API."""

from __future__ import annotations

import hmac
from typing import Any

from litestar import Response, get
from litestar.connection import ASGIConnection
from litestar.exceptions import NotAuthorizedException
from litestar.handlers.base import BaseRouteHandler

from entrypoints.http.openapi import responses

#: Prometheus' text exposition format, as the scraper asks for it.
TEXT_FORMAT = "text/plain; version=0.0.4; charset=utf-8"


def metrics_controller(token: str) -> type[Any]:
    """The metrics controller; with a token, it answers only requests that carry it."""
    from litestar.plugins.prometheus import PrometheusController

    expected = token.encode()

    async def bearer_token(
        connection: ASGIConnection[Any, Any, Any, Any], _: BaseRouteHandler
    ) -> None:
        scheme, _sep, given = connection.headers.get("authorization", "").partition(" ")
        if scheme.lower() != "bearer" or not hmac.compare_digest(
            given.strip().encode("utf-8", "replace"), expected
        ):
            raise NotAuthorizedException(
                detail="metrics need 'Authorization: Bearer <the metrics token>'",
                headers={"WWW-Authenticate": 'Bearer realm="metrics"'},
            )

    class Metrics(PrometheusController):
        tags = ["operations"]
        guards = [bearer_token] if token else None
        security = [{"metricsToken": []}] if token else None

        @get(
            operation_id="getMetrics",
            media_type=TEXT_FORMAT,
            responses=responses(*([401] if token else [])),
        )
        async def get(self) -> Response[bytes]:
            """Request counts and latencies per route, in Prometheus' text format."""
            return await PrometheusController.get.fn(self)  # type: ignore[no-any-return]

    return Metrics
