"""The screen reads a client makes on every screen load, answered from memory while the user has
changed nothing: Litestar's response cache, keyed by the user and the user's *screen version*.

Why: the dashboard asks a dozen sections (some twenty queries); the calendar month, the habits
with progress and the pomodoro figures several each. A client asks for them on every screen
load and again on every focus of the window, while what they show changes only when the user
changes something. Served from memory, such a read costs what /auth/me costs.

How it stays right:

- Every change a signed-in user makes through the API (any unsafe method) is counted in flight
  before its handler runs, and moves that user's version on, counting itself out in the same
  step, after the handler has committed and before the answer leaves: a client that reads
  after its write never gets the old screen. While any change of the user's is in flight their
  reads neither come from the cache nor go into it, so a read that arrives between a change's
  commit and its bump (another tab, a refetch already under way) is answered fresh. A read is
  cached under the version read when it started: one that raced a change it did not see in
  flight is stored under the older version and never served.
- The key holds the user, the version, the path and query, whether the answer was gzipped,
  and the quarter hour (UTC) the read started in. Every zone's midnight falls on a quarter
  hour, so a screen of yesterday is never served after the user's day has turned; of the rest,
  only the study queue moves with the clock alone (see below).
- Versions live in Redis (adapters.redis.screen_versions), so every worker drops a screen when
  any worker records a change; the answers themselves stay in each worker's memory (journal
  text and the like never reach Redis; a hit costs no round trip). When Redis cannot answer,
  nothing is cached or served from the cache. A change whose start or bump Redis refused
  empties this worker's cache at once, and the worker retries moving that user's version on
  every `LOST_BUMP_RETRY_SECONDS` until Redis answers, so the copies other workers kept are
  not served after that either. A change whose start Redis refused is only bumped at its end,
  never counted out (that would count out another of the user's changes still in flight).
- The key is the query as sent; a read with a query parameter its route does not take, or one
  given twice, is not cached (each would be one more copy of a screen, or the wrong one).
- Bounded: at most `MAX_ENTRIES` answers and `MAX_BYTES` per worker, the least recently used
  going first; an answer over `MAX_ANSWER_BYTES` is not kept. The headers the gate and CORS
  add are taken off what is kept and added afresh to each replay.

Only reads whose answer depends on nothing but the user's data and the date are cached, and
one that moves with the clock inside a day: a deck's study queue, whose handler says when its
answer next changes (the next card falls due: `fresh_until`), so the kept answer goes then.
The journal's entries page is kept only for a read that carries no journal grant (its route
names the header: `UNCACHED_WITH`): a grant opens protected collections until it expires, so a
read with one is neither answered from the store nor kept. What is kept is the decrypted page,
in this worker's memory only, which holds the journal's key-encryption key anyway.
"""

from __future__ import annotations

import asyncio
import time
from collections import OrderedDict
from contextvars import ContextVar
from datetime import datetime, timedelta
from typing import Any, Protocol

import structlog
from litestar import Request
from litestar.config.response_cache import ResponseCacheConfig
from litestar.stores.base import Store
from litestar.types import HTTPScope
from msgspec import msgpack

log = structlog.get_logger("refocused.http")

#: How long a cached answer may live.
SCREEN_SECONDS = 300
#: Cached answers per worker, and the bytes they may hold together; a larger answer is not kept.
MAX_ENTRIES = 4096
MAX_BYTES = 64 * 1024 * 1024
MAX_ANSWER_BYTES = 256 * 1024
#: How often a worker retries moving on the versions of changes Redis could not record.
LOST_BUMP_RETRY_SECONDS = 1.0
#: A route's `opt` key naming a request header with which its reads are not cached (the
#: journal's grants: what such a read may open depends on the header and on time).
UNCACHED_WITH = "screen_uncached_with"
#: The store's name in the app's stores.
STORE_NAME = "screens"
#: Every UTC offset in use is a whole number of quarter hours.
_QUARTER_HOUR = 900


#: Set by a handler whose answer changes at a moment of its own (`fresh_until`); the store reads
#: it when it keeps that answer (in the same task: Litestar stores the answer as it is sent).
_FRESH_UNTIL: ContextVar[float | None] = ContextVar("screen_fresh_until", default=None)


def fresh_until(moment: datetime | None) -> None:
    """This read's answer changes at `moment` with the clock alone: it is not kept past then."""
    _FRESH_UNTIL.set(None if moment is None else moment.timestamp())


def forget_freshness() -> None:
    """A new read starts with no limit of its own (the gate, before each cached read)."""
    _FRESH_UNTIL.set(None)


class ScreenVersions(Protocol):
    async def read(self, user_id: str) -> str | None:
        """The user's current version; None while a change of theirs is in flight or when it
        cannot be known (serve nothing from the cache, store nothing)."""

    async def begin_change(self, user_id: str) -> bool:
        """Counts a change of the user's in flight; False when that could not be recorded."""

    async def end_change(self, user_id: str) -> bool:
        """Moves the user's version on and counts the change out, in one step; False when that
        could not be recorded."""

    async def bump(self, user_id: str) -> bool:
        """Moves the user's version on; False when that could not be recorded."""


