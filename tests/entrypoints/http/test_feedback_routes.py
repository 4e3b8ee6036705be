"""Feedback and feature voting over real HTTP (embedded profile: SQLite)."""

from __future__ import annotations

from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor

import httpx
import pytest

from domains.shared.ids import new_id
from tests.support.users import BearerUser, bearer_user, browser_user


@pytest.fixture
def url(serve: Callable[..., str]) -> str:
    return serve(feedback_per_ip_per_hour=3)


def test_anyone_can_send_feedback_a_few_times_an_hour(url: str) -> None:
    with httpx.Client(base_url=url, timeout=30) as anonymous:
        for n in range(3):
            r = anonymous.post("/api/v1/feedback/", json={"category": "idea", "text": f"Idea {n}"})
            assert r.status_code == 201, r.text
            assert r.json()["id"]
        r = anonymous.post("/api/v1/feedback/", json={"category": "idea", "text": "more"})
        assert r.status_code == 429 and int(r.headers["Retry-After"]) > 0


@pytest.mark.parametrize(
    ("body", "status"),
    [
        ({"category": "rant", "text": "x"}, 400),
        ({"category": "bug", "text": "   "}, 422),
        ({"category": "bug", "text": "x" * 2001}, 400),
        ({"category": "bug", "text": "x" * 5000}, 400),
        ({"category": "bug", "text": "ok", "contact": "a\nb"}, 422),
        ({"text": "no category"}, 400),
    ],
)
def test_bad_feedback_is_a_4xx_problem(url: str, body: dict[str, object], status: int) -> None:
    r = httpx.post(f"{url}/api/v1/feedback/", json=body, timeout=30)
    assert r.status_code == status, r.text
    assert r.headers["content-type"].startswith("application/problem+json")


def propose(user: BearerUser, title: str = "Calendar sync") -> str:
    r = user.client.post("/api/v1/features/", json={"title": title}, headers=user.headers)
    assert r.status_code == 201, r.text
    return str(r.json()["id"])


def test_one_vote_per_user_and_each_user_sees_their_own(url: str) -> None:
    alice, bob = bearer_user(url), bearer_user(url)
    feature = propose(alice)
    for _ in range(2):
        r = bob.client.put(f"/api/v1/features/{feature}/vote", headers=bob.headers)
        assert r.status_code == 200 and r.json()["votes"] == 1 and r.json()["voted"]
    listed = {
        f["id"]: f for f in alice.client.get("/api/v1/features/", headers=alice.headers).json()
    }
    assert listed[feature]["votes"] == 1 and not listed[feature]["voted"]
    public = httpx.get(f"{url}/api/v1/features/{feature}", timeout=30).json()
    assert public["votes"] == 1 and not public["voted"]
    r = bob.client.delete(f"/api/v1/features/{feature}/vote", headers=bob.headers)
    assert r.status_code == 200 and r.json()["votes"] == 0


def test_concurrent_votes_over_http_are_counted_exactly(url: str) -> None:
    voters = [bearer_user(url) for _ in range(8)]
    feature = propose(voters[0])

    def vote(user: BearerUser) -> int:
        return user.client.put(f"/api/v1/features/{feature}/vote", headers=user.headers).status_code

    with ThreadPoolExecutor(max_workers=16) as pool:
        statuses = list(pool.map(vote, voters * 3))
    assert statuses == [200] * 24
    assert httpx.get(f"{url}/api/v1/features/{feature}", timeout=30).json()["votes"] == 8


def test_voting_needs_a_signed_in_user_and_a_real_feature(url: str) -> None:
    user = bearer_user(url)
    feature = propose(user)
    assert httpx.put(f"{url}/api/v1/features/{feature}/vote", timeout=30).status_code == 401
    r = user.client.put(f"/api/v1/features/{new_id()}/vote", headers=user.headers)
    assert r.status_code == 404
    r = user.client.put("/api/v1/features/not-an-id/vote", headers=user.headers)
    assert r.status_code == 404


def test_a_browser_vote_needs_the_csrf_header(url: str) -> None:
    user = browser_user(url)
    feature = propose(bearer_user(url))
    assert user.client.put(f"/api/v1/features/{feature}/vote").status_code == 403
    assert (
        user.client.put(f"/api/v1/features/{feature}/vote", headers=user.headers).status_code == 200
    )


def test_an_account_export_and_erasure_include_votes(url: str) -> None:
    user = bearer_user(url)
    feature = propose(user, "Mine")
    user.client.put(f"/api/v1/features/{feature}/vote", headers=user.headers)
    exported = user.client.post("/api/v1/users/me/export", headers=user.headers).json()
    assert exported["feedback"]["votes"] == [feature]
    assert exported["feedback"]["proposed_features"][0]["title"] == "Mine"
    r = user.client.request(
        "DELETE",
        "/api/v1/users/me",
        json={"password": "correct horse battery"},
        headers=user.headers,
    )
    assert r.status_code == 204, r.text
    remaining = httpx.get(f"{url}/api/v1/features/{feature}", timeout=30).json()
    assert remaining["votes"] == 0
