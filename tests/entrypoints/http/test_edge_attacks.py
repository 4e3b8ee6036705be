"""Attacks on the API's edge, over real HTTP: login CSRF through a cross-site form, forged
client addresses against the per-IP limits, cached token responses, and what production
serves besides the API (docs, metrics)."""

from __future__ import annotations

import json
from collections.abc import Callable
from typing import Any

import httpx
import pytest

from entrypoints.settings import Settings, SettingsError
from tests.conftest import TEST_ACCESS_TOKEN_KEY, TEST_KEK, TEST_SECRET
from tests.entrypoints.http.problems import assert_problem
from tests.support.users import PASSWORD, bearer_user, unique_email

LOGIN = "/api/v1/auth/login"
EVIL = "https://evil.example"
WEB_CLIENT = "https://app.refocused.example"


def _account(url: str) -> tuple[str, str]:
    email = unique_email()
    r = httpx.post(f"{url}/api/v1/auth/register", json={"email": email, "password": PASSWORD})
    assert r.status_code == 202, r.text  # registering signs nobody in; the password does
    return email, PASSWORD


# -- point 2: login CSRF through a cross-site form ------------------------------------------


@pytest.mark.parametrize(
    "content_type",
    ["text/plain", "application/x-www-form-urlencoded", "multipart/form-data; boundary=x"],
)
def test_a_cross_site_form_cannot_sign_a_visitor_into_the_attackers_account(
    any_profile_url: str, content_type: str
) -> None:
    """<form enctype="text/plain"> sends `{"email": ..., "password": ...}` without a preflight;
    the answer must not set the attacker's session cookies in the visitor's browser."""
    email, password = _account(any_profile_url)
    body = json.dumps({"email": email, "password": password})
    r = httpx.post(
        f"{any_profile_url}{LOGIN}", content=body, headers={"Content-Type": content_type}
    )
    problem = assert_problem(r, 415)
    assert "application/json" in problem["detail"]
    assert "set-cookie" not in r.headers


def test_every_json_route_refuses_other_media_types(api_url: str) -> None:
    user = bearer_user(api_url)
    for path, body in [
        ("/api/v1/mood/entries", {"happiness": 3, "focus": 3, "stress": 3}),
        ("/api/v1/auth/token", {"grant_type": "password", "username": user.email}),
        ("/api/v1/auth/register", {"email": unique_email(), "password": PASSWORD}),
    ]:
        r = httpx.post(
            f"{api_url}{path}",
            content=json.dumps(body),
            headers={**user.headers, "Content-Type": "text/plain;charset=UTF-8"},
        )
        assert_problem(r, 415)
    r = httpx.post(
        f"{api_url}/api/v1/auth/token",
        content=b'{"grant_type": "password"}',
        headers={"Content-Type": ""},
    )
    assert_problem(r, 415)
    chunked = httpx.post(
        f"{api_url}{LOGIN}",
        content=iter([b'{"email": "a@b.co", ', b'"password": "x"}']),
        headers={"Content-Type": "text/plain"},
    )
    assert_problem(chunked, 415)


def test_json_media_types_and_body_less_requests_still_work(
    serve: Callable[..., str],
) -> None:
    url = serve()
    email, password = _account(url)
    credentials = json.dumps({"email": email, "password": password})
    for content_type in ["application/json; charset=utf-8", "application/vnd.refocused+json"]:
        r = httpx.post(f"{url}{LOGIN}", content=credentials, headers={"Content-Type": content_type})
        assert r.status_code == 200, (content_type, r.text)
    user = bearer_user(url)
    # Routes whose body is optional: no body at all, or an empty one with any media type.
    logout = httpx.post(f"{url}/api/v1/auth/logout", headers=user.headers)
    assert logout.status_code == 204, logout.text
    other = bearer_user(url)
    empty = httpx.post(
        f"{url}/api/v1/auth/logout",
        content=b"",
        headers={**other.headers, "Content-Type": "text/plain"},
    )
    assert empty.status_code == 204, empty.text


