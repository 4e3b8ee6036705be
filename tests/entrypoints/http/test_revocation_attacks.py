"""Signed-out tokens, over real HTTP on the production profile: they cannot spend their owner's
rate limit, come back when Redis forgets, or take the API down with Redis."""

from __future__ import annotations

import os
import shutil
import signal
import subprocess
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from typing import Any

import httpx
import pytest
import redis

from tests.conftest import TEST_KEK, TEST_SECRET
from tests.support.servers import REDIS_URL, free_port
from tests.support.users import PASSWORD, bearer_user


def new_session(url: str, email: str) -> dict[str, str]:
    """One more signed-in device of the same account: its bearer headers."""
    r = httpx.post(
        f"{url}/api/v1/auth/token",
        json={"grant_type": "password", "username": email, "password": PASSWORD},
    )
    assert r.status_code == 200, r.text
    return {"Authorization": f"Bearer {r.json()['access_token']}"}


def me(url: str, headers: dict[str, str]) -> int:
    return httpx.get(f"{url}/api/v1/auth/me", headers=headers, timeout=10).status_code


# -- 8: a token that does not authenticate spends its address's limit, never its owner's ------


@pytest.fixture(params=["embedded", "production"])
def limited_url(request: pytest.FixtureRequest, serve_on: Callable[..., str]) -> str:
    return serve_on(request.param, rate_limit_per_minute=6)


def test_a_signed_out_token_cannot_lock_its_owner_out(limited_url: str) -> None:
    owner = bearer_user(limited_url)
    stolen = owner.headers
    assert httpx.post(f"{limited_url}/api/v1/auth/logout", headers=stolen).status_code == 204
    # The owner signs in again; the thief keeps replaying the signed-out token.
    fresh = new_session(limited_url, owner.email)
    replies = [me(limited_url, stolen) for _ in range(12)]
    assert set(replies) <= {401, 429} and replies[0] == 401
    # Every refused request was counted against the thief's address ...
    assert replies[-1] == 429
    assert httpx.get(f"{limited_url}/api/v1/daily").status_code == 429
    # ... and none against the owner, whose new session still has its whole allowance.
    assert [me(limited_url, fresh) for _ in range(5)] == [200] * 5


# -- 9: what Redis forgets, the sessions table remembers --------------------------------------


@pytest.fixture
def production_url(serve_on: Callable[..., str]) -> str:
    return serve_on("production")


@pytest.fixture
def shared_redis() -> Iterator[redis.Redis]:
    client = redis.Redis.from_url(REDIS_URL)
    yield client
    client.close()


def test_a_signed_out_token_stays_out_when_redis_evicts_keys_with_a_ttl(
    production_url: str, shared_redis: redis.Redis, redis_prefix: str
) -> None:
    owner = bearer_user(production_url)
    signed_out = owner.headers
    live = new_session(production_url, owner.email)
    assert httpx.post(f"{production_url}/api/v1/auth/logout", headers=signed_out).status_code == 204
    assert me(production_url, signed_out) == 401
    # What volatile-lru does under memory pressure: the keys that carry a TTL go first.
    evicted = [k for k in shared_redis.scan_iter(f"{redis_prefix}*") if shared_redis.ttl(k) > 0]
    assert evicted
    shared_redis.delete(*evicted)
    assert me(production_url, signed_out) == 401
    assert me(production_url, live) == 200


def test_a_signed_out_token_stays_out_whichever_key_redis_loses(
    production_url: str, shared_redis: redis.Redis, redis_prefix: str
) -> None:
    owner = bearer_user(production_url)
    live = new_session(production_url, owner.email)
    assert me(production_url, live) == 200  # the cache has learnt what is revoked
    for _ in range(3):
        signed_out = new_session(production_url, owner.email)
        assert (
            httpx.post(f"{production_url}/api/v1/auth/logout", headers=signed_out).status_code
            == 204
        )
        keys = list(shared_redis.scan_iter(f"{redis_prefix}*"))
        for key in keys:  # allkeys-* eviction may take any one of them
            shared_redis.delete(key)
            assert me(production_url, signed_out) == 401, key
            assert me(production_url, live) == 200, key


# -- 10: Redis down is degraded, not down, and no less secure ---------------------------------


