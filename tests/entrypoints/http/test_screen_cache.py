"""A screen read asked again is answered from the worker's memory while the user has changed
nothing, and never once the user has: what a client shows after its own change is always the
change (entrypoints.http.screens)."""

from __future__ import annotations

import asyncio
import json
import threading
import time
from collections.abc import Callable
from datetime import UTC, datetime, timedelta
from typing import Any, cast

import httpx
import pytest
from litestar import Litestar
from litestar.testing import TestClient
from msgspec import msgpack
from redis.asyncio import Redis
from sqlalchemy import update

from adapters.memory.stores import (
    InMemoryRateLimiter,
    InMemoryRequestChecks,
    InMemoryRevocationCache,
    InMemoryScreenVersions,
)
from adapters.redis.fallback import FallbackScreenVersions, RedisBreaker
from adapters.redis.screen_versions import (
    IN_FLIGHT_TTL_SECONDS,
    VERSION_TTL_SECONDS,
    RedisScreenVersions,
)
from adapters.redis.stores import RedisRevocationCache
from adapters.security.csrf import SignedCsrfTokens
from adapters.sql.tables.habits import habits
from adapters.sql.tables.identity import users
from adapters.sql.tables.study import study_cards
from domains.habits.use_cases import HabitsService
from domains.identity.model import Principal
from domains.shared.rate_limit import Rate
from entrypoints.http import screens
from entrypoints.http.app import create_app
from entrypoints.http.gate import Gate, GateConfig, RequestContext
from entrypoints.http.screens import ScreenChanges, ScreenStore
from entrypoints.settings import Settings
from tests.support.database import behind_the_apis_back
from tests.support.servers import REDIS_URL
from tests.support.users import bearer_user, tokens_in_process


def answer(size: int) -> bytes:
    """An answer as Litestar's response cache stores it: its ASGI messages, in msgpack."""
    start = {"type": "http.response.start", "status": 200, "headers": []}
    body = {"type": "http.response.body", "body": b"x" * size}
    return msgpack.encode([start, body])


def test_a_screen_read_comes_from_memory_until_the_user_changes_something(
    serve_on: Callable[..., str], postgres_url: str
) -> None:
    api = serve_on("production")
    user = bearer_user(api)
    c, h = user.client, user.headers
    habit = c.post("/api/v1/habits", json={"name": "Read"}, headers=h).json()
    assert [x["name"] for x in c.get("/api/v1/habits", headers=h).json()] == ["Read"]

    # A change that does not come through the API is not seen: the answer is the cached one.
    renamed = (
        update(habits).where(habits.c.id == habit["id"]).values(name="Renamed in the database")
    )
    behind_the_apis_back(postgres_url, renamed)
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


def test_the_account_is_kept_as_a_screen_and_shows_the_users_change_at_once(
    serve_on: Callable[..., str], postgres_url: str
) -> None:
    """GET /auth/me, which every client asks on every load, is answered from memory while
    the account does not change (its PostgreSQL read was the rest of its cost)."""
    api = serve_on("production")
    user = bearer_user(api)
    c, h = user.client, user.headers
    before = c.get("/api/v1/auth/me", headers=h).json()["display_name"]
    renamed = update(users).where(users.c.id == user.user_id).values(display_name="Not seen")
    behind_the_apis_back(postgres_url, renamed)
    assert c.get("/api/v1/auth/me", headers=h).json()["display_name"] == before

    r = c.patch("/api/v1/users/me", json={"display_name": "Ada"}, headers=h)
    assert r.status_code == 200, r.text
    assert c.get("/api/v1/auth/me", headers=h).json()["display_name"] == "Ada"


def test_a_cached_read_asks_redis_once(
    serve_on: Callable[..., str], monkeypatch: pytest.MonkeyPatch
) -> None:
    """The session, the limit and the user's screen version come back in one round trip: a
    read answered from memory costs what /auth/me's check costs, not a second trip."""
    api = serve_on("production")
    user = bearer_user(api)
    c, h = user.client, user.headers
    c.post("/api/v1/habits", json={"name": "Read"}, headers=h).raise_for_status()
    c.get("/api/v1/habits", headers=h).raise_for_status()  # kept

    sent: list[str] = []
    execute = Redis.execute_command

    async def counted(self: Redis, *args: Any, **options: Any) -> Any:
        sent.append(str(args[0]))
        return await execute(self, *args, **options)

    monkeypatch.setattr(Redis, "execute_command", counted)
    assert [x["name"] for x in c.get("/api/v1/habits", headers=h).json()] == ["Read"]
    assert sent == ["EVALSHA"]


