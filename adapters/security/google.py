from __future__ import annotations

import asyncio
import time
from typing import Any

import httpx
from joserfc import jwt
from joserfc.errors import JoseError
from joserfc.jwk import KeySet

from domains.identity.errors import InvalidToken
from domains.identity.model import GoogleIdentity

GOOGLE_ISSUERS = frozenset({"accounts.google.com", "https://accounts.google.com"})


class GoogleJwksVerifier:
    """Verifies Google ID tokens against Google's published keys (the JWKS URL is a setting, so
    tests serve their own). Keys are cached and re-fetched when a token names an unknown key."""

    def __init__(
        self,
        jwks_url: str,
        client_ids: frozenset[str],
        *,
        cache_seconds: float = 3600.0,
        http: httpx.AsyncClient | None = None,
    ) -> None:
        self._url = jwks_url
        self._audiences = client_ids
        self._cache_seconds = cache_seconds
        self._http = http or httpx.AsyncClient(timeout=5.0)
        self._keys: KeySet | None = None
        self._fetched_at = 0.0
        self._lock = asyncio.Lock()

    async def verify(self, id_token: str) -> GoogleIdentity:
        if not id_token or len(id_token) > 8192:
            raise InvalidToken("the Google token is malformed")
        keys = await self._key_set(refresh=False)
        try:
            decoded = self._decode(id_token, keys)
        except InvalidToken:
            # Google rotates keys: one retry with a fresh key set before refusing.
            decoded = self._decode(id_token, await self._key_set(refresh=True))
        c = decoded
        aud = c.get("aud")
        audiences = set(aud) if isinstance(aud, list) else {aud}
        exp = c.get("exp")
        if c.get("iss") not in GOOGLE_ISSUERS:
            raise InvalidToken("the Google token has the wrong issuer")
        if not audiences & self._audiences:
            raise InvalidToken("the Google token was issued for another application")
        if not isinstance(exp, int | float) or exp <= time.time():
            raise InvalidToken("the Google token has expired")
        sub, email = c.get("sub"), c.get("email")
        if not isinstance(sub, str) or not isinstance(email, str):
            raise InvalidToken("the Google token carries no account or email")
        verified = c.get("email_verified") in (True, "true")
        name = c.get("name") if isinstance(c.get("name"), str) else ""
        return GoogleIdentity(subject=sub, email=email, email_verified=verified, name=str(name))

    @staticmethod
    def _decode(token: str, keys: KeySet) -> dict[str, Any]:
        try:
            return dict(jwt.decode(token, keys, algorithms=["RS256"]).claims)
        except (JoseError, ValueError, TypeError, KeyError) as e:
            raise InvalidToken("the Google token's signature is not valid") from e

    async def _key_set(self, *, refresh: bool) -> KeySet:
        async with self._lock:
            fresh = time.monotonic() - self._fetched_at < self._cache_seconds
            if self._keys is not None and fresh and not refresh:
                return self._keys
            try:
                response = await self._http.get(self._url)
                response.raise_for_status()
                self._keys = KeySet.import_key_set(response.json())
            except (httpx.HTTPError, ValueError, JoseError) as e:
                if self._keys is None:
                    raise InvalidToken("Google's signing keys are unavailable") from e
            self._fetched_at = time.monotonic()
            return self._keys

    async def aclose(self) -> None:
        await self._http.aclose()
