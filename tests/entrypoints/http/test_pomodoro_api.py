"""Pomodoro over real HTTP: a timer's whole day, other users' sessions, and bad input."""

from __future__ import annotations

from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from datetime import date, timedelta

import httpx
import pytest

from tests.support.users import bearer_user, browser_user

SESSIONS = "/api/v1/pomodoro/sessions"
PARALLEL_STARTS = 8


def assert_problem(r: httpx.Response, status: int) -> dict[str, object]:
    assert r.status_code == status, r.text
    assert r.headers["content-type"].startswith("application/problem+json")
    body = r.json()
    assert body["status"] == status and body["detail"]
    return body


def test_a_browser_user_runs_a_focus_session_and_sees_it_in_todays_stats(
    any_profile_url: str,
) -> None:
    user = browser_user(any_profile_url)
    c, h = user.client, user.headers
    settings = c.get("/api/v1/pomodoro/settings").json()
    assert (settings["focus_minutes"], settings["long_break_every"]) == (25, 4)
    r = c.patch("/api/v1/pomodoro/settings", json={"focus_minutes": 1}, headers=h)
    assert r.status_code == 200 and r.json()["short_break_minutes"] == 5
    session = c.post(SESSIONS, json={"kind": "focus"}, headers=h).json()
    assert (session["status"], session["planned_seconds"]) == ("running", 60)
    assert c.get("/api/v1/pomodoro/current").json()["session"]["id"] == session["id"]
    r = c.post(f"{SESSIONS}/{session['id']}/tasks", json={"count": 2}, headers=h)
    assert r.json()["tasks_done"] == 2
    done = c.post(f"{SESSIONS}/{session['id']}/complete", json={"tasks_done": 1}, headers=h)
    assert done.status_code == 200, done.text
    assert (done.json()["status"], done.json()["tasks_done"]) == ("completed", 3)
    assert done.json()["actual_seconds"] is not None
    again = c.post(f"{SESSIONS}/{session['id']}/complete", headers=h)
    assert_problem(again, 409)
    stats = c.get("/api/v1/pomodoro/stats").json()
    assert stats["today"]["focus_sessions"] == 1
    assert stats["today"]["tasks_done"] == 3
    assert stats["last_7_days"]["focus_sessions"] == 1
    assert len(stats["last_30_days"]["days"]) == 30
    current = c.get("/api/v1/pomodoro/current").json()
    assert (current["session"], current["next_kind"]) == (None, "short_break")
    assert [s["id"] for s in c.get(SESSIONS).json()] == [session["id"]]


def test_stats_count_on_the_users_own_day_far_from_utc(
    api_url: str, users_today: Callable[..., date]
) -> None:
    zone = "Pacific/Kiritimati"  # UTC+14: most of the time a different date than UTC
    user = bearer_user(api_url, time_zone=zone)
    c, h = user.client, user.headers
    today = users_today(zone)
    session = c.post(SESSIONS, json={"kind": "short_break"}, headers=h).json()
    c.post(f"{SESSIONS}/{session['id']}/complete", headers=h).raise_for_status()
    done = c.get(f"{SESSIONS}/{session['id']}", headers=h).json()
    assert done["local_date"] == today.isoformat()
    r = c.get(
        "/api/v1/pomodoro/stats/range",
        params={"from": (today - timedelta(days=1)).isoformat(), "to": today.isoformat()},
        headers=h,
    )
    assert [(d["date"], d["break_sessions"]) for d in r.json()["days"]] == [
        ((today - timedelta(days=1)).isoformat(), 0),
        (today.isoformat(), 1),
    ]


