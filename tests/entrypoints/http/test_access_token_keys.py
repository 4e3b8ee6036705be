"""Access tokens are signed with a private key only the API holds. Whoever holds the service
secret (which the functions used to) cannot mint one any more; the public keys are published
for anyone to verify with, and a session check says whether a token's session still stands."""

from __future__ import annotations

import json
import time
from datetime import UTC, datetime

import httpx
from joserfc import jwt
from joserfc.jwk import OctKey

from adapters.security.keys import derive_key
from adapters.security.tokens import AccessTokenVerifier
from tests.conftest import TEST_SECRET
from tests.entrypoints.http.test_attacks import assert_problem
from tests.support.users import PASSWORD, bearer_user

JWKS = "/.well-known/jwks.json"
PRIVATE_MEMBERS = {"d", "p", "q", "dp", "dq", "qi", "k", "oth"}


def _claims(user_id: str, session_id: str) -> dict[str, object]:
    now = int(time.time())
    return {
        "iss": "refocused",
        "aud": "refocused-api",
        "typ": "access",
        "sub": user_id,
        "sid": session_id,
        "iat": now,
        "exp": now + 900,
    }


def _session_of(api_url: str, token: str) -> str:
    r = httpx.get(f"{api_url}/api/v1/auth/session", headers={"Authorization": f"Bearer {token}"})
    assert r.status_code == 200, r.text
    return str(r.json()["session_id"])


def test_a_token_minted_with_the_service_secret_is_refused(any_profile_url: str) -> None:
    """What anyone holding REFOCUSED_SECRET_KEY (a function, before) could do: make an HS256
    access token for any user, with the key the API used to derive for access tokens."""
    user = bearer_user(any_profile_url)
    session = _session_of(any_profile_url, user.access_token)
    minted = jwt.encode(
        {"alg": "HS256"},
        _claims(user.user_id, session),
        OctKey.import_key(derive_key(TEST_SECRET.encode(), "jwt-access")),
    )
    for path in ("/api/v1/auth/me", "/api/v1/auth/session"):
        r = httpx.get(f"{any_profile_url}{path}", headers={"Authorization": f"Bearer {minted}"})
        assert_problem(r, 401)


def test_a_token_macd_with_the_published_public_key_is_refused(any_profile_url: str) -> None:
    """Algorithm confusion: the public key used as an HMAC secret."""
    user = bearer_user(any_profile_url)
    session = _session_of(any_profile_url, user.access_token)
    (key,) = httpx.get(f"{any_profile_url}{JWKS}").json()["keys"]
    for secret in (key["x"].encode(), json.dumps(key).encode()):
        forged = jwt.encode(
            {"alg": "HS256", "kid": key["kid"]},
            _claims(user.user_id, session),
            OctKey.import_key(secret),
        )
        r = httpx.get(
            f"{any_profile_url}/api/v1/auth/me", headers={"Authorization": f"Bearer {forged}"}
        )
        assert_problem(r, 401)


def test_the_jwks_document_serves_the_public_key_only(any_profile_url: str) -> None:
    r = httpx.get(f"{any_profile_url}{JWKS}")
    assert r.status_code == 200, r.text
    assert r.headers["content-type"].startswith("application/jwk-set+json")
    assert r.headers["cache-control"].startswith("public, max-age=")
    keys = r.json()["keys"]
    assert keys and all(not PRIVATE_MEMBERS & set(k) for k in keys)
    assert all(k["kty"] in {"OKP", "EC"} and k["kid"] and k["use"] == "sig" for k in keys)
    # The published keys alone verify a token the API issued.
    user = bearer_user(any_profile_url)
    claims = AccessTokenVerifier.from_jwks(r.text).decode_access(
        user.access_token, datetime.now(UTC)
    )
    assert claims.user_id == user.user_id


def test_the_jwks_and_session_routes_are_documented(api_url: str) -> None:
    # The embedded profile serves the docs (production serves none by default).
    spec = httpx.get(f"{api_url}/schema/openapi.json").json()
    assert "get" in spec["paths"][JWKS] and "get" in spec["paths"]["/api/v1/auth/session"]


def test_the_session_check_ends_with_a_sign_out(any_profile_url: str) -> None:
    user = bearer_user(any_profile_url)
    r = httpx.get(f"{any_profile_url}/api/v1/auth/session", headers=user.headers)
    assert r.status_code == 200, r.text
    assert r.json()["user_id"] == user.user_id and r.json()["session_id"]
    r = httpx.post(f"{any_profile_url}/api/v1/auth/logout", headers=user.headers)
    assert r.status_code == 204, r.text
    assert_problem(httpx.get(f"{any_profile_url}/api/v1/auth/session", headers=user.headers), 401)


def test_the_session_check_ends_with_the_accounts_erasure(any_profile_url: str) -> None:
    user = bearer_user(any_profile_url)
    assert httpx.get(f"{any_profile_url}/api/v1/auth/session", headers=user.headers).is_success
    r = httpx.request(
        "DELETE",
        f"{any_profile_url}/api/v1/users/me",
        headers=user.headers,
        json={"password": PASSWORD},
    )
    assert r.status_code == 204, r.text
    assert_problem(httpx.get(f"{any_profile_url}/api/v1/auth/session", headers=user.headers), 401)