@pytest.mark.parametrize("path", ["/auth/login", "/auth/register", "/auth/google", "/auth/token"])
def test_sign_in_routes_refuse_a_cross_site_origin(serve: Callable[..., str], path: str) -> None:
    url = serve(cors_origins=(WEB_CLIENT,), google_client_ids=("our-client",))
    email, password = _account(url)
    body: dict[str, Any] = {
        "/auth/login": {"email": email, "password": password},
        "/auth/register": {"email": unique_email(), "password": PASSWORD},
        "/auth/google": {"id_token": "x" * 40},
        "/auth/token": {"grant_type": "password", "username": email, "password": password},
    }[path]
    for headers in (
        {"Origin": EVIL},
        {"Origin": "null"},
        {"Origin": EVIL, "Sec-Fetch-Site": "cross-site"},
        {"Sec-Fetch-Site": "cross-site"},
        {"Sec-Fetch-Site": "same-site"},
    ):
        r = httpx.post(f"{url}/api/v1{path}", json=body, headers=headers)
        problem = assert_problem(r, 403)
        assert "origin" in problem["detail"].lower(), problem
        assert "set-cookie" not in r.headers


def test_sign_in_works_from_the_web_client_the_api_itself_and_non_browser_clients(
    serve: Callable[..., str],
) -> None:
    url = serve(cors_origins=(WEB_CLIENT,))
    email, password = _account(url)
    credentials = {"email": email, "password": password}
    for headers in (
        {"Origin": WEB_CLIENT, "Sec-Fetch-Site": "same-site"},
        {"Origin": url, "Sec-Fetch-Site": "same-origin"},  # a web client served at / later
        {"Sec-Fetch-Site": "same-origin"},
        {},  # a CLI, a mobile app, a server
    ):
        r = httpx.post(f"{url}{LOGIN}", json=credentials, headers=headers)
        assert r.status_code == 200, (headers, r.text)
    # Behind a proxy that rewrites Host, the browser's own verdict still says same-origin.
    r = httpx.post(
        f"{url}{LOGIN}",
        json=credentials,
        headers={"Origin": "https://api.refocused.example", "Sec-Fetch-Site": "same-origin"},
    )
    assert r.status_code == 200, r.text
    # Other routes are not sign-ins: their cross-origin use is CORS's and CSRF's business.
    user = bearer_user(url)
    r = httpx.get(f"{url}/api/v1/auth/me", headers={**user.headers, "Origin": EVIL})
    assert r.status_code == 200


# -- point 7: forged X-Forwarded-For against the per-IP limits ------------------------------


def _anonymous_statuses(url: str, forwarded_for: list[str], **extra: str) -> list[int]:
    return [
        httpx.get(f"{url}/api/v1/auth/me", headers={"X-Forwarded-For": value, **extra}).status_code
        for value in forwarded_for
    ]


def test_a_forged_leftmost_x_forwarded_for_does_not_escape_the_per_ip_limit(
    serve: Callable[..., str],
) -> None:
    """Behind one proxy that appends the address it saw (203.0.113.7), whatever the client
    wrote to the left of it is the client's own invention."""
    url = serve(trust_proxy_headers=True, rate_limit_per_minute=3)
    forged = [f"10.0.{i}.{i}, 203.0.113.7" for i in range(5)]
    assert _anonymous_statuses(url, forged) == [401, 401, 401, 429, 429]
    # Another real client, as the proxy saw it, has its own bucket.
    assert _anonymous_statuses(url, ["10.0.0.0, 203.0.113.8"]) == [401]


