"""Attacks a hostile client tries. Each gets a clear 4xx problem, never a 500 or a stack trace."""

from __future__ import annotations

import base64
import json
import threading
import time
from collections.abc import Callable, Iterator
from datetime import UTC, datetime, timedelta
from http.server import BaseHTTPRequestHandler, HTTPServer

import httpx
import pytest
from joserfc import jwt
from joserfc.jwk import KeySet, RSAKey

from adapters.security.tokens import JoseTokenService, generate_signing_key
from tests.conftest import TEST_ACCESS_TOKEN_KEY, TEST_SECRET
from tests.support.users import PASSWORD, bearer_user, browser_user, unique_email


def assert_problem(r: httpx.Response, status: int) -> dict[str, object]:
    assert r.status_code == status, r.text
    assert r.headers["content-type"].startswith("application/problem+json")
    body = r.json()
    assert body["status"] == status and body["detail"]
    assert "Traceback" not in r.text and "Error(" not in r.text
    return body


def test_an_expired_access_token_is_refused(api_url: str) -> None:
    user = bearer_user(api_url)
    claims = JoseTokenService(TEST_SECRET.encode(), TEST_ACCESS_TOKEN_KEY).decode_access(
        user.access_token, datetime.now(UTC)
    )
    old, _ = JoseTokenService(TEST_SECRET.encode(), TEST_ACCESS_TOKEN_KEY).issue_access(
        claims.user_id, claims.session_id, datetime.now(UTC) - timedelta(minutes=16)
    )
    r = httpx.get(f"{api_url}/api/v1/auth/me", headers={"Authorization": f"Bearer {old}"})
    assert_problem(r, 401)
    assert r.headers["www-authenticate"].startswith("Bearer")


def test_a_token_signed_with_another_key_is_refused(api_url: str) -> None:
    user = bearer_user(api_url)
    forged, _ = JoseTokenService(b"attacker-key" * 4, generate_signing_key()).issue_access(
        user.user_id, "any-session", datetime.now(UTC)
    )
    assert_problem(
        httpx.get(f"{api_url}/api/v1/auth/me", headers={"Authorization": f"Bearer {forged}"}),
        401,
    )


def test_an_alg_none_token_is_refused(api_url: str) -> None:
    user = bearer_user(api_url)
    head = base64.urlsafe_b64encode(b'{"alg":"none"}').rstrip(b"=").decode()
    now = int(time.time())
    claims = {
        "iss": "refocused",
        "aud": "refocused-api",
        "typ": "access",
        "sub": user.user_id,
        "sid": "x",
        "iat": now,
        "exp": now + 900,
    }
    body = base64.urlsafe_b64encode(json.dumps(claims).encode()).rstrip(b"=").decode()
    r = httpx.get(f"{api_url}/api/v1/auth/me", headers={"Authorization": f"Bearer {head}.{body}."})
    assert_problem(r, 401)


def test_a_refresh_token_used_as_an_access_token_is_refused(api_url: str) -> None:
    user = bearer_user(api_url)
    r = httpx.get(
        f"{api_url}/api/v1/auth/me", headers={"Authorization": f"Bearer {user.refresh_token}"}
    )
    assert_problem(r, 401)


def test_garbage_authorization_headers_are_refused(api_url: str) -> None:
    for value in ["Basic dXNlcjpwYXNz", "Bearer", "Bearer a.b.c", "Bearer " + "x" * 5000]:
        assert_problem(
            httpx.get(f"{api_url}/api/v1/auth/me", headers={"Authorization": value}), 401
        )


def test_change_password_without_csrf_token_is_refused(api_url: str) -> None:
    user = browser_user(api_url)
    body = {"current_password": PASSWORD, "new_password": "hijacked password"}
    r = user.client.post("/api/v1/auth/change-password", json=body)
    assert_problem(r, 403)
    r = user.client.post(
        "/api/v1/auth/change-password", json=body, headers={"X-CSRF-Token": "made.up"}
    )
    assert_problem(r, 403)
    # The old password still works: nothing changed.
    assert (
        httpx.post(
            f"{api_url}/api/v1/auth/login", json={"email": user.email, "password": PASSWORD}
        ).status_code
        == 200
    )


