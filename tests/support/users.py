"""Signing users up over HTTP, the way a client does."""

from __future__ import annotations

import base64
import json
import uuid
from dataclasses import dataclass
from typing import Any

import httpx

PASSWORD = "correct horse battery"


def unique_email() -> str:
    return f"user-{uuid.uuid4().hex[:12]}@example.com"


@dataclass
class BrowserUser:
    """A cookie-authenticated client; `csrf` goes in X-CSRF-Token on unsafe requests."""

    client: httpx.Client
    csrf: str
    user_id: str
    email: str

    @property
    def headers(self) -> dict[str, str]:
        return {"X-CSRF-Token": self.csrf}


@dataclass
class BearerUser:
    client: httpx.Client
    access_token: str
    refresh_token: str
    user_id: str
    email: str

    @property
    def headers(self) -> dict[str, str]:
        return {"Authorization": f"Bearer {self.access_token}"}


def register(client: httpx.Client, email: str, *, time_zone: str = "UTC") -> None:
    """Registering answers 202 and signs nobody in, whether or not the address is taken."""
    r = client.post(
        "/api/v1/auth/register",
        json={"email": email, "password": PASSWORD, "time_zone": time_zone},
    )
    assert r.status_code == 202, r.text


def browser_user(api_url: str, *, time_zone: str = "UTC", email: str | None = None) -> BrowserUser:
    """Registers, then signs in with /auth/login: the client holds the cookies."""
    client = httpx.Client(base_url=api_url, timeout=30)
    email = email or unique_email()
    register(client, email, time_zone=time_zone)
    r = client.post("/api/v1/auth/login", json={"email": email, "password": PASSWORD})
    assert r.status_code == 200, r.text
    body = r.json()
    return BrowserUser(client, body["csrf_token"], body["user"]["id"], email)


def bearer_user(api_url: str, *, time_zone: str = "UTC", email: str | None = None) -> BearerUser:
    """Registers, then gets tokens from /auth/token; the client itself holds no cookies."""
    email = email or unique_email()
    with httpx.Client(base_url=api_url, timeout=30) as c:
        register(c, email, time_zone=time_zone)
    client = httpx.Client(base_url=api_url, timeout=30)
    r = client.post(
        "/api/v1/auth/token",
        json={"grant_type": "password", "username": email, "password": PASSWORD},
    )
    assert r.status_code == 200, r.text
    tokens = r.json()
    user_id = _subject(tokens["access_token"])
    return BearerUser(client, tokens["access_token"], tokens["refresh_token"], user_id, email)


def _subject(jwt: str) -> str:
    """The user id in an access token, read without checking it (the API checks it)."""
    payload = jwt.split(".")[1]
    return str(json.loads(base64.urlsafe_b64decode(payload + "=" * (-len(payload) % 4)))["sub"])


def tokens_in_process(client: Any, email: str | None = None) -> dict[str, str]:
    """Registers through an in-process client (Litestar's TestClient) and signs in for tokens:
    {"access": ..., "refresh": ...}."""
    email = email or unique_email()
    body = {"email": email, "password": PASSWORD, "time_zone": "UTC"}
    assert client.post("/api/v1/auth/register", json=body).status_code == 202
    r = client.post(
        "/api/v1/auth/token",
        json={"grant_type": "password", "username": email, "password": PASSWORD},
    )
    assert r.status_code == 200, r.text
    return {"access": r.json()["access_token"], "refresh": r.json()["refresh_token"]}
