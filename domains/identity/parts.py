"""What more than one identity service needs: the store and its user lookups, opening a session
with its tokens (and ending sessions in the revocation cache), and counting against a limit.
Each is one component the composition root injects into the services that use it."""

from __future__ import annotations

from collections.abc import Awaitable, Callable, Sequence
from dataclasses import dataclass, field
from datetime import datetime, timedelta

from domains.identity.errors import InvalidToken
from domains.identity.model import Device, Session, SignIn, TokenPolicy, User
from domains.identity.ports import (
    IdentityReader,
    IdentityUnitOfWork,
    RevocationCache,
    TokenService,
)
from domains.shared.clock import Clock
from domains.shared.errors import RateLimited
from domains.shared.ids import new_id
from domains.shared.rate_limit import Rate, RateLimiter


@dataclass(frozen=True)
class IdentityStore:
    """Users and sessions: a unit of work to change them, a reader for what only reads."""

    uow: Callable[[], IdentityUnitOfWork]
    #: Reads only (no transaction); defaults to `uow`.
    reader: Callable[[], IdentityReader] | None = None
    #: Told the id of a user whose account, as the user sees it, a commit has changed, so that
    #: copies of what it showed, kept elsewhere while the user changes nothing, are dropped: a
    #: mailed link or a Google sign-in changes an account outside the user's own requests.
    changed: Callable[[str], Awaitable[None]] | None = None

    def read(self) -> IdentityReader:
        return (self.reader or self.uow)()

    async def account_changed(self, user_id: str) -> None:
        """After the commit that changed what the user's account shows."""
        if self.changed is not None:
            await self.changed(user_id)

    async def user(self, user_id: str) -> User | None:
        async with self.read() as uow:
            return await uow.users.get(user_id)

    async def user_by_email(self, email: str) -> User | None:
        """`email` normalised already."""
        async with self.read() as uow:
            return await uow.users.get_by_email(email)

    async def me(self, user_id: str) -> User:
        """The signed-in user's account; InvalidToken when it is gone (deleted meanwhile)."""
        user = await self.user(user_id)
        if user is None:
            raise InvalidToken("the account no longer exists")
        return user


@dataclass(frozen=True)
class SignIns:
    """Opens sessions and issues their tokens, and ends sessions in the revocation cache. The
    services that sign in, refresh and check tokens read the token service, the cache and the
    policy here, so that none can issue, revoke or check against different ones."""

    tokens: TokenService
    revocations: RevocationCache
    clock: Clock
    policy: TokenPolicy = field(default_factory=TokenPolicy)

    async def open(
        self, uow: IdentityUnitOfWork, user: User, device: Device, remember_me: bool
    ) -> SignIn:
        """Adds a new session to `uow` (the caller commits) and signs `user` in to it."""
        now = self.clock.now()
        session = Session(
            id=new_id(),
            user_id=user.id,
            refresh_jti=new_id(),
            created_at=now,
            last_used_at=now,
            expires_at=now + self.policy.refresh_ttl_for(remember_me),
            remember_me=remember_me,
            user_agent=device.user_agent[:255],
        )
        await uow.sessions.add(session)
        return self.tokens_for(user, session, now)

    def tokens_for(self, user: User, session: Session, now: datetime) -> SignIn:
        access, expires_in = self.tokens.issue_access(user.id, session.id, now)
        refresh = self.tokens.issue_refresh(
            user.id, session.id, session.refresh_jti, session.expires_at, now
        )
        return SignIn(
            user=user,
            session=session,
            access_token=access,
            access_expires_in=expires_in,
            refresh_token=refresh,
            refresh_expires_at=session.expires_at,
        )

    async def revoke(self, session_ids: Sequence[str]) -> None:
        """Tells the revocation cache of sessions that were ended (committed already)."""
        await self.revocations.revoke(session_ids, self.revocation_ttl)

    @property
    def revocation_ttl(self) -> int:
        # An access token outlives its revocation by at most its own lifetime.
        return int((self.policy.access_ttl + timedelta(seconds=5)).total_seconds())


async def limit(limiter: RateLimiter, key: str, rate: tuple[int, float]) -> None:
    """Counts one attempt against `key`; RateLimited, with when to retry, past `rate`."""
    decision = await limiter.hit(key, Rate(*rate))
    if not decision.allowed:
        raise RateLimited(
            "too many attempts; try again later", retry_after_seconds=decision.retry_after
        )
