"""The composition root of the Lambda functions: settings from the environment the platform
gives each function (platform/refocused_infra/serverless.py), and one builder per function,
which composes the same containers as the API (entrypoints/composition/serverless.py).

A handler calls its builder once per cold start and keeps the result for the container's life.
Lambdas have no Redis: their rate limits live in the function's DynamoDB table.

Functions that serve signed-in users hold the API's public keys (a JWKS), never the service
secret: they check an access token's signature and expiry themselves and ask the API whether
its session is still signed in (`REFOCUSED_API_URL`)."""

from __future__ import annotations

import base64
import binascii
import os
from collections.abc import Mapping
from dataclasses import dataclass, field, fields
from pathlib import Path
from typing import Any

from dependency_injector import containers, providers

from adapters.dynamodb.rate_limit import DynamoDbRateLimiter
from adapters.dynamodb.table import DynamoTable
from adapters.model_client.in_process import InProcessModelClient, load_verified_bundle
from adapters.model_client.jobs import LambdaReplyRunner
from adapters.s3.model_bundle import S3ModelBundle
from adapters.security.session_check import ApiSessionCheck
from adapters.security.tokens import AccessTokenVerifier, KeyMaterialError
from adapters.system.clock import SystemClock
from domains.assistant.use_cases import AssistantService
from domains.email.use_cases import BounceHandling, EmailService, MailDelivery
from domains.feedback.use_cases import FeedbackService
from entrypoints.composition.aws import aws_client
from entrypoints.composition.domain import Domain
from entrypoints.composition.links import link_key
from entrypoints.composition.serverless import Assistant, Aws, Email, Feedback
from entrypoints.environment import SettingsError, env, env_names, read_env


@dataclass(frozen=True)
class LambdaSettings:
    """Read as the API's settings are (entrypoints.environment): a field per variable,
    REFOCUSED_<NAME> unless env() names another; a bad value or a missing required variable is
    a SettingsError naming it."""

    email_table: str = field(default="", metadata=env("EMAIL_TABLE"))
    email_topic_arn: str = field(default="", metadata=env("EMAIL_REQUESTS_TOPIC_ARN"))
    email_from: str = field(
        default="ReFocused <no-reply@refocused.local>", metadata=env("EMAIL_FROM")
    )
    feedback_table: str = field(default="", metadata=env("FEEDBACK_TABLE"))
    assistant_table: str = field(default="", metadata=env("ASSISTANT_HISTORY_TABLE"))
    model_bucket: str = field(default="", metadata=env("MODEL_BUCKET"))
    model_prefix: str = field(default="models/", metadata=env("MODEL_PREFIX"))
    #: Where the ai-handler keeps the model bundle: the function's temporary storage.
    model_dir: Path = Path("/tmp/model")  # noqa: S108 (Lambda's only writable folder)
    secret_key: str = field(default="", repr=False)
    secret_key_arn: str = ""
    #: The key mail links are signed with (32 bytes, base64), derived from the service secret
    #: as the API derives it: what the email API holds in place of the secret itself.
    email_link_key_arn: str = ""
    #: The public keys that verify the API's access tokens (a JWKS document, not a secret).
    access_token_jwks: str = ""
    #: The API service, which says whether an access token's session is still signed in.
    api_url: str = ""
    #: Links in mail point here; empty: the API Gateway domain the request came through.
    public_url: str = ""
    aws_endpoint_url: str = field(default="", metadata=env("AWS_ENDPOINT_URL"))
    aws_region: str = field(default="us-east-1", metadata=env("AWS_REGION", "AWS_DEFAULT_REGION"))
    assistant_daily_messages: int = 50
    assistant_max_new_tokens: int = 256
    #: The same limits, under the same variables, as the API's (entrypoints/settings.py).
    email_actions_per_address_per_day: int = 5
    email_actions_per_ip_per_day: int = 20
    feedback_per_ip_per_hour: int = 10
    log_level: str = "INFO"
    #: Sentry's DSN (entrypoints/error_reporting.py); empty: no error reporting.
    sentry_dsn: str = field(default="", repr=False)
    sentry_environment: str = ""
    #: This function's own name, which Lambda sets: the ai-handler invokes itself
    #: asynchronously to run a reply sent through the gateway.
    function_name: str = field(default="", metadata=env("AWS_LAMBDA_FUNCTION_NAME"))

    @classmethod
    def from_env(cls, environ: Mapping[str, str] | None = None) -> LambdaSettings:
        values = read_env(cls, os.environ if environ is None else environ)
        for url in ("api_url", "public_url"):
            if url in values:
                values[url] = values[url].rstrip("/")
        return cls(**values)

    def require(self, *names: str) -> None:
        missing = [
            env_names(setting)[0]
            for setting in fields(self)
            if setting.name in names and not getattr(self, setting.name)
        ]
        if missing:
            raise SettingsError(f"this function needs {', '.join(missing)} to be set")

    @property
    def email_transport(self) -> str:
        """Functions send mail through SES (the API's embedded profile writes an outbox)."""
        return "ses"

    def client(self, service: str) -> Any:
        return aws_client(service, self.aws_endpoint_url, self.aws_region)

    def table(self, name: str) -> DynamoTable:
        return DynamoTable(self.client("dynamodb"), name)

    def link_key(self) -> bytes:
        """The key mail links are signed with: the email-links key alone from Secrets Manager
        in AWS (REFOCUSED_EMAIL_LINK_KEY_ARN), or derived from the service secret (local)."""
        if not self.email_link_key_arn:
            return link_key(self.secret())
        response = self.client("secretsmanager").get_secret_value(SecretId=self.email_link_key_arn)
        try:
            key = base64.b64decode(str(response["SecretString"]).strip(), validate=True)
        except (ValueError, binascii.Error):
            key = b""
        if len(key) != 32:
            raise SettingsError(
                "the secret REFOCUSED_EMAIL_LINK_KEY_ARN names must be 32 bytes in base64"
            )
        return key

    def secret(self) -> bytes:
        """The service secret, from Secrets Manager in AWS. No deployed function holds it; a
        local email API derives its link key from it."""
        if self.secret_key:
            value = self.secret_key
        elif self.secret_key_arn:
            response = self.client("secretsmanager").get_secret_value(SecretId=self.secret_key_arn)
            value = str(response["SecretString"]).strip()
        else:
            raise SettingsError(
                "this function needs REFOCUSED_EMAIL_LINK_KEY_ARN (or REFOCUSED_SECRET_KEY) "
                "to be set"
            )
        if len(value) < 32:
            raise SettingsError("the secret key must be at least 32 characters")
        return value.encode()


