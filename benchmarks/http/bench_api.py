"""HTTP benchmark (not a test): the API on the production profile (PostgreSQL + Redis, one
worker) against a bare Litestar JSON endpoint, served the same way, in the same run.

    .venv/bin/python benchmarks/http/bench_api.py [--server granian|uvicorn] [--duration 8]
        [--baseline DIR [--rounds 3]]

With --baseline, the API of another checkout (`git worktree add /tmp/base main`) runs beside this
tree's, each on its own database and Redis prefix, and their rounds alternate, so a change is
judged against its baseline in one run on one machine (medians of the rounds).

Needs wrk (Debian package; installed when missing and running as root), PostgreSQL on
127.0.0.1:5432 and Redis on 127.0.0.1:6379 (scripts/services). Prints requests per second and
p50 / p99 latency for each target and appends a table to benchmarks/http/RESULTS.md.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import shutil
import socket
import subprocess
import sys
import time
import uuid
from collections.abc import Iterator
from contextlib import ExitStack, contextmanager
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import asyncpg
import httpx

# Run as a script from the repository root: the shared benchmark helpers live beside it.
sys.path.insert(0, str(Path(__file__).resolve().parents[2]))
from benchmarks.machine import describe as describe_machine

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent.parent
ADMIN_URL = os.environ.get(
    "REFOCUSED_BENCH_POSTGRES_URL", "postgresql://postgres@127.0.0.1:5432/postgres"
)
REDIS_URL = os.environ.get("REFOCUSED_BENCH_REDIS_URL", "redis://127.0.0.1:6379/0")
SECRET = "benchmark-secret-key-benchmark-secret-key-0123"
KEK = "MDEyMzQ1Njc4OWFiY2RlZjAxMjM0NTY3ODlhYmNkZWY="
#: The private Ed25519 key (a JWK) that signs the benchmark's access tokens.
ACCESS_TOKEN_KEY = (
    '{"crv": "Ed25519", "x": "hNdJBsS-EHzGFJagbIl6MpQUSA0TWGQQ7n7dCI70ilA", '
    '"d": "rtzSTpAcRE7w7z1z7bN_FFS0Uv6Ug-c8a-A9bEn6jcI", "kty": "OKP"}'
)


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def ensure_wrk() -> str:
    found = shutil.which("wrk")
    if found:
        return found
    if os.geteuid() == 0 and shutil.which("apt-get"):
        subprocess.run(["apt-get", "install", "-y", "-qq", "wrk"], check=False)
        found = shutil.which("wrk")
    if not found:
        sys.exit("wrk is needed: apt-get install wrk")
    return found


@contextmanager
def database() -> Iterator[str]:
    name = f"rf_bench_{uuid.uuid4().hex[:8]}"

    async def admin(sql: str) -> None:
        c = await asyncpg.connect(ADMIN_URL)
        try:
            await c.execute(sql)
        finally:
            await c.close()

    asyncio.run(admin(f'CREATE DATABASE "{name}"'))
    try:
        yield (
            ADMIN_URL.rsplit("/", 1)[0].replace("postgresql://", "postgresql+asyncpg://")
            + "/"
            + name
        )
    finally:
        asyncio.run(admin(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))


@contextmanager
def server(
    command: list[str], env: dict[str, str], port: int, probe: str, cwd: Path = ROOT
) -> Iterator[str]:
    process = subprocess.Popen(
        command,
        env={**os.environ, **env},
        cwd=cwd,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
    )
    url = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + 60
        while True:
            try:
                if httpx.get(url + probe, timeout=1).status_code == 200:
                    break
            except httpx.HTTPError:
                pass
            if process.poll() is not None or time.monotonic() > deadline:
                process.kill()
                err = process.stderr.read().decode() if process.stderr else ""
                sys.exit(f"server did not start: {' '.join(command)}\n{err[-2000:]}")
            time.sleep(0.2)
        yield url
    finally:
        process.terminate()
        try:
            process.wait(timeout=15)
        except subprocess.TimeoutExpired:
            process.kill()


def serve_command(server_kind: str, app: str, port: int) -> list[str]:
    if server_kind == "granian":
        return [
            sys.executable,
            "-m",
            "granian",
            "--interface",
            "asgi",
            "--factory",
            "--host",
            "127.0.0.1",
            "--port",
            str(port),
            "--workers",
            "1",
            "--no-ws",
            "--log-level",
            "warning",
            app,
        ]
    return [
        sys.executable,
        "-m",
        "uvicorn",
        "--factory",
        app,
        "--host",
        "127.0.0.1",
        "--port",
        str(port),
        "--workers",
        "1",
        "--log-level",
        "warning",
        "--no-access-log",
    ]


def wrk(
    url: str, *, connections: int, duration: int, env: dict[str, str] | None = None
) -> dict[str, Any]:
    result = subprocess.run(
        [
            "wrk",
            "-t1",
            f"-c{connections}",
            f"-d{duration}s",
            "--timeout",
            "5s",
            "-s",
            str(HERE / "report.lua"),
            url,
        ],
        env={**os.environ, **(env or {})},
        capture_output=True,
        text=True,
        check=True,
    )
    line = next(x for x in result.stdout.splitlines() if x.startswith("RESULT "))
    data = json.loads(line.removeprefix("RESULT "))
    data["rps"] = data["requests"] / data["seconds"]
    return data


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--server", choices=["granian", "uvicorn"], default="granian")
    parser.add_argument("--duration", type=int, default=8)
    parser.add_argument("--connections", type=int, default=64)
    parser.add_argument(
        "--baseline",
        type=Path,
        help="a checkout of another revision (git worktree add DIR REV): its API is measured in "
        "the same run, rounds interleaved with this tree's",
    )
    parser.add_argument("--rounds", type=int, default=0, help="default 1, or 3 with --baseline")
    parser.add_argument("--out", type=Path, default=HERE / "RESULTS.md")
    args = parser.parse_args()
    ensure_wrk()
    rounds = args.rounds or (3 if args.baseline else 1)
    trees = [("this tree", ROOT)]
    if args.baseline is not None:
        if not (args.baseline / "entrypoints" / "http" / "app.py").is_file():
            sys.exit(f"--baseline {args.baseline} is not a checkout of this repository")
        trees.insert(0, ("baseline", args.baseline.resolve()))
    results: list[tuple[str, int, dict[str, Any]]] = []

    bare_port = free_port()
    with server(
        serve_command(args.server, "benchmarks.http.bare_app:create_app", bare_port),
        {"PYTHONPATH": str(ROOT)},
        bare_port,
        "/json",
    ) as bare:
        print("warming up the bare app ...", flush=True)
        wrk(bare + "/json", connections=args.connections, duration=2)
        results.append(
            (
                "bare GET /json",
                args.connections,
                wrk(bare + "/json", connections=args.connections, duration=args.duration),
            )
        )

    with ExitStack() as stack:
        apis = [
            (label, stack.enter_context(api_server(args.server, root))) for label, root in trees
        ]
        for label, (api, auth, _login) in apis:
            print(f"warming up the API ({label}) ...", flush=True)
            wrk(api + "/api/v1/auth/me", connections=args.connections, duration=2, env=auth)
        samples: dict[tuple[str, str, int], list[dict[str, Any]]] = {}
        for round_no in range(rounds):
            for name, path, connections, kind in (
                (
                    "GET /api/v1/auth/me (JWT + Redis + PostgreSQL)",
                    "/api/v1/auth/me",
                    args.connections,
                    "auth",
                ),
                ("GET /api/v1/auth/me", "/api/v1/auth/me", 256, "auth"),
                (
                    "POST /api/v1/auth/login (argon2id)",
                    "/api/v1/auth/login",
                    args.connections,
                    "login",
                ),
            ):
                for label, (api, auth, login) in apis:
                    print(
                        f"round {round_no + 1}/{rounds}: {label} {name} c={connections}", flush=True
                    )
                    env = auth if kind == "auth" else login
                    samples.setdefault((label, name, connections), []).append(
                        wrk(api + path, connections=connections, duration=args.duration, env=env)
                    )
        for (label, name, connections), runs in samples.items():
            prefix = "API" if len(trees) == 1 else f"API ({label})"
            results.append((f"{prefix} {name}", connections, _median_run(runs)))

    machine = describe_machine()
    against = f", against {args.baseline} interleaved" if args.baseline else ""
    header = (
        f"\n## {datetime.now(UTC):%Y-%m-%d %H:%M} UTC, {args.server}, one worker, "
        f"wrk -t1 -d{args.duration}s, median of {rounds} round(s){against}, {machine}\n\n"
        "| target | connections | requests/s | p50 ms | p99 ms | max ms | non-2xx | errors |\n"
        "| --- | --- | --- | --- | --- | --- | --- | --- |\n"
    )
    rows = "".join(
        f"| {name} | {c} | {r['rps']:,.0f} | {r['p50_ms']:.1f} | {r['p99_ms']:.1f} | "
        f"{r['max_ms']:.0f} | {r['non_2xx']} | {r['socket_errors'] + r['timeouts']} |\n"
        for name, c, r in results
    )
    bare_rps = results[0][2]["rps"]
    reads = [
        (name, r["rps"]) for name, c, r in results[1:] if "me" in name and c == args.connections
    ]
    ratio = "".join(f"\n{name} / bare: {rps / bare_rps:.2f}" for name, rps in reads) + "\n"
    if len(reads) == 2:
        ratio += f"This tree / baseline, authenticated read: {reads[1][1] / reads[0][1]:.2f}\n"
    print(header + rows + ratio)
    with args.out.open("a") as f:
        f.write(header + rows + ratio)


@contextmanager
def api_server(
    server_kind: str, root: Path
) -> Iterator[tuple[str, dict[str, str], dict[str, str]]]:
    """The API of the checkout at `root` on its own database and Redis prefix, with a signed-in
    user: yields (url, wrk environment for the bearer read, wrk environment for a login)."""
    with database() as db_url:
        env = {
            "REFOCUSED_PROFILE": "production",
            "DATABASE_URL": db_url,
            "REDIS_URL": REDIS_URL,
            "REFOCUSED_REDIS_PREFIX": f"rf-bench-{uuid.uuid4().hex[:6]}:",
            "REFOCUSED_SECRET_KEY": SECRET,
            "REFOCUSED_JOURNAL_KEK": KEK,
            "REFOCUSED_ACCESS_TOKEN_KEY": ACCESS_TOKEN_KEY,
            # Production serves /metrics only with a token; with one, the Prometheus layer runs
            # on every request as it did before the token existed, so runs stay comparable.
            "REFOCUSED_METRICS_TOKEN": "benchmark-metrics-token-benchmark-metrics-0123",
            "REFOCUSED_AUTO_MIGRATE": "true",
            "REFOCUSED_LOG_LEVEL": "WARNING",
            # The limits still run (one Redis script per request); they are set high enough
            # that the load generator measures the work, not 429s.
            "REFOCUSED_RATE_LIMIT_PER_MINUTE": "100000000",
            "REFOCUSED_LOGIN_PER_IP_PER_MINUTE": "100000000",
            "REFOCUSED_LOGIN_PER_ACCOUNT_PER_5_MINUTES": "100000000",
            "PYTHONPATH": str(root),
        }
        port = free_port()
        with server(
            serve_command(server_kind, "entrypoints.http.app:create_app", port),
            env,
            port,
            "/health",
            cwd=root,
        ) as api:
            email, password = f"bench-{uuid.uuid4().hex[:8]}@example.com", "benchmark passphrase"
            httpx.post(
                api + "/api/v1/auth/register", json={"email": email, "password": password}
            ).raise_for_status()
            token = httpx.post(
                api + "/api/v1/auth/token",
                json={"grant_type": "password", "username": email, "password": password},
            ).json()["access_token"]
            auth = {"WRK_AUTH": f"Bearer {token}"}
            login = {
                "WRK_METHOD": "POST",
                "WRK_BODY": json.dumps({"email": email, "password": password}),
            }
            yield api, auth, login


def _median_run(runs: list[dict[str, Any]]) -> dict[str, Any]:
    """The run with the median throughput (its latencies belong to it, not mixed across runs)."""
    return sorted(runs, key=lambda r: r["rps"])[len(runs) // 2]


if __name__ == "__main__":
    main()
