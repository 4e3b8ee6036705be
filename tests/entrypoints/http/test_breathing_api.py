"""Breathing over real HTTP: the public catalogue, a user's sessions and totals, other users'
sessions out of reach, and bad input answered with problem details."""

from __future__ import annotations

from collections.abc import Callable
from datetime import date

import httpx

from tests.entrypoints.http.problems import assert_4xx_problem, assert_problem, unknown_id
from tests.support.users import bearer_user, browser_user

SESSIONS = "/api/v1/breathing/sessions"


def test_the_catalogue_is_public_and_holds_at_least_ten_animatable_techniques(
    client: httpx.Client,
) -> None:
    techniques = client.get("/api/v1/breathing/techniques").json()
    slugs = {t["slug"] for t in techniques}
    assert len(techniques) >= 10
    assert {"box", "4-7-8", "coherent", "physiological-sigh", "resonant"} <= slugs
    box = client.get("/api/v1/breathing/techniques/box").json()
    assert [(p["kind"], p["seconds"]) for p in box["phases"]] == [
        ("inhale", 4),
        ("hold", 4),
        ("exhale", 4),
        ("hold", 4),
    ]
    assert box["cycle_seconds"] == 16 and box["suggested_cycles"] > 0 and box["description"]
    assert_problem(client.get("/api/v1/breathing/techniques/no-such-thing"), 404)


def test_a_user_logs_sessions_and_sees_them_in_totals_and_the_app_streak(
    any_profile_url: str, users_today: Callable[..., date]
) -> None:
    user = browser_user(any_profile_url)
    c, h = user.client, user.headers
    today = users_today().isoformat()
    first = c.post(
        SESSIONS, json={"technique": "box", "cycles": 6, "duration_seconds": 96}, headers=h
    )
    assert first.status_code == 201, first.text
    c.post(
        SESSIONS, json={"technique": "4-7-8", "cycles": 4, "duration_seconds": 76}, headers=h
    ).raise_for_status()
    assert first.json()["local_date"] == today

    # A cookie session needs the CSRF header on every change.
    forged = c.post(SESSIONS, json={"technique": "box", "cycles": 1, "duration_seconds": 16})
    assert forged.status_code == 403

    listed = c.get(SESSIONS).json()
    assert [s["technique"] for s in listed] == ["4-7-8", "box"]
    assert c.get(f"{SESSIONS}/{first.json()['id']}").json()["cycles"] == 6
    stats = c.get("/api/v1/breathing/stats", params={"from": today, "to": today}).json()
    assert (stats["sessions"], stats["cycles"], stats["seconds"]) == (2, 10, 172)
    assert {t["technique"]: t["sessions"] for t in stats["per_technique"]} == {
        "4-7-8": 1,
        "box": 1,
    }
    assert [d["date"] for d in stats["per_day"]] == [today]
    assert c.get("/api/v1/streak").json()["current"] == 1

    assert c.delete(f"{SESSIONS}/{first.json()['id']}", headers=h).status_code == 204
    assert c.get("/api/v1/breathing/stats").json()["sessions"] == 1


def test_another_users_session_is_not_found_on_every_route(api_url: str) -> None:
    owner, other = bearer_user(api_url), bearer_user(api_url)
    session = owner.client.post(
        SESSIONS,
        json={"technique": "coherent", "cycles": 27, "duration_seconds": 300},
        headers=owner.headers,
    ).json()
    url = f"{SESSIONS}/{session['id']}"
    assert_problem(other.client.get(url, headers=other.headers), 404)
    assert_problem(other.client.delete(url, headers=other.headers), 404)
    assert other.client.get(SESSIONS, headers=other.headers).json() == []
    assert (
        other.client.get("/api/v1/breathing/stats", headers=other.headers).json()["sessions"] == 0
    )
    assert owner.client.get(url, headers=owner.headers).status_code == 200


def test_bad_breathing_input_gets_problem_details_never_a_500(api_url: str) -> None:
    user = bearer_user(api_url)
    c, h = user.client, user.headers

    def log(**body: object) -> httpx.Response:
        return c.post(SESSIONS, json=body, headers=h)

    assert_problem(log(technique="hum", cycles=3, duration_seconds=30), 422)
    assert_problem(log(technique="box", cycles=0, duration_seconds=30), 400)
    assert_problem(log(technique="box", cycles=10**9, duration_seconds=30), 400)
    assert_problem(log(technique="box", cycles=3, duration_seconds=-5), 400)
    assert_problem(log(technique="box", cycles=3, duration_seconds=10**7), 400)
    assert_problem(log(technique="box", cycles="many", duration_seconds=30), 400)
    assert_problem(log(technique="box", cycles=3, duration_seconds=30, mood="great"), 400)
    assert_problem(log(technique="box"), 400)
    stats = "/api/v1/breathing/stats"
    assert_problem(c.get(stats, params={"from": "2026-05-02", "to": "2026-05-01"}, headers=h), 422)
    assert_problem(c.get(stats, params={"from": "1900-01-01", "to": "1900-01-02"}, headers=h), 422)
    assert_problem(c.get(stats, params={"from": "2999-01-01", "to": "2999-01-02"}, headers=h), 422)
    assert_problem(c.get(stats, params={"from": "2020-01-01", "to": "2026-01-01"}, headers=h), 422)
    assert_problem(c.get(stats, params={"from": "2026-01-01"}, headers=h), 422)
    assert_4xx_problem(c.get(stats, params={"from": "yesterday", "to": "today"}, headers=h))
    assert_4xx_problem(c.get(SESSIONS, params={"limit": 0}, headers=h))
    assert_problem(c.get(f"{SESSIONS}/not-an-id", headers=h), 404)
    assert_problem(c.get(f"{SESSIONS}/{unknown_id()}", headers=h), 404)
    assert_problem(c.delete(f"{SESSIONS}/{unknown_id()}", headers=h), 404)
    assert_problem(httpx.get(f"{api_url}{SESSIONS}"), 401)
    assert_problem(
        httpx.post(
            f"{api_url}{SESSIONS}", json={"technique": "box", "cycles": 1, "duration_seconds": 1}
        ),
        401,
    )