@pytest.mark.parametrize("profile", ["embedded", "production"])
def test_a_read_between_a_changes_commit_and_its_answer_is_answered_fresh(
    serve_on: Callable[..., str], profile: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Another tab, or a refetch already under way, reads while the user's change has committed
    but not yet been answered: it gets the changed screen, not the one cached before."""
    api = serve_on(profile)
    user = bearer_user(api)
    c, h = user.client, user.headers
    habit = c.post("/api/v1/habits", json={"name": "Stretch"}, headers=h).json()
    for _ in range(2):  # cached, and served from the cache
        dashboard = c.get("/api/v1/habits/dashboard", headers=h).json()
        assert dashboard["habits"][0]["done_today"] is False

    committed, answer_now = threading.Event(), threading.Event()
    mark = HabitsService.mark

    async def mark_then_wait(self: HabitsService, *args: Any, **kwargs: Any) -> Any:
        done = await mark(self, *args, **kwargs)  # committed
        committed.set()
        await asyncio.to_thread(answer_now.wait, 10)
        return done

    monkeypatch.setattr(HabitsService, "mark", mark_then_wait)
    marked: list[int] = []
    writer = threading.Thread(
        target=lambda: marked.append(
            c.put(f"/api/v1/habits/{habit['id']}/days/{dashboard['today']}", headers=h).status_code
        )
    )
    writer.start()
    try:
        assert committed.wait(10)
        # Another tab of the same user (its own connection) reads now.
        with httpx.Client(base_url=api, headers=h) as tab:
            during = tab.get("/api/v1/habits/dashboard").json()
            again = tab.get("/api/v1/habits/dashboard").json()
    finally:
        answer_now.set()
        writer.join(10)
    assert marked == [200] or marked == [201]
    assert during["habits"][0]["done_today"] is True
    assert again["habits"][0]["done_today"] is True
    after = c.get("/api/v1/habits/dashboard", headers=h).json()
    assert after["habits"][0]["done_today"] is True


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
        first = int(await versions.read("u1") or 0)
        assert int(await versions.read("u1") or 0) == first
        await versions.bump("u1")
        bumped = int(await versions.read("u1") or 0)
        assert bumped > first
        await redis.delete(f"{redis_prefix}screens:{{u1}}")  # evicted, or Redis restarted empty
        assert int(await versions.read("u1") or 0) > bumped
    finally:
        await redis.aclose()


async def test_while_a_change_is_in_flight_the_version_reads_as_none(redis_prefix: str) -> None:
    redis = Redis.from_url(REDIS_URL)
    try:
        versions = RedisScreenVersions(redis, redis_prefix)
        first = int(await versions.read("u1") or 0)
        await versions.begin_change("u1")
        await versions.begin_change("u1")  # two changes at once (two tabs)
        assert await versions.read("u1") is None
        assert await versions.read("u2") is not None  # another user's screens are unaffected
        await versions.end_change("u1")
        assert await versions.read("u1") is None  # the second is still in flight
        await versions.end_change("u1")
        second = int(await versions.read("u1") or 0)
        assert second > first
        # A change counted out that Redis never counted in (it was down) leaves no debt.
        await versions.end_change("u1")
        await versions.begin_change("u1")
        assert await versions.read("u1") is None
        await versions.end_change("u1")
        assert int(await versions.read("u1") or 0) > second
        ttl = await redis.ttl(f"{redis_prefix}screens:{{u1}}")
        assert 0 < ttl <= VERSION_TTL_SECONDS
        # A change whose end never reached Redis (its worker died) keeps the user's reads out of
        # the cache until every answer cached before it has expired.
        assert IN_FLIGHT_TTL_SECONDS > screens.SCREEN_SECONDS
    finally:
        await redis.aclose()


async def test_in_memory_versions_count_changes_in_flight_as_redis_does() -> None:
    versions = InMemoryScreenVersions()
    first = await versions.read("u1")
    assert await versions.begin_change("u1") and await versions.begin_change("u1")
    assert await versions.read("u1") is None
    await versions.end_change("u1")
    assert await versions.read("u1") is None
    await versions.end_change("u1")
    await versions.end_change("u1")  # never counted in: no debt
    assert await versions.read("u1") not in (None, first)


async def test_without_redis_nothing_is_cached_and_a_lost_change_says_so() -> None:
    dead = Redis.from_url("redis://127.0.0.1:1/0", socket_connect_timeout=0.2)
    try:
        breaker = RedisBreaker(RedisRevocationCache(dead, "rf-dead:"))
        versions = FallbackScreenVersions(RedisScreenVersions(dead, "rf-dead:"), breaker)
        assert await versions.read("u1") is None
        assert await versions.begin_change("u1") is False
        assert await versions.end_change("u1") is False
        assert await versions.bump("u1") is False
    finally:
        await dead.aclose()


async def test_the_store_keeps_the_most_recently_used_answers_and_forgets_expired_ones(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    store = ScreenStore(max_entries=2)
    await store.set("a", answer(1), expires_in=60)
    await store.set("b", answer(2), expires_in=60)
    assert await store.get("a") == answer(1)  # now the most recently used
    await store.set("c", answer(3), expires_in=60)
    found = (await store.get("b"), await store.get("a"), await store.get("c"))
    assert found == (None, answer(1), answer(3))
    now = screens.time.monotonic()
    monkeypatch.setattr(screens.time, "monotonic", lambda: now + 61)
    assert await store.get("a") is None and store.size[0] == 1


def test_a_screen_cached_before_a_quarter_hour_is_not_served_after_it(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """Every zone's midnight falls on a quarter hour (UTC): yesterday's screen ends there."""
    monkeypatch.setattr(screens.time, "time", lambda: 900.0 * 1000 + 899.9)
    before = screens.current_quarter()
    monkeypatch.setattr(screens.time, "time", lambda: 900.0 * 1001)
    assert screens.current_quarter() == before + 1


def _signed_in(client: TestClient[Litestar]) -> dict[str, str]:
    return {"Authorization": f"Bearer {tokens_in_process(client)['access']}"}


def test_answers_are_kept_in_the_apps_bounded_store_and_replayed_with_fresh_headers(
    make_settings: Callable[..., Settings],
) -> None:
    app = create_app(make_settings(cors_origins=["https://app.example"]))
    with TestClient(app) as client:
        h = _signed_in(client)
        first = client.get("/api/v1/habits", headers={**h, "X-Request-ID": "req0"})
        again = client.get(
            "/api/v1/habits",
            headers={**h, "X-Request-ID": "req1", "Origin": "https://app.example"},
        )
        plain = client.get("/api/v1/habits", headers={**h, "X-Request-ID": "req2"})
        store = app.stores.get(screens.STORE_NAME)
        assert isinstance(store, ScreenStore)  # not a MemoryStore Litestar made in its place
        assert store.size[0] == 1  # the three reads: one answer, replayed twice

        for response, request_id in ((first, "req0"), (again, "req1"), (plain, "req2")):
            assert response.headers.get_list("x-request-id") == [request_id]
            assert response.headers.get_list("cache-control") == ["no-store"]
            assert response.headers.get_list("x-content-type-options") == ["nosniff"]
        assert again.headers["access-control-allow-origin"] == "https://app.example"
        assert "access-control-allow-origin" not in plain.headers  # not replayed from `again`

        # Query parameters the route does not take, or one given twice, are not cached: each
        # would be one more copy of the screen (or the wrong one: Litestar reads the last).
        for query in ("junk=1", "junk=2", "include_archived=false&include_archived=true"):
            assert client.get(f"/api/v1/habits?{query}", headers=h).status_code == 200
        assert store.size[0] == 1
        client.get("/api/v1/habits?include_archived=true", headers=h)
        assert store.size[0] == 2
        # A parameter the client names otherwise than the handler does (`from` for `start`).
        today = client.get("/api/v1/pomodoro/current", headers=h).json()["today"]
        assert store.size[0] == 3
        for _ in range(2):
            r = client.get(f"/api/v1/pomodoro/stats/range?from={today}&to={today}", headers=h)
            assert r.status_code == 200, r.text
        assert store.size[0] == 4


async def test_the_store_is_bounded_in_bytes_and_keeps_no_oversized_answer() -> None:
    store = ScreenStore(max_entries=100, max_bytes=3_000, max_answer_bytes=2_000)
    for key in "abc":
        await store.set(key, answer(900), expires_in=60)
    await store.set("d", answer(900), expires_in=60)  # over 3,000 bytes: the oldest goes
    assert await store.get("a") is None and await store.get("d") is not None
    assert store.size[1] <= 3_000
    await store.set("big", answer(5_000), expires_in=60)
    assert await store.get("big") is None


class Versions:
    """Screen versions whose Redis refuses bumps while `down`."""

    def __init__(self) -> None:
        self.down = False
        self.bumped: list[str] = []

    async def read(self, user_id: str) -> str | None:
        return None if self.down else "1"

    async def begin_change(self, user_id: str) -> bool:
        return not self.down

    async def end_change(self, user_id: str) -> bool:
        return await self.bump(user_id)

    async def bump(self, user_id: str) -> bool:
        if self.down:
            return False
        self.bumped.append(user_id)
        return True


async def test_a_change_redis_could_not_record_moves_the_version_on_once_redis_answers() -> None:
    versions, store = Versions(), ScreenStore()
    gate = _gate(versions, store)
    await store.set("u1:1:0:identity:/api/v1/habits?", answer(10), expires_in=60)
    versions.down = True
    await gate._changed(("u1", True))
    assert store.size == (0, 0)  # this worker's copies go at once
    versions.down = False
    await gate._changed(("u2", True))  # the next change (or screen read) once Redis answers
    assert versions.bumped == ["u1", "u2"]  # other workers' copies of u1's screens are dead


class SlowVersions(Versions):
    """Versions whose first recorded bump reaches Redis (`reached`), then waits for `go`
    before it answers."""

    def __init__(self) -> None:
        super().__init__()
        self.reached, self.go = asyncio.Event(), asyncio.Event()

    async def bump(self, user_id: str) -> bool:
        recorded = await super().bump(user_id)
        if recorded and not self.go.is_set():
            self.reached.set()
            await self.go.wait()
        return recorded


async def test_a_change_lost_while_an_earlier_loss_is_being_recorded_is_recorded_too() -> None:
    """The retry's bump reached Redis before the user's next change committed; that change was
    lost too. The retry's success must not count for it: other workers would keep serving the
    screens from before it."""
    versions = SlowVersions()
    changes = ScreenChanges(versions, ScreenStore())
    versions.down = True
    await changes.changed("u1")  # lost: to be recorded once Redis answers
    versions.down = False
    catching_up = asyncio.ensure_future(changes.read("u2"))  # records u1's loss first
    await versions.reached.wait()
    versions.down = True
    await changes.changed("u1")  # committed after that bump, and lost as well
    versions.down = False
    versions.go.set()
    await catching_up
    assert versions.bumped == ["u1", "u1"]
    assert not changes.behind


def _gate(versions: Any, store: ScreenStore) -> Gate:
    return Gate(
        cast(Any, None),
        GateConfig(
            identity=cast(Any, None),
            csrf=SignedCsrfTokens(b"x" * 32),
            checks=InMemoryRequestChecks(InMemoryRateLimiter(), InMemoryRevocationCache()),
            global_rate=Rate(1000, 60.0),
            screens=ScreenChanges(versions, store),
        ),
    )


async def _begin(gate: Gate, user_id: str) -> list[Any]:
    """What the gate does before an unsafe request's handler runs; the change to end it with."""
    ctx = RequestContext(request_id="r", client_ip="", principal=Principal(user_id, "s"))
    changer: list[Any] = []
    await gate._screens(cast(Any, {"method": "POST"}), ctx, changer)
    return changer


class FlakyVersions(InMemoryScreenVersions):
    """In-memory versions whose begin_change Redis refuses while `refuse_begin`."""

    refuse_begin = False

    async def begin_change(self, user_id: str) -> bool:
        if self.refuse_begin:
            return False
        return await super().begin_change(user_id)


async def test_a_change_redis_never_counted_in_does_not_count_out_another_in_flight() -> None:
    """Two tabs change at once; Redis refused the second's start (a blip, or this worker's
    breaker open). Its end must not count the first out: while the first is in flight (committed,
    not yet bumped) a read must not get a version under which the old screen may be cached."""
    versions = FlakyVersions()
    gate = _gate(versions, ScreenStore())
    first = await _begin(gate, "u1")
    versions.refuse_begin = True
    second = await _begin(gate, "u1")
    versions.refuse_begin = False
    await gate._changed(second.pop())
    assert await versions.read("u1") is None  # the first change is still in flight
    await gate._changed(first.pop())
    assert await versions.read("u1") is not None


async def test_a_lost_change_is_recorded_once_redis_answers_without_waiting_for_a_request(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """A change this worker could not record leaves other workers' copies of the user's screens
    current: the user's next reads (on another worker) would get the screen from before their
    change. The version must move on as soon as Redis answers, not at this worker's next
    signed-in request, which may not come for minutes."""
    monkeypatch.setattr(screens, "LOST_BUMP_RETRY_SECONDS", 0.01, raising=False)
    versions = Versions()
    gate = _gate(versions, ScreenStore())
    versions.down = True
    change = await _begin(gate, "u1")
    await gate._changed(change.pop())
    versions.down = False
    for _ in range(100):
        if "u1" in versions.bumped:
            break
        await asyncio.sleep(0.01)
    assert "u1" in versions.bumped


def test_a_study_queue_is_kept_until_its_next_card_falls_due(
    make_settings: Callable[..., Settings],
) -> None:
    """The queue moves with the clock: a studied card joins it when it falls due. Its answer is
    kept only until then, so the card shows the moment it is due, as it did uncached."""
    settings = make_settings()
    app = create_app(settings)
    with TestClient(app) as client:
        h = _signed_in(client)
        deck = client.post("/api/v1/study/decks", json={"name": "Spanish"}, headers=h).json()
        cards = client.post(
            f"/api/v1/study/decks/{deck['id']}/cards",
            json={"cards": [{"front": "uno", "back": "one"}]},
            headers=h,
        ).json()
        r = client.post(
            f"/api/v1/study/cards/{cards[0]['id']}/reviews", json={"rating": 3}, headers=h
        )
        assert r.status_code == 201, r.text
        due_soon = datetime.now(UTC) + timedelta(seconds=2)
        # Before any screen is read, so nothing cached goes stale because of it.
        due = update(study_cards).where(study_cards.c.id == cards[0]["id"]).values(due=due_soon)
        behind_the_apis_back(settings.effective_database_url, due)

        queue = f"/api/v1/study/decks/{deck['id']}/queue"
        store = app.stores.get(screens.STORE_NAME)
        assert isinstance(store, ScreenStore)
        kept_before = store.size[0]
        assert client.get(queue, headers=h).json()["reviews"] == []
        assert client.get(queue, headers=h).json()["reviews"] == []
        assert store.size[0] == kept_before + 1  # kept, and the second read came from it

        time.sleep(max(0.0, (due_soon - datetime.now(UTC)).total_seconds()) + 0.05)
        reviews = client.get(queue, headers=h).json()["reviews"]
        assert [c["id"] for c in reviews] == [cards[0]["id"]]


async def test_an_answer_is_not_kept_past_the_moment_its_handler_named() -> None:
    store = ScreenStore()
    screens.fresh_until(datetime.now(UTC) + timedelta(seconds=30))
    await store.set("soon", answer(1), expires_in=300)
    assert 25 < (await store.expires_in("soon") or 0) <= 30
    screens.fresh_until(datetime.now(UTC) - timedelta(seconds=1))  # changed already: not kept
    await store.set("past", answer(1), expires_in=300)
    assert await store.get("past") is None
    await store.set("plain", answer(1), expires_in=300)  # the limit was for one answer only
    assert (await store.expires_in("plain") or 0) > 290


def test_a_journal_page_is_kept_only_for_reads_without_a_grant(
    make_settings: Callable[..., Settings],
) -> None:
    """A grant opens a protected collection: a read with one is never answered from the store
    nor kept, so a read without one never shows what only the grant opens, and the reverse."""
    app = create_app(make_settings())
    with TestClient(app) as client:
        h = _signed_in(client)
        store = app.stores.get(screens.STORE_NAME)
        assert isinstance(store, ScreenStore)

        def collection(body: dict[str, str]) -> str:
            r = client.post("/api/v1/journal/collections", json=body, headers=h)
            assert r.status_code == 201, r.text
            return str(r.json()["id"])

        def entry(collection_id: str, text: str, extra: dict[str, str]) -> None:
            body = {"collection_id": collection_id, "content": {"ops": [{"insert": text + "\n"}]}}
            r = client.post("/api/v1/journal/entries", json=body, headers={**h, **extra})
            assert r.status_code == 201, r.text

        diary = collection({"name": "Diary"})
        vault = collection({"name": "Vault", "password": "open sesame"})
        r = client.post(
            f"/api/v1/journal/collections/{vault}/unlock",
            json={"password": "open sesame"},
            headers=h,
        )
        grant = {"X-Journal-Grant": r.json()["grant"]}
        entry(diary, "an open page", {})
        entry(vault, "a locked page", grant)

        page = "/api/v1/journal/entries"
        kept = store.size[0]
        assert client.get(page, headers={**h, **grant}).json()["total"] == 2  # not kept
        assert store.size[0] == kept
        assert client.get(page, headers=h).json()["total"] == 1
        assert store.size[0] == kept + 1
        assert client.get(page, headers=h).json()["total"] == 1  # from the store
        assert client.get(page, headers={**h, **grant}).json()["total"] == 2  # not from it
        assert store.size[0] == kept + 1
