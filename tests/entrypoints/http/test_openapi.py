"""The OpenAPI document, read as a client developer reads it: /schema/openapi.json alone."""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Iterator
from typing import Any

import httpx
import msgspec
import pytest
from openapi_spec_validator import validate

from entrypoints.settings import Settings

METHODS = ("get", "put", "post", "patch", "delete")
SIGN_IN_FIRST = "sign in first"


@pytest.fixture(scope="module")
def served(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    from entrypoints.http.app import create_app
    from tests.conftest import TEST_ACCESS_TOKEN_KEY, TEST_KEK, TEST_SECRET
    from tests.support.servers import LiveServer

    settings = Settings(
        data_dir=tmp_path_factory.mktemp("openapi") / "var",
        secret_key=TEST_SECRET,
        journal_kek=TEST_KEK,
        access_token_key=TEST_ACCESS_TOKEN_KEY,
        log_format="console",
        log_level="WARNING",
    )
    settings.validate()
    with LiveServer(create_app(settings)) as server:
        yield server.url


@pytest.fixture(scope="module")
def document(served: str) -> dict[str, Any]:
    r = httpx.get(f"{served}/schema/openapi.json", timeout=30)
    assert r.status_code == 200, r.text
    return dict(r.json())


def operations(document: dict[str, Any]) -> Iterator[tuple[str, str, dict[str, Any]]]:
    for path, item in document["paths"].items():
        for method in METHODS:
            if method in item:
                yield method, path, item[method]


def _secured(operation: dict[str, Any]) -> bool:
    """Declares a requirement that cannot be skipped (`{}` would make sign-in optional)."""
    security = operation.get("security") or []
    return bool(security) and {} not in security


def _concrete(path: str) -> str:
    samples = {"day": "2026-01-05", "month": "2026-01", "slug": "box-breathing"}
    return re.sub(r"\{(\w+)\}", lambda m: samples.get(m.group(1), "0" * 26), path)


def _required_query(operation: dict[str, Any]) -> dict[str, str]:
    """Values for the required query parameters, so that a missing one is not what answers."""
    values = {"date": "2026-01-05", "integer": "1"}
    query = {}
    for parameter in operation.get("parameters", []):
        if parameter["in"] == "query" and parameter.get("required"):
            schema = parameter.get("schema", {})
            query[parameter["name"]] = values.get(
                schema.get("format", schema.get("type", "")), "2026-01-05"
            )
    return query


# -- security -------------------------------------------------------------------------------


PUBLIC = [
    ("post", "/api/v1/auth/register"),
    ("post", "/api/v1/auth/login"),
    ("post", "/api/v1/auth/token"),
    ("post", "/api/v1/auth/refresh"),
    ("post", "/api/v1/auth/password-reset/request"),
    ("post", "/api/v1/auth/password-reset/confirm"),
    ("post", "/api/v1/auth/verify-email/confirm"),
    ("post", "/api/v1/email/newsletter/subscribe"),
    ("get", "/api/v1/email/newsletter/unsubscribe"),
    ("post", "/api/v1/feedback"),
    ("get", "/api/v1/features"),
    ("get", "/api/v1/daily"),
    ("get", "/api/v1/daily/quote"),
    ("get", "/api/v1/breathing/techniques"),
    ("get", "/health"),
    ("get", "/ready"),
    ("get", "/.well-known/jwks.json"),
]


def test_no_security_is_declared_for_the_whole_document(document: dict[str, Any]) -> None:
    assert not document.get("security"), "security belongs to each operation, not the document"


@pytest.mark.parametrize(("method", "path"), PUBLIC)
def test_public_operations_show_no_security_requirement(
    document: dict[str, Any], method: str, path: str
) -> None:
    assert not document["paths"][path][method].get("security")


def test_every_operation_declares_exactly_the_sign_in_the_server_asks_for(
    document: dict[str, Any], served: str
) -> None:
    """Asked without credentials, a secured operation answers 401, and an operation the
    document shows as public never answers "sign in first"."""
    wrong: list[str] = []
    with httpx.Client(base_url=served, timeout=30) as client:
        for method, path, operation in operations(document):
            if path == "/api/v1/auth/logout":
                continue  # either token ends the session; checked below
            r = client.request(
                method.upper(), _concrete(path), params=_required_query(operation), json={}
            )
            asked_to_sign_in = r.status_code == 401 and SIGN_IN_FIRST in r.text
            if _secured(operation) and r.status_code != 401:
                wrong.append(f"{method.upper()} {path} is declared secured but answered {r}")
            if not operation.get("security") and asked_to_sign_in:
                wrong.append(f"{method.upper()} {path} needs sign-in; the document shows none")
    assert not wrong, "\n".join(wrong)


def test_secured_operations_name_schemes_the_document_defines(document: dict[str, Any]) -> None:
    schemes = set(document["components"]["securitySchemes"])
    me = document["paths"]["/api/v1/auth/me"]["get"]
    assert {"bearer", "cookie", "password"} <= {name for req in me["security"] for name in req}
    for _method, _path, operation in operations(document):
        for requirement in operation.get("security") or []:
            assert set(requirement) <= schemes


# -- what each operation says ---------------------------------------------------------------


def test_the_document_passes_an_openapi_validator(document: dict[str, Any]) -> None:
    validate(document)


def test_every_operation_id_reads_as_a_method_name_and_is_unique(
    document: dict[str, Any],
) -> None:
    ids = [operation.get("operationId", "") for _m, _p, operation in operations(document)]
    assert [i for i in ids if not re.fullmatch(r"[a-z]+(?:[A-Z][a-z0-9]*)*", i)] == []
    assert [i for i, n in Counter(ids).items() if n > 1] == []
    login = document["paths"]["/api/v1/auth/login"]["post"]
    habits = document["paths"]["/api/v1/habits"]["get"]
    assert (login["operationId"], habits["operationId"]) == ("login", "listHabits")


def test_every_summary_is_words_and_none_is_repeated(document: dict[str, Any]) -> None:
    summaries = [operation.get("summary", "") for _m, _p, operation in operations(document)]
    assert [s for s in summaries if not re.fullmatch(r"[A-Z][a-z]*(?: [a-z0-9]+)*", s)] == []
    assert [s for s, n in Counter(summaries).items() if n > 1] == []
    assert document["paths"]["/api/v1/habits"]["get"]["summary"] == "List habits"


def test_every_operation_is_described_by_its_handlers_docstring(
    document: dict[str, Any],
) -> None:
    undescribed = [
        f"{m} {p}" for m, p, operation in operations(document) if not operation.get("description")
    ]
    assert undescribed == []
    habit = document["paths"]["/api/v1/habits"]["post"]
    assert habit["description"].startswith("A new habit; names are unique per user")


def test_every_operation_has_a_tag_the_document_describes(document: dict[str, Any]) -> None:
    described = {tag["name"] for tag in document.get("tags", []) if tag.get("description")}
    untagged = [
        f"{m} {p}"
        for m, p, operation in operations(document)
        if not operation.get("tags") or not set(operation["tags"]) <= described
    ]
    assert untagged == []
    assert document["paths"]["/api/v1/dashboard"]["get"]["tags"] == ["dashboard"]


def _resolve(document: dict[str, Any], schema: dict[str, Any]) -> dict[str, Any]:
    while "$ref" in schema:
        schema = document["components"]["schemas"][schema["$ref"].rsplit("/", 1)[1]]
    return schema


def test_problem_answers_have_an_rfc_9457_schema_with_field_errors(
    document: dict[str, Any],
) -> None:
    empty: list[str] = []
    for method, path, operation in operations(document):
        for code, answer in operation["responses"].items():
            content = answer.get("content", {}).get("application/problem+json")
            if int(code) >= 400 and (content is None or not content.get("schema")):
                empty.append(f"{method} {path} {code}")
    assert empty == []
    problem = _resolve(
        document,
        document["paths"]["/api/v1/habits"]["post"]["responses"]["422"]["content"][
            "application/problem+json"
        ]["schema"],
    )
    assert {"type", "title", "status", "detail", "instance", "errors"} <= set(problem["properties"])
    errors = problem["properties"]["errors"]
    array = next(s for s in errors.get("oneOf", [errors]) if s.get("type") == "array")
    assert "field" in _resolve(document, array["items"])["properties"]


def test_the_docs_page_loads_nothing_from_another_origin(served: str) -> None:
    page = httpx.get(f"{served}/schema", timeout=30, follow_redirects=True)
    assert page.status_code == 200
    assert "http://" not in page.text and "https://" not in page.text
    assert httpx.get(f"{served}/schema/scalar", timeout=30).status_code == 404


def _body_schema(document: dict[str, Any], schema: dict[str, Any]) -> dict[str, Any]:
    """The body's object schema, past a `oneOf` with null for an optional body."""
    for alternative in schema.get("oneOf", [schema]):
        if alternative.get("type") != "null":
            return _resolve(document, alternative)
    return schema


def test_every_request_body_has_an_example(document: dict[str, Any]) -> None:
    missing = [
        operation["operationId"]
        for _m, _p, operation in operations(document)
        for content in operation.get("requestBody", {}).get("content", {}).values()
        if not (
            content.get("example")
            or content.get("examples")
            or _body_schema(document, content["schema"]).get("examples")
        )
    ]
    assert missing == []


def test_every_example_is_a_body_the_server_decodes() -> None:
    import msgspec

    from entrypoints.http.examples import EXAMPLES

    refused = {}
    for struct, example in EXAMPLES.items():
        try:
            msgspec.json.decode(msgspec.json.encode(example), type=struct, strict=True)
        except msgspec.ValidationError as e:
            refused[struct.__qualname__] = str(e)
    assert refused == {}


# -- constraints ----------------------------------------------------------------------------


def _property(document: dict[str, Any], schema: str, name: str) -> dict[str, Any]:
    """The property's schema; for an optional one, its non-null branch and the keywords beside
    it (Litestar writes the limits of `str | None` next to a `oneOf`, msgspec inside an
    `anyOf`)."""
    found = document["components"]["schemas"][schema]["properties"][name]
    branches = found.get("oneOf") or found.get("anyOf") or [found]
    branch = next((s for s in branches if s.get("type") != "null"), found)
    return {**found, **branch}


def test_the_document_states_the_limits_the_domains_check(document: dict[str, Any]) -> None:
    from domains.breathing.model import MAX_CYCLES
    from domains.goals.model import MAX_TITLE
    from domains.habits.model import MAX_NAME_LENGTH
    from domains.identity.model import MIN_PASSWORD_LENGTH
    from domains.journal.model import MAX_TAGS, MIN_COLLECTION_PASSWORD
    from domains.mood.model import HIGHEST, LOWEST
    from domains.pomodoro.use_cases import MAX_PLANNED_MINUTES

    assert _property(document, "HabitCreate", "name")["maxLength"] == MAX_NAME_LENGTH
    new_password = _property(document, "RegisterRequest", "password")
    assert new_password["minLength"] == MIN_PASSWORD_LENGTH
    assert _property(document, "GoalCreate", "title")["maxLength"] == MAX_TITLE
    happiness = _property(document, "MoodEntryCreate", "happiness")
    assert (happiness["minimum"], happiness["maximum"]) == (LOWEST, HIGHEST)
    assert _property(document, "BreathingSessionCreate", "cycles")["maximum"] == MAX_CYCLES
    assert _property(document, "EntryCreate", "tags")["maxItems"] == MAX_TAGS
    password = _property(document, "CollectionCreate", "password")
    assert password["minLength"] == MIN_COLLECTION_PASSWORD
    minutes = _property(document, "SessionCreate", "planned_minutes")
    assert minutes["maximum"] == MAX_PLANNED_MINUTES


def test_request_bodies_are_stated_as_strictly_as_the_server_decodes_them(
    document: dict[str, Any],
) -> None:
    """msgspec derives each body's schema from the struct the server decodes with: unknown
    members refused, limits on list items, and the domains' ranges, each stated once."""
    from domains.goals.model import MAX_COUNTER_TARGET
    from domains.pomodoro.model import MAX_TASKS_PER_REQUEST, SETTING_LIMITS
    from domains.study.model import MAX_TAG, NEW_CARDS_RANGE, RETENTION_RANGE
    from entrypoints.http.openapi import is_request_body

    schemas = document["components"]["schemas"]
    bodies = [
        name for name, schema in schemas.items() if schema.get("additionalProperties") is False
    ]
    assert {"HabitCreate", "MessageCreate", "CardCreate", "ScheduleBody"} <= set(bodies)
    for path in document["paths"].values():
        for operation in path.values():
            body = operation.get("requestBody", {}).get("content", {}).get("application/json")
            ref = (body or {}).get("schema", {}).get("$ref", "")
            if ref:
                name = ref.rsplit("/", 1)[1]
                assert schemas[name].get("additionalProperties") is False, name
    tag = _property(document, "CardCreate", "tags")["items"]
    assert (tag["minLength"], tag["maxLength"]) == (1, MAX_TAG)
    weekday = _property(document, "ScheduleBody", "weekdays")["items"]
    assert (weekday["minimum"], weekday["maximum"]) == (0, 6)
    assert _property(document, "GoalCreate", "target")["maximum"] == MAX_COUNTER_TARGET
    assert _property(document, "TasksDone", "count")["maximum"] == MAX_TASKS_PER_REQUEST
    for setting, (low, high) in SETTING_LIMITS.items():
        stated = _property(document, "pomodoro_SettingsUpdate", setting)
        assert (stated["minimum"], stated["maximum"]) == (low, high), setting
    retention = _property(document, "study_SettingsUpdate", "desired_retention")
    assert (retention["minimum"], retention["maximum"]) == RETENTION_RANGE
    new_cards = _property(document, "study_SettingsUpdate", "new_cards_per_day")
    assert (new_cards["minimum"], new_cards["maximum"]) == NEW_CARDS_RANGE
    assert is_request_body(type("Loose", (msgspec.Struct,), {})) is False


def test_the_study_import_declares_the_body_limit_the_server_enforces(
    document: dict[str, Any], served: str
) -> None:
    from tests.support.users import bearer_user

    limit = Settings().max_body_bytes
    assert _property(document, "ImportRequest", "text")["maxLength"] == limit
    user = bearer_user(served)
    r = httpx.post(
        f"{served}/api/v1/study/decks/{'0' * 26}/import",
        content=b'{"text": "' + b"a" * limit + b'"}',
        headers={"Content-Type": "application/json", **user.headers},
        timeout=30,
    )
    assert r.status_code == 413


def test_the_answers_that_are_not_json_are_documented(document: dict[str, Any]) -> None:
    paths = document["paths"]
    export = paths["/api/v1/study/decks/{deck_id}/export"]["get"]["responses"]["200"]
    assert "text/csv" in export["content"]
    metrics = paths["/metrics"]["get"]["responses"]["200"]["content"]
    assert any(media.startswith("text/plain") for media in metrics)
    send = paths["/api/v1/assistant/conversations/{conversation_id}/messages"]["post"]
    assert "model" in send["responses"]["503"]["description"]
    without_415 = [
        operation["operationId"]
        for _m, _p, operation in operations(document)
        if "requestBody" in operation and "415" not in operation["responses"]
    ]
    assert without_415 == []


# -- OAuth 2 password flow ------------------------------------------------------------------


def test_the_token_route_takes_an_rfc_6749_form_as_the_docs_page_sends_it(served: str) -> None:
    from tests.support.users import PASSWORD, register, unique_email

    email = unique_email()
    with httpx.Client(base_url=served, timeout=30) as client:
        register(client, email)
        # Swagger UI's Authorize button: form encoded, with an empty scope and client id.
        form = {
            "grant_type": "password",
            "username": email,
            "password": PASSWORD,
            "scope": "",
            "client_id": "",
        }
        r = client.post("/api/v1/auth/token", data=form)
        assert r.status_code == 200, r.text
        assert r.json()["token_type"].lower() == "bearer"
        bearer = {"Authorization": f"Bearer {r.json()['access_token']}"}
        assert client.get("/api/v1/auth/me", headers=bearer).json()["email"] == email

        as_json = {"grant_type": "password", "username": email, "password": PASSWORD}
        assert client.post("/api/v1/auth/token", json=as_json).status_code == 200

        zero = client.post("/api/v1/auth/token", data={**form, "remember_me": "0"})
        assert zero.status_code == 400, "a form's boolean is true or false"
        wrong = client.post("/api/v1/auth/token", data={**form, "grant_type": "implicit"})
        assert wrong.status_code == 400
        assert wrong.headers["content-type"].startswith("application/problem+json")
        assert wrong.json()["errors"][0]["field"] == "grant_type"


def test_the_document_offers_the_password_flow_and_both_encodings(
    document: dict[str, Any],
) -> None:
    flow = document["components"]["securitySchemes"]["password"]["flows"]["password"]
    assert flow["tokenUrl"] == "/api/v1/auth/token"
    body = document["paths"]["/api/v1/auth/token"]["post"]["requestBody"]["content"]
    assert {"application/json", "application/x-www-form-urlencoded"} <= set(body)
    form = body["application/x-www-form-urlencoded"]
    assert {"grant_type", "username", "password"} <= set(form["schema"]["properties"])
    assert form["example"]["grant_type"] == "password"


@pytest.mark.parametrize("body", [b"\x00", b"\xff\xfe", b"{not json", b""])
def test_a_token_request_that_is_not_json_is_a_400_problem(served: str, body: bytes) -> None:
    r = httpx.post(
        f"{served}/api/v1/auth/token",
        content=body,
        headers={"Content-Type": "application/json"},
        timeout=30,
    )
    assert r.status_code == 400, r.text
    assert r.headers["content-type"].startswith("application/problem+json")


def test_id_parameters_say_they_are_uuids(document: dict[str, Any]) -> None:
    """Ids are UUIDs; a generated client (and a fuzzer) can then send one that could exist."""
    loose = [
        f"{method} {path} {parameter['name']}"
        for method, path, operation in operations(document)
        for parameter in operation.get("parameters", [])
        if parameter["in"] == "path"
        and parameter["name"].endswith("_id")
        and parameter["schema"].get("format") != "uuid"
    ]
    assert loose == []