def test_the_login_limit_counts_the_address_the_proxies_saw(serve: Callable[..., str]) -> None:
    url = serve(trusted_proxy_hops=2, login_per_ip_per_minute=3)
    statuses = [
        httpx.post(
            f"{url}{LOGIN}",
            json={"email": unique_email(), "password": "guess"},
            headers={"X-Forwarded-For": f"198.51.100.{i}, 203.0.113.9, 172.16.0.1"},
        ).status_code
        for i in range(5)
    ]
    assert statuses == [401, 401, 401, 429, 429]


def test_forwarded_headers_from_a_peer_that_is_not_a_trusted_proxy_are_ignored(
    serve: Callable[..., str],
) -> None:
    """The test client connects from 127.0.0.1, which this server does not count as its proxy:
    rotating even the rightmost entry changes nothing, and no HSTS is claimed for it."""
    url = serve(trusted_proxy_hops=1, trusted_proxies=("10.0.0.0/8",), rate_limit_per_minute=3)
    rotating = [f"203.0.113.{i}" for i in range(5)]
    assert _anonymous_statuses(url, rotating) == [401, 401, 401, 429, 429]
    r = httpx.get(f"{url}/health", headers={"X-Forwarded-Proto": "https"})
    assert "strict-transport-security" not in r.headers


def test_the_settings_the_platform_deploys_take_the_gateways_forwarded_header(
    serve_on: Callable[..., str],
) -> None:
    """API Gateway appends `for=<address it saw>` to the RFC 7239 Forwarded header; App Runner
    then appends the gateway's own address to X-Forwarded-For. The client writes the rest."""
    url = serve_on(
        "production", trusted_proxy_hops=1, client_ip_header="forwarded", rate_limit_per_minute=3
    )
    statuses = [
        httpx.get(
            f"{url}/api/v1/auth/me",
            headers={
                "Forwarded": f'for=10.1.1.{i}, for="198.51.100.23:4711";by=10.0.0.9;proto=https',
                "X-Forwarded-For": f"10.2.2.{i}, 54.1.2.3",
                "X-Forwarded-Proto": "https",
            },
        ).status_code
        for i in range(5)
    ]
    assert statuses == [401, 401, 401, 429, 429]
    ipv6 = httpx.get(
        f"{url}/api/v1/auth/me", headers={"Forwarded": 'for="[2001:db8::7]:4711";proto=https'}
    )
    assert ipv6.status_code == 401  # another client: its own bucket
    assert ipv6.headers["strict-transport-security"].startswith("max-age=")


# -- point 12: responses that carry tokens are never cached ---------------------------------


def test_every_auth_response_forbids_caching(any_profile_url: str) -> None:
    url = any_profile_url
    email = unique_email()
    register = httpx.post(
        f"{url}/api/v1/auth/register", json={"email": email, "password": PASSWORD}
    )
    token = httpx.post(
        f"{url}/api/v1/auth/token",
        json={"grant_type": "password", "username": email, "password": PASSWORD},
    )
    refused = httpx.post(f"{url}{LOGIN}", json={"email": email, "password": "wrong guess"})
    assert (register.status_code, token.status_code, refused.status_code) == (202, 200, 401)
    for r in (register, token, refused):
        assert r.headers["cache-control"] == "no-store", r.request.url
        assert r.headers["pragma"] == "no-cache"


# -- point 13: production serves no third-party script and no open metrics ------------------


def test_production_serves_no_docs_by_default(serve_on: Callable[..., str]) -> None:
    url = serve_on("production")
    for path in ("/schema", "/schema/scalar", "/schema/openapi.json", "/schema/swagger"):
        assert httpx.get(f"{url}{path}").status_code == 404, path


