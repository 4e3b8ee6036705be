"""Daily content over real HTTP: the same for everyone on a UTC day, public, and bounded to the
past year."""

from __future__ import annotations

from collections.abc import Callable
from datetime import date, timedelta

import httpx

from tests.entrypoints.http.problems import assert_4xx_problem, assert_problem
from tests.support.users import browser_user


def test_everyone_gets_the_same_daily_content_signed_in_or_not(
    any_profile_url: str, users_today: Callable[..., date]
) -> None:
    today = users_today()  # the daily content changes at midnight UTC
    anonymous = httpx.get(f"{any_profile_url}/api/v1/daily")
    assert anonymous.status_code == 200, anonymous.text
    content = anonymous.json()
    user = browser_user(any_profile_url, time_zone="Pacific/Kiritimati")
    assert user.client.get("/api/v1/daily").json() == content

    assert content["date"] == today.isoformat()
    assert content["expires_at"].startswith((today + timedelta(days=1)).isoformat() + "T00:00:00")
    assert content["quote"]["text"] and content["quote"]["author"]
    word = content["word"]
    assert word["meaning"] and word["example"] and word["part_of_speech"]
    assert content["prompt"]["text"] and content["mind_fuel"]["title"]
    year, week, _ = today.isocalendar()
    assert content["theme"]["week"] == f"{year}-W{week:02d}" and content["theme"]["practices"]
    for part in ("quote", "word", "prompt", "mind-fuel", "theme"):
        single = httpx.get(f"{any_profile_url}/api/v1/daily/{part}").json()
        assert single == content[part.replace("-", "_")]


def test_a_past_day_is_available_for_a_year_and_the_future_is_not(
    client: httpx.Client, users_today: Callable[..., date]
) -> None:
    today = users_today()
    yesterday = client.get("/api/v1/daily", params={"date": str(today - timedelta(days=1))})
    assert yesterday.status_code == 200
    assert yesterday.json()["date"] == str(today - timedelta(days=1))
    assert_problem(
        client.get("/api/v1/daily", params={"date": str(today + timedelta(days=1))}), 422
    )
    assert_problem(client.get("/api/v1/daily/quote", params={"date": "1999-12-31"}), 422)
    assert_4xx_problem(client.get("/api/v1/daily/word", params={"date": "tomorrow"}))
    assert_4xx_problem(client.get("/api/v1/daily/nonsense"))
