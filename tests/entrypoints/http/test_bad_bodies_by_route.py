"""Every route family with a JSON body, driven as a careless client would: a member of the wrong
JSON type, a member the API does not know, a required member left out, text encoded in Latin-1
and a body that is not JSON at all. Each is a problem document (RFC 9457) whose `errors[].field`
is the JSON path of the member, never a 500 and never the handler's argument name."""

from __future__ import annotations

import json
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import httpx
import pytest

from entrypoints.http.app import create_app
from entrypoints.settings import Settings
from tests.conftest import TEST_KEK, TEST_SECRET
from tests.entrypoints.http.problems import assert_problem
from tests.support.servers import LiveServer
from tests.support.users import PASSWORD, BearerUser, bearer_user

API = "/api/v1"


@dataclass(frozen=True)
class Route:
    method: str
    path: str
    valid: dict[str, Any]
    #: The valid body with one member of the wrong JSON type, and that member's path.
    wrong: dict[str, Any]
    wrong_field: str
    #: A required member, or None where every member is optional.
    required: str | None

    def __str__(self) -> str:
        return f"{self.method} {self.path}"


#: Path ids filled in by the `ids` fixture: {habit}, {card}, {goal}, {conversation}.
ROUTES = [
    Route(
        "POST",
        "/auth/register",
        {"email": "zoe@example.com", "password": PASSWORD, "display_name": "Zoé"},
        {"email": "zoe@example.com", "password": 12345678},
        "password",
        "email",
    ),
    Route(
        "POST",
        "/auth/login",
        {"email": "zoe@example.com", "password": "mot de passe très sûr"},
        {"email": "zoe@example.com", "password": PASSWORD, "remember_me": "true"},
        "remember_me",
        "password",
    ),
    Route("PATCH", "/users/me", {"display_name": "Zoé"}, {"display_name": 7}, "display_name", None),
    Route(
        "POST",
        "/habits",
        {"name": "Lire à voix haute"},
        {"name": "Swim", "schedule": {"kind": "weekdays", "weekdays": [1, "2"]}},
        "schedule.weekdays[1]",
        "name",
    ),
    Route(
        "POST",
        "/habits/marks",
        {"marks": [{"habit_id": "{habit}", "date": "2026-01-01"}]},
        {"marks": [{"habit_id": "{habit}", "date": "2026-01-01", "done": "yes"}]},
        "marks[0].done",
        "marks",
    ),
    Route(
        "POST",
        "/pomodoro/sessions",
        {"kind": "focus", "planned_minutes": 25},
        {"kind": "focus", "planned_minutes": "25"},
        "planned_minutes",
        None,
    ),
    Route(
        "PATCH",
        "/pomodoro/settings",
        {"auto_start_breaks": True},
        {"auto_start_breaks": 0},
        "auto_start_breaks",
        None,
    ),
    Route(
        "POST", "/journal/collections", {"name": "Carnet d'été"}, {"name": ["x"]}, "name", "name"
    ),
    Route(
        "POST",
        "/journal/entries",
        {"collection_id": "c", "content": {"ops": [{"insert": "Journée d'été\n"}]}},
        {"collection_id": "c", "content": "Journée d'été"},
        "content",
        "content",
    ),
    Route(
        "POST",
        "/journal/gratitude",
        {"text": "Le café du matin"},
        {"text": "Le café", "on_date": 20260101},
        "on_date",
        "text",
    ),
    Route(
        "POST",
        "/mood/entries",
        {"happiness": 4, "focus": 3, "stress": 2, "note": "très bien"},
        {"happiness": "4", "focus": 3, "stress": 2},
        "happiness",
        "stress",
    ),
    Route(
        "POST",
        "/study/decks",
        {"name": "Français"},
        {"name": "Words", "description": 5},
        "description",
        "name",
    ),
    Route(
        "POST", "/study/cards/{card}/reviews", {"rating": 3}, {"rating": "3"}, "rating", "rating"
    ),
    Route(
        "POST",
        "/goals",
        {"title": "Courir à l'aube", "horizon": "long_term", "kind": "counter", "target": 5},
        {"title": "Run", "horizon": "long_term", "kind": "counter", "target": "5"},
        "target",
        "horizon",
    ),
    Route("POST", "/goals/{goal}/progress", {"delta": 1}, {"delta": "1"}, "delta", None),
    Route(
        "POST",
        "/feedback",
        {"category": "idea", "text": "une idée à creuser"},
        {"category": "idea", "text": 5},
        "text",
        "category",
    ),
    Route("POST", "/features", {"title": "Thème sombre"}, {"title": 1}, "title", "title"),
    Route(
        "POST",
        "/assistant/conversations/{conversation}/messages",
        {"content": "Bonjour, ça va ?"},
        {"content": 5},
        "content",
        "content",
    ),
    Route(
        "PATCH",
        "/assistant/conversations/{conversation}",
        {"title": "Été"},
        {"title": None},
        "title",
        "title",
    ),
    Route(
        "POST",
        "/breathing/sessions",
        {"technique": "box", "cycles": 4, "duration_seconds": 64},
        {"technique": "box", "cycles": "4", "duration_seconds": 64},
        "cycles",
        "technique",
    ),
    Route(
        "POST",
        "/email/newsletter/subscribe",
        {"email": "zoé@example.com"},
        {"email": 5},
        "email",
        "email",
    ),
]