def redis_server_binary() -> str:
    """scripts/services installs Debian's redis-server; Pants' sandbox PATH may not list it."""
    for candidate in (
        shutil.which("redis-server"),
        "/usr/bin/redis-server",
        "/usr/local/bin/redis-server",
    ):
        if candidate and os.path.exists(candidate):
            return candidate
    raise RuntimeError("redis-server is not installed; run scripts/services")


class RedisProcess:
    """A redis-server of this test's own, on a free port, that can be stopped and started."""

    def __init__(self) -> None:
        self.port = free_port()
        self.url = f"redis://127.0.0.1:{self.port}/0"
        self._process: subprocess.Popen[bytes] | None = None

    def start(self) -> None:
        self._process = subprocess.Popen(
            [
                redis_server_binary(),
                "--port",
                str(self.port),
                "--bind",
                "127.0.0.1",
                "--save",
                "",
                "--appendonly",
                "no",
                "--daemonize",
                "no",
            ],
            stdout=subprocess.DEVNULL,
        )
        client = redis.Redis(port=self.port, socket_connect_timeout=0.2)
        deadline = time.monotonic() + 10
        while True:
            try:
                client.ping()
                break
            except redis.RedisError:
                if time.monotonic() > deadline:
                    raise
                time.sleep(0.05)
        client.close()

    def stop(self) -> None:
        if self._process is not None:
            self._process.kill()
            self._process.wait()
            self._process = None

    def freeze(self) -> None:
        """Alive but silent: connections open and nothing answers (a hung or partitioned node)."""
        assert self._process is not None
        os.kill(self._process.pid, signal.SIGSTOP)

    def thaw(self) -> None:
        assert self._process is not None
        os.kill(self._process.pid, signal.SIGCONT)


@pytest.fixture
def own_redis() -> Iterator[RedisProcess]:
    server = RedisProcess()
    server.start()
    yield server
    if server._process is not None:
        server.thaw()
    server.stop()


@contextmanager
def no_server_errors() -> Iterator[list[httpx.Response]]:
    seen: list[httpx.Response] = []
    yield seen
    assert [r.status_code for r in seen if r.status_code >= 500] == []


def eventually(check: Callable[[], bool], seconds: float = 5.0) -> float:
    """Seconds until `check` held; fails after `seconds`."""
    started = time.monotonic()
    while not check():
        assert time.monotonic() - started < seconds, "did not happen in time"
        time.sleep(0.1)
    return time.monotonic() - started


def test_with_redis_down_the_api_stays_up_and_refuses_every_signed_out_token(
    serve_on: Callable[..., str], own_redis: RedisProcess, redis_prefix: str
) -> None:
    url = serve_on("production", redis_url=own_redis.url)
    owner = bearer_user(url)
    signed_out_before = new_session(url, owner.email)
    signed_out_during = new_session(url, owner.email)
    live = owner.headers
    assert httpx.post(f"{url}/api/v1/auth/logout", headers=signed_out_before).status_code == 204
    assert me(url, signed_out_before) == 401 and me(url, live) == 200

    own_redis.stop()
    with httpx.Client(base_url=url, timeout=10) as c:
        seen: list[httpx.Response] = []

        def call(method: str, path: str, **kwargs: Any) -> httpx.Response:
            started = time.monotonic()
            r = c.request(method, path, **kwargs)
            assert time.monotonic() - started < 2, f"{path} waited on the dead cache"
            seen.append(r)
            return r

        assert call("GET", "/api/v1/auth/me", headers=signed_out_before).status_code == 401
        assert call("GET", "/api/v1/auth/me", headers=live).status_code == 200
        # Signing in, and out, still work; a sign-out made now holds at once.
        tokens = call(
            "POST",
            "/api/v1/auth/token",
            json={"grant_type": "password", "username": owner.email, "password": PASSWORD},
        )
        assert tokens.status_code == 200
        assert call("POST", "/api/v1/auth/logout", headers=signed_out_during).status_code == 204
        assert call("GET", "/api/v1/auth/me", headers=signed_out_during).status_code == 401
        assert call("GET", "/api/v1/auth/me", headers=signed_out_before).status_code == 401
        assert call("GET", "/api/v1/daily", headers=live).status_code == 200  # uncached
        ready = call("GET", "/ready")
        assert ready.status_code == 200
        assert ready.json()["status"] == "degraded"
        assert ready.json()["checks"]["cache"] == "unavailable"
        assert [r.status_code for r in seen if r.status_code >= 500] == []

    # A fresh Redis (it remembers nothing) on the same address: normal within seconds.
    own_redis.start()
    eventually(lambda: httpx.get(f"{url}/ready").json()["status"] == "ready")
    for headers in (signed_out_before, signed_out_during):
        assert me(url, headers) == 401
    assert me(url, live) == 200
    # Within a second or two the owner's requests count in Redis again.
    back = redis.Redis.from_url(own_redis.url)
    assert (
        eventually(
            lambda: me(url, live) == 200 and bool(back.keys(f"{redis_prefix}rl:global:user:*"))
        )
        < 3
    )
    back.close()


