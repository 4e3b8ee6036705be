from __future__ import annotations

import base64
import json
import threading
import time
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from http.server import BaseHTTPRequestHandler, HTTPServer

import pytest
from joserfc import jwt
from joserfc.jwk import KeySet, OctKey, RSAKey

from adapters.security.csrf import SignedCsrfTokens
from adapters.security.google import GoogleJwksVerifier
from adapters.security.passwords import Argon2Parameters, Argon2PasswordHasher
from adapters.security.tokens import JoseTokenService, generate_signing_key
from domains.identity.errors import InvalidToken

SECRET = b"s" * 48
ACCESS_KEY = generate_signing_key()
NOW = datetime(2026, 5, 1, 9, 0, tzinfo=UTC)


# -- passwords ------------------------------------------------------------------------------


async def test_argon2id_hashes_verify_and_use_owasp_parameters_or_stronger() -> None:
    hasher = Argon2PasswordHasher()
    stored = await hasher.hash("correct horse")
    assert stored.startswith("$argon2id$") and "m=19456,t=2,p=1" in stored
    assert await hasher.verify(stored, "correct horse")
    assert not await hasher.verify(stored, "wrong horse")
    assert not await hasher.verify(None, "correct horse")
    assert not await hasher.verify("not-a-hash", "x")


async def test_a_hash_with_old_parameters_needs_rehashing() -> None:
    old = await Argon2PasswordHasher().hash("pw")
    stronger = Argon2PasswordHasher(Argon2Parameters(memory_kib=32 * 1024, time_cost=3))
    assert stronger.needs_rehash(old)
    assert not stronger.needs_rehash(await stronger.hash("pw"))


async def test_hashing_does_not_block_the_event_loop() -> None:
    import asyncio

    hasher = Argon2PasswordHasher()
    ticks = 0

    async def ticker() -> None:
        nonlocal ticks
        while True:
            await asyncio.sleep(0.005)
            ticks += 1

    task = asyncio.create_task(ticker())
    await asyncio.gather(*(hasher.hash("pw") for _ in range(4)))
    task.cancel()
    assert ticks >= 5  # the loop kept running while four hashes were computed


async def test_an_unknown_account_costs_as_much_as_a_known_one() -> None:
    hasher = Argon2PasswordHasher()
    stored = await hasher.hash("correct horse")

    async def timed(h: str | None) -> float:
        start = time.perf_counter()
        await hasher.verify(h, "wrong")
        return time.perf_counter() - start

    # The fastest of several verifies each, alternated: what the work costs, not what other
    # processes on a busy machine took from it (one batch of five each once read 0.14 s vs 0.28 s).
    known: list[float] = []
    unknown: list[float] = []
    for _ in range(7):
        known.append(await timed(stored))
        unknown.append(await timed(None))
    assert 0.5 < min(unknown) / min(known) < 2.0


# -- tokens ---------------------------------------------------------------------------------


def test_access_tokens_decode_to_their_claims() -> None:
    tokens = JoseTokenService(SECRET, ACCESS_KEY)
    token, ttl = tokens.issue_access("u1", "s1", NOW)
    claims = tokens.decode_access(token, NOW + timedelta(minutes=14))
    assert (claims.user_id, claims.session_id, ttl) == ("u1", "s1", 900)


def test_an_expired_access_token_is_refused() -> None:
    tokens = JoseTokenService(SECRET, ACCESS_KEY)
    token, _ = tokens.issue_access("u1", "s1", NOW)
    with pytest.raises(InvalidToken):
        tokens.decode_access(token, NOW + timedelta(minutes=15, seconds=1))


def test_a_token_signed_with_another_key_is_refused() -> None:
    token, _ = JoseTokenService(b"o" * 48, generate_signing_key()).issue_access("u1", "s1", NOW)
    with pytest.raises(InvalidToken):
        JoseTokenService(SECRET, ACCESS_KEY).decode_access(token, NOW)


def test_an_unsigned_alg_none_token_is_refused() -> None:
    header = base64.urlsafe_b64encode(b'{"alg":"none","typ":"JWT"}').rstrip(b"=").decode()
    claims = {
        "iss": "refocused",
        "aud": "refocused-api",
        "typ": "access",
        "sub": "u1",
        "sid": "s1",
        "iat": int(NOW.timestamp()),
        "exp": int(NOW.timestamp()) + 900,
    }
    body = base64.urlsafe_b64encode(json.dumps(claims).encode()).rstrip(b"=").decode()
    with pytest.raises(InvalidToken):
        JoseTokenService(SECRET, ACCESS_KEY).decode_access(f"{header}.{body}.", NOW)


