"""JSON request bodies over real HTTP: bytes that are not UTF-8, one strict typing rule for every
body (a number is not a string, 0 is not false), and problems that name what is wrong."""

from __future__ import annotations

import json
import re
import uuid
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import httpx
import pytest

from entrypoints.http.app import create_app
from entrypoints.settings import Settings
from tests.conftest import TEST_KEK, TEST_SECRET
from tests.entrypoints.http.problems import assert_problem
from tests.support.servers import LiveServer
from tests.support.users import BearerUser, bearer_user

API = "/api/v1"
JSON = {"Content-Type": "application/json"}


@pytest.fixture(scope="module")
def url(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    settings = Settings(
        data_dir=Path(tmp_path_factory.mktemp("request-bodies")),
        secret_key=TEST_SECRET,
        journal_kek=TEST_KEK,
        log_format="console",
        log_level="WARNING",
        register_per_ip_per_hour=1000,
    )
    with LiveServer(create_app(settings)) as server:
        yield server.url


@pytest.fixture(scope="module")
def user(url: str) -> BearerUser:
    return bearer_user(url)


def post(user: BearerUser, path: str, body: object) -> httpx.Response:
    return user.client.post(f"{API}{path}", json=body, headers=user.headers)


LATIN_1_BODIES = {
    "/habits": {"name": "Café au lait"},
    "/mood/entries": {"happiness": 4, "focus": 3, "stress": 2, "note": "très bien"},
    "/goals": {"title": "Être à l'heure", "horizon": "long_term", "kind": "percentage"},
    "/feedback": {"category": "idea", "text": "une idée à creuser"},
}


def test_a_body_encoded_in_latin_1_is_a_400_naming_the_body_and_logs_no_error(
    capsys: pytest.CaptureFixture[str], serve: Callable[..., str]
) -> None:
    url = serve()
    user = bearer_user(url)
    capsys.readouterr()
    for path, body in LATIN_1_BODIES.items():
        latin_1 = json.dumps(body, ensure_ascii=False).encode("latin-1")
        r = user.client.post(f"{API}{path}", content=latin_1, headers={**user.headers, **JSON})
        assert "UTF-8" in str(assert_problem(r, 400)["detail"]), path
    r = httpx.post(f"{url}{API}/auth/register", content=b'{"email": "\xc3"}', headers=JSON)
    assert "UTF-8" in str(assert_problem(r, 400)["detail"])
    logs = capsys.readouterr()
    assert "http.unhandled_error" not in logs.out + logs.err
    assert "UnicodeDecodeError" not in logs.out + logs.err


@pytest.mark.parametrize(
    ("path", "body", "field"),
    [
        ("/pomodoro/sessions", {"kind": "focus", "planned_minutes": "25"}, "planned_minutes"),
        ("/mood/entries", {"happiness": "4", "focus": 3, "stress": 2}, "happiness"),
        (
            "/goals",
            {"title": "Run", "horizon": "long_term", "kind": "counter", "target": "5"},
            "target",
        ),
        ("/habits", {"name": "Read", "favourite": 0}, "favourite"),
        (
            "/habits",
            {"name": "Swim", "schedule": {"kind": "weekdays", "weekdays": [1, "2"]}},
            "schedule.weekdays[1]",
        ),
    ],
)
def test_a_body_member_of_the_wrong_json_type_is_refused(
    url: str, user: BearerUser, path: str, body: object, field: str
) -> None:
    problem = assert_problem(post(user, path, body), 400)
    assert field in str(problem["detail"])


def test_a_study_rating_sent_as_a_string_is_refused(url: str, user: BearerUser) -> None:
    deck = post(user, "/study/decks", {"name": "Words"}).json()["id"]
    r = post(user, f"/study/decks/{deck}/cards", {"cards": [{"front": "uno", "back": "one"}]})
    card = r.json()[0]["id"]
    assert_problem(post(user, f"/study/cards/{card}/reviews", {"rating": "3"}), 400)
    assert user.client.get(f"{API}/study/cards/{card}/reviews", headers=user.headers).json() == []


def test_well_typed_bodies_are_still_accepted(url: str, user: BearerUser) -> None:
    r = post(user, "/pomodoro/sessions", {"kind": "focus", "planned_minutes": 25})
    assert r.status_code == 201 and r.json()["planned_seconds"] == 1500, r.text
    r = post(
        user, "/goals", {"title": "Run", "horizon": "long_term", "kind": "counter", "target": 5}
    )
    assert r.status_code == 201, r.text
    r = post(user, "/habits", {"name": "Stretch", "favourite": False})
    assert r.status_code == 201 and r.json()["favourite"] is False, r.text


def fields(r: httpx.Response) -> list[str]:
    return [error["field"] for error in assert_problem(r, 400)["errors"]]


def test_a_missing_or_unknown_member_is_named_by_its_json_path(url: str, user: BearerUser) -> None:
    assert fields(post(user, "/habits", {})) == ["name"]
    assert fields(post(user, "/habits", {"name": "Read", "colour": "red"})) == ["colour"]
    assert fields(post(user, "/habits", {"name": "Read", "schedule": {"days": [1]}})) == [
        "schedule.days"
    ]
    marks = [{"habit_id": "a", "date": "2026-01-01"}] * 2 + [{"habit_id": "a"}]
    r = post(user, "/habits/marks", {"marks": marks})
    assert assert_problem(r, 400)["errors"] == [
        {"field": "marks[2].date", "message": "`date` is required"}
    ]
    assert fields(post(user, "/mood/entries", {"happiness": 4, "focus": 3})) == ["stress"]


def test_a_member_of_the_wrong_type_is_named_by_its_json_path(url: str, user: BearerUser) -> None:
    marks = [{"habit_id": "a", "date": "2026-01-01"}, {"habit_id": "a", "date": 20260101}]
    assert fields(post(user, "/habits/marks", {"marks": marks})) == ["marks[1].date"]
    assert fields(post(user, "/habits", {"name": ["Read"]})) == ["name"]


def test_query_and_path_parameters_are_named_as_the_client_sends_them(
    url: str, user: BearerUser
) -> None:
    c, h = user.client, user.headers
    assert fields(c.get(f"{API}/mood/entries", params={"from": "2026-13-01"}, headers=h)) == [
        "from"
    ]
    r = c.get(f"{API}/pomodoro/stats/range", params={"from": "2026-01-01"}, headers=h)
    assert fields(r) == ["to"]
    assert fields(c.get(f"{API}/pomodoro/sessions", params={"limit": "many"}, headers=h)) == [
        "limit"
    ]
    long_id = "x" * 65
    assert fields(c.get(f"{API}/assistant/conversations/{long_id}", headers=h)) == [
        "conversation_id"
    ]


def test_a_body_of_the_wrong_shape_as_a_whole_is_named_in_the_detail(
    url: str, user: BearerUser
) -> None:
    problem = assert_problem(post(user, "/habits", ["Read"]), 400)
    assert "body" in str(problem["detail"]) and "errors" not in problem


@pytest.mark.parametrize("content_type", [None, "application/json"])
def test_a_missing_required_body_is_named_as_missing(
    url: str, user: BearerUser, content_type: str | None
) -> None:
    headers = {**user.headers, **({"Content-Type": content_type} if content_type else {})}
    conversation = post(user, "/assistant/conversations", {"title": "Plans"}).json()["id"]
    for path in ("/habits", f"/assistant/conversations/{conversation}/messages"):
        r = user.client.post(f"{API}{path}", headers=headers)
        problem = assert_problem(r, 400)
        assert "body" in str(problem["detail"]) and "'data'" not in r.text, r.text


def test_an_optional_body_may_still_be_left_out(url: str, user: BearerUser) -> None:
    r = user.client.post(f"{API}/assistant/conversations", headers=user.headers)
    assert r.status_code == 201, r.text


def _day_parameters(url: str) -> list[tuple[str, str, dict[str, Any], str]]:
    """(method, path, operation, name) of every day parameter, in a path or a query, that the
    API document declares (`format: date`), so a route added later is walked as well."""
    document = httpx.get(f"{url}/schema/openapi.json", timeout=30).json()
    found = []
    for path, item in document["paths"].items():
        for method, operation in item.items():
            for parameter in operation.get("parameters", []) if isinstance(operation, dict) else []:
                schema = parameter.get("schema", {})
                shapes = [schema, *schema.get("oneOf", []), *schema.get("anyOf", [])]
                if any(shape.get("format") == "date" for shape in shapes):
                    found.append((method.upper(), path, operation, parameter["name"]))
    return found


@pytest.mark.parametrize("day", ["2026-02-30", "2026-04-31", "2026-13-45", "2026-3-1", "yesterday"])
def test_a_bad_day_is_the_same_400_naming_the_parameter_on_every_route(
    url: str, user: BearerUser, day: str
) -> None:
    # Not on the calendar or not written YYYY-MM-DD: outside the document's `format: date`.
    walked = []
    for method, path, operation, name in _day_parameters(url):
        query = {
            p["name"]: "2026-01-05"
            for p in operation.get("parameters", [])
            if p["in"] == "query" and p.get("required")
        }
        concrete = path.replace(f"{{{name}}}", day)
        if concrete == path:
            query[name] = day
        concrete = re.sub(r"\{\w+\}", str(uuid.uuid4()), concrete)  # any id: the day comes first
        r = user.client.request(method, f"{url}{concrete}", params=query, headers=user.headers)
        problem = assert_problem(r, 400)
        assert [e["field"] for e in problem["errors"]] == [name], (method, path, r.text)
        walked.append(f"{method} {path} {name}")
    assert {
        "GET /api/v1/calendar/{day} day",
        "PUT /api/v1/habits/{habit_id}/days/{day} day",
        "DELETE /api/v1/habits/{habit_id}/days/{day} day",
        "GET /api/v1/mood/days from",
        "GET /api/v1/breathing/stats to",
        "GET /api/v1/pomodoro/stats/range from",
        "GET /api/v1/streak/days to",
        "GET /api/v1/daily date",
    } <= set(walked), walked