@pytest.fixture(scope="module")
def url(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    settings = Settings(
        data_dir=Path(tmp_path_factory.mktemp("bad-bodies")),
        secret_key=TEST_SECRET,
        journal_kek=TEST_KEK,
        log_format="console",
        log_level="WARNING",
        # Rate limits would answer 429 before the body is read.
        register_per_ip_per_hour=1000,
        login_per_ip_per_minute=1000,
        feedback_per_ip_per_hour=1000,
        email_actions_per_ip_per_day=1000,
    )
    with LiveServer(create_app(settings)) as server:
        yield server.url


@pytest.fixture(scope="module")
def user(url: str) -> BearerUser:
    return bearer_user(url)


@pytest.fixture(scope="module")
def ids(user: BearerUser) -> dict[str, str]:
    def created(path: str, body: dict[str, Any]) -> Any:
        r = user.client.post(f"{API}{path}", json=body, headers=user.headers)
        assert r.status_code == 201, r.text
        return r.json()

    deck = created("/study/decks", {"name": "Words"})["id"]
    card = created(f"/study/decks/{deck}/cards", {"cards": [{"front": "uno", "back": "one"}]})
    goal = created(
        "/goals", {"title": "Run", "horizon": "long_term", "kind": "counter", "target": 5}
    )
    return {
        "habit": created("/habits", {"name": "Read"})["id"],
        "card": card[0]["id"],
        "goal": goal["id"],
        "conversation": created("/assistant/conversations", {"title": "Plans"})["id"],
    }


def send(
    user: BearerUser, ids: dict[str, str], route: Route, content: bytes, content_type: str
) -> httpx.Response:
    path = route.path.format(**ids)
    headers = {**user.headers, "Content-Type": content_type}
    return user.client.request(route.method, f"{API}{path}", content=content, headers=headers)


def as_json(ids: dict[str, str], body: dict[str, Any]) -> bytes:
    return json.dumps(body).replace("{habit}", ids["habit"]).encode()


def error_fields(r: httpx.Response) -> list[str]:
    problem = assert_problem(r, 400)
    assert "errors" in problem, problem
    return [error["field"] for error in problem["errors"]]


@pytest.mark.parametrize("route", ROUTES, ids=str)
def test_a_member_of_the_wrong_type_is_named_by_its_path(
    user: BearerUser, ids: dict[str, str], route: Route
) -> None:
    r = send(user, ids, route, as_json(ids, route.wrong), "application/json")
    assert error_fields(r) == [route.wrong_field]


@pytest.mark.parametrize("route", ROUTES, ids=str)
def test_an_unknown_member_is_named_by_its_path(
    user: BearerUser, ids: dict[str, str], route: Route
) -> None:
    body = {**route.valid, "is_admin": True}
    assert error_fields(send(user, ids, route, as_json(ids, body), "application/json")) == [
        "is_admin"
    ]


@pytest.mark.parametrize("route", [r for r in ROUTES if r.required], ids=str)
def test_a_missing_required_member_is_named_by_its_path(
    user: BearerUser, ids: dict[str, str], route: Route
) -> None:
    body = {k: v for k, v in route.valid.items() if k != route.required}
    r = send(user, ids, route, as_json(ids, body), "application/json")
    assert error_fields(r) == [route.required]


@pytest.mark.parametrize("route", ROUTES, ids=str)
def test_text_encoded_in_latin_1_is_a_400_naming_the_body(
    user: BearerUser, ids: dict[str, str], route: Route
) -> None:
    text = as_json(ids, route.valid).decode()
    if text.isascii():  # no free text in this body: the odd byte sits in a member's name
        text = '{"r\\u00e9sum\\u00e9": 1, ' + text[1:]
    latin_1 = json.dumps(json.loads(text), ensure_ascii=False).encode("latin-1")
    problem = assert_problem(send(user, ids, route, latin_1, "application/json"), 400)
    assert "UTF-8" in str(problem["detail"]) and "errors" not in problem


@pytest.mark.parametrize("route", ROUTES, ids=str)
def test_a_body_that_is_not_json_is_refused(
    user: BearerUser, ids: dict[str, str], route: Route
) -> None:
    as_text = send(user, ids, route, as_json(ids, route.valid), "text/plain")
    assert_problem(as_text, 415)
    for malformed in (b"{not json", b"{"):
        r = send(user, ids, route, malformed, "application/json")
        assert "not valid JSON" in str(assert_problem(r, 400)["detail"])


@pytest.mark.parametrize("route", ROUTES, ids=str)
def test_a_json_array_for_an_object_is_named_in_the_detail(
    user: BearerUser, ids: dict[str, str], route: Route
) -> None:
    problem = assert_problem(send(user, ids, route, b"[]", "application/json"), 400)
    assert "body" in str(problem["detail"]) and "errors" not in problem