#: Headers the layers outside the cache add to every answer (the gate's security headers and
#: request id, its no-store, CORS). Litestar stores the answer's start after they have run, so
#: they are taken off before it is kept and added afresh when it is replayed.
_EDGE_HEADERS = frozenset(
    {
        b"x-request-id",
        b"x-content-type-options",
        b"x-frame-options",
        b"referrer-policy",
        b"cross-origin-opener-policy",
        b"content-security-policy",
        b"strict-transport-security",
        b"cache-control",
        b"pragma",
    }
)
_EDGE_VARY = b"authorization, cookie"


def _own_header(name: bytes, value: bytes) -> bool:
    name = name.lower()
    if name in _EDGE_HEADERS or name.startswith(b"access-control-"):
        return False
    return not (name == b"vary" and value.lower() == _EDGE_VARY)


def without_edge_headers(messages: bytes) -> bytes:
    """The stored answer (Litestar's msgpack list of ASGI messages) as the route's own layers
    made it."""
    decoded = msgpack.decode(messages, type=list[dict[str, Any]])
    for message in decoded:
        if message.get("type") == "http.response.start":
            message["headers"] = [
                (name, value)
                for name, value in message.get("headers", [])
                if _own_header(name, value)
            ]
    return msgpack.encode(decoded)


class ScreenStore(Store):
    """Litestar's store interface over a least-recently-used map in this worker, bounded in
    answers and in bytes; expired answers go when met or when room is needed."""

    def __init__(
        self,
        max_entries: int = MAX_ENTRIES,
        max_bytes: int = MAX_BYTES,
        max_answer_bytes: int = MAX_ANSWER_BYTES,
    ) -> None:
        self._max_entries = max_entries
        self._max_bytes = max_bytes
        self._max_answer_bytes = max_answer_bytes
        self._entries: OrderedDict[str, tuple[bytes, float | None]] = OrderedDict()
        self._bytes = 0

    def __bool__(self) -> bool:
        # An empty store is still this store: Litestar's registry replaces a falsy one with an
        # unbounded MemoryStore of its own.
        return True

    async def set(
        self, key: str, value: str | bytes, expires_in: int | timedelta | None = None
    ) -> None:
        if isinstance(expires_in, timedelta):
            expires_in = int(expires_in.total_seconds())
        lifetime: float | None = expires_in
        until = _FRESH_UNTIL.get()
        if until is not None:
            _FRESH_UNTIL.set(None)
            left = until - time.time()
            lifetime = left if lifetime is None else min(lifetime, left)
        data = without_edge_headers(value.encode() if isinstance(value, str) else value)
        self._remove(key)
        if len(data) > self._max_answer_bytes or (lifetime is not None and lifetime <= 0):
            return
        expires_at = None if lifetime is None else time.monotonic() + lifetime
        self._entries[key] = (data, expires_at)
        self._bytes += len(data)
        if len(self._entries) > self._max_entries or self._bytes > self._max_bytes:
            self._make_room()

    def _make_room(self) -> None:
        now = time.monotonic()
        for key, (_, expires_at) in list(self._entries.items()):
            if expires_at is not None and expires_at <= now:
                self._remove(key)
        while len(self._entries) > self._max_entries or self._bytes > self._max_bytes:
            _, (data, _) = self._entries.popitem(last=False)
            self._bytes -= len(data)

    def _remove(self, key: str) -> None:
        found = self._entries.pop(key, None)
        if found is not None:
            self._bytes -= len(found[0])

    async def get(self, key: str, renew_for: int | timedelta | None = None) -> bytes | None:
        found = self._entries.get(key)
        if found is None:
            return None
        data, expires_at = found
        if expires_at is not None and expires_at <= time.monotonic():
            self._remove(key)
            return None
        self._entries.move_to_end(key)
        return data

    async def delete(self, key: str) -> None:
        self._remove(key)

    async def delete_all(self) -> None:
        self._entries.clear()
        self._bytes = 0

    async def exists(self, key: str) -> bool:
        return await self.get(key) is not None

    async def expires_in(self, key: str) -> int | None:
        found = self._entries.get(key)
        if found is None or found[1] is None:
            return None
        return max(0, int(found[1] - time.monotonic()))

    @property
    def size(self) -> tuple[int, int]:
        """Answers held and their bytes."""
        return len(self._entries), self._bytes