# -- one builder per function -----------------------------------------------------------------


def _in_function(
    domain: type[Domain], table_name: str, settings: LambdaSettings, **slots: Any
) -> Any:
    """The domain's container as the API composes it, given the function's settings and, in
    place of the API's infrastructure, the system clock and a rate limiter in the function's
    own DynamoDB table: the same services, with the DynamoDB stores the settings select."""
    aws = Aws(settings=settings)
    infrastructure = containers.DynamicContainer()
    infrastructure.clock = providers.Singleton(SystemClock)
    infrastructure.limiter = providers.Singleton(
        DynamoDbRateLimiter, providers.Singleton(DynamoTable, aws.dynamodb, table_name)
    )
    return domain(settings=settings, infrastructure=infrastructure, aws=aws, **slots)


def _email(settings: LambdaSettings) -> Any:
    return _in_function(
        Email, settings.email_table, settings, link_key=providers.Callable(settings.link_key)
    )


def email_requests(settings: LambdaSettings) -> EmailService:
    """email_api: subscriptions in DynamoDB, mail queued on SNS for the sender."""
    settings.require("email_table", "email_topic_arn")
    service: EmailService = _email(settings).service()
    return service


def email_delivery(settings: LambdaSettings) -> MailDelivery:
    """email_sender: the delivery log and suppressions in DynamoDB, mail out through SES."""
    settings.require("email_table")
    delivery: MailDelivery = _email(settings).delivery()
    return delivery


def bounce_handling(settings: LambdaSettings) -> BounceHandling:
    """ses_notifications: bounces and complaints suppress addresses."""
    settings.require("email_table")
    bounces: BounceHandling = _email(settings).bounces()
    return bounces


def access_tokens(settings: LambdaSettings) -> AccessTokenVerifier:
    """Checks the API's access tokens (signature, type, audience, expiry) with the API's public
    keys only: a function can verify tokens and never make one."""
    settings.require("access_token_jwks")
    try:
        return AccessTokenVerifier.from_jwks(settings.access_token_jwks)
    except KeyMaterialError as e:
        raise SettingsError(f"REFOCUSED_ACCESS_TOKEN_JWKS is not valid: {e}") from None


def session_check(settings: LambdaSettings) -> ApiSessionCheck:
    """Asks the API whether a token's session is still signed in: a signed-out or erased user's
    token is refused here as soon as the API refuses it, not when it expires."""
    settings.require("api_url")
    return ApiSessionCheck(settings.api_url)


def feedback(settings: LambdaSettings) -> FeedbackService:
    settings.require("feedback_table")
    service: FeedbackService = _in_function(Feedback, settings.feedback_table, settings).service()
    return service


def assistant_model(settings: LambdaSettings) -> InProcessModelClient:
    """The serving bundle (`refocused model export --upload`), copied from S3 into temporary
    storage on first use (skipped when this container already holds the same bundle), then
    verified against its manifest and loaded in-process; a bare checkpoint is refused."""
    settings.require("model_bucket")
    bundle = S3ModelBundle(settings.client("s3"), settings.model_bucket, settings.model_prefix)
    return InProcessModelClient(
        settings.model_dir,
        max_new_tokens=settings.assistant_max_new_tokens,
        loader=load_verified_bundle,
        fetch=bundle.download_to,
    )


def assistant(settings: LambdaSettings, model: InProcessModelClient) -> AssistantService:
    """The API opens reply jobs in the same table; this function claims and runs them, and
    runs those sent through its own gateway route in an asynchronous call to itself."""
    settings.require("assistant_table")
    composed = _in_function(Assistant, settings.assistant_table, settings)
    composed.model.override(providers.Object(model))
    composed.runner.override(
        providers.Singleton(LambdaReplyRunner, composed.aws.lambda_events, settings.function_name)
        if settings.function_name
        else providers.Object(None)
    )
    service: AssistantService = composed.service()
    return service
