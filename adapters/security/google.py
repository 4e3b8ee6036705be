from __future__ import annotations

import asyncio
import base64
import hashlib
import hmac
import json
import secrets
import time
from collections.abc import Callable
from datetime import UTC, datetime
from typing import Any, TypeGuard

import httpx
from joserfc import jwt
from joserfc.errors import JoseError
from joserfc.jwk import KeySet

from domains.identity.errors import InvalidToken
from domains.identity.model import GOOGLE_NONCE_TTL, GoogleIdentity, GoogleNonce

GOOGLE_ISSUERS = frozenset({"accounts.google.com", "https://accounts.google.com"})


class GoogleJwksVerifier:
    """Verifies Google ID tokens against Google's published keys (the JWKS URL is a setting, so
    tests serve their own). Keys are cached for `cache_seconds`. A token naming a key the cache
    does not hold makes one download, at most once per `refetch_seconds`: Google publishes its
    next key well before signing with it, and a token with a bad signature under a known key
    is refused without asking Google anything, so forged tokens cannot make the server hammer
    Google or queue sign-ins behind downloads."""

    def __init__(
        self,
        jwks_url: str,
        client_ids: frozenset[str],
        *,
        cache_seconds: float = 3600.0,
        refetch_seconds: float = 60.0,
        skew_seconds: float = 60.0,
        http: httpx.AsyncClient | None = None,
        monotonic: Callable[[], float] = time.monotonic,
    ) -> None:
        self._url = jwks_url
        self._audiences = client_ids
        self._cache_seconds = cache_seconds
        self._refetch_seconds = refetch_seconds
        self._skew = skew_seconds
        self._http = http or httpx.AsyncClient(timeout=5.0)
        self._monotonic = monotonic
        self._keys: KeySet | None = None
        self._kids: frozenset[str] = frozenset()
        self._fetched_at = 0.0
        self._tried_at: float | None = None
        self._lock = asyncio.Lock()

    async def verify(self, id_token: str) -> GoogleIdentity:
        if not id_token or len(id_token) > 8192:
            raise InvalidToken("the Google token is malformed")
        keys = await self._key_set_for(_key_id(id_token))
        c = self._decode(id_token, keys)
        aud = c.get("aud")
        audiences = set(aud) if isinstance(aud, list) else {aud}
        now = time.time()
        if c.get("iss") not in GOOGLE_ISSUERS:
            raise InvalidToken("the Google token has the wrong issuer")
        if not audiences & self._audiences:
            raise InvalidToken("the Google token was issued for another application")
        exp, iat, nbf = c.get("exp"), c.get("iat"), c.get("nbf", 0)
        if not _is_time(exp) or exp <= now:
            raise InvalidToken("the Google token has expired")
        # A token from the future is a forged clock or a token minted for later: refused,
        # with the skew two honest clocks may have between them.
        if not _is_time(iat) or iat > now + self._skew:
            raise InvalidToken("the Google token's issue time is missing or in the future")
        if not _is_time(nbf) or nbf > now + self._skew:
            raise InvalidToken("the Google token is not valid yet")
        sub, email = c.get("sub"), c.get("email")
        if not isinstance(sub, str) or not isinstance(email, str):
            raise InvalidToken("the Google token carries no account or email")
        verified = c.get("email_verified") in (True, "true")
        name = c.get("name") if isinstance(c.get("name"), str) else ""
        nonce = c.get("nonce") if isinstance(c.get("nonce"), str) else None
        return GoogleIdentity(
            subject=sub, email=email, email_verified=verified, name=str(name), nonce=nonce
        )

    @staticmethod
    def _decode(token: str, keys: KeySet) -> dict[str, Any]:
        try:
            return dict(jwt.decode(token, keys, algorithms=["RS256"]).claims)
        except (JoseError, ValueError, TypeError, KeyError) as e:
            raise InvalidToken("the Google token's signature is not valid") from e

    async def _key_set_for(self, kid: str) -> KeySet:
        async with self._lock:
            # Waiters re-check here: one download serves every sign-in that queued behind it.
            now = self._monotonic()
            stale = now - self._fetched_at >= self._cache_seconds
            due = self._tried_at is None or now - self._tried_at >= self._refetch_seconds
            if (self._keys is None or stale or kid not in self._kids) and due:
                await self._download(now)
            if self._keys is None:
                raise InvalidToken("Google's signing keys are unavailable")
            if kid not in self._kids:
                raise InvalidToken("the Google token names a signing key Google does not use")
            return self._keys

    async def _download(self, now: float) -> None:
        self._tried_at = now
        try:
            response = await self._http.get(self._url)
            response.raise_for_status()
            keys = KeySet.import_key_set(response.json())
        except (httpx.HTTPError, ValueError, JoseError):
            return  # the keys held so far stay in use until the next try
        self._keys = keys
        self._kids = frozenset(k.kid for k in keys.keys if k.kid)
        self._fetched_at = now

    async def aclose(self) -> None:
        await self._http.aclose()


