"""Identity over real HTTP, on both profiles: what a browser and a mobile client do."""

from __future__ import annotations

import httpx
import pytest

from tests.support.users import PASSWORD, bearer_user, browser_user, unique_email


def test_a_browser_registers_then_signs_in_with_http_only_cookies(any_profile_url: str) -> None:
    with httpx.Client(base_url=any_profile_url) as c:
        email = unique_email()
        registered = c.post("/api/v1/auth/register", json={"email": email, "password": PASSWORD})
        assert registered.status_code == 202 and "set-cookie" not in registered.headers
        r = c.post("/api/v1/auth/login", json={"email": email, "password": PASSWORD})
        assert r.status_code == 200
        set_cookie = r.headers.get_list("set-cookie")
        access = next(h for h in set_cookie if h.startswith("rf_access="))
        assert "HttpOnly" in access and "SameSite=lax" in access
        assert "access_token" not in r.text and "refresh_token" not in r.text
        me = c.get("/api/v1/auth/me")
        assert me.status_code == 200 and me.json()["id"] == r.json()["user"]["id"]
        assert me.headers["cache-control"] == "no-store"


def test_a_mobile_client_gets_oauth_style_tokens_and_uses_bearer(any_profile_url: str) -> None:
    user = bearer_user(any_profile_url)
    r = user.client.get("/api/v1/auth/me", headers=user.headers)
    assert r.status_code == 200 and r.json()["email"] == user.email
    refreshed = user.client.post(
        "/api/v1/auth/token",
        json={"grant_type": "refresh_token", "refresh_token": user.refresh_token},
    )
    assert refreshed.status_code == 200
    body = refreshed.json()
    assert body["token_type"] == "Bearer" and body["expires_in"] == 900
    assert body["refresh_token"] != user.refresh_token


def test_a_reused_refresh_token_ends_the_session_for_everyone(any_profile_url: str) -> None:
    user = bearer_user(any_profile_url)
    grant = {"grant_type": "refresh_token", "refresh_token": user.refresh_token}
    fresh = user.client.post("/api/v1/auth/token", json=grant).json()
    replay = user.client.post("/api/v1/auth/token", json=grant)
    assert replay.status_code == 401
    assert replay.headers["content-type"].startswith("application/problem+json")
    newer = user.client.post(
        "/api/v1/auth/token",
        json={"grant_type": "refresh_token", "refresh_token": fresh["refresh_token"]},
    )
    assert newer.status_code == 401
    me = user.client.get(
        "/api/v1/auth/me", headers={"Authorization": f"Bearer {fresh['access_token']}"}
    )
    assert me.status_code == 401


def test_logout_ends_access_at_once(any_profile_url: str) -> None:
    user = bearer_user(any_profile_url)
    assert user.client.post("/api/v1/auth/logout", headers=user.headers).status_code == 204
    assert user.client.get("/api/v1/auth/me", headers=user.headers).status_code == 401


def test_a_browser_refreshes_with_its_cookie_and_csrf_header(any_profile_url: str) -> None:
    user = browser_user(any_profile_url)
    old_refresh = user.client.cookies.get("rf_refresh")
    assert user.client.post("/api/v1/auth/refresh").status_code == 403
    r = user.client.post("/api/v1/auth/refresh", headers=user.headers)
    assert r.status_code == 200
    assert user.client.cookies.get("rf_refresh") != old_refresh
    user.csrf = r.json()["csrf_token"]
    assert user.client.get("/api/v1/auth/me").status_code == 200


def test_changing_the_password_signs_out_other_devices(any_profile_url: str) -> None:
    laptop = browser_user(any_profile_url)
    phone = httpx.Client(base_url=any_profile_url)
    tokens = phone.post(
        "/api/v1/auth/token",
        json={"grant_type": "password", "username": laptop.email, "password": PASSWORD},
    ).json()
    r = laptop.client.post(
        "/api/v1/auth/change-password",
        json={"current_password": PASSWORD, "new_password": "a brand new passphrase"},
        headers=laptop.headers,
    )
    assert r.status_code == 200
    laptop.csrf = r.json()["csrf_token"]
    assert laptop.client.get("/api/v1/auth/me").status_code == 200
    bearer = {"Authorization": f"Bearer {tokens['access_token']}"}
    assert phone.get("/api/v1/auth/me", headers=bearer).status_code == 401
    relogin = phone.post(
        "/api/v1/auth/login", json={"email": laptop.email, "password": "a brand new passphrase"}
    )
    assert relogin.status_code == 200


def test_the_session_list_marks_the_current_device_and_can_sign_one_out(
    any_profile_url: str,
) -> None:
    user = bearer_user(any_profile_url)
    laptop = httpx.post(
        f"{any_profile_url}/api/v1/auth/login", json={"email": user.email, "password": PASSWORD}
    )
    assert laptop.status_code == 200
    sessions = user.client.get("/api/v1/auth/sessions", headers=user.headers).json()
    assert len(sessions) == 2  # the token grant's and the browser's
    other = next(s for s in sessions if not s["current"])
    r = user.client.delete(f"/api/v1/auth/sessions/{other['id']}", headers=user.headers)
    assert r.status_code == 204
    left = user.client.get("/api/v1/auth/sessions", headers=user.headers).json()
    assert [s["current"] for s in left] == [True]


def test_profile_updates_and_export_and_deletion(any_profile_url: str) -> None:
    user = browser_user(any_profile_url)
    r = user.client.patch(
        "/api/v1/users/me",
        json={"time_zone": "America/New_York", "display_name": "Ada"},
        headers=user.headers,
    )
    assert r.status_code == 200 and r.json()["time_zone"] == "America/New_York"
    bad = user.client.patch(
        "/api/v1/users/me", json={"time_zone": "Mars/Base"}, headers=user.headers
    )
    assert bad.status_code == 422 and bad.json()["errors"][0]["field"] == "time_zone"
    export = user.client.post("/api/v1/users/me/export", headers=user.headers)
    assert export.status_code == 200
    assert export.json()["account"]["email"] == user.email
    assert "attachment" in export.headers["content-disposition"]
    refused = user.client.request(
        "DELETE", "/api/v1/users/me", json={"password": "nope"}, headers=user.headers
    )
    assert refused.status_code == 401
    gone = user.client.request(
        "DELETE", "/api/v1/users/me", json={"password": PASSWORD}, headers=user.headers
    )
    assert gone.status_code == 204
    again = httpx.post(
        f"{any_profile_url}/api/v1/auth/login", json={"email": user.email, "password": PASSWORD}
    )
    assert again.status_code == 401


def test_operations_endpoints_answer(any_profile_url: str, request: pytest.FixtureRequest) -> None:
    assert httpx.get(f"{any_profile_url}/health").json() == {"status": "ok"}
    ready = httpx.get(f"{any_profile_url}/ready")
    assert ready.status_code == 200
    assert ready.json()["checks"] == {"database": "ok", "cache": "ok"}
    metrics = httpx.get(f"{any_profile_url}/metrics")
    # Open on a developer's machine; production serves them only with a token
    # (test_edge_attacks.py::test_production_metrics_need_the_token).
    if request.node.callspec.params["any_profile_url"] == "embedded":
        assert metrics.status_code == 200 and "refocused" in metrics.text
    else:
        assert metrics.status_code == 404
