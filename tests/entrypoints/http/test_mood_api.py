"""Mood over real HTTP: several entries a day averaged per local day, corrections, other
users' entries out of reach, and bad input answered with problem details."""

from __future__ import annotations

from collections.abc import Callable
from datetime import date

import httpx

from tests.entrypoints.http.problems import assert_4xx_problem, assert_problem, unknown_id
from tests.support.users import bearer_user, browser_user

ENTRIES = "/api/v1/mood/entries"


def test_entries_of_a_day_are_averaged_corrected_and_deleted(
    any_profile_url: str, users_today: Callable[..., date]
) -> None:
    zone = "Pacific/Kiritimati"  # UTC+14: usually a different date than the server's
    user = browser_user(any_profile_url, time_zone=zone)
    c, h = user.client, user.headers
    today = users_today(zone).isoformat()
    first = c.post(ENTRIES, json={"happiness": 2, "focus": 3, "stress": 5}, headers=h)
    assert first.status_code == 201, first.text
    assert first.json()["local_date"] == today
    c.post(
        ENTRIES, json={"happiness": 4, "focus": 5, "stress": 1, "note": "a walk helped"}, headers=h
    ).raise_for_status()

    assert [e["note"] for e in c.get(ENTRIES).json()] == ["", "a walk helped"]
    days = c.get("/api/v1/mood/days", params={"from": today, "to": today}).json()
    assert days == [{"date": today, "entries": 2, "happiness": 3.0, "focus": 4.0, "stress": 3.0}]

    url = f"{ENTRIES}/{first.json()['id']}"
    corrected = c.patch(url, json={"stress": 3, "note": "less than I thought"}, headers=h)
    assert corrected.status_code == 200, corrected.text
    assert (corrected.json()["stress"], corrected.json()["happiness"]) == (3, 2)
    assert c.get("/api/v1/mood/days").json()[0]["stress"] == 2.0
    assert c.delete(url, headers=h).status_code == 204
    assert_problem(c.get(url), 404)
    assert c.get("/api/v1/streak").json()["current"] == 1


def test_another_users_mood_entry_is_not_found_on_every_route(api_url: str) -> None:
    owner, other = bearer_user(api_url), bearer_user(api_url)
    entry = owner.client.post(
        ENTRIES, json={"happiness": 3, "focus": 3, "stress": 3}, headers=owner.headers
    ).json()
    url = f"{ENTRIES}/{entry['id']}"
    oc, oh = other.client, other.headers
    assert_problem(oc.get(url, headers=oh), 404)
    assert_problem(oc.patch(url, json={"stress": 1}, headers=oh), 404)
    assert_problem(oc.delete(url, headers=oh), 404)
    assert oc.get(ENTRIES, headers=oh).json() == []
    assert oc.get("/api/v1/mood/days", headers=oh).json() == []
    assert owner.client.get(url, headers=owner.headers).json()["stress"] == 3


def test_bad_mood_input_gets_problem_details_never_a_500(api_url: str) -> None:
    user = bearer_user(api_url)
    c, h = user.client, user.headers

    def record(**body: object) -> httpx.Response:
        return c.post(ENTRIES, json=body, headers=h)

    assert_problem(record(happiness=0, focus=3, stress=3), 400)
    assert_problem(record(happiness=3, focus=6, stress=3), 400)
    assert_problem(record(happiness=3, focus=3, stress=-1), 400)
    assert_problem(record(happiness=True, focus=3, stress=3), 400)
    assert_problem(record(happiness="three", focus=3, stress=3), 400)
    assert_problem(record(happiness=3, focus=3), 400)
    assert_problem(record(happiness=3, focus=3, stress=3, note="x" * 501), 400)
    assert_problem(record(happiness=3, focus=3, stress=3, note="x" * 5000), 400)
    assert_problem(record(happiness=3, focus=3, stress=3, energy=4), 400)
    entry = record(happiness=3, focus=3, stress=3).json()
    assert_problem(c.patch(f"{ENTRIES}/{entry['id']}", json={"focus": 9}, headers=h), 400)
    days = "/api/v1/mood/days"
    assert_problem(c.get(days, params={"from": "1900-01-01"}, headers=h), 422)
    assert_problem(c.get(days, params={"to": "3000-01-01"}, headers=h), 422)
    assert_problem(c.get(days, params={"from": "2026-03-01", "to": "2026-02-01"}, headers=h), 422)
    assert_4xx_problem(c.get(days, params={"from": "2026-02-30"}, headers=h))
    assert_problem(c.get(f"{ENTRIES}/{unknown_id()}", headers=h), 404)
    assert_problem(c.patch(f"{ENTRIES}/nope", json={"focus": 1}, headers=h), 404)
    assert_problem(httpx.get(f"{api_url}{ENTRIES}"), 401)
