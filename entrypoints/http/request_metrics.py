"""Litestar's Prometheus middleware, with each route's labelled series looked up once.

Litestar's middleware builds a Request, reads its URL and looks each of its four series up by
label values on every request (prometheus_client takes a lock for each): about a tenth of what
a request answered from the screen cache costs (benchmarks/http/RESULTS.md). This subclass
keeps the same series, names, labels and values (method, path template, status code, app
name; the in-progress gauge labelled with status 200, as Litestar's is) and keeps the children
per route and status. Only the configuration the app uses is supported: the path grouped by
template, no extra labels, no exemplars, no excluded methods.

One difference: a request refused by a middleware inside this one (the gate: 401, 403, 415,
429, 503) reaches this layer as an exception, which Litestar's middleware counted as a 200;
it is counted under the status the app answers it with."""

from __future__ import annotations

import time
from typing import Any

from litestar.enums import ScopeType
from litestar.plugins.prometheus import PrometheusConfig, PrometheusMiddleware
from litestar.status_codes import HTTP_500_INTERNAL_SERVER_ERROR
from litestar.types import ASGIApp, Message, Receive, Scope, Send

from entrypoints.http.problems import answered_status


class RouteSeriesPrometheusMiddleware(PrometheusMiddleware):
    def __init__(self, app: ASGIApp, config: PrometheusConfig) -> None:
        if not config.group_path or config.labels or config.exemplars:
            raise ValueError("grouped paths only, without extra labels or exemplars")
        if config.excluded_http_methods:
            raise ValueError("no excluded methods")
        super().__init__(app, config)
        self._in_progress: dict[tuple[str, str], Any] = {}
        self._finished: dict[tuple[str, str, int], tuple[Any, Any, Any]] = {}

    def _labels(self, method: str, path: str, status: int) -> dict[str, str | int | float]:
        return {
            "method": method,
            "path": path,
            "status_code": status,
            "app_name": self._config.app_name,
        }

    def _gauge(self, method: str, path: str) -> Any:
        key = (method, path)
        child = self._in_progress.get(key)
        if child is None:
            labels = self._labels(method, path, 200)
            child = self.requests_in_progress(labels).labels(*labels.values())
            self._in_progress[key] = child
        return child

    def _series(self, method: str, path: str, status: int) -> tuple[Any, Any, Any]:
        key = (method, path, status)
        series = self._finished.get(key)
        if series is None:
            labels = self._labels(method, path, status)
            values = [*labels.values()]
            errors = (
                self.requests_error_count(labels).labels(*values)
                if status >= HTTP_500_INTERNAL_SERVER_ERROR
                else None
            )
            series = (
                self.request_count(labels).labels(*values),
                self.request_time(labels).labels(*values),
                errors,
            )
            self._finished[key] = series
        return series

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        http = scope["type"] == ScopeType.HTTP
        method: str = scope["method"] if http else scope["type"]  # type: ignore[typeddict-item]
        path: str = scope["path_template"]
        started = time.perf_counter()
        span = [200, 0.0]  # status, duration
        answering = False

        async def timed_send(message: Message) -> None:
            nonlocal answering
            if message["type"] == "http.response.start":
                span[0] = message["status"]
                answering = True
            elif message["type"] == "http.response.body":
                span[1] = time.perf_counter() - started
            await send(message)

        gauge = self._gauge(method, path)
        gauge.inc()
        try:
            await self.app(scope, receive, timed_send)
        except Exception as e:
            # Raised by a middleware inside this one (the gate's 401, 403, 415, 429, 503) and
            # answered by the app's handlers outside it: counted under the status it gets. An
            # error after the answer has started keeps the status the client was sent.
            if not answering:
                span[0] = answered_status(e)
                span[1] = time.perf_counter() - started
            raise
        finally:
            gauge.dec()
            count, duration, errors = self._series(method, path, int(span[0]))
            if errors is not None:
                errors.inc()
            count.inc()
            duration.observe(span[1])
