"""The API service wired as in production for the serverless services: state in DynamoDB and
mail handed to SNS for the sender function, on the local AWS-compatible server."""

from __future__ import annotations

import json
import uuid
from collections.abc import Callable

import httpx
import pytest

from adapters.dynamodb.table import create_table
from tests.adapters.aws.server import LocalAws
from tests.support.users import bearer_user


@pytest.fixture
def url(
    serve: Callable[..., str], local_aws: LocalAws, monkeypatch: pytest.MonkeyPatch
) -> tuple[str, str]:
    for name, value in local_aws.environment().items():
        monkeypatch.setenv(name, value)
    suffix = uuid.uuid4().hex[:8]
    dynamodb = local_aws.client("dynamodb")
    tables = {k: f"{k}-{suffix}" for k in ("email", "feedback", "assistant")}
    for table in tables.values():
        create_table(dynamodb, table)
    sns, sqs = local_aws.client("sns"), local_aws.client("sqs")
    topic = sns.create_topic(Name=f"requests-{suffix}")["TopicArn"]
    queue = sqs.create_queue(QueueName=f"requests-{suffix}")["QueueUrl"]
    arn = sqs.get_queue_attributes(QueueUrl=queue, AttributeNames=["QueueArn"])["Attributes"][
        "QueueArn"
    ]
    sns.subscribe(TopicArn=topic, Protocol="sqs", Endpoint=arn)
    api = serve(
        aws_endpoint_url=local_aws.endpoint,
        email_table=tables["email"],
        email_topic_arn=topic,
        feedback_table=tables["feedback"],
        assistant_table=tables["assistant"],
    )
    return api, queue


def test_a_subscription_is_queued_on_sns_for_the_sender(
    url: tuple[str, str], local_aws: LocalAws
) -> None:
    api, queue = url
    r = httpx.post(
        f"{api}/api/v1/email/newsletter/subscribe", json={"email": "ada@example.com"}, timeout=30
    )
    assert r.status_code == 202, r.text
    messages = local_aws.client("sqs").receive_message(QueueUrl=queue, WaitTimeSeconds=2)
    published = json.loads(json.loads(messages["Messages"][0]["Body"])["Message"])
    assert published["to"] == "ada@example.com"
    assert published["kind"] == "newsletter_confirmation"


def test_votes_and_conversations_live_in_dynamodb(url: tuple[str, str]) -> None:
    api, _ = url
    user = bearer_user(api)
    r = user.client.post("/api/v1/features/", json={"title": "Sync"}, headers=user.headers)
    assert r.status_code == 201, r.text
    feature = r.json()["id"]
    for _ in range(2):
        r = user.client.put(f"/api/v1/features/{feature}/vote", headers=user.headers)
        assert r.status_code == 200 and r.json()["votes"] == 1
    r = user.client.post(
        "/api/v1/assistant/conversations", json={"title": "Plans"}, headers=user.headers
    )
    assert r.status_code == 201
    listed = user.client.get("/api/v1/assistant/conversations", headers=user.headers).json()
    assert [c["title"] for c in listed] == ["Plans"]
    exported = user.client.post("/api/v1/users/me/export", headers=user.headers).json()
    assert exported["feedback"]["votes"] == [feature]
    assert exported["assistant"]["conversations"][0]["title"] == "Plans"
