"""Hand-written fakes of identity's ports: dictionaries and plain strings, no frameworks."""

from __future__ import annotations

import copy
from collections.abc import Sequence
from dataclasses import dataclass, field, replace
from datetime import UTC, datetime, timedelta
from typing import Self
from urllib.parse import unquote

from domains.identity.errors import EmailAlreadyRegistered, InvalidAccountLink, InvalidToken
from domains.identity.model import (
    AccessClaims,
    GoogleIdentity,
    GoogleNonce,
    LinkPurpose,
    RefreshClaims,
    Session,
    User,
)
from domains.identity.ports import RevocationState
from domains.shared.rate_limit import Decision, Rate
from tests.support.fakes import FakeClock as FakeClock


@dataclass
class Store:
    users: dict[str, User] = field(default_factory=dict)
    sessions: dict[str, Session] = field(default_factory=dict)


class FakeUsers:
    def __init__(self, store: Store) -> None:
        self.s = store

    async def get(self, user_id: str) -> User | None:
        return copy.copy(self.s.users.get(user_id))

    async def get_for_update(self, user_id: str) -> User | None:
        return await self.get(user_id)

    async def get_by_email(self, email: str) -> User | None:
        return next((copy.copy(u) for u in self.s.users.values() if u.email == email), None)

    async def get_by_google_subject(self, subject: str) -> User | None:
        found = (u for u in self.s.users.values() if u.google_subject == subject)
        return next((copy.copy(u) for u in found), None)

    async def add(self, user: User) -> None:
        if await self.get_by_email(user.email):
            raise EmailAlreadyRegistered()
        self.s.users[user.id] = copy.copy(user)

    async def update(self, user: User) -> None:
        self.s.users[user.id] = copy.copy(user)

    async def delete(self, user_id: str) -> None:
        self.s.users.pop(user_id, None)


class FakeSessions:
    def __init__(self, store: Store) -> None:
        self.s = store

    async def add(self, session: Session) -> None:
        self.s.sessions[session.id] = copy.copy(session)

    async def get(self, session_id: str) -> Session | None:
        return copy.copy(self.s.sessions.get(session_id))

    async def list_for_user(self, user_id: str) -> Sequence[Session]:
        return [copy.copy(s) for s in self.s.sessions.values() if s.user_id == user_id]

    async def rotate(
        self,
        session_id: str,
        *,
        expected_jti: str,
        new_jti: str,
        now: datetime,
        expires_at: datetime,
    ) -> bool:
        s = self.s.sessions.get(session_id)
        if s is None or s.refresh_jti != expected_jti or s.revoked_at is not None:
            return False
        self.s.sessions[session_id] = replace(
            s,
            refresh_jti=new_jti,
            generation=s.generation + 1,
            last_used_at=now,
            expires_at=expires_at,
        )
        return True

    async def revoke(self, session_id: str, *, reason: str, now: datetime) -> None:
        s = self.s.sessions.get(session_id)
        if s is not None and s.revoked_at is None:
            s.revoked_at, s.revoked_reason = now, reason

    async def revoke_all_for_user(
        self, user_id: str, *, reason: str, now: datetime, keep: str | None = None
    ) -> list[str]:
        ids = [
            s.id
            for s in self.s.sessions.values()
            if s.user_id == user_id and s.revoked_at is None and s.id != keep
        ]
        for i in ids:
            await self.revoke(i, reason=reason, now=now)
        return ids

    async def revoked_since(self, since: datetime) -> list[str]:
        return [s.id for s in self.s.sessions.values() if s.revoked_at and s.revoked_at >= since]

    async def delete_for_user(self, user_id: str) -> None:
        for i in [s.id for s in self.s.sessions.values() if s.user_id == user_id]:
            del self.s.sessions[i]


class FakeUnitOfWork:
    """Changes become visible to others only on commit, like a real transaction."""

    def __init__(self, store: Store) -> None:
        self.committed = store

    async def __aenter__(self) -> Self:
        self.working = copy.deepcopy(self.committed)
        self.users = FakeUsers(self.working)
        self.sessions = FakeSessions(self.working)
        return self

    async def __aexit__(self, *exc: object) -> None:
        pass

    async def commit(self) -> None:
        self.committed.users = copy.deepcopy(self.working.users)
        self.committed.sessions = copy.deepcopy(self.working.sessions)


class FakeHasher:
    def __init__(self) -> None:
        self.verified_unknown = 0
        self.hashed = 0
        self.outdated: set[str] = set()

    async def hash(self, password: str) -> str:
        self.hashed += 1
        return "h:" + password

    async def verify(self, password_hash: str | None, password: str) -> bool:
        if password_hash is None:
            self.verified_unknown += 1
            return False
        return password_hash == "h:" + password

    def needs_rehash(self, password_hash: str) -> bool:
        return password_hash in self.outdated