def test_another_users_session_is_not_found_on_every_route(api_url: str) -> None:
    owner, intruder = bearer_user(api_url), bearer_user(api_url)
    session = owner.client.post(SESSIONS, json={}, headers=owner.headers).json()
    c, h = intruder.client, intruder.headers
    sid = session["id"]
    for r in (
        c.get(f"{SESSIONS}/{sid}", headers=h),
        c.post(f"{SESSIONS}/{sid}/complete", headers=h),
        c.post(f"{SESSIONS}/{sid}/abandon", headers=h),
        c.post(f"{SESSIONS}/{sid}/tasks", headers=h),
    ):
        assert_problem(r, 404)
    assert c.get(SESSIONS, headers=h).json() == []
    assert c.get("/api/v1/pomodoro/current", headers=h).json()["session"] is None
    mine = owner.client.get(f"{SESSIONS}/{sid}", headers=owner.headers).json()
    assert (mine["status"], mine["tasks_done"]) == ("running", 0)


def test_an_abandoned_session_cannot_be_completed_and_counts_nothing(api_url: str) -> None:
    user = bearer_user(api_url)
    c, h = user.client, user.headers
    sid = c.post(SESSIONS, json={}, headers=h).json()["id"]
    assert c.post(f"{SESSIONS}/{sid}/abandon", headers=h).json()["status"] == "abandoned"
    assert_problem(c.post(f"{SESSIONS}/{sid}/complete", headers=h), 409)
    assert_problem(c.post(f"{SESSIONS}/{sid}/tasks", headers=h), 409)
    assert c.get("/api/v1/pomodoro/stats", headers=h).json()["today"]["focus_sessions"] == 0


@pytest.mark.parametrize(
    ("method", "path", "body", "status"),
    [
        # Outside the ranges the document states: the decoder's 400.
        ("PATCH", "/api/v1/pomodoro/settings", {"focus_minutes": 0}, 400),
        ("PATCH", "/api/v1/pomodoro/settings", {"long_break_every": 13}, 400),
        ("PATCH", "/api/v1/pomodoro/settings", {"focus_minutes": "long"}, 400),
        ("PATCH", "/api/v1/pomodoro/settings", {"colour": "red"}, 400),
        ("POST", SESSIONS, {"kind": "nap"}, 400),
        ("POST", SESSIONS, {"planned_minutes": 500}, 400),
        ("POST", SESSIONS, {"planned_minutes": -1}, 400),
        ("GET", f"{SESSIONS}?limit=0", None, 400),
        ("GET", f"{SESSIONS}/not-a-session", None, 404),
        ("POST", f"{SESSIONS}/6d0f2f5e-2b0a-4c1e-9f1e-1a2b3c4d5e6f/complete", None, 404),
        ("GET", "/api/v1/pomodoro/stats/range?from=2026-03-02&to=2026-03-01", None, 422),
        ("GET", "/api/v1/pomodoro/stats/range?from=2024-01-01&to=2026-01-01", None, 422),
        ("GET", "/api/v1/pomodoro/stats/range?from=1900-01-01&to=1900-01-02", None, 422),
        ("GET", "/api/v1/pomodoro/stats/range?from=yesterday&to=2026-01-01", None, 400),
        ("GET", "/api/v1/pomodoro/stats/range?from=2026-01-01", None, 400),
    ],
)
def test_bad_input_gets_a_problem_never_a_500(
    api_url: str, method: str, path: str, body: object, status: int
) -> None:
    user = bearer_user(api_url)
    r = user.client.request(method, path, json=body, headers=user.headers)
    assert_problem(r, status)


def test_bad_tasks_counts_are_refused(api_url: str) -> None:
    user = bearer_user(api_url)
    c, h = user.client, user.headers
    sid = c.post(SESSIONS, json={}, headers=h).json()["id"]
    # Outside the ranges the document states (1-100 and 0-100): the decoder's 400.
    assert_problem(c.post(f"{SESSIONS}/{sid}/tasks", json={"count": 0}, headers=h), 400)
    assert_problem(c.post(f"{SESSIONS}/{sid}/complete", json={"tasks_done": 101}, headers=h), 400)
    assert_problem(c.post(f"{SESSIONS}/{sid}/complete", json={"tasks_done": -1}, headers=h), 400)
    assert c.get(f"{SESSIONS}/{sid}", headers=h).json()["status"] == "running"


