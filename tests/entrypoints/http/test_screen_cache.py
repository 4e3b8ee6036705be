"""A screen read asked again is answered from the worker's memory while the user has changed
nothing, and never once the user has: what a client shows after its own change is always the
change (entrypoints.http.screens)."""

from __future__ import annotations

import asyncio
import json
from collections.abc import Callable

import pytest
from redis.asyncio import Redis
from sqlalchemy import update

from adapters.redis.fallback import FallbackScreenVersions, RedisBreaker
from adapters.redis.screen_versions import RedisScreenVersions
from adapters.redis.stores import RedisRevocationCache
from adapters.sql.engine import create_engine
from adapters.sql.tables.habits import habits
from entrypoints.http import screens
from entrypoints.http.screens import ScreenStore
from tests.support.servers import REDIS_URL
from tests.support.users import bearer_user


def _rename_behind_the_apis_back(postgres_url: str, habit_id: str, name: str) -> None:
    async def run() -> None:
        engine = create_engine(postgres_url)
        try:
            async with engine.begin() as c:
                await c.execute(update(habits).where(habits.c.id == habit_id).values(name=name))
        finally:
            await engine.dispose()

    asyncio.run(run())


def test_a_screen_read_comes_from_memory_until_the_user_changes_something(
    serve_on: Callable[..., str], postgres_url: str
) -> None:
    api = serve_on("production")
    user = bearer_user(api)
    c, h = user.client, user.headers
    habit = c.post("/api/v1/habits", json={"name": "Read"}, headers=h).json()
    assert [x["name"] for x in c.get("/api/v1/habits", headers=h).json()] == ["Read"]

    # A change that does not come through the API is not seen: the answer is the cached one.
    _rename_behind_the_apis_back(postgres_url, habit["id"], "Renamed in the database")
    assert [x["name"] for x in c.get("/api/v1/habits", headers=h).json()] == ["Read"]
    dashboard = c.get("/api/v1/habits/dashboard", headers=h).json()  # not cached yet: fresh
    assert [x["habit"]["name"] for x in dashboard["habits"]] == ["Renamed in the database"]

    # Any change the user makes moves every one of their screens on, in this worker and others.
    r = c.put(f"/api/v1/habits/{habit['id']}/days/{dashboard['today']}", headers=h)
    assert r.status_code in (200, 201), r.text
    assert [x["name"] for x in c.get("/api/v1/habits", headers=h).json()] == [
        "Renamed in the database"
    ]
    dashboard = c.get("/api/v1/habits/dashboard", headers=h).json()
    assert dashboard["habits"][0]["done_today"] is True


@pytest.mark.parametrize("profile", ["embedded", "production"])
def test_every_cached_screen_shows_the_users_own_change_at_once(
    serve_on: Callable[..., str], profile: str
) -> None:
    api = serve_on(profile)
    user, other = bearer_user(api), bearer_user(api)
    c, h = user.client, user.headers
    screens_read = [
        "/api/v1/dashboard",
        "/api/v1/habits",
        "/api/v1/habits/dashboard",
        "/api/v1/pomodoro/current",
        "/api/v1/pomodoro/stats",
    ]
    before = {path: c.get(path, headers=h).json() for path in screens_read}
    assert before == {path: c.get(path, headers=h).json() for path in screens_read}
    today = before["/api/v1/habits/dashboard"]["today"]
    month = today[:7]
    calendar_month = c.get(f"/api/v1/calendar/months/{month}", headers=h).json()
    calendar_day = c.get(f"/api/v1/calendar/{today}", headers=h).json()

    habit = c.post("/api/v1/habits", json={"name": "Walk"}, headers=h).json()
    assert [x["id"] for x in c.get("/api/v1/habits", headers=h).json()] == [habit["id"]]
    session = c.post("/api/v1/pomodoro/sessions", json={"kind": "focus"}, headers=h).json()
    assert c.get("/api/v1/pomodoro/current", headers=h).json()["session"]["id"] == session["id"]
    r = c.post(f"/api/v1/pomodoro/sessions/{session['id']}/complete", json={}, headers=h)
    assert r.status_code == 200, r.text
    assert c.get("/api/v1/pomodoro/current", headers=h).json()["session"] is None
    stats = c.get("/api/v1/pomodoro/stats", headers=h).json()
    assert stats != before["/api/v1/pomodoro/stats"]
    r = c.post("/api/v1/mood/entries", json={"happiness": 4, "focus": 3, "stress": 2}, headers=h)
    assert r.status_code == 201, r.text
    assert c.get(f"/api/v1/calendar/{today}", headers=h).json() != calendar_day
    assert c.get(f"/api/v1/calendar/months/{month}", headers=h).json() != calendar_month
    assert c.get("/api/v1/dashboard", headers=h).json() != before["/api/v1/dashboard"]

    # Another user asking for the same paths gets their own screens, not this user's.
    o = other.client
    assert o.get("/api/v1/habits", headers=other.headers).json() == []
    assert o.get("/api/v1/pomodoro/current", headers=other.headers).json()["session"] is None