def test_docs_load_no_script_from_another_origin(
    serve: Callable[..., str], serve_on: Callable[..., str]
) -> None:
    for url in (serve(), serve_on("production", docs_enabled=True)):
        page = httpx.get(f"{url}/schema")
        assert page.status_code == 200 and "<html" in page.text.lower()
        csp = page.headers["content-security-policy"]
        script_src = csp.split("script-src")[1].split(";")[0]
        assert "https:" not in csp and script_src.strip() == "'self'"
        assert "cdn" not in page.text and "unpkg" not in page.text and "https://" not in page.text
        assert httpx.get(f"{url}/schema/scalar").status_code == 404
        for script in ("swagger-ui-bundle.js", "swagger-ui-standalone-preset.js"):
            assert f"/schema/assets/{script}" in page.text
            asset = httpx.get(f"{url}/schema/assets/{script}")
            assert asset.status_code == 200, script
        init = httpx.get(f"{url}/schema/swagger-init.js")
        assert init.status_code == 200 and "/schema/openapi.json" in init.text
        assert "<script>" not in page.text.replace(" ", "")  # no inline script to allow


def test_production_metrics_need_the_token(serve_on: Callable[..., str]) -> None:
    closed = serve_on("production")
    assert httpx.get(f"{closed}/metrics").status_code == 404  # no token set: not served
    token = "metrics-token-0123456789abcdef0123456789"
    url = serve_on("production", metrics_token=token)
    for headers in ({}, {"Authorization": "Bearer wrong"}, {"Authorization": f"Basic {token}"}):
        r = httpx.get(f"{url}/metrics", headers=headers)
        assert_problem(r, 401)
        assert r.headers["www-authenticate"].startswith("Bearer")
        assert "refocused" not in r.text
    ok = httpx.get(f"{url}/metrics", headers={"Authorization": f"Bearer {token}"})
    assert ok.status_code == 200 and "refocused" in ok.text


# -- the settings behind these defences ------------------------------------------------------


@pytest.mark.parametrize(
    ("env", "message"),
    [
        ({"REFOCUSED_TRUSTED_PROXY_HOPS": "-1"}, "REFOCUSED_TRUSTED_PROXY_HOPS must be between"),
        ({"REFOCUSED_TRUSTED_PROXY_HOPS": "two"}, "REFOCUSED_TRUSTED_PROXY_HOPS='two'"),
        (
            {"REFOCUSED_TRUSTED_PROXIES": "10.0.0.0/8,gateway"},
            "REFOCUSED_TRUSTED_PROXIES: 'gateway'",
        ),
        ({"REFOCUSED_CLIENT_IP_HEADER": "x-real-ip"}, "expected one of x-forwarded-for, forwarded"),
        ({"REFOCUSED_METRICS_TOKEN": "short"}, "REFOCUSED_METRICS_TOKEN must be at least 32"),
    ],
)
def test_bad_edge_settings_name_their_variable(env: dict[str, str], message: str) -> None:
    with pytest.raises(SettingsError, match=message):
        Settings.from_env(env)


def test_docs_and_metrics_defaults_follow_the_profile() -> None:
    production = {
        "REFOCUSED_PROFILE": "production",
        "DATABASE_URL": "postgresql+asyncpg://u:p@db/x",
        "REDIS_URL": "redis://cache:6379/0",
        "REFOCUSED_SECRET_KEY": TEST_SECRET,
        "REFOCUSED_JOURNAL_KEK": TEST_KEK,
        "REFOCUSED_ACCESS_TOKEN_KEY": TEST_ACCESS_TOKEN_KEY,
    }
    assert (Settings.from_env({}).serves_docs, Settings.from_env({}).serves_metrics) == (True, True)
    prod = Settings.from_env(production)
    assert (prod.serves_docs, prod.serves_metrics) == (False, False)
    opted_in = Settings.from_env(
        {**production, "REFOCUSED_DOCS_ENABLED": "true", "REFOCUSED_METRICS_TOKEN": "t" * 32}
    )
    assert (opted_in.serves_docs, opted_in.serves_metrics) == (True, True)
    assert "t" * 32 not in repr(opted_in)


def test_the_older_proxy_switch_means_one_trusted_hop() -> None:
    assert Settings.from_env({"REFOCUSED_TRUST_PROXY_HEADERS": "true"}).proxy_hops == 1
