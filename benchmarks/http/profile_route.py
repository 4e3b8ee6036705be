"""Profile one API route in-process (not a test): the app on the production profile (PostgreSQL
and Redis on loopback), driven sequentially through its ASGI interface with no server, under
cProfile. Prints the CPU per request and the functions that cost most.

    .venv/bin/python benchmarks/http/profile_route.py /api/v1/habits [--requests 2000] [--top 40]

The user is seeded as benchmarks/http/bench_api.py seeds it (20 habits, journal entries, a
deck, pomodoro sessions); `{deck}` in the path is that user's deck.
"""

from __future__ import annotations

import argparse
import asyncio
import cProfile
import logging
import os
import pstats
import sys
import time
import uuid
from pathlib import Path

import httpx

sys.path.insert(0, str(Path(__file__).resolve().parents[2]))
from benchmarks.http import bench_api


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("path")
    parser.add_argument("--requests", type=int, default=2000)
    parser.add_argument("--top", type=int, default=40)
    args = parser.parse_args()
    with bench_api.database() as db_url:
        os.environ.update(
            {
                "REFOCUSED_PROFILE": "production",
                "DATABASE_URL": db_url,
                "REDIS_URL": bench_api.REDIS_URL,
                "REFOCUSED_REDIS_PREFIX": f"rf-prof-{uuid.uuid4().hex[:6]}:",
                "REFOCUSED_SECRET_KEY": bench_api.SECRET,
                "REFOCUSED_JOURNAL_KEK": bench_api.KEK,
                "REFOCUSED_ACCESS_TOKEN_KEY": bench_api.ACCESS_TOKEN_KEY,
                "REFOCUSED_METRICS_TOKEN": "benchmark-metrics-token-benchmark-metrics-0123",
                "REFOCUSED_AUTO_MIGRATE": "true",
                "REFOCUSED_LOG_LEVEL": "WARNING",
                "REFOCUSED_RATE_LIMIT_PER_MINUTE": "100000000",
            }
        )
        port = bench_api.free_port()
        with bench_api.server(
            bench_api.serve_command("granian", "entrypoints.http.app:serve_app", port),
            {"PYTHONPATH": str(bench_api.ROOT)},
            port,
            "/health",
        ) as api:
            # Migrate and seed through a served copy, then profile an in-process one.
            _, _, token = bench_api.sign_up(api, "prof")
            auth = {"WRK_AUTH": f"Bearer {token}"}
            bench_api.screen_targets(api, auth)
        path = args.path.replace("{deck}", bench_api._SEEDED[api]["deck"])
        asyncio.run(profile(path, auth["WRK_AUTH"], args.requests, args.top))


async def profile(path: str, authorization: str, requests: int, top: int) -> None:
    from entrypoints.http.app import create_app

    app = create_app()  # the container builds its clients on first use; no lifespan needed
    logging.getLogger("httpx").setLevel(logging.WARNING)
    transport = httpx.ASGITransport(app=app)
    headers = {"Authorization": authorization}
    async with httpx.AsyncClient(transport=transport, base_url="http://bench") as c:
        for _ in range(50):  # warm up: pools, prepared statements, remembered token
            (await c.get(path, headers=headers)).raise_for_status()
        cpu = time.process_time()
        for _ in range(requests):
            await c.get(path, headers=headers)
        plain = (time.process_time() - cpu) / requests
        profiler = cProfile.Profile()
        cpu = time.process_time()
        profiler.enable()
        for _ in range(requests):
            await c.get(path, headers=headers)
        profiler.disable()
        cpu = time.process_time() - cpu
    print(
        f"{path}: {plain * 1e6:,.0f} us CPU per request ({cpu / requests * 1e6:,.0f} under "
        "cProfile), client included"
    )
    pstats.Stats(profiler).sort_stats("cumulative").print_stats(top)
    pstats.Stats(profiler).sort_stats("tottime").print_stats(top)


if __name__ == "__main__":
    main()