def test_a_gzipped_answer_is_never_replayed_to_a_client_that_did_not_ask_for_gzip(
    serve_on: Callable[..., str],
) -> None:
    api = serve_on("production")
    user = bearer_user(api)
    c, h = user.client, user.headers
    for i in range(30):  # a list long enough to be compressed
        c.post("/api/v1/habits", json={"name": f"habit number {i:02d} " + "x" * 40}, headers=h)
    zipped = c.get("/api/v1/habits", headers={**h, "Accept-Encoding": "gzip"})
    assert zipped.headers.get("content-encoding") == "gzip"
    plain = c.get("/api/v1/habits", headers={**h, "Accept-Encoding": "identity"})
    assert "content-encoding" not in plain.headers
    assert len(json.loads(plain.content)) == 30
    assert len(zipped.json()) == 30  # httpx undoes the gzip


async def test_a_version_is_never_handed_out_twice_even_when_redis_forgets_it(
    redis_prefix: str,
) -> None:
    redis = Redis.from_url(REDIS_URL)
    try:
        versions = RedisScreenVersions(redis, redis_prefix)
        first = int(await versions.read("u1"))
        assert int(await versions.read("u1")) == first
        await versions.bump("u1")
        bumped = int(await versions.read("u1"))
        assert bumped > first
        await redis.delete(f"{redis_prefix}screens:u1")  # evicted, or Redis restarted empty
        assert int(await versions.read("u1")) > bumped
    finally:
        await redis.aclose()


async def test_without_redis_nothing_is_cached_and_a_lost_change_says_so() -> None:
    dead = Redis.from_url("redis://127.0.0.1:1/0", socket_connect_timeout=0.2)
    try:
        breaker = RedisBreaker(RedisRevocationCache(dead, "rf-dead:"))
        versions = FallbackScreenVersions(RedisScreenVersions(dead, "rf-dead:"), breaker)
        assert await versions.read("u1") is None
        assert await versions.bump("u1") is False
    finally:
        await dead.aclose()


async def test_the_store_keeps_the_most_recently_used_answers_and_forgets_expired_ones(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    store = ScreenStore(max_entries=2)
    await store.set("a", b"1", expires_in=60)
    await store.set("b", b"2", expires_in=60)
    assert await store.get("a") == b"1"  # now the most recently used
    await store.set("c", b"3", expires_in=60)
    assert (await store.get("b"), await store.get("a"), await store.get("c")) == (None, b"1", b"3")
    now = screens.time.monotonic()
    monkeypatch.setattr(screens.time, "monotonic", lambda: now + 61)
    assert await store.get("a") is None and len(store) == 1


def test_a_screen_cached_before_a_quarter_hour_is_not_served_after_it(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """Every zone's midnight falls on a quarter hour (UTC): yesterday's screen ends there."""
    monkeypatch.setattr(screens.time, "time", lambda: 900.0 * 1000 + 899.9)
    before = screens.current_quarter()
    monkeypatch.setattr(screens.time, "time", lambda: 900.0 * 1001)
    assert screens.current_quarter() == before + 1
