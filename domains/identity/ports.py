"""What identity needs from the outside world. Adapters implement these; tests fake them."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime
from enum import Enum
from typing import Protocol, Self

from domains.identity.model import (
    AccessClaims,
    GoogleIdentity,
    GoogleNonce,
    LinkPurpose,
    RefreshClaims,
    Session,
    User,
)


class UserReader(Protocol):
    async def get(self, user_id: str) -> User | None: ...
    async def get_by_email(self, email: str) -> User | None: ...
    async def get_by_google_subject(self, subject: str) -> User | None: ...


class UserRepository(UserReader, Protocol):
    async def get_for_update(self, user_id: str) -> User | None:
        """The user, locked until the unit of work ends, so a concurrent change waits."""
        ...

    async def add(self, user: User) -> None:
        """Raises EmailAlreadyRegistered when the email is taken (also under a race)."""
        ...

    async def update(self, user: User) -> None: ...
    async def delete(self, user_id: str) -> None: ...


class SessionReader(Protocol):
    async def get(self, session_id: str) -> Session | None: ...
    async def list_for_user(self, user_id: str) -> Sequence[Session]: ...
    async def revoked_since(self, since: datetime) -> list[str]: ...


class SessionRepository(SessionReader, Protocol):
    async def add(self, session: Session) -> None: ...

    async def rotate(
        self,
        session_id: str,
        *,
        expected_jti: str,
        new_jti: str,
        now: datetime,
        expires_at: datetime,
    ) -> bool:
        """Replace the family's refresh token only if it is still `expected_jti` (compare and
        set), so two concurrent refreshes with one token cannot both succeed."""
        ...

    async def revoke(self, session_id: str, *, reason: str, now: datetime) -> None: ...

    async def revoke_all_for_user(
        self, user_id: str, *, reason: str, now: datetime, keep: str | None = None
    ) -> list[str]:
        """Revoke every active session of the user except `keep`; returns the revoked ids."""
        ...

    async def delete_for_user(self, user_id: str) -> None: ...


class IdentityReader(Protocol):
    """Reads outside any transaction: what sign-in, token checks and listings need. A unit of
    work is one too; a store may serve reads faster on their own (a read pool, no
    transaction)."""

    @property
    def users(self) -> UserReader: ...
    @property
    def sessions(self) -> SessionReader: ...

    async def __aenter__(self) -> Self: ...
    async def __aexit__(self, *exc: object) -> None: ...


class IdentityUnitOfWork(Protocol):
    users: UserRepository
    sessions: SessionRepository

    async def __aenter__(self) -> Self: ...
    async def __aexit__(self, *exc: object) -> None:
        """Rolls back whatever was not committed."""
        ...

    async def commit(self) -> None: ...


class PasswordHasher(Protocol):
    """Hashing is slow by design: implementations run it off the event loop."""

    async def hash(self, password: str) -> str: ...

    async def verify(self, password_hash: str | None, password: str) -> bool:
        """False on mismatch. With `password_hash` None it still spends the time of a real
        verification, so unknown accounts answer as slowly as known ones."""
        ...

    def needs_rehash(self, password_hash: str) -> bool: ...


class TokenService(Protocol):
    def issue_access(self, user_id: str, session_id: str, now: datetime) -> tuple[str, int]:
        """Returns the token and its lifetime in seconds."""
        ...

    def issue_refresh(
        self, user_id: str, session_id: str, jti: str, expires_at: datetime, now: datetime
    ) -> str: ...

    def decode_access(self, token: str, now: datetime) -> AccessClaims:
        """Raises InvalidToken for anything but an unexpired access token signed by us."""
        ...

    def decode_refresh(self, token: str, now: datetime) -> RefreshClaims:
        """Raises InvalidToken for anything but an unexpired refresh token signed by us."""
        ...


class RevocationState(Enum):
    REVOKED = "revoked"
    ACTIVE = "active"
    #: The cache lost its memory (a restart, an eviction, an outage it missed revocations in):
    #: the durable sessions decide, and the cache is taught again what is revoked.
    UNKNOWN = "unknown"
    #: The cache cannot be asked now (it is down): the durable sessions decide, session by
    #: session, and nobody tries to teach the cache.
    UNAVAILABLE = "unavailable"


class RevocationCache(Protocol):
    """Fast check, on every request, that an access token's session was not revoked. It says
    ACTIVE only while it can vouch that it holds every revocation still in force; whatever it
    loses must turn its answer into UNKNOWN, never into ACTIVE."""

    async def state(self, session_id: str) -> RevocationState: ...

    async def revoke(self, session_ids: Sequence[str], ttl_seconds: int) -> None: ...

    async def warm(self, revoked_session_ids: Sequence[str], ttl_seconds: int) -> None:
        """Load the revocations still in force and mark the cache as knowing all of them."""
        ...


class GoogleTokenVerifier(Protocol):
    async def verify(self, id_token: str) -> GoogleIdentity:
        """Checks signature (Google's JWKS), issuer, audience, expiry, and that the token was
        not issued (`iat`) or made valid (`nbf`) in the future; raises InvalidToken. The
        `nonce` claim is returned, not checked: GoogleNonces is."""
        ...


class GoogleNonces(Protocol):
    """Nonces that bind a Google ID token to the client that started the sign-in here."""

    def issue(self, now: datetime) -> GoogleNonce: ...

    def open(self, verifier: str, now: datetime) -> GoogleNonce:
        """The nonce of a verifier this server issued and that has not expired; raises
        InvalidToken otherwise. Single use is the caller's to enforce."""
        ...


class AccountMail(Protocol):
    """Identity's mail, sent by whoever delivers transactional mail (the email service).
    Raises when the mail cannot be queued (a limit, an outage)."""

    async def send_verification(self, to: str, link: str, client_ip: str = "") -> None: ...

    async def send_password_reset(self, to: str, link: str, client_ip: str = "") -> None: ...

    async def send_registration_attempt(self, to: str, link: str, client_ip: str = "") -> None:
        """Tells the owner of `to` that someone tried to register it again; `link` is where
        they sign in (or ask for a new password)."""
        ...


class LinkTokens(Protocol):
    """Signed, expiring tokens for links in mail. A token names a user and is bound to a
    `binding` string (the address, the password hash) that is never written into it: when the
    binding changes, the token stops verifying."""

    def issue(
        self, purpose: LinkPurpose, user_id: str, binding: str, expires_at: datetime
    ) -> str: ...

    def subject(self, purpose: LinkPurpose, token: str, now: datetime) -> str:
        """The user id the token claims, if it is well formed and unexpired; not yet proof:
        `verify` with the user's current binding is. Raises InvalidAccountLink."""
        ...

    def verify(self, purpose: LinkPurpose, token: str, binding: str, now: datetime) -> None:
        """Raises InvalidAccountLink unless we signed the token for this purpose and binding
        and it has not expired."""
        ...