def test_another_sessions_csrf_token_is_refused(api_url: str) -> None:
    victim = browser_user(api_url)
    attacker = browser_user(api_url)
    # The attacker plants their own (valid for them) token in both cookie and header.
    victim.client.cookies.set("rf_csrf", attacker.csrf)
    r = victim.client.post(
        "/api/v1/auth/change-password",
        json={"current_password": PASSWORD, "new_password": "hijacked password"},
        headers={"X-CSRF-Token": attacker.csrf},
    )
    assert_problem(r, 403)


def test_logout_by_cookie_needs_the_csrf_token(api_url: str) -> None:
    user = browser_user(api_url)
    assert_problem(user.client.post("/api/v1/auth/logout"), 403)
    assert user.client.get("/api/v1/auth/me").status_code == 200
    assert user.client.post("/api/v1/auth/logout", headers=user.headers).status_code == 204


def test_bearer_requests_need_no_csrf_token(api_url: str) -> None:
    user = bearer_user(api_url)
    r = user.client.patch("/api/v1/users/me", json={"display_name": "Bea"}, headers=user.headers)
    assert r.status_code == 200


def test_requests_past_the_global_limit_get_429_with_retry_after(
    serve: Callable[..., str],
) -> None:
    url = serve(rate_limit_per_minute=5)
    user = bearer_user(url)
    statuses = [
        httpx.get(f"{url}/api/v1/auth/me", headers=user.headers).status_code for _ in range(7)
    ]
    assert statuses[:5] == [200] * 5 and statuses[5:] == [429, 429]
    r = httpx.get(f"{url}/api/v1/auth/me", headers=user.headers)
    assert_problem(r, 429)
    assert 1 <= int(r.headers["retry-after"]) <= 12


def test_password_guessing_is_limited_per_account(serve: Callable[..., str]) -> None:
    url = serve(login_per_account_per_5_minutes=3, login_per_ip_per_minute=100)
    user = browser_user(url)
    with httpx.Client(base_url=url) as c:
        for _ in range(3):
            assert (
                c.post(
                    "/api/v1/auth/login", json={"email": user.email, "password": "guess"}
                ).status_code
                == 401
            )
        r = c.post("/api/v1/auth/login", json={"email": user.email, "password": PASSWORD})
    assert_problem(r, 429)


def test_another_users_session_id_is_not_found(api_url: str) -> None:
    alice, mallory = bearer_user(api_url), bearer_user(api_url)
    alice_session = alice.client.get("/api/v1/auth/sessions", headers=alice.headers).json()[0]
    r = mallory.client.delete(
        f"/api/v1/auth/sessions/{alice_session['id']}", headers=mallory.headers
    )
    assert_problem(r, 404)
    assert alice.client.get("/api/v1/auth/me", headers=alice.headers).status_code == 200
    assert_problem(
        mallory.client.delete("/api/v1/auth/sessions/not-a-uuid", headers=mallory.headers), 422
    )


@pytest.mark.parametrize(
    "body",
    [
        b"{not json",
        b"[]",
        b'{"email": 5, "password": "x"}',
        b'{"email": "a@b.co"}',
        b'{"email": "a@b.co", "password": "correct horse", "admin": true}',
        b"\xff\xfe",
    ],
)
def test_malformed_bodies_get_a_400_naming_the_problem(api_url: str, body: bytes) -> None:
    r = httpx.post(
        f"{api_url}/api/v1/auth/register",
        content=body,
        headers={"Content-Type": "application/json"},
    )
    problem = assert_problem(r, 400)
    detail = str(problem["detail"])
    assert "JSON" in detail or "body" in detail or "errors" in problem


def test_an_invalid_email_names_the_field(api_url: str) -> None:
    r = httpx.post(
        f"{api_url}/api/v1/auth/register", json={"email": "not-an-email", "password": PASSWORD}
    )
    assert assert_problem(r, 422)["errors"] == [
        {"field": "email", "message": "enter a valid email address"}
    ]


def test_an_oversized_body_is_refused_before_it_is_read(serve: Callable[..., str]) -> None:
    url = serve(max_body_bytes=2048)
    r = httpx.post(
        f"{url}/api/v1/auth/register", json={"email": unique_email(), "password": "x" * 5000}
    )
    assert_problem(r, 413)


