from __future__ import annotations

from datetime import UTC, datetime, timedelta

from joserfc import jwt
from joserfc.errors import JoseError
from joserfc.jwk import OctKey

from adapters.security.keys import derive_key
from domains.identity.errors import InvalidToken
from domains.identity.model import AccessClaims, RefreshClaims

ISSUER = "refocused"
_ALGORITHMS = ["HS256"]  # fixed: a token's own header never chooses the algorithm ("alg: none")


class JoseTokenService:
    """HS256 JWTs through joserfc. Access and refresh tokens are signed with different derived
    keys and carry a `typ` claim; both are checked on every decode."""

    def __init__(self, secret: bytes, access_ttl: timedelta = timedelta(minutes=15)) -> None:
        if len(secret) < 32:
            raise ValueError("the token secret must be at least 32 bytes")
        self._access_key = OctKey.import_key(derive_key(secret, "jwt-access"))
        self._refresh_key = OctKey.import_key(derive_key(secret, "jwt-refresh"))
        self._access_ttl = access_ttl

    def issue_access(self, user_id: str, session_id: str, now: datetime) -> tuple[str, int]:
        ttl = int(self._access_ttl.total_seconds())
        iat = int(now.timestamp())
        claims = {
            "iss": ISSUER,
            "aud": "refocused-api",
            "typ": "access",
            "sub": user_id,
            "sid": session_id,
            "iat": iat,
            "exp": iat + ttl,
        }
        return jwt.encode({"alg": "HS256"}, claims, self._access_key), ttl

    def issue_refresh(
        self, user_id: str, session_id: str, jti: str, expires_at: datetime, now: datetime
    ) -> str:
        claims = {
            "iss": ISSUER,
            "aud": "refocused-refresh",
            "typ": "refresh",
            "sub": user_id,
            "sid": session_id,
            "jti": jti,
            "iat": int(now.timestamp()),
            "exp": int(expires_at.timestamp()),
        }
        return jwt.encode({"alg": "HS256"}, claims, self._refresh_key)

    def decode_access(self, token: str, now: datetime) -> AccessClaims:
        c = self._decode(token, self._access_key, "access", "refocused-api", now)
        return AccessClaims(
            user_id=c["sub"], session_id=c["sid"], expires_at=datetime.fromtimestamp(c["exp"], UTC)
        )

    def decode_refresh(self, token: str, now: datetime) -> RefreshClaims:
        c = self._decode(token, self._refresh_key, "refresh", "refocused-refresh", now)
        if not isinstance(c.get("jti"), str):
            raise InvalidToken()
        return RefreshClaims(
            user_id=c["sub"],
            session_id=c["sid"],
            jti=c["jti"],
            expires_at=datetime.fromtimestamp(c["exp"], UTC),
        )

    @staticmethod
    def _decode(
        token: str, key: OctKey, typ: str, audience: str, now: datetime
    ) -> dict[str, object]:
        if not token or len(token) > 4096:
            raise InvalidToken()
        try:
            decoded = jwt.decode(token, key, algorithms=_ALGORITHMS)
        except (JoseError, ValueError, TypeError, KeyError) as e:
            raise InvalidToken() from e
        c = decoded.claims
        exp = c.get("exp")
        if (
            c.get("typ") != typ
            or c.get("iss") != ISSUER
            or c.get("aud") != audience
            or not isinstance(exp, int)
            or exp <= now.timestamp()
            or not isinstance(c.get("sub"), str)
            or not isinstance(c.get("sid"), str)
        ):
            raise InvalidToken()
        return c
