"""One edge contract for both runtimes: what a Lambda answers is the response the API's OpenAPI
document declares for the same operation (its component, member for member, each of the type
the component's struct states), and a body the API refuses is refused by the Lambda with the
same problem, naming the same member."""

from __future__ import annotations

import json
from collections.abc import Callable
from typing import Any

import httpx
import msgspec
import pytest

from entrypoints.lambdas import email_api, feedback_api
from entrypoints.schemas.email import SubscribeAccepted
from entrypoints.schemas.feedback import FeatureRead, FeedbackReceipt
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


def assert_declared(
    openapi: dict[str, Any], method: str, path: str, status: int, struct: type, answer: Any
) -> None:
    """The answer is the component the API declares for the operation: its members exactly,
    each as the component's struct types it (strictly decoded)."""
    operation = openapi["paths"][f"/api/v1{path}"][method.lower()]
    [schema] = [c["schema"] for c in operation["responses"][str(status)]["content"].values()]
    ref = schema.get("$ref") or schema["items"]["$ref"]
    name = ref.rsplit("/", 1)[-1]
    assert name == struct.__name__
    component = openapi["components"]["schemas"][name]
    items = answer if "items" in schema else [answer]
    for item in items:
        assert set(item) == set(component["properties"]), item
        msgspec.json.decode(json.dumps(item), type=struct, strict=True)


def test_the_feedback_lambda_answers_what_the_api_declares(
    deployment: Deployment, openapi: dict[str, Any]
) -> None:
    _, token = access_token()
    feedback = {"category": "idea", "text": "dark mode"}
    checks: list[tuple[str, str, int, type, Any]] = [
        ("POST", "/feedback", 201, FeedbackReceipt, feedback),
        ("POST", "/features", 201, FeatureRead, {"title": "Sync"}),
        ("GET", "/features", 200, FeatureRead, None),
        ("PUT", "/features/{feature_id}/vote", 200, FeatureRead, None),
    ]
    feature_id = ""
    for method, api_path, status, struct, body in checks:
        # The function serves the API's feedback routes under /feedback.
        path = "/feedback" + api_path.removeprefix("/feedback").format(feature_id=feature_id)
        got, answer = lambda_call(feedback_api.handler, method, path, token=token, body=body)
        assert got == status, answer
        assert_declared(openapi, method, api_path, status, struct, answer)
        feature_id = feature_id or (answer["id"] if struct is FeatureRead else "")
    assert answer["votes"] == 1 and answer["voted"], answer


def test_the_email_lambda_answers_what_the_api_declares(
    deployment: Deployment, openapi: dict[str, Any]
) -> None:
    body = {"email": "reader-contract@example.org"}
    got, answer = lambda_call(email_api.handler, "POST", "/email/newsletter/subscribe", body=body)
    assert got == 202, answer
    path = "/email/newsletter/subscribe"
    assert_declared(openapi, "POST", path, 202, SubscribeAccepted, answer)


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
