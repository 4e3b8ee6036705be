"""Lambda handlers invoked directly with real event shapes; the AWS services they use are the
local AWS-compatible server's (moto's Lambda would need Docker to run them). The functions that
serve signed-in users check tokens against a real API service (`functions_api`): its published
JWKS is all they hold, and it is the API they ask whether a session is still signed in."""

from __future__ import annotations

import base64
import json
import os
import uuid
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import httpx
import pytest

from adapters.dynamodb.table import create_table
from adapters.security.keys import derive_key
from entrypoints.composition import serverless
from entrypoints.composition.lambdas import LambdaSettings
from entrypoints.composition.links import LINK_KEY_PURPOSE
from entrypoints.http.app import create_app
from entrypoints.lambdas import (
    ai_handler,
    email_api,
    email_sender,
    feedback_api,
    ses_notifications,
)
from entrypoints.settings import Settings
from tests.adapters.aws.server import LocalAws, local_aws
from tests.conftest import TEST_ACCESS_TOKEN_KEY, TEST_KEK, TEST_SECRET
from tests.support.servers import LiveServer
from tests.support.users import bearer_user

__all__ = ["local_aws"]

SENDER_DOMAIN = "refocused.example"
LOCAL_ONLY = (
    "AWS_",
    "REFOCUSED_LOG_LEVEL",
    "REFOCUSED_MODEL_DIR",
    "REFOCUSED_ASSISTANT_MAX_NEW_TOKENS",
    "REFOCUSED_ASSISTANT_DAILY_MESSAGES",
)
#: The variables the Pulumi program declares for each function of the production stack
#: (tests/platform/test_infra_snapshot.py keeps this file equal to what the program renders).
DECLARED = json.loads(
    (Path(__file__).parents[2] / "platform/snapshots/function-environments.json").read_text()
)["prod"]


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


