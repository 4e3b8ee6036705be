"""What an operator reads: at /metrics each route's requests counted by status and timed, under
the route's template (never the ids in its path), none left in progress; in the access log each
request's status, also for one the gate refuses."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import httpx
import pytest
from litestar.testing import TestClient
from prometheus_client.parser import text_string_to_metric_families

from entrypoints.http import gate
from entrypoints.http.app import create_app
from entrypoints.settings import Settings
from tests.support.users import bearer_user

TOKEN = "metrics-token-0123456789abcdef0123456789"


def scrape(url: str) -> dict[tuple[str, tuple[tuple[str, str], ...]], float]:
    r = httpx.get(f"{url}/metrics", headers={"Authorization": f"Bearer {TOKEN}"})
    assert r.status_code == 200, r.text
    return {
        (sample.name, tuple(sorted(sample.labels.items()))): sample.value
        for family in text_string_to_metric_families(r.text)
        for sample in family.samples
    }


def series(path: str, status: int | None, method: str = "GET") -> tuple[tuple[str, str], ...]:
    labels = {"app_name": "refocused", "method": method, "path": path}
    if status is not None:
        labels["status_code"] = str(status)
    return tuple(sorted(labels.items()))


def test_each_routes_requests_are_counted_by_status_and_timed_under_its_template(
    serve_on: Callable[..., str],
) -> None:
    url = serve_on("production", metrics_token=TOKEN)
    user = bearer_user(url)
    c, h = user.client, user.headers
    habit = c.post("/api/v1/habits", json={"name": "Walk"}, headers=h).json()
    me, template = "/api/v1/auth/me", "/api/v1/habits/{habit_id}"
    before = scrape(url)

    for _ in range(3):
        assert c.get(me, headers=h).status_code == 200
    assert c.get(me).status_code == 401
    refused = c.post(
        "/api/v1/habits", content=b"name=Walk", headers={**h, "Content-Type": "text/plain"}
    )
    assert refused.status_code == 415  # refused by the gate, before any handler
    assert c.get(f"/api/v1/habits/{habit['id']}", headers=h).status_code == 200

    after = scrape(url)

    def grew(name: str, labels: tuple[tuple[str, str], ...]) -> float:
        return after[(name, labels)] - before.get((name, labels), 0.0)

    assert grew("litestar_requests_total", series(me, 200)) == 3
    assert grew("litestar_requests_total", series(me, 401)) == 1
    assert grew("litestar_request_duration_seconds_count", series(me, 200)) == 3
    assert 0 < grew("litestar_request_duration_seconds_sum", series(me, 200)) < 30
    assert grew("litestar_requests_total", series("/api/v1/habits", 415, "POST")) == 1
    assert grew("litestar_requests_total", series(template, 200)) == 1
    assert not any(habit["id"] in dict(labels).get("path", "") for _, labels in after)
    # Litestar labels the gauge with status 200 whatever the answer; none is left in progress.
    assert after[("litestar_requests_in_progress", series(me, 200))] == 0


class Recorder:
    def __init__(self) -> None:
        self.entries: list[dict[str, Any]] = []

    def info(self, event: str, **fields: Any) -> None:
        self.entries.append({"event": event, **fields})

    def exception(self, *args: Any, **fields: Any) -> None:
        pass


def test_a_request_the_gate_refuses_is_logged_under_the_status_it_gets(
    make_settings: Callable[..., Settings], monkeypatch: pytest.MonkeyPatch
) -> None:
    """The gate refuses a stranger on a signed-in route (401) or a form body (415) itself; the
    app's handlers outside it answer, and its access line must say so, not 500."""
    recorder = Recorder()
    monkeypatch.setattr(gate, "access_log", recorder)
    with TestClient(create_app(make_settings())) as client:
        assert client.get("/api/v1/habits").status_code == 401
        assert client.get("/api/v1/auth/me").status_code == 401
        form = client.post("/api/v1/habits", content=b"x", headers={"Content-Type": "text/plain"})
        assert form.status_code == 415
    statuses = [e["status"] for e in recorder.entries if e["event"] == "http.request"]
    assert statuses == [401, 401, 415]
