"""Two devices at once, over real HTTP: completions and marks sent in parallel lose nothing and
count nothing twice, on both profiles (SQLite queues writers; PostgreSQL really interleaves)."""

from __future__ import annotations

from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from datetime import date, timedelta

import httpx

from tests.support.users import bearer_user

PARALLEL = 8


def test_one_session_completed_from_many_devices_counts_once(any_profile_url: str) -> None:
    user = bearer_user(any_profile_url)
    sid = user.client.post("/api/v1/pomodoro/sessions", json={}, headers=user.headers).json()["id"]

    def complete(_: int) -> int:
        with httpx.Client(base_url=any_profile_url, timeout=30) as device:
            r = device.post(
                f"/api/v1/pomodoro/sessions/{sid}/complete",
                json={"tasks_done": 1},
                headers=user.headers,
            )
            return r.status_code

    with ThreadPoolExecutor(PARALLEL) as pool:
        statuses = sorted(pool.map(complete, range(PARALLEL)))
    assert statuses == [200] + [409] * (PARALLEL - 1)
    today = user.client.get("/api/v1/pomodoro/stats", headers=user.headers).json()["today"]
    assert (today["focus_sessions"], today["tasks_done"]) == (1, 1)


def test_days_marked_from_two_devices_at_once_are_each_counted_once(
    any_profile_url: str, users_today: Callable[..., date]
) -> None:
    user = bearer_user(any_profile_url)
    hid = user.client.post("/api/v1/habits", json={"name": "Read"}, headers=user.headers).json()[
        "id"
    ]
    today = users_today()
    days = [(today - timedelta(days=i)).isoformat() for i in range(PARALLEL)]

    def mark(day: str) -> bool:
        with httpx.Client(base_url=any_profile_url, timeout=30) as device:
            r = device.put(f"/api/v1/habits/{hid}/days/{day}", headers=user.headers)
            r.raise_for_status()
            return bool(r.json()["changed"])

    with ThreadPoolExecutor(PARALLEL) as pool:
        changed = list(pool.map(mark, days + days))
    assert sum(changed) == PARALLEL
    habit = user.client.get(f"/api/v1/habits/{hid}", headers=user.headers).json()
    assert habit["habit"]["completions"] == PARALLEL
    assert habit["streak"]["current"] == PARALLEL