@pytest.fixture(scope="module")
def google_jwks() -> Iterator[tuple[RSAKey, str]]:
    key = RSAKey.generate_key(2048, parameters={"kid": "g1"})
    payload = json.dumps(KeySet([key]).as_dict(private=False)).encode()

    class Handler(BaseHTTPRequestHandler):
        def do_GET(self) -> None:
            self.send_response(200)
            self.end_headers()
            self.wfile.write(payload)

        def log_message(self, *args: object) -> None:
            pass

    server = HTTPServer(("127.0.0.1", 0), Handler)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    yield key, f"http://127.0.0.1:{server.server_address[1]}/"
    server.shutdown()


def _google_token(key: RSAKey, audience: str, email: str, nonce: str) -> str:
    now = int(time.time())
    return jwt.encode(
        {"alg": "RS256", "kid": "g1"},
        {
            "iss": "accounts.google.com",
            "aud": audience,
            "sub": f"g-{email}",
            "email": email,
            "email_verified": True,
            "iat": now,
            "exp": now + 300,
            "nonce": nonce,
        },
        key,
    )


def test_google_sign_in_works_and_refuses_the_wrong_audience(
    serve: Callable[..., str], google_jwks: tuple[RSAKey, str]
) -> None:
    key, jwks_url = google_jwks
    url = serve(google_client_ids=("our-client",), google_jwks_url=jwks_url)
    email = unique_email()
    client = httpx.Client(base_url=url)
    nonce = client.post("/api/v1/auth/google/nonce").json()["nonce"]
    wrong = client.post(
        "/api/v1/auth/google", json={"id_token": _google_token(key, "their-client", email, nonce)}
    )
    assert "another application" in str(assert_problem(wrong, 401)["detail"])
    right = client.post(
        "/api/v1/auth/google", json={"id_token": _google_token(key, "our-client", email, nonce)}
    )
    assert right.status_code == 200 and right.json()["user"]["email"] == email


def test_every_response_carries_the_security_headers(api_url: str) -> None:
    for r in (
        httpx.get(f"{api_url}/health"),
        httpx.get(f"{api_url}/no/such/route"),
        httpx.post(f"{api_url}/api/v1/auth/login", content=b"{"),
    ):
        assert r.headers["x-frame-options"] == "DENY"
        assert r.headers["x-content-type-options"] == "nosniff"
        assert "default-src 'none'" in r.headers["content-security-policy"]
        assert r.headers["referrer-policy"] == "no-referrer"
        assert r.headers["x-request-id"]


def test_hsts_is_sent_behind_an_https_proxy_only(serve: Callable[..., str]) -> None:
    url = serve(trust_proxy_headers=True)
    assert "strict-transport-security" not in httpx.get(f"{url}/health").headers
    r = httpx.get(f"{url}/health", headers={"X-Forwarded-Proto": "https"})
    assert r.headers["strict-transport-security"].startswith("max-age=")


def test_large_responses_are_gzipped(api_url: str) -> None:
    r = httpx.get(f"{api_url}/schema/openapi.json", headers={"Accept-Encoding": "gzip"})
    assert r.status_code == 200 and r.headers["content-encoding"] == "gzip"


def test_the_openapi_document_lists_every_status_code_of_the_auth_routes(api_url: str) -> None:
    spec = httpx.get(f"{api_url}/schema/openapi.json").json()
    login = spec["paths"]["/api/v1/auth/login"]["post"]["responses"]
    assert {"200", "400", "401", "413", "429"} <= set(login)
    change = spec["paths"]["/api/v1/auth/change-password"]["post"]["responses"]
    assert {"401", "403", "422"} <= set(change)
    assert httpx.get(f"{api_url}/schema").status_code == 200


def test_tokens_and_passwords_never_reach_the_logs(
    api_url: str, capsys: pytest.CaptureFixture[str]
) -> None:
    user = bearer_user(api_url)
    httpx.get(f"{api_url}/api/v1/auth/me?token={user.access_token}", headers=user.headers)
    httpx.post(f"{api_url}/api/v1/auth/login", json={"email": user.email, "password": "oops"})
    captured = capsys.readouterr()
    logs = captured.out + captured.err
    assert user.access_token not in logs and PASSWORD not in logs and "oops" not in logs
