"""The Google adapters against a key server of our own: what an ID token must say, when Google's
keys are downloaded again (and when not), and the nonces that bind a token to its sign-in."""

from __future__ import annotations

import asyncio
import base64
import json
import threading
import time
from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from http.server import BaseHTTPRequestHandler, HTTPServer

import pytest
from joserfc import jwt
from joserfc.jwk import RSAKey

from adapters.security.google import GoogleJwksVerifier, HmacGoogleNonces
from domains.identity.errors import InvalidToken

CLIENT = frozenset({"client-1"})
NOW = datetime(2026, 5, 1, 9, 0, tzinfo=UTC)


@dataclass
class KeyServer:
    url: str
    keys: list[RSAKey]
    downloads: list[float] = field(default_factory=list)


@pytest.fixture
def key_server() -> Iterator[KeyServer]:
    """Serves whatever `keys` holds at the time of each download, and counts the downloads."""
    state = KeyServer("", [RSAKey.generate_key(2048, parameters={"kid": "k1"})])

    class Handler(BaseHTTPRequestHandler):
        def do_GET(self) -> None:
            state.downloads.append(time.monotonic())
            keys = [key.as_dict(private=False) for key in state.keys]
            body = json.dumps({"keys": keys}).encode()
            self.send_response(200)
            self.send_header("Content-Type", "application/json")
            self.end_headers()
            self.wfile.write(body)

        def log_message(self, *args: object) -> None:
            pass

    server = HTTPServer(("127.0.0.1", 0), Handler)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    state.url = f"http://127.0.0.1:{server.server_address[1]}/certs"
    yield state
    server.shutdown()


def token(key: RSAKey, **overrides: object) -> str:
    now = int(time.time())
    claims: dict[str, object] = {
        "iss": "https://accounts.google.com",
        "aud": "client-1",
        "sub": "g-123",
        "email": "grace@example.com",
        "email_verified": True,
        "exp": now + 600,
        "iat": now,
        "nonce": "n-1",
    }
    claims.update(overrides)
    return jwt.encode({"alg": "RS256", "kid": key.kid or "k1"}, claims, key)


class Ticking:
    """A monotonic clock the test moves."""

    def __init__(self) -> None:
        self.now = 1000.0

    def __call__(self) -> float:
        return self.now


async def test_the_identity_carries_the_tokens_nonce(key_server: KeyServer) -> None:
    verifier = GoogleJwksVerifier(key_server.url, CLIENT)
    identity = await verifier.verify(token(key_server.keys[0], nonce="abc"))
    assert (identity.subject, identity.nonce) == ("g-123", "abc")
    assert (await verifier.verify(token(key_server.keys[0], nonce=None))).nonce is None


@pytest.mark.parametrize(
    ("overrides", "reason"),
    [
        ({"iat": int(time.time()) + 3600, "exp": int(time.time()) + 7200}, "future"),
        ({"iat": None}, "issue time"),
        ({"iat": True}, "issue time"),
        ({"nbf": int(time.time()) + 3600}, "not valid yet"),
        ({"nbf": "soon"}, "not valid yet"),
    ],
)
async def test_tokens_issued_or_valid_only_in_the_future_are_refused(
    key_server: KeyServer, overrides: dict[str, object], reason: str
) -> None:
    verifier = GoogleJwksVerifier(key_server.url, CLIENT)
    with pytest.raises(InvalidToken, match=reason):
        await verifier.verify(token(key_server.keys[0], **overrides))


async def test_a_clock_a_little_ahead_is_tolerated(key_server: KeyServer) -> None:
    verifier = GoogleJwksVerifier(key_server.url, CLIENT, skew_seconds=60)
    now = int(time.time())
    await verifier.verify(token(key_server.keys[0], iat=now + 30, nbf=now + 30))