def _key_id(token: str) -> str:
    try:
        segment = token.split(".", 1)[0]
        header = json.loads(base64.urlsafe_b64decode(segment + "=" * (-len(segment) % 4)))
    except (ValueError, TypeError) as e:
        raise InvalidToken("the Google token is malformed") from e
    kid = header.get("kid") if isinstance(header, dict) else None
    if not isinstance(kid, str) or not kid:
        raise InvalidToken("the Google token names no signing key")
    return kid


def _is_time(value: object) -> TypeGuard[int | float]:
    return isinstance(value, int | float) and not isinstance(value, bool)


class HmacGoogleNonces:
    """Verifiers are `random.expiry.mac` under a key derived from the server's secret, so they
    need no storage; the nonce is the verifier's SHA-256 (as PKCE's S256 challenge is), so the
    nonce in an ID token does not reveal the verifier."""

    def __init__(self, secret: bytes, ttl_seconds: float = GOOGLE_NONCE_TTL.total_seconds()):
        self._key = hmac.new(secret, b"refocused google sign-in nonce", hashlib.sha256).digest()
        self._ttl = int(ttl_seconds)

    def issue(self, now: datetime) -> GoogleNonce:
        expires = int(now.timestamp()) + self._ttl
        body = f"{secrets.token_urlsafe(32)}.{expires}"
        verifier = f"{body}.{self._mac(body)}"
        return GoogleNonce(
            nonce=_nonce_of(verifier),
            verifier=verifier,
            expires_at=datetime.fromtimestamp(expires, UTC),
        )

    def open(self, verifier: str, now: datetime) -> GoogleNonce:
        parts = verifier.split(".")
        if (
            len(verifier) > 256
            or len(parts) != 3
            or not (parts[1].isascii() and parts[1].isdigit())
        ):
            raise InvalidToken("the Google sign-in nonce is not one of ours; start again")
        body = f"{parts[0]}.{parts[1]}"
        if not hmac.compare_digest(parts[2].encode(), self._mac(body).encode()):
            raise InvalidToken("the Google sign-in nonce is not one of ours; start again")
        expires = int(parts[1])
        if expires <= now.timestamp():
            raise InvalidToken("the Google sign-in took too long; start again")
        return GoogleNonce(
            nonce=_nonce_of(verifier),
            verifier=verifier,
            expires_at=datetime.fromtimestamp(expires, UTC),
        )

    def _mac(self, body: str) -> str:
        return _b64(hmac.new(self._key, body.encode(), hashlib.sha256).digest())


def _nonce_of(verifier: str) -> str:
    return _b64(hashlib.sha256(verifier.encode()).digest())


def _b64(raw: bytes) -> str:
    return base64.urlsafe_b64encode(raw).rstrip(b"=").decode()
