"""feedback-api with API Gateway events, state in DynamoDB on the local AWS server."""

from __future__ import annotations

import json
import uuid
from typing import Any

import pytest

from adapters.dynamodb.table import DynamoTable
from entrypoints.lambdas import feedback_api
from tests.entrypoints.lambdas.conftest import Deployment, access_token
from tests.entrypoints.lambdas.events import api_event


def call(method: str, path: str, **kwargs: object) -> tuple[int, object]:
    response = feedback_api.handler(api_event(method, path, **kwargs))  # type: ignore[arg-type]
    body = json.loads(response["body"]) if response.get("body") else None
    return response["statusCode"], body


def test_feedback_needs_no_sign_in_and_is_limited_per_client_address(
    deployment: Deployment,
) -> None:
    for n in range(10):
        status, body = call("POST", "/feedback", body={"category": "idea", "text": f"idea {n}"})
        assert status == 201, body
    status, body = call("POST", "/feedback", body={"category": "idea", "text": "more"})
    assert status == 429
    status, _ = call(
        "POST", "/feedback", body={"category": "bug", "text": "x"}, source_ip="198.51.100.9"
    )
    assert status == 201


def test_one_vote_per_user_with_exact_counts(deployment: Deployment) -> None:
    _, token = access_token()
    status, feature = call(
        "POST", "/feedback/features", body={"title": "Calendar sync"}, token=token
    )
    assert status == 201, feature
    feature_id = feature["id"]  # type: ignore[index]
    voters = [access_token() for _ in range(4)]
    for _, voter_token in voters + voters:
        status, body = call("PUT", f"/feedback/features/{feature_id}/vote", token=voter_token)
        assert status == 200, body
    status, listed = call("GET", "/feedback/features", token=voters[0][1])
    [item] = [f for f in listed if f["id"] == feature_id]  # type: ignore[union-attr]
    assert item["votes"] == 4 and item["voted"]
    status, anonymous = call("GET", f"/feedback/features/{feature_id}")
    assert anonymous["votes"] == 4 and not anonymous["voted"]  # type: ignore[index]
    # Withdrawing is per user: the proposer never voted, so nothing changes for the others.
    status, body = call("DELETE", f"/feedback/features/{feature_id}/vote", token=token)
    assert status == 200 and body["votes"] == 4  # type: ignore[index]
    status, body = call("DELETE", f"/feedback/features/{feature_id}/vote", token=voters[0][1])
    assert body["votes"] == 3  # type: ignore[index]


@pytest.mark.parametrize("token", [None, "garbage", "eyJhbGciOiJub25lIn0.eyJzdWIiOiJ4In0."])
def test_voting_needs_a_valid_access_token(deployment: Deployment, token: str | None) -> None:
    status, body = call("PUT", f"/feedback/features/{uuid.uuid4()}/vote", token=token)
    assert status == 401, body


def test_an_unknown_feature_is_404(deployment: Deployment) -> None:
    _, token = access_token()
    assert call("PUT", f"/feedback/features/{uuid.uuid4()}/vote", token=token)[0] == 404
    assert call("GET", "/feedback/features/not-a-feature")[0] == 404


@pytest.mark.parametrize(
    ("body", "status"),
    [
        ("{bad", 400),
        ({"category": 3, "text": "x"}, 400),
        ({"category": "rant", "text": "x"}, 400),
        ({"category": "bug", "text": ""}, 400),
    ],
)
def test_bad_feedback_is_a_4xx(deployment: Deployment, body: object, status: int) -> None:
    assert call("POST", "/feedback", body=body)[0] == status


def test_a_vote_costs_two_dynamodb_round_trips(
    deployment: Deployment, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The transaction's condition on the feature answers "not found" itself: no read first."""
    _, token = access_token()
    _, feature = call("POST", "/feedback/features", body={"title": "Fewer reads"}, token=token)
    operations: list[str] = []
    original = DynamoTable.call

    async def counted(self: DynamoTable, operation: str, **kwargs: Any) -> dict[str, Any]:
        operations.append(operation)
        return await original(self, operation, **kwargs)

    monkeypatch.setattr(DynamoTable, "call", counted)
    path = f"/feedback/features/{feature['id']}/vote"  # type: ignore[index]
    assert call("PUT", path, token=token)[0] == 200
    assert operations == ["transact_write_items", "get_item"]
    operations.clear()
    assert call("PUT", f"/feedback/features/{uuid.uuid4()}/vote", token=token)[0] == 404
    assert operations == ["transact_write_items"]
