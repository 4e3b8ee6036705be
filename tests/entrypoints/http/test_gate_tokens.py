"""The gate remembers access tokens it verified, but never past their expiry."""

from __future__ import annotations

from datetime import timedelta
from typing import Any, cast

import pytest

from adapters.security.tokens import JoseTokenService, generate_signing_key
from domains.identity.errors import InvalidToken
from domains.identity.model import AccessClaims
from entrypoints.http.gate import VerifiedTokens
from tests.support.fakes import FakeClock

SECRET = b"gate-token-cache-secret-0123456789abcdef"


class CountingIdentity:
    """The two things VerifiedTokens uses of SignInService, counting real verifications."""

    def __init__(self, clock: FakeClock) -> None:
        self.clock = clock
        self.tokens = JoseTokenService(
            SECRET, generate_signing_key(), access_ttl=timedelta(minutes=15)
        )
        self.verified = 0

    def read_access_token(self, token: str) -> AccessClaims:
        self.verified += 1
        return self.tokens.decode_access(token, self.clock.now())


def cache(identity: CountingIdentity, max_entries: int = 10_000) -> VerifiedTokens:
    return VerifiedTokens(cast(Any, identity), max_entries=max_entries)


def test_a_valid_token_is_verified_once_and_then_served_from_memory() -> None:
    identity = CountingIdentity(FakeClock())
    tokens = cache(identity)
    token, _ = identity.tokens.issue_access("user-1", "session-1", identity.clock.now())
    first, second = tokens.read(token), tokens.read(token)
    assert first == second
    assert (first.user_id, first.session_id) == ("user-1", "session-1")
    assert identity.verified == 1


def test_a_remembered_token_is_refused_once_it_expires() -> None:
    identity = CountingIdentity(FakeClock())
    tokens = cache(identity)
    token, ttl = identity.tokens.issue_access("user-1", "session-1", identity.clock.now())
    tokens.read(token)
    identity.clock.advance(seconds=ttl)
    with pytest.raises(InvalidToken):
        tokens.read(token)
    with pytest.raises(InvalidToken):  # and it is forgotten: a fresh check refuses it too
        tokens.read(token)
    assert identity.verified == 2


def test_a_tampered_token_is_refused_every_time_and_never_remembered() -> None:
    identity = CountingIdentity(FakeClock())
    tokens = cache(identity)
    token, _ = identity.tokens.issue_access("user-1", "session-1", identity.clock.now())
    tampered = token[:-2] + ("AA" if not token.endswith("AA") else "BB")
    for _ in range(2):
        with pytest.raises(InvalidToken):
            tokens.read(tampered)
    assert identity.verified == 2


def test_the_memory_is_bounded() -> None:
    identity = CountingIdentity(FakeClock())
    tokens = cache(identity, max_entries=3)
    issued = [
        identity.tokens.issue_access(f"user-{i}", f"session-{i}", identity.clock.now())[0]
        for i in range(5)
    ]
    for token in issued:
        tokens.read(token)
    assert len(tokens._claims) <= 3
    assert tokens.read(issued[-1]).user_id == "user-4"
