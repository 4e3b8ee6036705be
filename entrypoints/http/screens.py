"""The screen reads a client makes on every screen load, answered from memory while the user has
changed nothing: Litestar's response cache, keyed by the user and the user's *screen version*.

Why: the dashboard asks a dozen sections (some twenty queries); the calendar month, the habits
with progress and the pomodoro figures several each. A client asks for them on every screen
load and again on every focus of the window, while what they show changes only when the user
changes something. Served from memory, such a read costs what /auth/me costs.

How it stays right:

- Every change a signed-in user makes through the API moves that user's version on (the gate
  bumps it after the handler has committed and before the answer leaves, so a client that
  reads after its write never gets the old screen). A read is cached under the version read
  when it started: one that raced a write is stored under the older version and never served.
- The key holds the user, the version, the path and query, whether the answer was gzipped,
  and the quarter hour (UTC) the read started in. Every zone's midnight falls on a quarter
  hour, so a screen of yesterday is never served after the user's day has turned; nothing else
  these reads show moves with the clock alone.
- Versions live in Redis (adapters.redis.screen_versions), so every worker drops a screen when
  any worker records a change; the answers themselves stay in each worker's memory (journal
  text and the like never reach Redis; a hit costs no round trip). When Redis cannot answer,
  nothing is cached or served from the cache. A change whose bump Redis refused empties this
  worker's cache; another worker's copy of that user's screen lives at most `SCREEN_SECONDS`.
- Bounded: at most `max_entries` answers per worker, the least recently used going first.

Only reads whose answer depends on nothing but the user's data and the date are cached: not
the journal (grants that expire, decrypted text), not the study queue (cards fall due as the
minutes pass).
"""

from __future__ import annotations

import time
from collections import OrderedDict
from datetime import timedelta
from typing import Any, Protocol
from urllib.parse import urlencode

from litestar import Request
from litestar.config.response_cache import ResponseCacheConfig
from litestar.stores.base import Store
from litestar.types import HTTPScope

#: How long a cached answer may live (also the bound on staleness when Redis refused a bump).
SCREEN_SECONDS = 300
#: Cached answers per worker.
MAX_ENTRIES = 4096
#: The store's name in the app's stores.
STORE_NAME = "screens"
#: Every UTC offset in use is a whole number of quarter hours.
_QUARTER_HOUR = 900


class ScreenVersions(Protocol):
    async def read(self, user_id: str) -> str | None:
        """The user's current version; None when it cannot be known (cache nothing)."""

    async def bump(self, user_id: str) -> bool:
        """Moves the user's version on; False when that could not be recorded."""


class ScreenStore(Store):
    """Litestar's store interface over a bounded, least-recently-used map in this worker."""

    def __init__(self, max_entries: int = MAX_ENTRIES) -> None:
        self._max_entries = max_entries
        self._entries: OrderedDict[str, tuple[bytes, float | None]] = OrderedDict()

    async def set(
        self, key: str, value: str | bytes, expires_in: int | timedelta | None = None
    ) -> None:
        if isinstance(expires_in, timedelta):
            expires_in = int(expires_in.total_seconds())
        data = value.encode() if isinstance(value, str) else value
        expires_at = None if expires_in is None else time.monotonic() + expires_in
        self._entries[key] = (data, expires_at)
        self._entries.move_to_end(key)
        while len(self._entries) > self._max_entries:
            self._entries.popitem(last=False)

    async def get(self, key: str, renew_for: int | timedelta | None = None) -> bytes | None:
        found = self._entries.get(key)
        if found is None:
            return None
        data, expires_at = found
        if expires_at is not None and expires_at <= time.monotonic():
            del self._entries[key]
            return None
        self._entries.move_to_end(key)
        return data

    async def delete(self, key: str) -> None:
        self._entries.pop(key, None)

    async def delete_all(self) -> None:
        self._entries.clear()

    async def exists(self, key: str) -> bool:
        return await self.get(key) is not None

    async def expires_in(self, key: str) -> int | None:
        found = self._entries.get(key)
        if found is None or found[1] is None:
            return None
        return max(0, int(found[1] - time.monotonic()))

    def __len__(self) -> int:
        return len(self._entries)


def _state(scope: Any) -> Any:
    return scope["state"]["rf"]


def screen_key(request: Request[Any, Any, Any]) -> str:
    ctx = _state(request.scope)
    if ctx.screen_version is None or ctx.principal is None:
        return f"uncached:{ctx.request_id}"  # never stored (see `cacheable`)
    query = sorted(request.query_params.multi_items())
    encoding = "gzip" if "gzip" in request.headers.get("accept-encoding", "") else "identity"
    return (
        f"{ctx.principal.user_id}:{ctx.screen_version}:{ctx.screen_quarter}:{encoding}:"
        f"{request.url.path}?{urlencode(query)}"
    )


def cacheable(scope: HTTPScope, status_code: int) -> bool:
    return status_code == 200 and _state(scope).screen_version is not None


def current_quarter() -> int:
    return int(time.time() // _QUARTER_HOUR)


def response_cache_config() -> ResponseCacheConfig:
    return ResponseCacheConfig(
        default_expiration=SCREEN_SECONDS,
        key_builder=screen_key,
        store=STORE_NAME,
        cache_response_filter=cacheable,
    )
