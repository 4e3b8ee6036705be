"""Goals over real HTTP: counters, percentages and checklists from creation to completion and
history; other users' goals out of reach on every route; bad input as problem details."""

from __future__ import annotations

import httpx

from tests.entrypoints.http.problems import assert_4xx_problem, assert_problem, unknown_id
from tests.support.users import bearer_user, browser_user

GOALS = "/api/v1/goals"


def test_a_counter_goal_moves_to_its_target_completes_and_keeps_its_history(
    any_profile_url: str,
) -> None:
    user = browser_user(any_profile_url)
    c, h = user.client, user.headers
    created = c.post(
        GOALS,
        json={"title": "Read 3 books", "horizon": "two_week", "kind": "counter", "target": 3},
        headers=h,
    )
    assert created.status_code == 201, created.text
    goal = created.json()
    assert (goal["status"], goal["progress"], goal["percent"]) == ("active", 0, 0.0)
    assert goal["due_date"] is not None and goal["due_date"] > goal["start_date"]
    url = f"{GOALS}/{goal['id']}"
    assert c.post(f"{url}/progress", json={"delta": 2}, headers=h).json()["progress"] == 2
    done = c.post(f"{url}/progress", json={"delta": 1}, headers=h).json()
    assert (done["status"], done["percent"]) == ("completed", 100.0)
    assert [g["id"] for g in c.get(GOALS, params={"status": "completed"}).json()] == [goal["id"]]
    assert c.get(GOALS).json() == []
    history = [e["kind"] for e in c.get(f"{url}/history").json()]
    assert history == ["completed", "progress", "progress", "created"]
    reopened = c.post(f"{url}/reopen", headers=h).json()
    assert reopened["status"] == "active"
    edited = c.patch(url, json={"target": 5, "title": "Read 5 books"}, headers=h).json()
    assert (edited["title"], edited["target"], edited["percent"]) == ("Read 5 books", 5, 60.0)
    assert c.delete(url, headers=h).status_code == 204
    assert_problem(c.get(url), 404)


def test_a_checklist_goal_is_driven_by_its_items(api_url: str) -> None:
    user = bearer_user(api_url)
    c, h = user.client, user.headers
    goal = c.post(
        GOALS,
        json={
            "title": "Launch the site",
            "horizon": "long_term",
            "kind": "checklist",
            "items": ["Write copy", "Pick a domain"],
            "due_date": "2027-06-30",
        },
        headers=h,
    ).json()
    url = f"{GOALS}/{goal['id']}"
    first, second = goal["items"]
    goal = c.patch(f"{url}/items/{first['id']}", json={"done": True}, headers=h).json()
    assert (goal["progress"], goal["target"], goal["status"]) == (1, 2, "active")
    goal = c.post(f"{url}/items", json={"text": "Deploy"}, headers=h).json()
    assert (goal["progress"], goal["target"]) == (1, 3)
    third = goal["items"][-1]
    c.patch(f"{url}/items/{second['id']}", json={"done": True}, headers=h).raise_for_status()
    goal = c.delete(f"{url}/items/{third['id']}", headers=h).json()
    assert (goal["progress"], goal["target"], goal["status"]) == (2, 2, "completed")
    cleared = c.patch(url, json={"due_date": None}, headers=h).json()
    assert cleared["due_date"] is None


def test_a_percentage_goal_is_set_and_completed_by_hand(api_url: str) -> None:
    user = bearer_user(api_url)
    c, h = user.client, user.headers
    goal = c.post(
        GOALS, json={"title": "Thesis", "horizon": "long_term", "kind": "percentage"}, headers=h
    ).json()
    url = f"{GOALS}/{goal['id']}"
    assert c.post(f"{url}/progress", json={"value": 40}, headers=h).json()["percent"] == 40.0
    done = c.post(f"{url}/complete", headers=h).json()
    assert (done["status"], done["progress"]) == ("completed", 40)


