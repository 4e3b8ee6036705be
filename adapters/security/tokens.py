"""The API's JWTs through joserfc.

Access tokens are signed with a private Ed25519 (or P-256) key that only the API holds; anyone
with the public key (the functions, `GET /.well-known/jwks.json`) can check them and none can
make one. Refresh tokens are read by the API alone and stay HS256 under a key derived from the
service secret. Each kind carries a `typ` claim and its own audience; both are checked on every
decode, and the accepted algorithms are fixed by the keys, never by a token's header."""

from __future__ import annotations

import json
from collections.abc import Iterable, Mapping
from datetime import UTC, datetime, timedelta
from typing import Any

from joserfc import jwt
from joserfc.errors import JoseError
from joserfc.jwk import ECKey, KeySet, OctKey, OKPKey

from adapters.security.keys import derive_key
from domains.identity.errors import InvalidToken
from domains.identity.model import AccessClaims, RefreshClaims

ISSUER = "refocused"
ACCESS_AUDIENCE = "refocused-api"
REFRESH_AUDIENCE = "refocused-refresh"
_REFRESH_ALGORITHMS = ["HS256"]
#: The signature algorithm of each accepted key type (RFC 9864's fully specified Ed25519).
_ALGORITHM_OF = {("OKP", "Ed25519"): "Ed25519", ("EC", "P-256"): "ES256"}
_MAX_TOKEN_LENGTH = 4096

AsymmetricKey = OKPKey | ECKey


class KeyMaterialError(ValueError):
    """Key material that cannot sign or verify access tokens; the message says why."""


def _algorithm(key: AsymmetricKey) -> str:
    curve = key.as_dict(private=False).get("crv")
    algorithm = _ALGORITHM_OF.get((key.key_type, str(curve)))
    if algorithm is None:
        raise KeyMaterialError("access-token keys must be Ed25519 or P-256 keys")
    return algorithm


def _import(material: str | Mapping[str, Any]) -> AsymmetricKey:
    data: str | dict[str, Any]
    if isinstance(material, Mapping):
        data = dict(material)
    elif material.lstrip().startswith("{"):
        try:
            data = json.loads(material)
        except ValueError as e:
            raise KeyMaterialError("the key is neither a JWK (JSON) nor a PEM") from e
    else:
        data = material.strip()
    kinds: tuple[type[AsymmetricKey], ...] = (OKPKey, ECKey)
    if isinstance(data, dict):
        kinds = tuple(k for k in kinds if k.key_type == data.get("kty"))
    for kind in kinds:
        try:
            key = kind.import_key(data)
        except (JoseError, ValueError, TypeError, KeyError):
            continue
        _algorithm(key)
        return key
    raise KeyMaterialError("the key is not an Ed25519 or P-256 key as a JWK or a PEM")


def _public_jwk(key: AsymmetricKey, kid: str) -> dict[str, Any]:
    return {**key.as_dict(private=False), "kid": kid, "alg": _algorithm(key), "use": "sig"}


def signing_key(material: str | Mapping[str, Any]) -> tuple[AsymmetricKey, str]:
    """The private key that signs access tokens, from a JWK (JSON) or a PEM, and its key id:
    the JWK's `kid`, or else its RFC 7638 thumbprint."""
    key = _import(material)
    if not key.is_private:
        raise KeyMaterialError("the access-token signing key must be a private key")
    kid = material.get("kid") if isinstance(material, Mapping) else None
    if kid is None and isinstance(material, str) and material.lstrip().startswith("{"):
        kid = json.loads(material).get("kid")
    return key, str(kid or key.thumbprint())


def generate_signing_key() -> str:
    """A fresh private Ed25519 key as a JWK (JSON), with its thumbprint as `kid`."""
    key = OKPKey.generate_key("Ed25519", private=True)
    return json.dumps({**key.as_dict(private=True), "kid": key.thumbprint()})


def public_jwks(material: str | Mapping[str, Any] | None) -> list[dict[str, Any]]:
    """The public keys of a JWKS document (JSON or parsed); a private member is refused, so a
    holder of verification keys can never be handed a signing key by mistake."""
    if not material:
        return []
    try:
        document = json.loads(material) if isinstance(material, str) else material
        keys = document["keys"]
        if not isinstance(keys, list):
            raise TypeError("keys")
    except (ValueError, TypeError, KeyError) as e:
        raise KeyMaterialError('a JWKS must be a JSON object {"keys": [...]}') from e
    out = []
    for jwk in keys:
        if not isinstance(jwk, dict) or not isinstance(jwk.get("kid"), str):
            raise KeyMaterialError("every key in the JWKS needs a `kid`")
        if "d" in jwk:
            raise KeyMaterialError("the JWKS holds a private key: publish public keys only")
        out.append(_public_jwk(_import(jwk), jwk["kid"]))
    return out