def test_pomodoro_needs_a_signed_in_user_and_csrf_for_cookie_writes(api_url: str) -> None:
    assert_problem(httpx.get(f"{api_url}/api/v1/pomodoro/stats"), 401)
    user = browser_user(api_url)
    assert_problem(user.client.post(SESSIONS, json={}), 403)
    assert user.client.get(SESSIONS).json() == []


def test_the_export_holds_the_users_sessions_and_settings(api_url: str) -> None:
    user = bearer_user(api_url)
    c, h = user.client, user.headers
    c.patch("/api/v1/pomodoro/settings", json={"long_break_every": 3}, headers=h)
    sid = c.post(SESSIONS, json={}, headers=h).json()["id"]
    c.post(f"{SESSIONS}/{sid}/complete", headers=h).raise_for_status()
    exported = c.post("/api/v1/users/me/export", headers=h).json()["pomodoro"]
    assert exported["settings"]["long_break_every"] == 3
    assert [(s["id"], s["status"]) for s in exported["sessions"]] == [(sid, "completed")]


def test_starting_while_a_session_runs_answers_409_naming_it_unless_replacing(
    any_profile_url: str,
) -> None:
    user = bearer_user(any_profile_url)
    c, h = user.client, user.headers
    first = c.post(SESSIONS, json={"kind": "focus"}, headers=h).json()
    refused = assert_problem(c.post(SESSIONS, json={"kind": "short_break"}, headers=h), 409)
    assert refused["running_session_id"] == first["id"]
    assert first["id"] in refused["detail"]
    assert c.get(f"{SESSIONS}/{first['id']}", headers=h).json()["status"] == "running"
    assert [s["id"] for s in c.get(SESSIONS, headers=h).json()] == [first["id"]]
    second = c.post(f"{SESSIONS}?replace=true", json={"kind": "short_break"}, headers=h)
    assert second.status_code == 201, second.text
    assert c.get(f"{SESSIONS}/{first['id']}", headers=h).json()["status"] == "abandoned"
    current = c.get("/api/v1/pomodoro/current", headers=h).json()
    assert current["session"]["id"] == second.json()["id"]


@pytest.mark.parametrize("replace", [False, True])
def test_parallel_starts_leave_exactly_one_running_session_and_current_finds_it(
    any_profile_url: str, replace: bool
) -> None:
    user = bearer_user(any_profile_url)
    url = f"{SESSIONS}?replace=true" if replace else SESSIONS

    def start(_: int) -> httpx.Response:
        with httpx.Client(base_url=any_profile_url, timeout=30) as device:
            return device.post(url, json={}, headers=user.headers)

    with ThreadPoolExecutor(PARALLEL_STARTS) as pool:
        answers = list(pool.map(start, range(PARALLEL_STARTS)))
    assert sorted({r.status_code for r in answers} - {409}) == [201], [r.text for r in answers]
    history = user.client.get(SESSIONS, headers=user.headers).json()
    [running] = [s for s in history if s["status"] == "running"]
    if not replace:
        assert [r.status_code for r in answers].count(201) == 1
        assert {r.json()["running_session_id"] for r in answers if r.status_code == 409} == {
            running["id"]
        }
    current = user.client.get("/api/v1/pomodoro/current", headers=user.headers).json()
    assert current["session"]["id"] == running["id"]


def test_a_start_without_a_body_is_a_focus_session_of_the_set_length(api_url: str) -> None:
    user = bearer_user(api_url)
    c, h = user.client, user.headers
    c.patch("/api/v1/pomodoro/settings", json={"focus_minutes": 40}, headers=h)
    r = c.post(SESSIONS, headers=h)
    assert r.status_code == 201, r.text
    assert (r.json()["kind"], r.json()["planned_seconds"]) == ("focus", 40 * 60)