async def test_bad_signatures_under_a_known_key_never_download_the_keys_again(
    key_server: KeyServer,
) -> None:
    clock = Ticking()
    verifier = GoogleJwksVerifier(key_server.url, CLIENT, monotonic=clock)
    await verifier.verify(token(key_server.keys[0]))
    impostor = RSAKey.generate_key(2048, parameters={"kid": "k1"})
    for _ in range(5):
        clock.now += 120  # even long after the last download
        with pytest.raises(InvalidToken, match="signature"):
            await verifier.verify(token(impostor))
    assert len(key_server.downloads) == 1


async def test_unknown_keys_download_at_most_once_a_minute_and_rotation_still_works(
    key_server: KeyServer,
) -> None:
    clock = Ticking()
    verifier = GoogleJwksVerifier(key_server.url, CLIENT, monotonic=clock)
    await verifier.verify(token(key_server.keys[0]))
    rotated = RSAKey.generate_key(2048, parameters={"kid": "k2"})
    key_server.keys.append(rotated)
    # Many concurrent tokens naming a key we do not hold, within the minute: no download.
    results = await asyncio.gather(
        *(verifier.verify(token(rotated)) for _ in range(20)), return_exceptions=True
    )
    assert all(isinstance(r, InvalidToken) for r in results)
    assert len(key_server.downloads) == 1
    # A minute on, one download finds the new key; every concurrent caller shares it.
    clock.now += 61
    identities = await asyncio.gather(*(verifier.verify(token(rotated)) for _ in range(20)))
    assert {i.subject for i in identities} == {"g-123"} and len(key_server.downloads) == 2
    with pytest.raises(InvalidToken, match="signing key"):
        await verifier.verify(token(RSAKey.generate_key(2048, parameters={"kid": "k9"})))
    assert len(key_server.downloads) == 2


async def test_the_key_set_is_downloaded_again_when_the_cache_is_old(
    key_server: KeyServer,
) -> None:
    clock = Ticking()
    verifier = GoogleJwksVerifier(key_server.url, CLIENT, cache_seconds=3600, monotonic=clock)
    await verifier.verify(token(key_server.keys[0]))
    clock.now += 3601
    await verifier.verify(token(key_server.keys[0]))
    assert len(key_server.downloads) == 2


@pytest.mark.parametrize("header", [{"alg": "RS256"}, {"alg": "RS256", "kid": 7}])
async def test_a_token_that_names_no_key_is_refused_without_a_download(
    key_server: KeyServer, header: dict[str, object]
) -> None:
    verifier = GoogleJwksVerifier(key_server.url, CLIENT)
    segment = base64.urlsafe_b64encode(json.dumps(header).encode()).rstrip(b"=").decode()
    for bad in (f"{segment}.e30.sig", "not-a-jwt", "%%%.e30.sig"):
        with pytest.raises(InvalidToken):
            await verifier.verify(bad)
    assert key_server.downloads == []


def test_a_nonce_is_the_verifiers_hash_and_opens_only_with_our_key_before_it_expires() -> None:
    nonces = HmacGoogleNonces(b"s" * 48)
    started = nonces.issue(NOW)
    assert started.expires_at == NOW + timedelta(minutes=10)
    assert started.nonce not in started.verifier  # the token's nonce does not give the verifier
    assert nonces.open(started.verifier, NOW + timedelta(minutes=9)) == started
    with pytest.raises(InvalidToken, match="too long"):
        nonces.open(started.verifier, NOW + timedelta(minutes=10))
    stranger = HmacGoogleNonces(b"t" * 48).issue(NOW)
    random_part, expiry, mac = started.verifier.split(".")
    for forged in (
        stranger.verifier,
        f"{random_part}.{int(expiry) + 3600}.{mac}",
        started.nonce,
        "",
        "a.b.c",
        f"{random_part}.{'²'}.{mac}",
    ):
        with pytest.raises(InvalidToken):
            nonces.open(forged, NOW)
    assert nonces.issue(NOW).nonce != started.nonce