def test_another_users_goal_is_not_found_on_every_route(api_url: str) -> None:
    owner, other = bearer_user(api_url), bearer_user(api_url)
    goal = owner.client.post(
        GOALS,
        json={"title": "Mine", "horizon": "two_week", "kind": "checklist", "items": ["a"]},
        headers=owner.headers,
    ).json()
    url, item = f"{GOALS}/{goal['id']}", goal["items"][0]["id"]
    oc, oh = other.client, other.headers
    attempts = [
        oc.get(url, headers=oh),
        oc.patch(url, json={"title": "Yours"}, headers=oh),
        oc.post(f"{url}/progress", json={"value": 1}, headers=oh),
        oc.post(f"{url}/complete", headers=oh),
        oc.post(f"{url}/reopen", headers=oh),
        oc.post(f"{url}/items", json={"text": "b"}, headers=oh),
        oc.patch(f"{url}/items/{item}", json={"done": True}, headers=oh),
        oc.delete(f"{url}/items/{item}", headers=oh),
        oc.get(f"{url}/history", headers=oh),
        oc.delete(url, headers=oh),
    ]
    for r in attempts:
        assert_problem(r, 404)
    assert oc.get(GOALS, params={"status": "all"}, headers=oh).json() == []
    mine = owner.client.get(url, headers=owner.headers).json()
    assert (mine["title"], mine["items"][0]["done"], mine["status"]) == ("Mine", False, "active")


def test_bad_goal_input_gets_problem_details_never_a_500(api_url: str) -> None:
    user = bearer_user(api_url)
    c, h = user.client, user.headers

    def create(**body: object) -> httpx.Response:
        return c.post(GOALS, json={"title": "G", "horizon": "two_week", **body}, headers=h)

    assert_problem(create(kind="vibes"), 400)
    assert_problem(create(kind="counter"), 422)
    # A target outside 1..1,000,000 breaks the range the document declares: the decoder's 400.
    assert_problem(create(kind="counter", target=0), 400)
    assert_problem(create(kind="counter", target=10**9), 400)
    assert_problem(create(kind="percentage", target=5), 422)
    assert_problem(create(kind="percentage", items=["x"]), 422)
    assert_problem(create(kind="checklist", items=[""]), 400)
    assert_problem(create(kind="percentage", title="  "), 422)
    assert_problem(create(kind="percentage", due_date="2030-01-01"), 422)
    assert_problem(
        c.post(
            GOALS,
            json={
                "title": "G",
                "horizon": "long_term",
                "kind": "percentage",
                "due_date": "2999-01-01",
            },
            headers=h,
        ),
        422,
    )
    assert_problem(
        c.post(
            GOALS,
            json={
                "title": "G",
                "horizon": "long_term",
                "kind": "percentage",
                "due_date": "1999-01-01",
            },
            headers=h,
        ),
        422,
    )
    assert_4xx_problem(create(kind="percentage", due_date="someday"))
    percentage = create(kind="percentage").json()
    checklist = create(kind="checklist", items=["a"]).json()
    url = f"{GOALS}/{percentage['id']}"
    assert_problem(c.post(f"{url}/progress", json={"value": 101}, headers=h), 422)
    assert_problem(c.post(f"{url}/progress", json={"value": 1, "delta": 1}, headers=h), 422)
    assert_problem(c.post(f"{url}/progress", json={}, headers=h), 422)
    assert_problem(c.post(f"{url}/items", json={"text": "x"}, headers=h), 422)
    assert_problem(c.patch(url, json={"target": 4}, headers=h), 422)
    assert_problem(c.patch(url, json={"due_date": "2030-01-01"}, headers=h), 422)
    checklist_url = f"{GOALS}/{checklist['id']}"
    assert_problem(c.post(f"{checklist_url}/progress", json={"value": 1}, headers=h), 422)
    assert_problem(
        c.patch(f"{checklist_url}/items/{unknown_id()}", json={"done": True}, headers=h), 404
    )
    assert_problem(c.delete(f"{checklist_url}/items/not-an-id", headers=h), 404)
    assert_problem(c.get(f"{GOALS}/{unknown_id()}", headers=h), 404)
    assert_problem(c.get(f"{GOALS}/../../etc", headers=h), 404)
    assert_4xx_problem(c.get(GOALS, params={"status": "someday"}, headers=h))
    assert_4xx_problem(c.get(f"{url}/history", params={"limit": 0}, headers=h))
    assert_problem(httpx.get(f"{api_url}{GOALS}"), 401)
