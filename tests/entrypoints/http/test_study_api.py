"""Study over real HTTP: decks and cards, FSRS reviews, the queue, undo, Anki plain text;
other users see nothing, and bad input gets problem details, never a 500."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import datetime
from pathlib import Path

import httpx
import pytest

from entrypoints.http.app import create_app
from entrypoints.settings import Settings
from tests.conftest import TEST_KEK, TEST_SECRET
from tests.support.servers import LiveServer
from tests.support.users import BearerUser, bearer_user

S = "/api/v1/study"


@pytest.fixture(scope="module")
def url(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    settings = Settings(
        data_dir=Path(tmp_path_factory.mktemp("study-api")),
        secret_key=TEST_SECRET,
        journal_kek=TEST_KEK,
        log_format="console",
        log_level="WARNING",
        # Every test signs up its own users from one address.
        register_per_ip_per_hour=1000,
    )
    with LiveServer(create_app(settings)) as server:
        yield server.url


def _deck(user: BearerUser, cards: int = 0) -> tuple[str, list[str]]:
    r = user.client.post(f"{S}/decks", json={"name": "Spanish"}, headers=user.headers)
    assert r.status_code == 201, r.text
    deck = r.json()["id"]
    ids: list[str] = []
    if cards:
        r = user.client.post(
            f"{S}/decks/{deck}/cards",
            json={"cards": [{"front": f"word {i}", "back": f"palabra {i}"} for i in range(cards)]},
            headers=user.headers,
        )
        assert r.status_code == 201, r.text
        ids = [c["id"] for c in r.json()]
    return deck, ids


def _problem(r: httpx.Response, status: int) -> dict[str, object]:
    assert r.status_code == status, r.text
    assert r.headers["content-type"].startswith("application/problem+json")
    body: dict[str, object] = r.json()
    return body


def test_a_study_session_from_queue_to_undo(any_profile_url: str) -> None:
    user = bearer_user(any_profile_url)
    h = user.headers
    assert user.client.patch(f"{S}/settings", json={"new_cards_per_day": 2}, headers=h).json() == {
        "desired_retention": 0.9,
        "new_cards_per_day": 2,
    }
    deck, cards = _deck(user, 5)
    queue = user.client.get(f"{S}/decks/{deck}/queue", headers=h).json()
    assert [c["id"] for c in queue["new"]] == cards[:2] and queue["reviews"] == []
    good = user.client.post(f"{S}/cards/{cards[0]}/reviews", json={"rating": 3}, headers=h)
    assert good.status_code == 201 and good.json()["state"] == "learning"
    again = user.client.post(f"{S}/cards/{cards[1]}/reviews", json={"rating": 1}, headers=h)
    assert datetime.fromisoformat(again.json()["due"]) < datetime.fromisoformat(good.json()["due"])
    queue = user.client.get(f"{S}/decks/{deck}/queue", headers=h).json()
    assert queue["new"] == [] and queue["new_left_today"] == 0
    progress = user.client.get(f"{S}/decks/{deck}/progress", headers=h).json()
    assert (progress["new"], progress["learning"], progress["total"]) == (3, 2, 5)
    # Every review made counts, whatever the state the card was in.
    assert progress["reviews_last_30_days"] == 2
    history = user.client.get(f"{S}/cards/{cards[1]}/reviews", headers=h).json()
    assert [(r["rating"], r["state_before"]) for r in history] == [(1, "new")]
    undone = user.client.post(f"{S}/reviews/undo", headers=h)
    assert undone.status_code == 200 and undone.json()["state"] == "new"
    assert user.client.get(f"{S}/cards/{cards[1]}/reviews", headers=h).json() == []


def test_anki_plain_text_round_trips(url: str) -> None:
    user = bearer_user(url)
    h = user.headers
    deck, _ = _deck(user)
    text = (
        '#separator:tab\n#html:false\n#tags column:3\nhola\t"hello, you"\tgreetings es\n'
        "adiós\tbye\t\n"
    )
    r = user.client.post(
        f"{S}/decks/{deck}/import", json={"text": text, "format": "tsv"}, headers=h
    )
    assert r.status_code == 201 and r.json() == {"imported": 2}
    exported = user.client.get(f"{S}/decks/{deck}/export", params={"format": "csv"}, headers=h)
    assert exported.headers["content-type"].startswith("text/csv")
    assert exported.text.splitlines() == [
        "#separator:comma",
        "#html:false",
        "#tags column:3",
        'hola,"hello, you",greetings es',
        "adiós,bye,",
    ]


def test_cards_are_edited_moved_and_deleted(url: str) -> None:
    user = bearer_user(url)
    h = user.headers
    one, (card,) = _deck(user, 1)
    two = user.client.post(f"{S}/decks", json={"name": "Two"}, headers=h).json()["id"]
    r = user.client.patch(
        f"{S}/cards/{card}", json={"back": "**new**", "tags": ["md"], "deck_id": two}, headers=h
    )
    assert r.status_code == 200 and (r.json()["deck_id"], r.json()["back"]) == (two, "**new**")
    assert user.client.get(f"{S}/decks/{one}/cards", headers=h).json() == []
    single = user.client.post(
        f"{S}/cards", json={"deck_id": two, "front": "Q", "back": "A"}, headers=h
    )
    assert single.status_code == 201
    assert len(user.client.get(f"{S}/decks/{two}/cards", headers=h).json()) == 2
    assert user.client.delete(f"{S}/decks/{two}", headers=h).status_code == 204
    _problem(user.client.get(f"{S}/cards/{card}", headers=h), 404)


def test_other_users_ids_are_not_found_on_every_route(url: str) -> None:
    owner, other = bearer_user(url), bearer_user(url)
    deck, (card,) = _deck(owner, 1)
    mine, _ = _deck(other)
    d, c = f"{S}/decks/{deck}", f"{S}/cards/{card}"
    attempts = [
        ("GET", d, None),
        ("PATCH", d, {"name": "Stolen"}),
        ("DELETE", d, None),
        ("GET", f"{d}/cards", None),
        ("POST", f"{d}/cards", {"cards": [{"front": "q", "back": "a"}]}),
        ("POST", f"{d}/import", {"text": "q,a"}),
        ("GET", f"{d}/export", None),
        ("GET", f"{d}/queue", None),
        ("GET", f"{d}/progress", None),
        ("POST", f"{S}/cards", {"deck_id": deck, "front": "q", "back": "a"}),
        ("GET", c, None),
        ("PATCH", c, {"front": "Stolen"}),
        ("PATCH", c, {"deck_id": mine}),
        ("DELETE", c, None),
        ("POST", f"{c}/reviews", {"rating": 3}),
        ("GET", f"{c}/reviews", None),
    ]
    for method, path, body in attempts:
        _problem(other.client.request(method, path, json=body, headers=other.headers), 404)
    # The owner's card may not be moved into another user's deck either.
    moved = owner.client.patch(c, json={"deck_id": mine}, headers=owner.headers)
    _problem(moved, 404)
    _problem(other.client.post(f"{S}/reviews/undo", headers=other.headers), 409)
    assert owner.client.get(c, headers=owner.headers).json()["front"] == "word 0"


@pytest.mark.parametrize("rating", [0, 5, -3, "good", None])
def test_ratings_outside_one_to_four_are_refused(url: str, rating: object) -> None:
    user = bearer_user(url)
    _, (card,) = _deck(user, 1)
    r = user.client.post(f"{S}/cards/{card}/reviews", json={"rating": rating}, headers=user.headers)
    body = _problem(r, 400)
    assert "rating" in str(body["detail"])
    assert user.client.get(f"{S}/cards/{card}/reviews", headers=user.headers).json() == []


def test_bad_input_gets_problem_details(url: str) -> None:
    user = bearer_user(url)
    h = user.headers
    deck, _ = _deck(user)
    _problem(user.client.post(f"{S}/decks", json={"name": " "}, headers=h), 422)
    bad_import = user.client.post(
        f"{S}/decks/{deck}/import", json={"text": "q,a\nonly front\n"}, headers=h
    )
    assert "line 2" in str(_problem(bad_import, 422)["detail"])
    assert user.client.get(f"{S}/decks/{deck}/cards", headers=h).json() == []
    too_many = {"cards": [{"front": "q", "back": "a"}] * 501}
    _problem(user.client.post(f"{S}/decks/{deck}/cards", json=too_many, headers=h), 400)
    empty = {"cards": [{"front": "", "back": "a"}]}
    _problem(user.client.post(f"{S}/decks/{deck}/cards", json=empty, headers=h), 400)
    _problem(user.client.patch(f"{S}/settings", json={"desired_retention": 0.5}, headers=h), 400)
    _problem(user.client.get(f"{S}/decks/{deck}/export?format=xlsx", headers=h), 400)
    _problem(user.client.get(f"{S}/decks/{deck}/queue?limit=0", headers=h), 400)
    _problem(user.client.get(f"{S}/decks/not-an-id", headers=h), 404)
    _problem(user.client.post(f"{S}/decks", json={"name": "x", "extra": 1}, headers=h), 400)


def test_the_account_export_holds_the_decks(url: str) -> None:
    user = bearer_user(url)
    _, (card,) = _deck(user, 1)
    user.client.post(f"{S}/cards/{card}/reviews", json={"rating": 4}, headers=user.headers)
    study = user.client.post("/api/v1/users/me/export", headers=user.headers).json()["study"]
    assert study["decks"][0]["cards"][0]["front"] == "word 0"
    assert study["reviews"][0]["rating"] == 4


def test_nothing_answers_500_to_garbage(url: str) -> None:
    user = bearer_user(url)
    deck, (card,) = _deck(user, 1)
    garbage: list[object] = [None, [], "x", 0, {"cards": None}, {"text": 5}, {"rating": 1.5}]
    routes = [
        ("POST", f"{S}/decks"),
        ("PATCH", f"{S}/decks/{deck}"),
        ("POST", f"{S}/decks/{deck}/cards"),
        ("POST", f"{S}/decks/{deck}/import"),
        ("POST", f"{S}/cards"),
        ("PATCH", f"{S}/cards/{card}"),
        ("POST", f"{S}/cards/{card}/reviews"),
        ("PATCH", f"{S}/settings"),
    ]
    for method, path in routes:
        for body in garbage:
            r = user.client.request(method, path, json=body, headers=user.headers)
            assert 400 <= r.status_code < 500, (method, path, body, r.text)