def test_refresh_and_access_tokens_cannot_stand_in_for_each_other() -> None:
    tokens = JoseTokenService(SECRET, ACCESS_KEY)
    access, _ = tokens.issue_access("u1", "s1", NOW)
    refresh = tokens.issue_refresh("u1", "s1", "j1", NOW + timedelta(days=7), NOW)
    with pytest.raises(InvalidToken):
        tokens.decode_access(refresh, NOW)
    with pytest.raises(InvalidToken):
        tokens.decode_refresh(access, NOW)
    assert tokens.decode_refresh(refresh, NOW).jti == "j1"


def test_a_short_secret_is_refused_at_start_up() -> None:
    with pytest.raises(ValueError, match="32 bytes"):
        JoseTokenService(b"short", ACCESS_KEY)


# -- CSRF -----------------------------------------------------------------------------------


def test_a_csrf_token_is_valid_only_for_its_session_and_when_echoed() -> None:
    csrf = SignedCsrfTokens(SECRET)
    token = csrf.issue("session-a")
    assert csrf.verify("session-a", token, token)
    assert not csrf.verify("session-b", token, token)
    assert not csrf.verify("session-a", token, None)
    assert not csrf.verify("session-a", token, csrf.issue("session-a"))
    forged = token.split(".")[0] + ".AAAA"
    assert not csrf.verify("session-a", forged, forged)


# -- Google ---------------------------------------------------------------------------------


@pytest.fixture(scope="module")
def google_keys() -> Iterator[tuple[RSAKey, str]]:
    key = RSAKey.generate_key(2048, parameters={"kid": "k1"})
    jwks = json.dumps(KeySet([key]).as_dict(private=False)).encode()

    class Handler(BaseHTTPRequestHandler):
        def do_GET(self) -> None:
            self.send_response(200)
            self.send_header("Content-Type", "application/json")
            self.end_headers()
            self.wfile.write(jwks)

        def log_message(self, *args: object) -> None:
            pass

    server = HTTPServer(("127.0.0.1", 0), Handler)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    yield key, f"http://127.0.0.1:{server.server_address[1]}/certs"
    server.shutdown()


def google_token(key: RSAKey, **overrides: object) -> str:
    claims: dict[str, object] = {
        "iss": "https://accounts.google.com",
        "aud": "client-1",
        "sub": "g-123",
        "email": "grace@example.com",
        "email_verified": True,
        "name": "Grace",
        "exp": int(time.time()) + 600,
        "iat": int(time.time()),
    }
    claims.update(overrides)
    return jwt.encode({"alg": "RS256", "kid": "k1"}, claims, key)


async def test_a_valid_google_token_gives_the_identity(google_keys: tuple[RSAKey, str]) -> None:
    key, url = google_keys
    verifier = GoogleJwksVerifier(url, frozenset({"client-1"}))
    identity = await verifier.verify(google_token(key))
    assert (identity.subject, identity.email, identity.email_verified) == (
        "g-123",
        "grace@example.com",
        True,
    )


@pytest.mark.parametrize(
    ("overrides", "reason"),
    [
        ({"aud": "someone-else"}, "another application"),
        ({"iss": "https://evil.example"}, "issuer"),
        ({"exp": int(time.time()) - 10}, "expired"),
    ],
)
async def test_google_tokens_with_wrong_claims_are_refused(
    google_keys: tuple[RSAKey, str], overrides: dict[str, object], reason: str
) -> None:
    key, url = google_keys
    verifier = GoogleJwksVerifier(url, frozenset({"client-1"}))
    with pytest.raises(InvalidToken, match=reason):
        await verifier.verify(google_token(key, **overrides))


async def test_a_google_token_signed_by_another_key_is_refused(
    google_keys: tuple[RSAKey, str],
) -> None:
    _, url = google_keys
    stranger = RSAKey.generate_key(2048, parameters={"kid": "k1"})
    verifier = GoogleJwksVerifier(url, frozenset({"client-1"}))
    with pytest.raises(InvalidToken, match="signature"):
        await verifier.verify(google_token(stranger))
    hs = jwt.encode({"alg": "HS256"}, {"sub": "x"}, OctKey.generate_key(256))
    with pytest.raises(InvalidToken):
        await verifier.verify(hs)
