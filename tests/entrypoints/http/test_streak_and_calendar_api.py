"""The app streak, the calendar day view and the dashboard over real HTTP: fed by actions in
every domain, on the user's own day, private to each user, and in the account's export."""

from __future__ import annotations

from collections.abc import Callable
from datetime import date, timedelta

import httpx

from tests.entrypoints.http.problems import assert_4xx_problem, assert_problem
from tests.support.users import PASSWORD, bearer_user, browser_user


def test_actions_in_any_domain_keep_one_streak_that_counts_each_day_once(
    any_profile_url: str,
) -> None:
    user = browser_user(any_profile_url)
    c, h = user.client, user.headers
    assert c.get("/api/v1/streak").json()["current"] == 0
    focus = c.post("/api/v1/pomodoro/sessions", json={"kind": "focus"}, headers=h).json()
    c.post(f"/api/v1/pomodoro/sessions/{focus['id']}/complete", headers=h).raise_for_status()
    c.post(
        "/api/v1/mood/entries", json={"happiness": 4, "focus": 4, "stress": 2}, headers=h
    ).raise_for_status()
    c.post(
        "/api/v1/breathing/sessions",
        json={"technique": "box", "cycles": 4, "duration_seconds": 64},
        headers=h,
    ).raise_for_status()
    streak = c.get("/api/v1/streak").json()
    assert (streak["current"], streak["longest"], streak["active_today"]) == (1, 1, True)
    days = c.get("/api/v1/streak/days", params={"from": streak["today"], "to": streak["today"]})
    assert days.json() == [{"date": streak["today"], "actions": 3}]


def test_the_day_view_and_dashboard_join_the_users_own_day(
    any_profile_url: str, users_today: Callable[..., date]
) -> None:
    zone = "Pacific/Kiritimati"
    user = browser_user(any_profile_url, time_zone=zone)
    c, h = user.client, user.headers
    today = users_today(zone)
    c.post(
        "/api/v1/mood/entries", json={"happiness": 5, "focus": 3, "stress": 1}, headers=h
    ).raise_for_status()
    c.post(
        "/api/v1/breathing/sessions",
        json={"technique": "4-7-8", "cycles": 4, "duration_seconds": 76},
        headers=h,
    ).raise_for_status()
    goal = c.post(
        "/api/v1/goals",
        json={"title": "Sleep by 11", "horizon": "two_week", "kind": "counter", "target": 14},
        headers=h,
    ).json()

    focus = c.post("/api/v1/pomodoro/sessions", json={"kind": "focus"}, headers=h).json()
    c.post(f"/api/v1/pomodoro/sessions/{focus['id']}/complete", headers=h).raise_for_status()
    habit = c.post("/api/v1/habits", json={"name": "Stretch"}, headers=h).json()
    c.put(f"/api/v1/habits/{habit['id']}/days/{today}", headers=h).raise_for_status()

    day = c.get(f"/api/v1/calendar/{today}").json()
    assert (day["date"], day["time_zone"], day["is_today"]) == (str(today), zone, True)
    sections = day["sections"]
    assert sections["activity"] == {"active": True, "actions": 4}
    assert sections["focus"]["focus_sessions"] == 1
    assert sections["habits"]["habits"] == [
        {"id": habit["id"], "name": "Stretch", "done": True, "scheduled": True}
    ]
    assert sections["mood"]["average"] == {"happiness": 5.0, "focus": 3.0, "stress": 1.0}
    assert (sections["breathing"]["sessions"], sections["breathing"]["techniques"]) == (
        1,
        ["4-7-8"],
    )
    assert [g["id"] for g in sections["goals"]["running"]] == [goal["id"]]

    yesterday = c.get(f"/api/v1/calendar/{today - timedelta(days=1)}").json()
    assert yesterday["sections"]["activity"] == {"active": False, "actions": 0}
    assert yesterday["sections"]["mood"]["entries"] == []
    assert yesterday["sections"]["goals"]["running"] == []
    assert yesterday["sections"]["focus"]["focus_sessions"] == 0
    assert yesterday["sections"]["habits"]["done"] == 0

    month = c.get(f"/api/v1/calendar/months/{today:%Y-%m}").json()
    assert (month["year"], month["month"], month["today"]) == (today.year, today.month, str(today))
    [entry] = [d for d in month["days"] if d["is_today"]]
    assert entry["date"] == str(today) and entry["activity"] == {"active": True, "actions": 4}
    assert entry["mood"]["entries"] == 1 and entry["breathing"]["sessions"] == 1
    assert entry["focus"]["focus_sessions"] == 1 and entry["habits"] == {"done": 1}
    assert all(d["mood"] is None for d in month["days"] if d["date"] != str(today))

    dashboard = c.get("/api/v1/dashboard").json()
    assert dashboard["date"] == str(today)
    panels = dashboard["sections"]
    assert panels["streak"]["current"] == 1
    assert panels["goals"]["next"][0]["id"] == goal["id"]
    assert panels["daily"]["quote"]["text"]
    assert panels["today"]["breathing"]["sessions"] == 1


