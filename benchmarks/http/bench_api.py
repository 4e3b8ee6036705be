"""HTTP benchmark (not a test): the API on the production profile (PostgreSQL + Redis, one
worker) against a bare Litestar JSON endpoint, served the same way, in the same run.

    .venv/bin/python benchmarks/http/bench_api.py [--server granian|uvicorn] [--duration 8]
        [--baseline DIR [--rounds 3]] [--routes screens|auth] [--connections 32,64,256]
        [--workers 1]

`--routes screens` (the default) drives the reads a client makes on each screen load (the
dashboard, the habits list and the habits with progress for a user with 20 habits, pomodoro
current and stats, a journal entries page, a deck's review queue, a calendar month and
/auth/me) and the hot-path writes (mark a habit day, review a card), each at every connection
count; `--routes auth` is the earlier /auth/me and sign-in run.

With --baseline, the API of another checkout (`git worktree add /tmp/base main`) runs beside this
tree's, each on its own database and Redis prefix, and their rounds alternate, so a change is
judged against its baseline in one run on one machine (medians of the rounds). Each checkout's
API runs on that checkout's own interpreter (`DIR/.venv/bin/python` when there is one), so the
packages it installs (an event loop, a Redis reply parser) are measured with it.

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
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
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


def sign_up(api: str, prefix: str = "bench") -> tuple[str, str, str]:
    """A new account on the served API: its email, password and an access token."""
    email, password = f"{prefix}-{uuid.uuid4().hex[:8]}@example.com", "benchmark passphrase"
    httpx.post(
        api + "/api/v1/auth/register", json={"email": email, "password": password}
    ).raise_for_status()
    token = httpx.post(
        api + "/api/v1/auth/token",
        json={"grant_type": "password", "username": email, "password": password},
    ).json()["access_token"]
    return email, password, token


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


def serve_command(
    server_kind: str, app: str, port: int, workers: int = 1, python: str = sys.executable
) -> list[str]:
    if server_kind == "granian":
        return [
            python,
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
            str(workers),
            "--no-ws",
            "--log-level",
            "warning",
            app,
        ]
    return [
        python,
        "-m",
        "uvicorn",
        "--factory",
        app,
        "--host",
        "127.0.0.1",
        "--port",
        str(port),
        "--workers",
        str(workers),
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


#: The issue's peer (the FastAPI full-stack template's backend, not installable offline): its
#: authenticated list served 174 requests/s at 32 connections on a machine like this one.
PEER_LIST_RPS = 174.0


# Every wrk run of the API, by (target name, tree label, connections).
Samples = dict[tuple[str, str, int], list[dict[str, Any]]]
BARE_CONNECTIONS = 64


def main() -> None:
    args = parse_args()
    ensure_wrk()
    conns = [int(c) for c in str(args.connections).split(",") if c.strip()]
    rounds = args.rounds or (3 if args.baseline else 1)
    load_before = _uptime()
    bare_run = measure_bare(args)
    samples = measure_apis(args, _trees(args), rounds, conns)
    text = report(args, rounds, bare_run, samples, load_before, _uptime())
    print(text)
    with args.out.open("a") as f:
        f.write(text)


def parse_args() -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--server", choices=["granian", "uvicorn"], default="granian")
    parser.add_argument("--duration", type=int, default=8)
    parser.add_argument(
        "--connections", default="32,64,256", help="comma-separated, e.g. 32,64,256"
    )
    parser.add_argument("--routes", choices=["screens", "auth"], default="screens")
    parser.add_argument("--only", default="", help="run only targets whose name has this text")
    parser.add_argument("--workers", type=int, default=1)
    parser.add_argument(
        "--baseline",
        type=Path,
        help="a checkout of another revision (git worktree add DIR REV): its API is measured in "
        "the same run, rounds interleaved with this tree's",
    )
    parser.add_argument("--rounds", type=int, default=0, help="default 1, or 3 with --baseline")
    parser.add_argument("--out", type=Path, default=HERE / "RESULTS.md")
    parser.add_argument("--note", default="", help="a line written under the table's heading")
    return parser.parse_args()


def _trees(args: argparse.Namespace) -> list[tuple[str, Path]]:
    """(label, checkout) of each API measured: the baseline first when there is one."""
    trees = [("this tree", ROOT)]
    if args.baseline is not None:
        if not (args.baseline / "entrypoints" / "http" / "app.py").is_file():
            sys.exit(f"--baseline {args.baseline} is not a checkout of this repository")
        trees.insert(0, ("baseline", args.baseline.resolve()))
    return trees


def measure_bare(args: argparse.Namespace) -> dict[str, Any]:
    """The bare Litestar app's GET /json, served the same way: the ceiling the API is read by."""
    bare_port = free_port()
    with server(
        serve_command(args.server, "benchmarks.http.bare_app:create_app", bare_port, args.workers),
        {"PYTHONPATH": str(ROOT)},
        bare_port,
        "/json",
    ) as bare:
        print("warming up the bare app ...", flush=True)
        wrk(bare + "/json", connections=BARE_CONNECTIONS, duration=2)
        return wrk(bare + "/json", connections=BARE_CONNECTIONS, duration=args.duration)


