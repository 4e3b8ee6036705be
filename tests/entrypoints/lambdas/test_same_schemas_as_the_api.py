"""One edge contract for both runtimes: what a Lambda answers is the response the API's OpenAPI
document declares for the same operation (its component, member for member, each of the type
the component's struct states), and a body the API refuses is refused by the Lambda with the
same problem, naming the same member."""

from __future__ import annotations

import json
import uuid
from collections.abc import Callable
from pathlib import Path
from typing import Any

import httpx
import msgspec
import pytest

from entrypoints.lambdas import ai_handler, email_api, feedback_api
from entrypoints.schemas.assistant import ConversationRead, QuotaRead, ReplyAccepted, ReplyState
from entrypoints.schemas.email import SubscribeAccepted
from entrypoints.schemas.feedback import FeatureRead, FeedbackReceipt
from tests.entrypoints.lambdas.conftest import Deployment, SelfInvokes, access_token
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
    """The response schema the API's document declares for the operation."""
    operation = openapi["paths"][f"/api/v1{path}"][method.lower()]
    [schema] = [c["schema"] for c in operation["responses"][str(status)]["content"].values()]
    return dict(schema)


def component(openapi: dict[str, Any], schema: dict[str, Any]) -> tuple[str, dict[str, Any]]:
    ref = schema.get("$ref") or schema["items"]["$ref"]
    name = ref.rsplit("/", 1)[-1]
    return name, openapi["components"]["schemas"][name]


def assert_declared(
    openapi: dict[str, Any], method: str, path: str, status: int, struct: type, answer: Any
) -> None:
    """The answer is the component the API declares for the operation: its members exactly,
    each as the component's struct types it (strictly decoded)."""
    schema = declared(openapi, method, path, status)
    name, properties = component(openapi, schema)
    assert name == struct.__name__
    items = answer if "items" in schema else [answer]
    for item in items:
        assert set(item) == set(properties["properties"]), item
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


def test_the_ai_handler_answers_what_the_api_declares(
    model_bucket: Path, monkeypatch: pytest.MonkeyPatch, openapi: dict[str, Any]
) -> None:
    """The reply job is the API's ReplyJobRead less `events` (the function serves no stream);
    the 202 adds the quota counting the message, as the API's QuotaRead."""
    SelfInvokes(monkeypatch)
    _, token = access_token()
    got, conversation = lambda_call(ai_handler.handler, "POST", "/ai/conversations", token=token)
    assert got == 201, conversation
    assert_declared(
        openapi, "POST", "/assistant/conversations", 201, ConversationRead, conversation
    )
    path = f"/ai/conversations/{conversation['id']}/messages"
    headers = {"idempotency-key": "contract"}
    body = {"content": "hi"}
    got, accepted = lambda_call(
        ai_handler.handler, "POST", path, token=token, body=body, headers=headers
    )
    assert got == 202, accepted
    replies = "/assistant/conversations/{conversation_id}/replies"
    name, job = component(openapi, declared(openapi, "POST", replies, 202))
    assert name == "ReplyJobRead"
    assert set(accepted) == set(job["properties"]) - {"events"} | {"quota"}, accepted
    msgspec.json.decode(json.dumps(accepted), type=ReplyAccepted, strict=True)
    assert_declared(openapi, "GET", "/assistant/quota", 200, QuotaRead, accepted["quota"])
    got, progress = lambda_call(
        ai_handler.handler, "GET", f"/ai/replies/{accepted['id']}", token=token
    )
    assert got == 200, progress
    name, job = component(openapi, declared(openapi, "GET", "/assistant/replies/{reply_id}", 200))
    assert set(progress) == set(job["properties"]) - {"events"}, progress
    msgspec.json.decode(json.dumps(progress), type=ReplyState, strict=True)


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


MESSAGES = f"/conversations/{uuid.UUID(int=1)}/messages"


@pytest.mark.parametrize(
    ("path", "body", "headers"),
    [
        ("/conversations", {"title": 5}, {}),
        ("/conversations", {"titel": "x"}, {}),
        ("/conversations", "{bad", {}),
        (MESSAGES, {"content": ""}, {"idempotency-key": "k"}),
        (MESSAGES, {"text": "hi"}, {"idempotency-key": "k"}),
        (MESSAGES, {"content": "hi"}, {}),
        (MESSAGES, {"content": "hi"}, {"idempotency-key": "k" * 129}),
    ],
)
def test_a_bad_message_is_the_same_problem_from_the_ai_handler_and_the_api(
    model_bucket: Path,
    functions_api: str,
    path: str,
    body: Any,
    headers: dict[str, str],
) -> None:
    """The function serves the API's /assistant routes under /ai; its messages are the API's
    reply jobs (`.../replies`)."""
    _, token = access_token()
    content = body if isinstance(body, str) else json.dumps(body)
    api_path = path.replace("/messages", "/replies")
    from_api = httpx.post(
        f"{functions_api}/api/v1/assistant{api_path}",
        content=content,
        headers={"content-type": "application/json", "authorization": f"Bearer {token}", **headers},
        timeout=30,
    )
    status, problem = lambda_call(
        ai_handler.handler, "POST", f"/ai{path}", token=token, body=content, headers=headers
    )
    expected = from_api.json()
    expected.pop("instance", None)
    assert (status, problem) == (from_api.status_code, expected)
    assert status == 400
    if isinstance(body, dict):
        assert [e["field"] for e in problem["errors"]], problem


@pytest.mark.parametrize(
    ("method", "link"),
    [
        ("GET", "confirm"),
        ("POST", "confirm"),
        ("GET", "unsubscribe"),
        ("POST", "unsubscribe"),
        ("GET", "status"),  # read with GET only
    ],
)
@pytest.mark.parametrize("token", [None, "", "x" * 1025])
def test_a_link_without_a_valid_token_is_the_same_problem_from_the_lambda_and_the_api(
    deployment: Deployment, functions_api: str, method: str, link: str, token: str | None
) -> None:
    path = f"/email/newsletter/{link}"
    query = {} if token is None else {"token": token}
    from_api = httpx.request(method, f"{functions_api}/api/v1{path}", params=query, timeout=30)
    status, problem = lambda_call(email_api.handler, method, path, query=query)
    expected = from_api.json()
    expected.pop("instance", None)
    assert (status, problem) == (from_api.status_code, expected)
    assert status == 400 and [e["field"] for e in problem["errors"]] == ["token"], problem
