"""Under more load than one worker can serve in time, the API answers those it cannot serve at
once with a 503 problem and Retry-After, instead of leaving them to wait for seconds; probes
stay reachable, and the turn of a refused request goes to the next one."""

from __future__ import annotations

import asyncio
import time
from typing import Any, cast

import httpx
from litestar import Litestar, get
from litestar.middleware import DefineMiddleware

from adapters.memory.stores import (
    InMemoryRateLimiter,
    InMemoryRequestChecks,
    InMemoryRevocationCache,
)
from adapters.security.csrf import SignedCsrfTokens
from domains.shared.rate_limit import Rate
from entrypoints.http.gate import Gate, GateConfig
from entrypoints.http.problems import EXCEPTION_HANDLERS

QUEUE_SECONDS = 0.2


def busy_app(release: asyncio.Event) -> Litestar:
    """An API whose one route is slow until `release` is set, behind the real gate with room
    for one request at a time."""

    @get("/api/v1/slow")
    async def slow() -> dict[str, str]:
        await release.wait()
        return {"ok": "yes"}

    @get("/health")
    async def health() -> dict[str, str]:
        return {"status": "ok"}

    config = GateConfig(
        identity=cast(Any, None),  # no token is sent: the identity service is never asked
        csrf=SignedCsrfTokens(b"x" * 32),
        checks=InMemoryRequestChecks(InMemoryRateLimiter(), InMemoryRevocationCache()),
        global_rate=Rate(1000, 60.0),
        max_in_flight=1,
        queue_seconds=QUEUE_SECONDS,
    )
    return Litestar(
        [slow, health],
        middleware=[DefineMiddleware(Gate, config=config)],
        exception_handlers=EXCEPTION_HANDLERS,
        logging_config=None,
    )


async def test_a_request_that_cannot_get_a_turn_in_time_is_refused_fast_with_retry_after() -> None:
    release = asyncio.Event()
    app = busy_app(release)
    transport = httpx.ASGITransport(app=app)
    async with httpx.AsyncClient(transport=transport, base_url="http://api") as client:
        first = asyncio.create_task(client.get("/api/v1/slow"))
        await asyncio.sleep(0.05)  # the first holds the only turn

        started = time.perf_counter()
        async with asyncio.timeout(30):  # a gate without the bound would wait here for ever
            refused = await client.get("/api/v1/slow")
        waited = time.perf_counter() - started

        assert refused.status_code == 503
        assert refused.headers["retry-after"] == "1"
        assert refused.headers["content-type"].startswith("application/problem+json")
        body = refused.json()
        assert body["status"] == 503 and body["title"] == "Service unavailable"
        assert "too busy" in body["detail"]
        # Refused, not left waiting: the turn it wanted is still held (the first request is
        # released only below), so it was answered after its bounded wait, not at its turn.
        # No upper bound on the wall clock: a paused CI machine once made this 12.6 s.
        assert not first.done()
        assert waited >= QUEUE_SECONDS * 0.9  # it did wait its bound for a turn first

        assert (await client.get("/health")).status_code == 200  # probes are not queued

        release.set()
        assert (await first).status_code == 200
        # The refused request gave its place up: the next one is served at once.
        assert (await client.get("/api/v1/slow")).status_code == 200


async def test_requests_that_wait_their_turn_within_the_bound_are_served_in_order() -> None:
    release = asyncio.Event()
    app = busy_app(release)
    transport = httpx.ASGITransport(app=app)
    async with httpx.AsyncClient(transport=transport, base_url="http://api") as client:
        first = asyncio.create_task(client.get("/api/v1/slow"))
        await asyncio.sleep(0.02)
        second = asyncio.create_task(client.get("/api/v1/slow"))
        await asyncio.sleep(0.02)
        release.set()  # the first finishes well within the second's wait
        assert [(await r).status_code for r in (first, second)] == [200, 200]
