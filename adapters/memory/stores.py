"""In-process implementations of the cache ports for the embedded profile (one process)."""

from __future__ import annotations

import time
from collections.abc import Sequence

from domains.identity.ports import RevocationState
from domains.shared.rate_limit import Decision, Rate, gcra


class InMemoryRateLimiter:
    def __init__(self) -> None:
        self._tat: dict[str, float] = {}

    async def hit(self, key: str, rate: Rate, cost: int = 1) -> Decision:
        # No await between read and write: atomic on the event loop.
        decision, new_tat = gcra(self._tat.get(key), time.monotonic(), rate, cost)
        if new_tat is not None:
            self._tat[key] = new_tat
        return decision

    async def peek(self, key: str, rate: Rate) -> Decision:
        decision, _ = gcra(self._tat.get(key), time.monotonic(), rate, 0)
        return decision


class InMemoryRevocationCache:
    """Starts knowing nothing (like a restarted Redis), so the first check loads the
    revocations still in force from the durable sessions."""

    def __init__(self) -> None:
        self._revoked: dict[str, float] = {}
        self._warm = False

    async def state(self, session_id: str) -> RevocationState:
        until = self._revoked.get(session_id)
        if until is not None and until > time.monotonic():
            return RevocationState.REVOKED
        return RevocationState.ACTIVE if self._warm else RevocationState.UNKNOWN

    async def revoke(self, session_ids: Sequence[str], ttl_seconds: int) -> None:
        until = time.monotonic() + ttl_seconds
        for session_id in session_ids:
            self._revoked[session_id] = until
        self._expire()

    async def warm(self, revoked_session_ids: Sequence[str], ttl_seconds: int) -> None:
        await self.revoke(revoked_session_ids, ttl_seconds)
        self._warm = True

    def _expire(self) -> None:
        now = time.monotonic()
        for session_id in [s for s, until in self._revoked.items() if until <= now]:
            del self._revoked[session_id]


class InMemoryRequestChecks:
    """The in-process twin of RedisRequestChecks: both answers from the in-process stores, and
    the user's bucket is charged only for a session known to be active (else the address's);
    nothing is charged while the session's state is unknown."""

    def __init__(
        self,
        limiter: InMemoryRateLimiter,
        revocations: InMemoryRevocationCache,
        screens: InMemoryScreenVersions | None = None,
    ) -> None:
        self._limiter = limiter
        self._revocations = revocations
        self._screens = screens

    async def check(
        self,
        rate: Rate,
        address_key: str,
        *,
        session_id: str | None = None,
        user_key: str = "",
        screens_of: str | None = None,
    ) -> tuple[Decision | None, RevocationState | None, str | None]:
        state = None if session_id is None else await self._revocations.state(session_id)
        if state is RevocationState.UNKNOWN:
            return None, state, None
        key = user_key if state is RevocationState.ACTIVE and user_key else address_key
        decision = await self._limiter.hit(key, rate)
        version = None
        if (
            screens_of is not None
            and self._screens is not None
            and state is RevocationState.ACTIVE
            and decision.allowed
        ):
            version = await self._screens.read(screens_of)
        return decision, state, version

    async def count(self, rate: Rate, key: str) -> Decision:
        return await self._limiter.hit(key, rate)


class InMemoryScreenVersions:
    """Each user's screen version for the embedded profile (one process): a counter that only
    grows, and the user's changes in flight, while which it reads as None (see
    adapters.redis.screen_versions)."""

    def __init__(self) -> None:
        self._versions: dict[str, int] = {}
        self._changing: dict[str, int] = {}
        self._next = 1

    async def read(self, user_id: str) -> str | None:
        if self._changing.get(user_id):
            return None
        version = self._versions.get(user_id)
        if version is None:
            version = self._versions[user_id] = self._take()
        return str(version)

    async def begin_change(self, user_id: str) -> bool:
        self._changing[user_id] = self._changing.get(user_id, 0) + 1
        return True

    async def end_change(self, user_id: str) -> bool:
        left = self._changing.pop(user_id, 0) - 1
        if left > 0:
            self._changing[user_id] = left
        return await self.bump(user_id)

    async def bump(self, user_id: str) -> bool:
        self._versions[user_id] = self._take()
        return True

    def _take(self) -> int:
        self._next += 1
        return self._next
