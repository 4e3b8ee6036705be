"""The API service and the Lambda handlers answer a domain error alike: one edge contract
(entrypoints.edge), so a client reads the same status, problem body and headers from either
runtime for the same failure."""

from __future__ import annotations

import json
from datetime import UTC, datetime

import pytest
from litestar import Litestar, get
from litestar.testing import TestClient

from domains.assistant.errors import QuotaExhausted
from domains.identity.errors import InvalidToken
from domains.shared.errors import (
    Conflict,
    DomainError,
    Forbidden,
    InvalidInput,
    NotFound,
    RateLimited,
    Unavailable,
)
from entrypoints.http.problems import EXCEPTION_HANDLERS
from entrypoints.lambdas.apigw import domain_problem

ERRORS = [
    InvalidInput("dates are written YYYY-MM-DD", field="marks[2].date"),
    NotFound("no such habit"),
    Conflict("a session is running", extensions={"running_session_id": "s-1"}),
    InvalidToken("the access token expired"),
    Forbidden("missing or invalid CSRF token"),
    RateLimited("too many attempts", retry_after_seconds=2.2),
    QuotaExhausted(20, datetime(2026, 12, 5, tzinfo=UTC), retry_after_seconds=3600),
    Unavailable("the assistant is not configured"),
]


@pytest.mark.parametrize("error", ERRORS, ids=lambda e: type(e).__name__)
def test_both_runtimes_answer_a_domain_error_alike(error: DomainError) -> None:
    @get("/probe", sync_to_thread=False)
    def probe() -> None:
        raise error

    with TestClient(Litestar([probe], exception_handlers=EXCEPTION_HANDLERS)) as client:
        served = client.get("/probe")
    lambda_answer = domain_problem(error)

    assert lambda_answer["statusCode"] == served.status_code >= 400
    body = served.json()
    assert body.pop("instance") == "/probe"
    assert json.loads(lambda_answer["body"]) == body
    assert body["detail"] == error.detail and body["title"] == error.title
    for name in ("content-type", "retry-after", "www-authenticate"):
        assert lambda_answer["headers"].get(name) == served.headers.get(name), name
    assert served.headers["content-type"] == "application/problem+json"


def test_the_assistant_quota_says_when_it_resets_from_either_runtime() -> None:
    error = QuotaExhausted(20, datetime(2026, 12, 5, tzinfo=UTC), retry_after_seconds=3600)
    body = json.loads(domain_problem(error)["body"])
    assert body["status"] == 429 and body["resets_at"] == "2026-12-05T00:00:00+00:00"