class FakeTokens:
    """Readable tokens: 'access|user|session|exp' and 'refresh|user|session|jti|exp'."""

    def issue_access(self, user_id: str, session_id: str, now: datetime) -> tuple[str, int]:
        return f"access|{user_id}|{session_id}|{now.timestamp() + 900}", 900

    def issue_refresh(
        self, user_id: str, session_id: str, jti: str, expires_at: datetime, now: datetime
    ) -> str:
        return f"refresh|{user_id}|{session_id}|{jti}|{expires_at.timestamp()}"

    def decode_access(self, token: str, now: datetime) -> AccessClaims:
        parts = token.split("|")
        if parts[0] != "access" or len(parts) != 4 or float(parts[3]) <= now.timestamp():
            raise InvalidToken()
        _, user, session, exp = parts
        return AccessClaims(user, session, datetime.fromtimestamp(float(exp), UTC))

    def decode_refresh(self, token: str, now: datetime) -> RefreshClaims:
        parts = token.split("|")
        if parts[0] != "refresh" or len(parts) != 5 or float(parts[4]) <= now.timestamp():
            raise InvalidToken()
        return RefreshClaims(
            parts[1], parts[2], parts[3], datetime.fromtimestamp(float(parts[4]), UTC)
        )


class FakeRevocations:
    def __init__(self) -> None:
        self.revoked: set[str] = set()
        self.warm_state = True

    async def state(self, session_id: str) -> RevocationState:
        if session_id in self.revoked:
            return RevocationState.REVOKED
        return RevocationState.ACTIVE if self.warm_state else RevocationState.UNKNOWN

    async def revoke(self, session_ids: Sequence[str], ttl_seconds: int) -> None:
        self.revoked.update(session_ids)

    async def warm(self, revoked_session_ids: Sequence[str], ttl_seconds: int) -> None:
        self.revoked.update(revoked_session_ids)
        self.warm_state = True


class CountingLimiter:
    """Allows `limit` hits per key, then refuses; time does not refill it."""

    def __init__(self) -> None:
        self.counts: dict[str, int] = {}

    async def hit(self, key: str, rate: Rate, cost: int = 1) -> Decision:
        self.counts[key] = self.counts.get(key, 0) + cost
        allowed = self.counts[key] <= rate.limit
        return Decision(allowed, max(0, rate.limit - self.counts[key]), 0 if allowed else 30.0, 60)

    async def peek(self, key: str, rate: Rate) -> Decision:
        return Decision(True, max(0, rate.limit - self.counts.get(key, 0)), 0, 60)


class FakeGoogle:
    def __init__(self) -> None:
        self.identities: dict[str, GoogleIdentity] = {}

    async def verify(self, id_token: str) -> GoogleIdentity:
        if id_token not in self.identities:
            raise InvalidToken("the Google token's signature is not valid")
        return self.identities[id_token]


class FakeGoogleNonces:
    """Readable nonces: verifier 'v<n>' goes with nonce 'n<n>', each valid ten minutes."""

    def __init__(self) -> None:
        self.issued: dict[str, GoogleNonce] = {}

    def issue(self, now: datetime) -> GoogleNonce:
        n = len(self.issued) + 1
        started = GoogleNonce(f"n{n}", f"v{n}", now + timedelta(minutes=10))
        self.issued[started.verifier] = started
        return started

    def open(self, verifier: str, now: datetime) -> GoogleNonce:
        started = self.issued.get(verifier)
        if started is None or started.expires_at <= now:
            raise InvalidToken("the Google sign-in nonce is not one of ours; start again")
        return started


class FakeContributor:
    def __init__(self, name: str) -> None:
        self.name = name
        self.data: dict[str, list[str]] = {}

    async def export(self, user_id: str) -> list[str]:
        return self.data.get(user_id, [])

    async def erase(self, user_id: str) -> None:
        self.data.pop(user_id, None)


class FakeLinkTokens:
    """Readable link tokens: 'purpose|user|exp|binding' (the real ones hide the binding)."""

    def issue(self, purpose: LinkPurpose, user_id: str, binding: str, expires_at: datetime) -> str:
        return f"{purpose.value}|{user_id}|{expires_at.timestamp()}|{binding}"

    def subject(self, purpose: LinkPurpose, token: str, now: datetime) -> str:
        parts = token.split("|", 3)
        if len(parts) != 4 or parts[0] != purpose.value or float(parts[2]) <= now.timestamp():
            raise InvalidAccountLink()
        return parts[1]

    def verify(self, purpose: LinkPurpose, token: str, binding: str, now: datetime) -> None:
        self.subject(purpose, token, now)
        if token.split("|", 3)[3] != binding:
            raise InvalidAccountLink()


@dataclass(frozen=True)
class SentMail:
    kind: str
    to: str
    link: str
    client_ip: str


class RecordingMail:
    """Keeps every mail identity asks to send; `failing` makes the next sends raise."""

    def __init__(self) -> None:
        self.sent: list[SentMail] = []
        self.failing = False

    async def send_verification(self, to: str, link: str, client_ip: str = "") -> None:
        self._record("verification", to, link, client_ip)

    async def send_password_reset(self, to: str, link: str, client_ip: str = "") -> None:
        self._record("password_reset", to, link, client_ip)

    async def send_registration_attempt(self, to: str, link: str, client_ip: str = "") -> None:
        self._record("registration_attempt", to, link, client_ip)

    def _record(self, kind: str, to: str, link: str, client_ip: str) -> None:
        if self.failing:
            raise ConnectionError("the mail queue is down")
        self.sent.append(SentMail(kind, to, link, client_ip))

    def token(self, kind: str, to: str) -> str:
        """The token in the last link of this kind sent to `to`."""
        link = next(m.link for m in reversed(self.sent) if m.kind == kind and m.to == to)
        return unquote(link.split("token=", 1)[1])
