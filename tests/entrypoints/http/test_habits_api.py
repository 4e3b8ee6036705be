"""Habits over real HTTP: a habit's life, other users' habits, and bad input."""

from __future__ import annotations

import asyncio
from collections.abc import Callable
from datetime import date, timedelta

import httpx
import pytest
from sqlalchemy import func, select

from adapters.sql.engine import create_engine
from adapters.sql.tables.habits import habit_marks, habits
from adapters.sql.tables.pomodoro import pomodoro_daily, pomodoro_sessions
from entrypoints.settings import Settings
from tests.support.users import PASSWORD, bearer_user, browser_user

HABITS = "/api/v1/habits"


def assert_problem(r: httpx.Response, status: int) -> dict[str, object]:
    assert r.status_code == status, r.text
    assert r.headers["content-type"].startswith("application/problem+json")
    body = r.json()
    assert body["status"] == status and body["detail"]
    return body


def days_before(today: date, n: int) -> str:
    return (today - timedelta(days=n)).isoformat()


def test_a_browser_user_keeps_a_habit_and_sees_streak_calendar_and_dashboard(
    any_profile_url: str, users_today: Callable[..., date]
) -> None:
    today = users_today()
    user = browser_user(any_profile_url)
    c, h = user.client, user.headers
    r = c.post(HABITS, json={"name": "Read 20 pages"}, headers=h)
    assert r.status_code == 201, r.text
    habit = r.json()
    assert habit["schedule"] == {"kind": "daily", "weekdays": [], "times_per_week": None}
    hid = habit["id"]
    for n in (2, 1, 0):
        r = c.put(f"{HABITS}/{hid}/days/{days_before(today, n)}", headers=h)
        assert r.json() == {
            "habit_id": hid,
            "date": days_before(today, n),
            "done": True,
            "changed": True,
        }
    assert (
        c.put(f"{HABITS}/{hid}/days/{days_before(today, 0)}", headers=h).json()["changed"] is False
    )
    progress = c.get(f"{HABITS}/{hid}").json()
    assert progress["streak"] == {"current": 3, "best": 3, "unit": "days"}
    assert progress["done_today"] and progress["habit"]["completions"] == 3
    assert 0 < progress["strength"] < 100
    month = today.isoformat()[:7]
    calendar = c.get(f"{HABITS}/{hid}/calendar", params={"month": month}).json()
    assert today.isoformat() in [d["date"] for d in calendar["days"] if d["done"]]
    analytics = c.get(f"{HABITS}/{hid}/analytics").json()
    assert [r["days"] for r in analytics["rates"]] == [7, 30, 90]
    assert analytics["rates"][0]["rate"] == 1.0
    assert len(analytics["by_weekday"]) == 7
    dashboard = c.get(f"{HABITS}/dashboard").json()
    assert (dashboard["today"], dashboard["due_today"], dashboard["done_today"]) == (
        today.isoformat(),
        1,
        1,
    )
    undone = c.delete(f"{HABITS}/{hid}/days/{days_before(today, 0)}", headers=h)
    assert undone.status_code == 200 and undone.json()["changed"] is True
    assert c.get(f"{HABITS}/{hid}/streak").json() == {"current": 2, "best": 2, "unit": "days"}


def test_habits_are_renamed_favourited_archived_and_deleted(api_url: str) -> None:
    user = bearer_user(api_url)
    c, h = user.client, user.headers
    read = c.post(HABITS, json={"name": "Read"}, headers=h).json()
    walk = c.post(HABITS, json={"name": "Walk"}, headers=h).json()
    assert_problem(c.post(HABITS, json={"name": "  rEAD "}, headers=h), 409)
    assert_problem(c.patch(f"{HABITS}/{walk['id']}", json={"name": "read"}, headers=h), 409)
    r = c.patch(
        f"{HABITS}/{walk['id']}",
        json={
            "name": "Evening walk",
            "favourite": True,
            "schedule": {"kind": "weekdays", "weekdays": [5, 6]},
        },
        headers=h,
    )
    assert r.status_code == 200, r.text
    assert r.json()["schedule"]["weekdays"] == [5, 6]
    assert [x["name"] for x in c.get(HABITS, headers=h).json()] == ["Evening walk", "Read"]
    c.patch(f"{HABITS}/{read['id']}", json={"archived": True}, headers=h).raise_for_status()
    assert [x["name"] for x in c.get(HABITS, headers=h).json()] == ["Evening walk"]
    archived = c.get(HABITS, params={"include_archived": "true"}, headers=h).json()
    assert len(archived) == 2
    assert c.delete(f"{HABITS}/{read['id']}", headers=h).status_code == 204
    assert_problem(c.get(f"{HABITS}/{read['id']}", headers=h), 404)