def test_a_sign_out_made_while_redis_was_silent_holds_when_it_answers_again(
    serve_on: Callable[..., str], own_redis: RedisProcess
) -> None:
    url = serve_on("production", redis_url=own_redis.url)
    owner = bearer_user(url)
    victim = new_session(url, owner.email)
    assert me(url, victim) == 200  # the cache now vouches for every session

    own_redis.freeze()  # it keeps its memory, but answers nothing
    with no_server_errors() as seen:
        seen.append(httpx.post(f"{url}/api/v1/auth/logout", headers=victim, timeout=10))
        assert seen[-1].status_code == 204
        seen.append(httpx.get(f"{url}/api/v1/auth/me", headers=victim, timeout=10))
        assert seen[-1].status_code == 401
    own_redis.thaw()  # back, with its old memory that never heard of the sign-out

    eventually(lambda: httpx.get(f"{url}/ready").json()["status"] == "ready")
    for _ in range(5):
        assert me(url, victim) == 401
        time.sleep(0.3)
    assert me(url, owner.headers) == 200


# -- the hot path: none of this costs the authenticated read anything while Redis is up -------


class CountingSessions:
    """A unit of work whose every use of the sessions repository is recorded."""

    def __init__(self, inner: Any, uses: list[str]) -> None:
        self._inner, self._uses = inner, uses

    async def __aenter__(self) -> CountingSessions:
        self._entered = await self._inner.__aenter__()
        return self

    async def __aexit__(self, *exc: object) -> Any:
        return await self._inner.__aexit__(*exc)

    @property
    def users(self) -> Any:
        return self._entered.users

    @property
    def sessions(self) -> Any:
        self._uses.append("sessions")
        return self._entered.sessions


def test_while_redis_is_up_a_read_makes_one_redis_round_trip_and_no_session_query(
    make_settings: Callable[..., Any], postgres_url: str, own_redis: RedisProcess
) -> None:
    from dependency_injector import providers

    from entrypoints.composition.containers import _identity_reader
    from entrypoints.http.app import build_container, create_app
    from tests.support.servers import LiveServer

    settings = make_settings(
        profile="production",
        database_url=postgres_url,
        redis_url=own_redis.url,
        secret_key=TEST_SECRET,
        journal_kek=TEST_KEK,
        secure_cookies=False,
    )
    container = build_container(settings)
    uses: list[str] = []
    infrastructure = container.infrastructure
    container.identity.reader.override(
        providers.Factory(
            lambda: CountingSessions(
                _identity_reader(infrastructure.engine(), infrastructure.read_pool()), uses
            )
        )
    )
    with LiveServer(create_app(settings, container=container)) as server:
        owner = bearer_user(server.url)
        assert me(server.url, owner.headers) == 200  # the cache learns the revocations once
        stats = redis.Redis.from_url(own_redis.url)
        stats.config_resetstat()
        assert "sessions" in uses  # the counting works: the cold cache did read the table
        uses.clear()
        assert [me(server.url, owner.headers) for _ in range(20)] == [200] * 20
        commands = {
            name.removeprefix("cmdstat_"): values["calls"]
            for name, values in stats.info("commandstats").items()
        }
        stats.close()
    # One script per request; the other counts are the commands it runs inside Redis.
    assert commands.pop("evalsha") == 20
    assert set(commands) <= {"config|resetstat", "time", "get", "set", "zscore"}
    assert uses == []  # the sessions table is not read on the hot path