class ScreenChanges:
    """Moves each user's screen version on as the user changes things, for every worker: a
    change through the API is counted in flight before its handler and out after its commit
    (the gate); a change made outside the user's own signed-in request (a mailed link, a Google
    sign-in: the identity store's `changed`) moves the version on once committed.

    A change Redis could not record empties this worker's store at once, and is recorded once
    Redis answers: before this worker's next version read or change, and by a retry every
    `LOST_BUMP_RETRY_SECONDS`, which does not wait for a request (the user's next reads may
    reach other workers first, whose copies would otherwise be served)."""

    def __init__(self, versions: ScreenVersions, store: ScreenStore | None = None) -> None:
        self.versions = versions
        self._store = store
        #: Users whose change Redis could not record, with how many such changes: one lost
        #: while its user's earlier loss was being recorded is recorded again after it.
        self._lost: dict[str, int] = {}
        #: Retries the lost ones until Redis answers (one task at a time, while any is left).
        self._retrying: asyncio.Task[None] | None = None

    @property
    def behind(self) -> bool:
        """Some change is not recorded yet: read no version before `read` has recorded it."""
        return bool(self._lost)

    async def read(self, user_id: str) -> str | None:
        """The user's version (ScreenVersions.read), once the lost changes are recorded."""
        await self._catch_up()
        return await self.versions.read(user_id)

    async def begin(self, user_id: str) -> bool:
        """Counts a change of the user's in flight; False when Redis could not."""
        await self._catch_up()
        counted = await self.versions.begin_change(user_id)
        if not counted:
            await self._record_lost(user_id)
        return counted

    async def end(self, user_id: str, counted: bool) -> None:
        """The change has committed: the version moves on, and the change is counted out if
        it was counted in. One Redis never counted in only moves the version on: counting it
        out would count out another change of the user's still in flight (another tab's)."""
        await self._catch_up()
        versions = self.versions
        if not await (versions.end_change(user_id) if counted else versions.bump(user_id)):
            await self._record_lost(user_id)

    async def changed(self, user_id: str) -> None:
        """A change committed outside the user's own signed-in request."""
        await self.end(user_id, counted=False)

    async def _record_lost(self, user_id: str) -> None:
        # Nothing is cached anywhere while Redis cannot answer; this worker drops its copies
        # now, and the version moves on once Redis answers again, so that the copies other
        # workers kept are never served after that.
        self._lost[user_id] = self._lost.get(user_id, 0) + 1
        if self._store is not None:
            await self._store.delete_all()
        if self._retrying is None or self._retrying.done():
            self._retrying = asyncio.create_task(self._retry())

    async def _retry(self) -> None:
        while self._lost:
            await asyncio.sleep(LOST_BUMP_RETRY_SECONDS)
            try:
                await self._catch_up()
            except Exception:  # never an unhandled task error; the next loss starts another
                log.exception("screens.rebump_failed")
                return

    async def _catch_up(self) -> None:
        while self._lost:
            user_id, losses = next(iter(self._lost.items()))
            if not await self.versions.bump(user_id):
                return
            if self._lost.get(user_id) == losses:  # none lost meanwhile, during the bump
                del self._lost[user_id]


def _state(scope: Any) -> Any:
    return scope["state"]["rf"]


def screen_key_of(scope: HTTPScope, user_id: str, version: str) -> str | None:
    """The cache key of a signed-in user's screen read, or None when it must not be cached: a
    query parameter the route does not take (each would be one more copy of the screen), one
    given twice (Litestar reads the last), or the header the route names in `UNCACHED_WITH`.
    The query is kept as sent, in its order."""
    raw = scope.get("query_string", b"").decode("latin-1")
    names = [part.partition("=")[0] for part in raw.split("&") if part]
    handler = scope["route_handler"]
    if len(set(names)) != len(names) or not set(names) <= _query_names(handler):
        return None
    if (header := handler.opt.get(UNCACHED_WITH)) is not None:
        unwanted = header.lower().encode("latin-1")
        if any(name.lower() == unwanted for name, _ in scope["headers"]):
            return None
    encoding = "gzip" if _accepts_gzip(scope) else "identity"
    return f"{user_id}:{version}:{current_quarter()}:{encoding}:{scope['path']}?{raw}"


def _query_names(handler: Any) -> frozenset[str]:
    """The query parameters a route takes, under the names clients send (`from`, not `start`).
    Read from the handler each time (a few parameters): a table of them keyed by handler
    would outlive the handlers of apps that are gone and could be mistaken for another's."""
    return frozenset(
        _sent_name(name, field.kwarg_definition)
        for name, field in handler.parsed_fn_signature.parameters.items()
    )


def _sent_name(name: str, kwarg: Any) -> str:
    # QueryParameter(name="from") keeps its alias in `name`, Parameter(query="from") in `query`.
    return getattr(kwarg, "query", None) or getattr(kwarg, "name", None) or name


def _accepts_gzip(scope: HTTPScope) -> bool:
    # As Litestar's compression middleware decides (a substring of Accept-Encoding).
    for name, value in scope["headers"]:
        if name.lower() == b"accept-encoding":
            return b"gzip" in value
    return False


def screen_key(request: Request[Any, Any, Any]) -> str:
    ctx = _state(request.scope)
    return ctx.screen_key or f"uncached:{ctx.request_id}"  # never stored (see `cacheable`)


def cacheable(scope: HTTPScope, status_code: int) -> bool:
    return status_code == 200 and _state(scope).screen_key is not None


def current_quarter() -> int:
    return int(time.time() // _QUARTER_HOUR)


def response_cache_config() -> ResponseCacheConfig:
    return ResponseCacheConfig(
        default_expiration=SCREEN_SECONDS,
        key_builder=screen_key,
        store=STORE_NAME,
        cache_response_filter=cacheable,
    )