def test_bulk_marks_apply_all_or_nothing(api_url: str, users_today: Callable[..., date]) -> None:
    today = users_today()
    user, other = bearer_user(api_url), bearer_user(api_url)
    c, h = user.client, user.headers
    read = c.post(HABITS, json={"name": "Read"}, headers=h).json()["id"]
    swim = c.post(
        HABITS,
        json={"name": "Swim", "schedule": {"kind": "times_per_week", "times_per_week": 2}},
        headers=h,
    ).json()["id"]
    theirs = other.client.post(HABITS, json={"name": "X"}, headers=other.headers).json()["id"]
    marks = [
        {"habit_id": read, "date": days_before(today, 1)},
        {"habit_id": swim, "date": days_before(today, 0)},
    ]
    r = c.post(f"{HABITS}/marks", json={"marks": marks}, headers=h)
    assert r.status_code == 200, r.text
    assert [m["changed"] for m in r.json()] == [True, True]
    with_foreign = [
        {"habit_id": read, "date": days_before(today, 2)},
        {"habit_id": theirs, "date": days_before(today, 0)},
    ]
    assert_problem(c.post(f"{HABITS}/marks", json={"marks": with_foreign}, headers=h), 404)
    assert c.get(f"{HABITS}/{read}", headers=h).json()["habit"]["completions"] == 1
    too_many = [{"habit_id": read, "date": days_before(today, i)} for i in range(101)]
    assert_problem(c.post(f"{HABITS}/marks", json={"marks": too_many}, headers=h), 400)
    assert_problem(c.post(f"{HABITS}/marks", json={"marks": []}, headers=h), 400)
    future = [{"habit_id": read, "date": days_before(today, -2)}]
    body = assert_problem(c.post(f"{HABITS}/marks", json={"marks": future}, headers=h), 422)
    assert body["errors"] == [{"field": "date", "message": body["detail"]}]


def test_another_users_habit_is_not_found_on_every_route(
    api_url: str, users_today: Callable[..., date]
) -> None:
    today = users_today()
    owner, intruder = bearer_user(api_url), bearer_user(api_url)
    hid = owner.client.post(HABITS, json={"name": "Mine"}, headers=owner.headers).json()["id"]
    owner.client.put(f"{HABITS}/{hid}/days/{days_before(today, 0)}", headers=owner.headers)
    c, h = intruder.client, intruder.headers
    month = today.isoformat()[:7]
    for r in (
        c.get(f"{HABITS}/{hid}", headers=h),
        c.patch(f"{HABITS}/{hid}", json={"name": "Stolen"}, headers=h),
        c.delete(f"{HABITS}/{hid}", headers=h),
        c.put(f"{HABITS}/{hid}/days/{days_before(today, 1)}", headers=h),
        c.delete(f"{HABITS}/{hid}/days/{days_before(today, 0)}", headers=h),
        c.get(f"{HABITS}/{hid}/streak", headers=h),
        c.get(f"{HABITS}/{hid}/calendar", params={"month": month}, headers=h),
        c.get(f"{HABITS}/{hid}/analytics", headers=h),
        c.post(
            f"{HABITS}/marks",
            json={"marks": [{"habit_id": hid, "date": days_before(today, 1)}]},
            headers=h,
        ),
    ):
        assert_problem(r, 404)
    assert c.get(HABITS, headers=h).json() == []
    assert c.get(f"{HABITS}/dashboard", headers=h).json()["habits"] == []
    mine = owner.client.get(f"{HABITS}/{hid}", headers=owner.headers).json()
    assert (mine["habit"]["name"], mine["habit"]["completions"]) == ("Mine", 1)


def test_today_and_future_follow_the_users_time_zone(
    api_url: str, users_today: Callable[..., date]
) -> None:
    zone = "Pacific/Kiritimati"  # UTC+14: its today is tomorrow in UTC most of the day
    user = bearer_user(api_url, time_zone=zone)
    today = users_today(zone)
    c, h = user.client, user.headers
    hid = c.post(HABITS, json={"name": "Stretch"}, headers=h).json()["id"]
    assert c.put(f"{HABITS}/{hid}/days/{today.isoformat()}", headers=h).status_code == 200
    tomorrow = days_before(today, -1)
    assert_problem(c.put(f"{HABITS}/{hid}/days/{tomorrow}", headers=h), 422)
    assert c.get(f"{HABITS}/dashboard", headers=h).json()["today"] == today.isoformat()


