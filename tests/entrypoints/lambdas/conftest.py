"""Lambda handlers invoked directly with real event shapes; the AWS services they use are the
local AWS-compatible server's (moto's Lambda would need Docker to run them)."""

from __future__ import annotations

import json
import uuid
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

import pytest

from adapters.dynamodb.table import create_table
from adapters.security.tokens import JoseTokenService
from entrypoints.lambdas import (
    ai_handler,
    email_api,
    email_sender,
    feedback_api,
    ses_notifications,
)
from tests.adapters.aws.server import LocalAws, local_aws
from tests.conftest import TEST_SECRET

__all__ = ["local_aws"]

SENDER_DOMAIN = "refocused.example"


@dataclass
class Deployment:
    """One 'stack' of the serverless side on the local AWS server."""

    aws: LocalAws
    email_table: str
    feedback_table: str
    history_table: str
    topic_arn: str
    queue_url: str
    secret_arn: str

    def published(self) -> list[dict[str, Any]]:
        """SNS notifications that reached the topic (through its SQS subscription)."""
        sqs = self.aws.client("sqs")
        out = []
        while True:
            got = sqs.receive_message(QueueUrl=self.queue_url, MaxNumberOfMessages=10)
            messages = got.get("Messages", [])
            if not messages:
                return out
            for m in messages:
                out.append(json.loads(m["Body"]))
                sqs.delete_message(QueueUrl=self.queue_url, ReceiptHandle=m["ReceiptHandle"])


@pytest.fixture
def deployment(local_aws: LocalAws, monkeypatch: pytest.MonkeyPatch) -> Iterator[Deployment]:
    suffix = uuid.uuid4().hex[:8]
    dynamodb = local_aws.client("dynamodb")
    tables = {name: f"{name}-{suffix}" for name in ("email", "feedback", "history")}
    for table in tables.values():
        create_table(dynamodb, table)
    sns, sqs = local_aws.client("sns"), local_aws.client("sqs")
    topic = sns.create_topic(Name=f"email-requests-{suffix}")["TopicArn"]
    queue_url = sqs.create_queue(QueueName=f"email-requests-{suffix}")["QueueUrl"]
    queue_arn = sqs.get_queue_attributes(QueueUrl=queue_url, AttributeNames=["QueueArn"])[
        "Attributes"
    ]["QueueArn"]
    sns.subscribe(
        TopicArn=topic,
        Protocol="sqs",
        Endpoint=queue_arn,
        Attributes={"RawMessageDelivery": "false"},
    )
    local_aws.client("sesv2").create_email_identity(EmailIdentity=SENDER_DOMAIN)
    secret_arn = local_aws.client("secretsmanager").create_secret(
        Name=f"secret-key-{suffix}", SecretString=TEST_SECRET
    )["ARN"]
    environment = {
        **local_aws.environment(),
        "REFOCUSED_PROFILE": "production",
        "EMAIL_TABLE": tables["email"],
        "EMAIL_REQUESTS_TOPIC_ARN": topic,
        "EMAIL_FROM": f"ReFocused <no-reply@{SENDER_DOMAIN}>",
        "FEEDBACK_TABLE": tables["feedback"],
        "ASSISTANT_HISTORY_TABLE": tables["history"],
        "REFOCUSED_SECRET_KEY_ARN": secret_arn,
        "REFOCUSED_LOG_LEVEL": "WARNING",
    }
    for name, value in environment.items():
        monkeypatch.setenv(name, value)
    reset_cold_starts()
    yield Deployment(
        local_aws,
        tables["email"],
        tables["feedback"],
        tables["history"],
        topic,
        queue_url,
        secret_arn,
    )
    reset_cold_starts()


def reset_cold_starts() -> None:
    """Each test is a fresh container: the handlers build again from the environment."""
    for module in (ai_handler, email_api, email_sender, feedback_api, ses_notifications):
        module.cold_start.reset()


def access_token(user_id: str | None = None) -> tuple[str, str]:
    """An access token as the API service issues it (same secret); returns (user, token)."""
    user = user_id or str(uuid.uuid4())
    token, _ = JoseTokenService(TEST_SECRET.encode()).issue_access(
        user, str(uuid.uuid4()), datetime.now(UTC)
    )
    return user, token