@pytest.fixture(scope="session")
def functions_api(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    """The API service the functions trust: it issues the tokens, publishes their public keys
    and answers whether a session is still signed in."""
    settings = Settings(
        data_dir=Path(tmp_path_factory.mktemp("functions-api")),
        secret_key=TEST_SECRET,
        journal_kek=TEST_KEK,
        access_token_key=TEST_ACCESS_TOKEN_KEY,
        log_format="console",
        log_level="WARNING",
        # Every test signs up its own users from one address, and signs them in: more than the
        # 20 sign-ins a minute one address may make, when the tests run fast.
        register_per_ip_per_hour=10_000,
        login_per_ip_per_minute=10_000,
    )
    with LiveServer(create_app(settings)) as server:
        yield server.url


def published_jwks(api_url: str) -> str:
    """The API's public keys as it publishes them: what the platform gives the functions."""
    r = httpx.get(f"{api_url}/.well-known/jwks.json", timeout=30)
    assert r.status_code == 200, r.text
    return r.text


@pytest.fixture
def deployment(
    local_aws: LocalAws, functions_api: str, monkeypatch: pytest.MonkeyPatch
) -> Iterator[Deployment]:
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
    # What the platform stores for the email API: the mail-link key derived from the secret.
    link_key_arn = local_aws.client("secretsmanager").create_secret(
        Name=f"email-link-key-{suffix}",
        SecretString=base64.b64encode(derive_key(TEST_SECRET.encode(), LINK_KEY_PURPOSE)).decode(),
    )["ARN"]
    environment = {
        **local_aws.environment(),
        "REFOCUSED_PROFILE": "production",
        "EMAIL_TABLE": tables["email"],
        "EMAIL_REQUESTS_TOPIC_ARN": topic,
        "EMAIL_FROM": f"ReFocused <no-reply@{SENDER_DOMAIN}>",
        "FEEDBACK_TABLE": tables["feedback"],
        "ASSISTANT_HISTORY_TABLE": tables["history"],
        # The email API signs mail links; the functions serving users get public keys only.
        "REFOCUSED_EMAIL_LINK_KEY_ARN": link_key_arn,
        "REFOCUSED_ACCESS_TOKEN_JWKS": published_jwks(functions_api),
        "REFOCUSED_API_URL": functions_api,
        "REFOCUSED_LOG_LEVEL": "WARNING",
    }
    for name, value in environment.items():
        monkeypatch.setenv(name, value)
    reset_cold_starts()
    as_deployed(monkeypatch)
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


def as_deployed(monkeypatch: pytest.MonkeyPatch) -> None:
    """Each handler builds from the variables the program declares for it alone, and what a
    local run adds (the local AWS endpoint and credentials, logging, the model's folder, small
    limits): one shared environment hid that the email API was deployed without a variable it
    needed."""
    modules = {
        "ai_handler": ai_handler,
        "email_api": email_api,
        "email_sender": email_sender,
        "feedback_api": feedback_api,
        "ses_notifications": ses_notifications,
    }
    for name, module in modules.items():
        own = set(DECLARED[name])
        build = module.cold_start._build

        def deployed(_: Any, build: Any = build, own: set[str] = own) -> Any:
            environment = {
                k: v for k, v in os.environ.items() if k in own or k.startswith(LOCAL_ONLY)
            }
            return build(LambdaSettings.from_env(environment))

        monkeypatch.setattr(module.cold_start, "_build", deployed)


def reset_cold_starts() -> None:
    """Each test is a fresh container: the handlers build again from the environment."""
    for module in (ai_handler, email_api, email_sender, feedback_api, ses_notifications):
        module.cold_start.reset()


def access_token() -> tuple[str, str]:
    """A user signed up on the API the functions ask (REFOCUSED_API_URL) and the access token
    the API issued them; returns (user id, token)."""
    user = bearer_user(os.environ["REFOCUSED_API_URL"])
    user.client.close()
    return user.user_id, user.access_token


@pytest.fixture(scope="module")
def bundle(tmp_path_factory: pytest.TempPathFactory) -> Path:
    # Imported here, as in `model_bucket`: they need torch.
    from tests.adapters.model_client.checkpoint import make_tiny_bundle, make_tiny_checkpoint

    checkpoint = make_tiny_checkpoint(tmp_path_factory.mktemp("tiny-model"))
    return make_tiny_bundle(checkpoint, tmp_path_factory.mktemp("bundles") / "int8")


@pytest.fixture
def model_bucket(
    deployment: Deployment, bundle: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> Path:
    # Imported here: only the ai-handler's tests use this fixture, and they need torch; the
    # other function tests also run where the model package is not installed (Pants).
    from model.bundle.store import S3BundleStore

    s3 = deployment.aws.client("s3")
    bucket = f"models-{uuid.uuid4().hex[:8]}"
    s3.create_bucket(Bucket=bucket)
    S3BundleStore(bucket, "models", client=s3).put(bundle)
    local = tmp_path / "lambda-tmp" / "model"
    monkeypatch.setenv("MODEL_BUCKET", bucket)
    monkeypatch.setenv("MODEL_PREFIX", "models/")
    monkeypatch.setenv("REFOCUSED_MODEL_DIR", str(local))
    monkeypatch.setenv("REFOCUSED_ASSISTANT_MAX_NEW_TOKENS", "8")
    monkeypatch.setenv("REFOCUSED_ASSISTANT_DAILY_MESSAGES", "2")
    ai_handler.cold_start.reset()
    return local


class SelfInvokes:
    """What the function sends itself (Lambda's asynchronous invoke), kept to be delivered
    as Lambda would, after the request that caused it has been answered."""

    def __init__(self, monkeypatch: pytest.MonkeyPatch) -> None:
        self.events: list[dict[str, object]] = []
        monkeypatch.setenv("AWS_LAMBDA_FUNCTION_NAME", "refocused-test-ai-handler")
        ai_handler.cold_start.reset()

        class Client:
            def invoke(inner, **call: object) -> dict[str, object]:
                assert call["FunctionName"] == "refocused-test-ai-handler"
                assert call["InvocationType"] == "Event"
                self.events.append(json.loads(call["Payload"]))  # type: ignore[arg-type]
                return {"StatusCode": 202}

        real = serverless.aws_client
        monkeypatch.setattr(
            serverless,
            "aws_client",
            lambda service, *args: Client() if service == "lambda" else real(service, *args),
        )

    def deliver(self) -> None:
        while self.events:
            assert ai_handler.handler(self.events.pop(0))["statusCode"] == 200
