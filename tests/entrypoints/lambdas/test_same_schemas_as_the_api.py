"""One edge contract for both runtimes: what a Lambda answers is the response the API's OpenAPI
document declares for the same operation (its component, member for member), and a body the
API refuses is refused by the Lambda with the same problem, naming the same member."""

from __future__ import annotations

import json
from collections.abc import Callable
from typing import Any

import httpx
import jsonschema
import pytest

from entrypoints.lambdas import email_api, feedback_api
from tests.entrypoints.lambdas.conftest import Deployment, access_token
from tests.entrypoints.lambdas.events import api_event

Handler = Callable[[dict[str, Any]], dict[str, Any]]


@pytest.fixture(scope="module")
def openapi(functions_api: str) -> dict[str, Any]:
    r = httpx.get(f"{functions_api}/schema/openapi.json", timeout=30)
    assert r.status_code == 200, r.text
    return dict(r.json())


def lambda_call(handler: Handler, method: str, path: str, **kwargs: Any) -> tuple[int, Any]:
    response = handler(api_event(method, path, **kwargs))
    return response["statusCode"], json.loads(response["body"])


def declared(openapi: dict[str, Any], method: str, path: str, status: int) -> dict[str, Any]:
    """The response schema the API declares for an operation, its components alongside so
    that its references resolve."""
    operation = openapi["paths"][f"/api/v1{path}"][method.lower()]
    content = operation["responses"][str(status)]["content"]
    [schema] = [c["schema"] for c in content.values()]
    return {**schema, "components": openapi["components"]}


def assert_declared(openapi: dict[str, Any], schema: dict[str, Any], answer: Any) -> None:
    jsonschema.validate(answer, schema)
    # Validation alone admits extra members: the members are the component's, no more.
    ref = schema.get("$ref") or schema.get("items", {}).get("$ref")
    component = openapi["components"]["schemas"][ref.rsplit("/", 1)[-1]]
    for item in answer if isinstance(answer, list) else [answer]:
        assert set(item) == set(component["properties"]), item


def test_the_feedback_lambda_answers_what_the_api_declares(
    deployment: Deployment, openapi: dict[str, Any]
) -> None:
    _, token = access_token()
    checks = [
        ("POST", "/feedback", "/feedback", 201, {"body": {"category": "idea", "text": "dark"}}),
        ("POST", "/feedback/features", "/features", 201, {"body": {"title": "Sync"}}),
        ("GET", "/feedback/features", "/features", 200, {}),
    ]
    for method, lambda_path, api_path, status, kwargs in checks:
        got, answer = lambda_call(feedback_api.handler, method, lambda_path, token=token, **kwargs)
        assert got == status, answer
        assert_declared(openapi, declared(openapi, method, api_path, status), answer)
    feature_id = answer[0]["id"]
    got, answer = lambda_call(
        feedback_api.handler, "PUT", f"/feedback/features/{feature_id}/vote", token=token
    )
    assert got == 200 and answer["votes"] == 1 and answer["voted"], answer
    schema = declared(openapi, "PUT", "/features/{feature_id}/vote", 200)
    assert_declared(openapi, schema, answer)


def test_the_email_lambda_answers_what_the_api_declares(
    deployment: Deployment, openapi: dict[str, Any]
) -> None:
    body = {"email": "reader-contract@example.org"}
    got, answer = lambda_call(email_api.handler, "POST", "/email/newsletter/subscribe", body=body)
    assert got == 202, answer
    schema = declared(openapi, "POST", "/email/newsletter/subscribe", 202)
    assert_declared(openapi, schema, answer)


@pytest.mark.parametrize(
    ("handler", "path", "body"),
    [
        (feedback_api.handler, "/feedback", {"category": 3, "text": "x"}),
        (feedback_api.handler, "/feedback", {"category": "bug"}),
        (feedback_api.handler, "/feedback", {"category": "rant", "text": "x"}),
        (feedback_api.handler, "/feedback", {"category": "bug", "text": "x", "mood": 1}),
        (feedback_api.handler, "/feedback", "{bad"),
        (feedback_api.handler, "/feedback", "[]"),
        (email_api.handler, "/email/newsletter/subscribe", {"mail": "x"}),
        (email_api.handler, "/email/newsletter/subscribe", {"email": 7}),
    ],
)
def test_a_bad_body_is_the_same_problem_from_the_lambda_and_the_api(
    deployment: Deployment, functions_api: str, handler: Handler, path: str, body: Any
) -> None:
    content = body if isinstance(body, str) else json.dumps(body)
    from_api = httpx.post(
        f"{functions_api}/api/v1{path}",
        content=content,
        headers={"content-type": "application/json"},
        timeout=30,
    )
    status, problem = lambda_call(handler, "POST", path, body=content)
    expected = from_api.json()
    expected.pop("instance", None)
    assert (status, problem) == (from_api.status_code, expected)
    assert status == 400
    if isinstance(body, dict):
        assert [e["field"] for e in problem["errors"]], problem
