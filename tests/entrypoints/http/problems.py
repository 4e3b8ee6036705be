"""Assertions shared by the everyday-domain API tests."""

from __future__ import annotations

import uuid
from typing import Any

import httpx


def assert_problem(r: httpx.Response, status: int) -> dict[str, Any]:
    """A problem-details answer with the given status and a message a person can act on."""
    assert r.status_code == status, r.text
    assert r.headers["content-type"].startswith("application/problem+json")
    body: dict[str, Any] = r.json()
    assert body["status"] == status and body["detail"]
    return body


def assert_4xx_problem(r: httpx.Response) -> dict[str, Any]:
    assert 400 <= r.status_code < 500, r.text
    return assert_problem(r, r.status_code)


def unknown_id() -> str:
    return str(uuid.uuid4())