@pytest.mark.parametrize(
    ("method", "path", "body", "status"),
    [
        ("POST", HABITS, {"name": ""}, 400),
        ("POST", HABITS, {"name": "x" * 101}, 400),
        ("POST", HABITS, {"name": "x" * 401}, 400),
        ("POST", HABITS, {"name": 7}, 400),
        ("POST", HABITS, {"name": "A", "colour": "red"}, 400),
        ("POST", HABITS, {"name": "A", "schedule": {"kind": "weekdays", "weekdays": [9]}}, 400),
        ("POST", HABITS, {"name": "A", "schedule": {"kind": "weekdays", "weekdays": []}}, 422),
        ("POST", HABITS, {"name": "A", "schedule": {"kind": "weekdays", "weekdays": [1, 1]}}, 422),
        ("POST", HABITS, {"name": "A", "schedule": {"kind": "daily", "weekdays": [1]}}, 422),
        ("POST", HABITS, {"name": "A", "schedule": {"kind": "times_per_week"}}, 422),
        ("POST", HABITS, {"name": "A", "schedule": {"kind": "monthly"}}, 400),
        (
            "POST",
            HABITS,
            {"name": "A", "schedule": {"kind": "times_per_week", "times_per_week": 8}},
            400,
        ),
        ("GET", f"{HABITS}/not-an-id", None, 404),
        ("GET", f"{HABITS}/6d0f2f5e-2b0a-4c1e-9f1e-1a2b3c4d5e6f/analytics", None, 404),
        ("POST", f"{HABITS}/marks", {"marks": [{"habit_id": "x", "date": "2026-02-30"}]}, 400),
        ("POST", f"{HABITS}/marks", "not json at all", 400),
    ],
)
def test_bad_input_gets_a_problem_never_a_500(
    api_url: str, method: str, path: str, body: object, status: int
) -> None:
    user = bearer_user(api_url)
    r = user.client.request(method, path, json=body, headers=user.headers)
    assert_problem(r, status)


def test_bad_days_and_months_on_a_habit_get_a_problem(
    api_url: str, users_today: Callable[..., date]
) -> None:
    today = users_today()
    user = bearer_user(api_url)
    c, h = user.client, user.headers
    hid = c.post(HABITS, json={"name": "Read"}, headers=h).json()["id"]
    assert_problem(c.put(f"{HABITS}/{hid}/days/yesterday", headers=h), 400)
    assert_problem(c.put(f"{HABITS}/{hid}/days/2026-02-30", headers=h), 400)
    assert_problem(c.put(f"{HABITS}/{hid}/days/{days_before(today, 400)}", headers=h), 422)
    assert_problem(c.put(f"{HABITS}/{hid}/days/{days_before(today, -1)}", headers=h), 422)
    r = c.get(f"{HABITS}/{hid}/calendar", params={"month": "1999-01"}, headers=h)
    assert_problem(r, 422)
    for month in ("March", "2026-1", "2026-13"):  # not the documented pattern
        r = c.get(f"{HABITS}/{hid}/calendar", params={"month": month}, headers=h)
        assert_problem(r, 400)
    assert_problem(c.get(f"{HABITS}/{hid}/calendar", headers=h), 400)
    assert c.get(f"{HABITS}/{hid}", headers=h).json()["habit"]["completions"] == 0


def test_habits_need_a_signed_in_user_and_csrf_for_cookie_writes(api_url: str) -> None:
    assert_problem(httpx.get(f"{api_url}{HABITS}/dashboard"), 401)
    user = browser_user(api_url)
    assert_problem(user.client.post(HABITS, json={"name": "Read"}), 403)
    assert user.client.get(HABITS).json() == []


def test_the_export_holds_habits_with_their_days(
    api_url: str, users_today: Callable[..., date]
) -> None:
    today = users_today()
    user = bearer_user(api_url)
    c, h = user.client, user.headers
    hid = c.post(HABITS, json={"name": "Read"}, headers=h).json()["id"]
    c.put(f"{HABITS}/{hid}/days/{days_before(today, 1)}", headers=h).raise_for_status()
    [exported] = c.post("/api/v1/users/me/export", headers=h).json()["habits"]
    assert (exported["id"], exported["done_days"]) == (hid, [days_before(today, 1)])


def test_deleting_the_account_removes_its_habits_and_pomodoro_history(
    make_settings: Callable[..., Settings],
    serve: Callable[..., str],
    users_today: Callable[..., date],
) -> None:
    today = users_today()
    settings = make_settings()
    api_url = serve(settings)
    user = bearer_user(api_url)
    c, h = user.client, user.headers
    hid = c.post(HABITS, json={"name": "Read"}, headers=h).json()["id"]
    c.put(f"{HABITS}/{hid}/days/{days_before(today, 0)}", headers=h).raise_for_status()
    sid = c.post("/api/v1/pomodoro/sessions", json={}, headers=h).json()["id"]
    c.post(f"/api/v1/pomodoro/sessions/{sid}/complete", headers=h).raise_for_status()

    async def rows_left() -> int:
        engine = create_engine(settings.effective_database_url)
        try:
            async with engine.connect() as connection:
                total = 0
                for table in (habits, habit_marks, pomodoro_sessions, pomodoro_daily):
                    query = select(func.count()).where(table.c.user_id == user.user_id)
                    total += await connection.scalar(query) or 0
                return total
        finally:
            await engine.dispose()

    assert asyncio.run(rows_left()) == 4  # a habit, its day, a session, its day's totals
    r = c.request("DELETE", "/api/v1/users/me", json={"password": PASSWORD}, headers=h)
    assert r.status_code == 204, r.text
    assert asyncio.run(rows_left()) == 0