def _targets(
    routes: str, api: str, auth: dict[str, str], login: dict[str, str], *, seeded: bool
) -> list[Target]:
    return (
        screen_targets(api, auth, seeded=seeded)
        if routes == "screens"
        else auth_targets(auth, login)
    )


def measure_apis(
    args: argparse.Namespace, trees: list[tuple[str, Path]], rounds: int, conns: list[int]
) -> Samples:
    """Each tree's API seeded and warmed up, then every target at every connection count, in
    rounds whose order alternates between the trees."""
    samples: Samples = {}
    with ExitStack() as stack:
        apis = [
            (label, stack.enter_context(api_server(args.server, root, args.workers)))
            for label, root in trees
        ]
        targets: list[Target] = []
        for label, (api, auth, login) in apis:
            print(f"seeding and warming up the API ({label}) ...", flush=True)
            mine = _targets(args.routes, api, auth, login, seeded=False)
            mine = [t for t in mine if args.only in t.name]
            targets = targets or mine
            for t in mine:
                wrk(api + t.path, connections=32, duration=1, env=t.env)
        for round_no in range(rounds):
            for index, target in enumerate(targets):
                for connections in conns:
                    # Alternate which tree goes first, so neither always follows the other.
                    order = apis if (round_no + index) % 2 == 0 else apis[::-1]
                    for label, (api, auth, login) in order:
                        mine = _targets(args.routes, api, auth, login, seeded=True)
                        t = next(x for x in mine if x.name == target.name)
                        print(
                            f"round {round_no + 1}/{rounds}: {label} {t.name} c={connections}",
                            flush=True,
                        )
                        samples.setdefault((t.name, label, connections), []).append(
                            wrk(
                                api + t.path,
                                connections=connections,
                                duration=args.duration,
                                env=t.env,
                            )
                        )
    return samples