def test_a_new_time_zone_moves_today_and_an_unknown_one_is_refused(
    api_url: str, users_today: Callable[..., date]
) -> None:
    pago_pago_today = users_today("Pacific/Pago_Pago")
    user = browser_user(api_url, time_zone="Pacific/Kiritimati")
    c, h = user.client, user.headers
    assert_problem(c.patch("/api/v1/users/me", json={"time_zone": "Mars/Olympus"}, headers=h), 422)
    assert c.get("/api/v1/dashboard").json()["time_zone"] == "Pacific/Kiritimati"
    c.patch(
        "/api/v1/users/me", json={"time_zone": "Pacific/Pago_Pago"}, headers=h
    ).raise_for_status()
    dashboard = c.get("/api/v1/dashboard").json()
    assert dashboard["time_zone"] == "Pacific/Pago_Pago"
    assert dashboard["date"] == str(pago_pago_today)


def test_one_users_day_shows_nothing_of_anothers(api_url: str) -> None:
    owner, other = bearer_user(api_url), bearer_user(api_url)
    owner.client.post(
        "/api/v1/mood/entries",
        json={"happiness": 1, "focus": 1, "stress": 5},
        headers=owner.headers,
    ).raise_for_status()
    today = owner.client.get("/api/v1/streak", headers=owner.headers).json()["today"]
    theirs = other.client.get(f"/api/v1/calendar/{today}", headers=other.headers).json()
    assert theirs["sections"]["mood"]["entries"] == []
    assert theirs["sections"]["activity"]["active"] is False
    assert other.client.get("/api/v1/streak", headers=other.headers).json()["current"] == 0
    assert (
        other.client.get("/api/v1/dashboard", headers=other.headers).json()["sections"]["streak"][
            "current"
        ]
        == 0
    )


def test_bad_calendar_and_streak_input_gets_problem_details(api_url: str) -> None:
    user = bearer_user(api_url)
    c, h = user.client, user.headers
    assert_problem(c.get("/api/v1/calendar/1900-01-01", headers=h), 422)
    assert_problem(c.get("/api/v1/calendar/2999-12-31", headers=h), 422)
    assert_4xx_problem(c.get("/api/v1/calendar/not-a-date", headers=h))
    assert_4xx_problem(c.get("/api/v1/calendar/2026-02-30", headers=h))
    for month in ("1999-12", "3000-01"):
        assert_problem(c.get(f"/api/v1/calendar/months/{month}", headers=h), 422)
    for month in ("march", "2026-3", "2026-13"):  # not the documented pattern
        assert_problem(c.get(f"/api/v1/calendar/months/{month}", headers=h), 400)
    days = "/api/v1/streak/days"
    assert_problem(c.get(days, params={"from": "2026-03-02", "to": "2026-03-01"}, headers=h), 422)
    assert_problem(c.get(days, params={"from": "2020-01-01", "to": "2026-01-01"}, headers=h), 422)
    assert_4xx_problem(c.get(days, params={"from": "2026-03-01"}, headers=h))
    for path in ("/api/v1/streak", "/api/v1/dashboard", "/api/v1/calendar/2026-03-01"):
        assert_problem(httpx.get(f"{api_url}{path}"), 401)


def test_the_export_holds_every_everyday_domain_and_deletion_erases_it(api_url: str) -> None:
    user = browser_user(api_url)
    c, h = user.client, user.headers
    c.post(
        "/api/v1/mood/entries", json={"happiness": 3, "focus": 4, "stress": 2}, headers=h
    ).raise_for_status()
    c.post(
        "/api/v1/breathing/sessions",
        json={"technique": "resonant", "cycles": 5, "duration_seconds": 60},
        headers=h,
    ).raise_for_status()
    c.post(
        "/api/v1/goals",
        json={"title": "Stretch", "horizon": "two_week", "kind": "percentage"},
        headers=h,
    ).raise_for_status()
    exported = c.post("/api/v1/users/me/export", headers=h).json()
    assert [e["stress"] for e in exported["mood"]["entries"]] == [2]
    assert [s["technique"] for s in exported["breathing"]["sessions"]] == ["resonant"]
    assert [g["title"] for g in exported["goals"]["goals"]] == ["Stretch"]
    assert exported["app_streak"]["active_days"][0]["actions"] == 2
    r = c.request("DELETE", "/api/v1/users/me", json={"password": PASSWORD}, headers=h)
    assert r.status_code == 204, r.text
    # The same address can sign up again and starts from nothing.
    again = browser_user(api_url, email=user.email)
    fresh = again.client.post("/api/v1/users/me/export", headers=again.headers).json()
    assert fresh["mood"] == {"entries": []} and fresh["goals"]["goals"] == []
