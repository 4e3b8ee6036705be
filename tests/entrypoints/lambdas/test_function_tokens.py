"""The functions that serve signed-in users (feedback-api, ai-handler) hold the API's public keys
and no secret: they verify the API's tokens, cannot be used to mint one, and ask the API
whether a token's session still stands, so a signed-out or erased user is refused at once."""

from __future__ import annotations

import json
import os
import time
from collections.abc import Callable
from typing import Any

import pytest
from joserfc import jwt
from joserfc.jwk import OctKey

from adapters.security.keys import derive_key
from entrypoints.lambdas import ai_handler, feedback_api
from tests.conftest import TEST_SECRET
from tests.entrypoints.lambdas.conftest import (
    Deployment,
    access_token,
    published_jwks,
    reset_cold_starts,
)
from tests.entrypoints.lambdas.events import api_event
from tests.support.servers import free_port
from tests.support.users import PASSWORD, BearerUser, bearer_user

Handler = Callable[[dict[str, Any]], dict[str, Any]]
#: One authenticated read per function: (handler, method, path).
READS: list[tuple[Handler, str, str]] = [
    (feedback_api.handler, "GET", "/feedback/features"),
    (ai_handler.handler, "GET", "/ai/quota"),
]
IDS = ["feedback-api", "ai-handler"]


@pytest.fixture
def keys_only(deployment: Deployment, monkeypatch: pytest.MonkeyPatch) -> Deployment:
    """The functions as the platform deploys them: no service secret anywhere in reach."""
    monkeypatch.delenv("REFOCUSED_SECRET_KEY_ARN", raising=False)
    monkeypatch.delenv("REFOCUSED_SECRET_KEY", raising=False)
    # The ai-handler builds its model client on start; the quota never loads a model.
    monkeypatch.setenv("MODEL_BUCKET", "no-model-needed")
    reset_cold_starts()
    return deployment


def call(handler: Handler, method: str, path: str, token: str | None) -> tuple[int, Any]:
    response = handler(api_event(method, path, token=token))
    return response["statusCode"], json.loads(response["body"]) if response.get("body") else None


def _minted_with_the_secret(user_id: str) -> str:
    now = int(time.time())
    claims = {
        "iss": "refocused",
        "aud": "refocused-api",
        "typ": "access",
        "sub": user_id,
        "sid": "any-session",
        "iat": now,
        "exp": now + 900,
    }
    key = OctKey.import_key(derive_key(TEST_SECRET.encode(), "jwt-access"))
    return jwt.encode({"alg": "HS256"}, claims, key)


@pytest.mark.parametrize(("handler", "method", "path"), READS, ids=IDS)
def test_an_api_issued_token_is_verified_with_the_public_keys_alone(
    keys_only: Deployment, handler: Handler, method: str, path: str
) -> None:
    _, token = access_token()
    status, body = call(handler, method, path, token)
    assert status == 200, body
    # What the functions were given holds no private key.
    (key,) = json.loads(os.environ["REFOCUSED_ACCESS_TOKEN_JWKS"])["keys"]
    assert "d" not in key


@pytest.mark.parametrize(("handler", "method", "path"), READS, ids=IDS)
def test_a_token_minted_with_the_old_secret_is_refused(
    keys_only: Deployment, handler: Handler, method: str, path: str
) -> None:
    user, _ = access_token()
    status, body = call(handler, method, path, _minted_with_the_secret(user))
    assert status == 401, body


@pytest.fixture(params=["embedded", "production"])
def users_api(
    request: pytest.FixtureRequest,
    serve: Callable[..., str],
    redis_prefix: str,
    monkeypatch: pytest.MonkeyPatch,
    keys_only: Deployment,
) -> str:
    """An API on each profile for the functions to ask: in-process revocations, and Redis with
    PostgreSQL behind it."""
    overrides: dict[str, Any] = {}
    if request.param == "production":
        overrides = {
            "profile": "production",
            "database_url": request.getfixturevalue("postgres_url"),
            "redis_url": "redis://127.0.0.1:6379/0",
            "redis_prefix": redis_prefix,
            "secure_cookies": False,
        }
    url = serve(**overrides)
    monkeypatch.setenv("REFOCUSED_API_URL", url)
    monkeypatch.setenv("REFOCUSED_ACCESS_TOKEN_JWKS", published_jwks(url))
    reset_cold_starts()
    return url


@pytest.mark.parametrize(("handler", "method", "path"), READS, ids=IDS)
def test_a_signed_out_users_token_is_refused_at_once(
    users_api: str, handler: Handler, method: str, path: str
) -> None:
    user: BearerUser = bearer_user(users_api)
    assert call(handler, method, path, user.access_token)[0] == 200
    assert user.client.post("/api/v1/auth/logout", headers=user.headers).status_code == 204
    status, body = call(handler, method, path, user.access_token)
    assert status == 401, body
    assert body["detail"] == "the session has been signed out"


@pytest.mark.parametrize(("handler", "method", "path"), READS, ids=IDS)
def test_an_erased_users_token_is_refused_at_once(
    users_api: str, handler: Handler, method: str, path: str
) -> None:
    user: BearerUser = bearer_user(users_api)
    assert call(handler, method, path, user.access_token)[0] == 200
    r = user.client.request(
        "DELETE", "/api/v1/users/me", headers=user.headers, json={"password": PASSWORD}
    )
    assert r.status_code == 204, r.text
    assert call(handler, method, path, user.access_token)[0] == 401


@pytest.mark.parametrize(("handler", "method", "path"), READS, ids=IDS)
def test_a_user_is_not_served_while_the_api_cannot_be_asked(
    keys_only: Deployment,
    monkeypatch: pytest.MonkeyPatch,
    handler: Handler,
    method: str,
    path: str,
) -> None:
    _, token = access_token()
    monkeypatch.setenv("REFOCUSED_API_URL", f"http://127.0.0.1:{free_port()}")
    reset_cold_starts()
    status, body = call(handler, method, path, token)
    assert status == 503, body
    assert token not in json.dumps(body)


def test_without_the_public_keys_users_get_a_503_naming_them_and_anonymous_readers_are_served(
    keys_only: Deployment, monkeypatch: pytest.MonkeyPatch
) -> None:
    _, token = access_token()
    monkeypatch.delenv("REFOCUSED_ACCESS_TOKEN_JWKS")
    reset_cold_starts()
    assert call(feedback_api.handler, "GET", "/feedback/features", None)[0] == 200
    status, body = call(feedback_api.handler, "GET", "/feedback/features", token)
    assert status == 503 and "REFOCUSED_ACCESS_TOKEN_JWKS" in body["detail"]


def test_a_function_handed_a_private_key_refuses_it(
    keys_only: Deployment, monkeypatch: pytest.MonkeyPatch
) -> None:
    from tests.conftest import TEST_ACCESS_TOKEN_KEY

    _, token = access_token()
    private = json.loads(TEST_ACCESS_TOKEN_KEY)
    monkeypatch.setenv("REFOCUSED_ACCESS_TOKEN_JWKS", json.dumps({"keys": [private]}))
    reset_cold_starts()
    status, body = call(feedback_api.handler, "GET", "/feedback/features", token)
    assert status == 503 and "private key" in body["detail"]
    assert private["d"] not in json.dumps(body)