def report(
    args: argparse.Namespace,
    rounds: int,
    bare_run: dict[str, Any],
    samples: Samples,
    load_before: str,
    load_after: str,
) -> str:
    """The Markdown appended to --out: the run's conditions, then one table per route."""
    machine = describe_machine()
    against = f", against {args.baseline} interleaved" if args.baseline else ""
    workers = "one worker" if args.workers == 1 else f"{args.workers} workers"
    out = [
        f"\n## {datetime.now(UTC):%Y-%m-%d %H:%M} UTC, {args.server}, {workers}, "
        f"wrk -t1 -d{args.duration}s, median of {rounds} round(s){against}, {machine}\n\n",
        f"Load before: `{load_before}`; after: `{load_after}`.\n",
        f"{args.note}\n" if args.note else "",
        f"\nbare GET /json, {BARE_CONNECTIONS} connections: {bare_run['rps']:,.0f} requests/s, "
        f"p50 {bare_run['p50_ms']:.1f} ms, p99 {bare_run['p99_ms']:.1f} ms\n",
    ]
    by_route: dict[str, list[tuple[str, int, dict[str, Any]]]] = {}
    for (name, label, connections), runs in samples.items():
        by_route.setdefault(name, []).append((label, connections, _median_run(runs)))
    for name, rows in by_route.items():
        out.append(
            f"\n### {name}\n\n"
            "| build | connections | requests/s | p50 ms | p99 ms | max ms | non-2xx | errors |"
            "\n| --- | --- | --- | --- | --- | --- | --- | --- |\n"
        )
        for label, c, r in sorted(rows, key=lambda x: (x[1], x[0])):
            out.append(
                f"| {label} | {c} | {r['rps']:,.0f} | {r['p50_ms']:.1f} | {r['p99_ms']:.1f} | "
                f"{r['max_ms']:.0f} | {r['non_2xx']} | {r['socket_errors'] + r['timeouts']} |\n"
            )
    out.append(
        f"\nTarget (issue 19): >= {10 * PEER_LIST_RPS:,.0f} requests/s at 32 connections on "
        f"every screen read (10x the peer's {PEER_LIST_RPS:.0f}, quoted from the issue: the peer "
        "is not installable offline), p99 < 50 ms at 64, p99 < 1 s and max < 2 s at 256; "
        f"/auth/me >= 25 % of bare ({0.25 * bare_run['rps']:,.0f}).\n"
    )
    return "".join(out)


@dataclass(frozen=True)
class Target:
    name: str
    path: str
    env: dict[str, str]


def auth_targets(auth: dict[str, str], login: dict[str, str]) -> list[Target]:
    return [
        Target("GET /api/v1/auth/me (the signed-in account)", "/api/v1/auth/me", auth),
        Target("POST /api/v1/auth/login (argon2id)", "/api/v1/auth/login", login),
    ]


_SEEDED: dict[str, dict[str, str]] = {}


def screen_targets(api: str, auth: dict[str, str], *, seeded: bool = False) -> list[Target]:
    """The screen-load reads and the hot-path writes for a user seeded once per API: 20 habits
    with a month of marks, a journal collection with 30 entries, a deck of 60 cards, a running
    pomodoro and its history. The writes are what a client sends again and again: marking a day
    that is already marked, reviewing the next card of a deck (one transaction each)."""
    ids = _SEEDED.get(api) if seeded else None
    if ids is None:
        ids = _SEEDED[api] = _seed(api, auth)
    month = datetime.now(UTC).strftime("%Y-%m")
    yesterday = (datetime.now(UTC) - timedelta(days=1)).strftime("%Y-%m-%d")
    write = {**auth, "WRK_METHOD": "PUT"}
    # Each request reviews the next of 400 cards: two reviews of one card at once are a 409.
    review = {
        **auth,
        "WRK_METHOD": "POST",
        "WRK_BODY": json.dumps({"rating": 3}),
        "WRK_PATHS": " ".join(
            f"/api/v1/study/cards/{card}/reviews" for card in ids["cards"].split()
        ),
    }
    return [
        Target("GET /api/v1/habits (20 habits)", "/api/v1/habits", auth),
        Target(
            "GET /api/v1/habits/dashboard (20, with progress)", "/api/v1/habits/dashboard", auth
        ),
        Target("GET /api/v1/pomodoro/current", "/api/v1/pomodoro/current", auth),
        Target("GET /api/v1/pomodoro/stats", "/api/v1/pomodoro/stats", auth),
        Target(
            "GET /api/v1/journal/entries (page of 20)", "/api/v1/journal/entries?limit=20", auth
        ),
        Target(
            "GET /api/v1/study/decks/{id}/queue",
            f"/api/v1/study/decks/{ids['deck']}/queue?limit=20",
            auth,
        ),
        Target("GET /api/v1/auth/me", "/api/v1/auth/me", auth),
        Target(
            "PUT /api/v1/habits/{id}/days/{day} (mark a day)",
            f"/api/v1/habits/{ids['habit']}/days/{yesterday}",
            write,
        ),
        Target(
            "POST /api/v1/study/cards/{id}/reviews (review a card)",
            "/api/v1/study/cards/{id}/reviews",
            review,
        ),
        # Last: the fan-out reads (a dozen queries each, some sixty on 29d3acb). There they
        # left the server working for seconds on requests whose clients had gone (nothing
        # was refused), and every target measured after them on it answered nothing.
        Target("GET /api/v1/dashboard", "/api/v1/dashboard", auth),
        Target("GET /api/v1/calendar/months/{month}", f"/api/v1/calendar/months/{month}", auth),
    ]