class AccessTokenVerifier:
    """Checks access tokens (signature, type, issuer, audience, expiry) with public keys only,
    picked by the token's `kid`. What the functions hold; the API holds one too."""

    def __init__(self, jwks: Iterable[Mapping[str, Any]]) -> None:
        keys = [dict(jwk) for jwk in jwks]
        if not keys:
            raise KeyMaterialError("no public key to verify access tokens with")
        self._keys = KeySet([_import(jwk) for jwk in keys])
        self._algorithms = sorted({jwk["alg"] for jwk in keys})
        self.jwks: dict[str, list[dict[str, Any]]] = {"keys": keys}

    @classmethod
    def from_jwks(cls, material: str | Mapping[str, Any]) -> AccessTokenVerifier:
        return cls(public_jwks(material))

    def decode_access(self, token: str, now: datetime) -> AccessClaims:
        c = _decode(token, self._keys, self._algorithms, "access", ACCESS_AUDIENCE, now)
        return AccessClaims(
            user_id=c["sub"], session_id=c["sid"], expires_at=datetime.fromtimestamp(c["exp"], UTC)
        )


class JoseTokenService:
    """Issues and reads the API's tokens: access tokens signed with `access_key` (private JWK
    or PEM), verified against its public key and any `retired_jwks` (earlier signing keys whose
    tokens may still be live during a rotation); refresh tokens under a key derived from
    `secret`."""

    def __init__(
        self,
        secret: bytes,
        access_key: str | Mapping[str, Any],
        access_ttl: timedelta = timedelta(minutes=15),
        retired_jwks: str | Mapping[str, Any] | None = None,
    ) -> None:
        if len(secret) < 32:
            raise ValueError("the token secret must be at least 32 bytes")
        self._access_key, self._kid = signing_key(access_key)
        self._access_header = {"alg": _algorithm(self._access_key), "kid": self._kid}
        current = _public_jwk(self._access_key, self._kid)
        retired = [k for k in public_jwks(retired_jwks) if k["kid"] != self._kid]
        self.verifier = AccessTokenVerifier([current, *retired])
        self._refresh_key = OctKey.import_key(derive_key(secret, "jwt-refresh"))
        self._access_ttl = access_ttl

    @property
    def jwks(self) -> dict[str, list[dict[str, Any]]]:
        """The public JWKS document: every key an access token may be verified with."""
        return self.verifier.jwks

    def issue_access(self, user_id: str, session_id: str, now: datetime) -> tuple[str, int]:
        ttl = int(self._access_ttl.total_seconds())
        iat = int(now.timestamp())
        claims = {
            "iss": ISSUER,
            "aud": ACCESS_AUDIENCE,
            "typ": "access",
            "sub": user_id,
            "sid": session_id,
            "iat": iat,
            "exp": iat + ttl,
        }
        algorithm = self._access_header["alg"]
        token = jwt.encode(self._access_header, claims, self._access_key, algorithms=[algorithm])
        return token, ttl

    def issue_refresh(
        self, user_id: str, session_id: str, jti: str, expires_at: datetime, now: datetime
    ) -> str:
        claims = {
            "iss": ISSUER,
            "aud": REFRESH_AUDIENCE,
            "typ": "refresh",
            "sub": user_id,
            "sid": session_id,
            "jti": jti,
            "iat": int(now.timestamp()),
            "exp": int(expires_at.timestamp()),
        }
        return jwt.encode({"alg": "HS256"}, claims, self._refresh_key)

    def decode_access(self, token: str, now: datetime) -> AccessClaims:
        return self.verifier.decode_access(token, now)

    def decode_refresh(self, token: str, now: datetime) -> RefreshClaims:
        c = _decode(token, self._refresh_key, _REFRESH_ALGORITHMS, "refresh", REFRESH_AUDIENCE, now)
        if not isinstance(c.get("jti"), str):
            raise InvalidToken()
        return RefreshClaims(
            user_id=c["sub"],
            session_id=c["sid"],
            jti=c["jti"],
            expires_at=datetime.fromtimestamp(c["exp"], UTC),
        )


def _decode(
    token: str,
    key: OctKey | KeySet,
    algorithms: list[str],
    typ: str,
    audience: str,
    now: datetime,
) -> dict[str, Any]:
    if not token or len(token) > _MAX_TOKEN_LENGTH:
        raise InvalidToken()
    try:
        decoded = jwt.decode(token, key, algorithms=algorithms)
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