def _seed(api: str, auth: dict[str, str]) -> dict[str, str]:
    headers = {"Authorization": auth["WRK_AUTH"]}
    with httpx.Client(base_url=api + "/api/v1", headers=headers, timeout=30) as c:

        def post(path: str, body: Any = None) -> Any:
            r = c.post(path, json=body) if body is not None else c.post(path)
            r.raise_for_status()
            return r.json()

        today = datetime.now(UTC).date()
        habits = [
            post("/habits", {"name": f"habit {i:02d}", "favourite": i < 3})["id"] for i in range(20)
        ]
        marks = [
            {"habit_id": h, "date": (today - timedelta(days=d)).isoformat(), "done": True}
            for h in habits
            for d in range(1, 31, 2)
        ]
        for i in range(0, len(marks), 100):
            post("/habits/marks", {"marks": marks[i : i + 100]})
        collection = post("/journal/collections", {"name": "bench"})["id"]
        for i in range(30):
            post(
                "/journal/entries",
                {
                    "collection_id": collection,
                    "title": f"day {i}",
                    "content": {"ops": [{"insert": f"an entry of a few words, number {i}\n"}]},
                    "tags": ["bench"],
                },
            )
        deck = post("/study/decks", {"name": "bench deck"})["id"]
        cards = [
            c["id"]
            for c in post(
                f"/study/decks/{deck}/cards",
                {"cards": [{"front": f"front {i}", "back": f"back {i}"} for i in range(400)]},
            )
        ]
        for _ in range(3):
            session = post("/pomodoro/sessions")
            post(f"/pomodoro/sessions/{session['id']}/complete", {"tasks_done": 1})
        post("/pomodoro/sessions")
    return {"habit": habits[0], "deck": deck, "cards": " ".join(cards)}


def _uptime() -> str:
    return subprocess.run(["uptime"], capture_output=True, text=True).stdout.strip()


@contextmanager
def api_server(
    server_kind: str, root: Path, workers: int = 1
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
            serve_command(
                server_kind, "entrypoints.http.app:serve_app", port, workers, python_of(root)
            ),
            env,
            port,
            "/health",
            cwd=root,
        ) as api:
            email, password, token = sign_up(api)
            auth = {"WRK_AUTH": f"Bearer {token}"}
            login = {
                "WRK_METHOD": "POST",
                "WRK_BODY": json.dumps({"email": email, "password": password}),
            }
            yield api, auth, login


def python_of(root: Path) -> str:
    """The checkout's own interpreter (its .venv, with the packages that checkout installs: an
    event loop or a parser is part of what is measured), or this one's."""
    own = root / ".venv" / "bin" / "python"
    return str(own) if own.exists() else sys.executable


def _median_run(runs: list[dict[str, Any]]) -> dict[str, Any]:
    """The run with the median throughput (its latencies belong to it, not mixed across runs)."""
    return sorted(runs, key=lambda r: r["rps"])[len(runs) // 2]


if __name__ == "__main__":
    main()
