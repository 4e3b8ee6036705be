"""The serverless side: an HTTP API in front of the email, feedback and ai-handler Lambdas,
SNS between the email API and its sender, DynamoDB tables, SES, and the model bucket.
"""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field, replace
from itertools import chain
from typing import Any

import pulumi
import pulumi_aws as aws

from . import policies
from .functions import FunctionArgs, LambdaFunction, ZipPackage
from .messaging import Messaging
from .registry import image_repository
from .settings import DomainSettings, FunctionSettings
from .tables import private_bucket, table, table_resources

DYNAMODB_READ_WRITE = [
    "dynamodb:BatchWriteItem",
    "dynamodb:ConditionCheckItem",
    "dynamodb:DeleteItem",
    "dynamodb:GetItem",
    "dynamodb:PutItem",
    "dynamodb:Query",
    "dynamodb:UpdateItem",
]
MODEL_PREFIX = "models/"
#: What the web client sends and reads across origins (entrypoints/http/app.py allows the same).
CORS_HEADERS = ["authorization", "content-type", "x-csrf-token", "x-journal-grant", "x-request-id"]
CORS_EXPOSED = ["retry-after", "x-request-id"]
#: The header the gateway adds to every request it forwards to the API service, with a secret
#: value the API checks: a request without it did not come through the gateway's throttles.
GATEWAY_TOKEN_HEADER = "x-refocused-gateway"  # noqa: S105 (a header's name, not its value)
#: Routes that cost the most (a password hash, a mail, a model run), throttled on their own.
COSTLY_FUNCTION_ROUTES = {
    "email_api": ["POST /email/newsletter/subscribe"],
    "ai_handler": ["ANY /ai/{proxy+}"],
}
COSTLY_API_ROUTES = [
    "POST /api/v1/auth/login",
    "POST /api/v1/auth/register",
    "POST /api/v1/auth/google",
    "POST /api/v1/auth/token",
    "POST /api/v1/email/newsletter/subscribe",
    # Sending a message (and starting a conversation): the reads that follow a reply (a
    # reconnect every 25 s, polls) are the ordinary routes' and must not share this budget.
    "POST /api/v1/assistant/{proxy+}",
]
#: Routes each function serves: `/feedback` itself too, which `{proxy+}` (one segment or more)
#: never matches.
FUNCTION_ROUTES = {
    "email_api": ["ANY /email/{proxy+}", "POST /email/newsletter/subscribe"],
    "feedback_api": ["ANY /feedback/{proxy+}", "ANY /feedback"],
    "ai_handler": ["ANY /ai/{proxy+}"],
}
LAMBDA_PACKAGE_KEY = "lambdas/refocused-lambdas.zip"


@dataclass(frozen=True)
class ServerlessArgs:
    prefix: str
    account_id: pulumi.Input[str]
    functions: FunctionSettings
    # The zip built by platform/lambda_build/build.py.
    package: pulumi.Asset
    log_retention_days: int
    # The public keys that verify the API's access tokens (a JWKS): the functions serving
    # signed-in users get these, never the service secret or the signing key.
    access_token_jwks: pulumi.Input[str]
    # The mail-link key's secret: the email API signs and checks newsletter links with it.
    email_link_key_arn: pulumi.Input[str]
    # The web client's origins: the gateway answers their CORS preflights.
    web_origins: Sequence[pulumi.Input[str]]
    domain: DomainSettings | None
    zone_id: pulumi.Input[str] | None
    protect: bool
    # Every function's error reporting (REFOCUSED_SENTRY_*), when the stack has a Sentry DSN.
    error_reporting: Mapping[str, pulumi.Input[str]] = field(default_factory=dict)
    # The stack's region: the ai-handler's ARN, which the API invokes, is known before the
    # function exists (the function needs the API's URL, the API its ARN).
    region: str = "us-east-1"


def ai_handler_name(prefix: str) -> str:
    return f"{prefix}-ai-handler"


def _signed_in_users(
    args: ServerlessArgs, api_url: pulumi.Input[str] | None
) -> dict[str, pulumi.Input[str]]:
    """What a function serving signed-in users needs to trust the API's access tokens: the
    public keys to check their signature, and the API to ask whether a session is still signed
    in (absent before the API's first release, when no token exists yet). The API is asked at
    its public URL, through the gateway: the service refuses whatever skips the gateway."""
    environment: dict[str, pulumi.Input[str]] = {
        "REFOCUSED_ACCESS_TOKEN_JWKS": args.access_token_jwks
    }
    if api_url is not None:
        environment["REFOCUSED_API_URL"] = api_url
    return environment


class Serverless(pulumi.ComponentResource):
    http_api: aws.apigatewayv2.Api
    stage: aws.apigatewayv2.Stage
    tables: dict[str, aws.dynamodb.Table]
    model_bucket: aws.s3.Bucket
    ai_handler_repository: aws.ecr.Repository
    functions: dict[str, LambdaFunction]

    def __init__(self, name: str, args: ServerlessArgs, opts: pulumi.ResourceOptions | None = None):
        super().__init__("refocused:platform:Serverless", name, None, opts)
        child = pulumi.ResourceOptions(parent=self)

        self.tables = {
            key: table(f"{name}-{key}-table", f"{args.prefix}-{key}", args.protect, parent=self)
            for key in ("email", "feedback", "assistant-history")
        }
        # Bucket names are global: the account id keeps this one unique to the account.
        self.model_bucket, _ = private_bucket(
            f"{name}-models",
            pulumi.Output.concat(args.prefix, "-models-", args.account_id),
            args.protect,
            parent=self,
        )
        artifacts, artifacts_versioning = private_bucket(
            f"{name}-artifacts",
            pulumi.Output.concat(args.prefix, "-artifacts-", args.account_id),
            protect=False,
            parent=self,
            noncurrent_days=14,
        )
        uploaded = aws.s3.BucketObjectv2(
            f"{name}-lambda-package",
            bucket=artifacts.id,
            key=LAMBDA_PACKAGE_KEY,
            source=args.package,
            content_type="application/zip",
            opts=pulumi.ResourceOptions(parent=self, depends_on=[artifacts_versioning]),
        )
        package = ZipPackage(bucket=artifacts.id, key=uploaded.key, version=uploaded.version_id)
        self.ai_handler_repository = image_repository(
            f"{name}-ai-handler-repo", f"{args.prefix}-ai-handler", args.protect, parent=self
        )
        self.messaging = Messaging(
            f"{name}-messaging",
            prefix=args.prefix,
            account_id=args.account_id,
            domain=args.domain,
            zone_id=args.zone_id,
            opts=child,
        )
        self._name, self._args, self._package = name, args, package
        self._http_api(name, args)

    def api_service_access(self) -> tuple[dict[str, pulumi.Input[str]], list[dict[str, Any]]]:
        """What the API service needs to share this side's data: the same DynamoDB tables as
        the functions (one store for feedback, votes, conversations and subscriptions, which
        export and erasure therefore cover), and the mail queue the sender delivers from. The
        variables are the API's settings (entrypoints/settings.py), the statements its role's."""
        environment: dict[str, pulumi.Input[str]] = {
            "REFOCUSED_EMAIL_TABLE": self.tables["email"].name,
            "REFOCUSED_FEEDBACK_TABLE": self.tables["feedback"].name,
            "REFOCUSED_ASSISTANT_TABLE": self.tables["assistant-history"].name,
            "REFOCUSED_EMAIL_TOPIC_ARN": self.messaging.email_requests.arn,
        }
        statements = [
            policies.statement(
                DYNAMODB_READ_WRITE,
                [arn for t in self.tables.values() for arn in table_resources(t)],
                sid="ShareTheFunctionsTables",
            ),
            policies.statement(
                ["sns:Publish"], [self.messaging.email_requests.arn], sid="QueueMail"
            ),
            self.messaging.publish_key_statement(),
        ]
        if self._args.functions.ai_handler_image_tag:
            # Replies are background jobs (docs/api.md, "The assistant's stream"): the API
            # opens a job in the assistant table and invokes the ai-handler asynchronously;
            # the function claims the job and writes the reply there as the model writes it.
            function_arn = self._ai_handler_arn()
            environment["REFOCUSED_ASSISTANT_BACKEND"] = "lambda"
            environment["REFOCUSED_ASSISTANT_FUNCTION"] = function_arn
            statements.append(
                policies.statement(
                    ["lambda:InvokeFunction"], [function_arn], sid="StartAssistantReplies"
                )
            )
        return environment, statements

    def _ai_handler_arn(self) -> pulumi.Output[str]:
        """Known before the function exists: the API's role and the function's own name it."""
        return pulumi.Output.concat(
            "arn:aws:lambda:",
            self._args.region,
            ":",
            self._args.account_id,
            ":function:",
            ai_handler_name(self._args.prefix),
        )

    def add_functions(
        self,
        api_service_url: pulumi.Input[str] | None,
        gateway_token: pulumi.Input[str] | None = None,
        public_api_url: pulumi.Input[str] | None = None,
    ) -> None:
        """The functions and the routes to them and to the API service: declared once the API
        service exists, since the functions ask it about sessions and the gateway forwards to it
        (the service, in turn, needs this component's tables, topic and gateway URL)."""
        name, args, package, messaging = self._name, self._args, self._package, self.messaging
        settings = args.functions
        child = pulumi.ResourceOptions(parent=self)

        email_table = self.tables["email"]
        self.functions = {}
        self.functions["email_api"] = self._function(
            f"{name}-email-api",
            FunctionArgs(
                module="email_api",
                description="subscriptions and send requests over HTTP",
                package=package,
                statements=[
                    policies.statement(DYNAMODB_READ_WRITE, table_resources(email_table)),
                    policies.statement(["sns:Publish"], [messaging.email_requests.arn]),
                    messaging.publish_key_statement(),
                    policies.statement(
                        ["secretsmanager:GetSecretValue"], [args.email_link_key_arn]
                    ),
                ],
                environment={
                    "EMAIL_TABLE": email_table.name,
                    "EMAIL_REQUESTS_TOPIC_ARN": messaging.email_requests.arn,
                    "REFOCUSED_EMAIL_LINK_KEY_ARN": args.email_link_key_arn,
                },
                reserved_concurrency=settings.public_reserved_concurrency,
                memory_mb=settings.memory_mb,
                timeout_s=settings.timeout_s,
                prefix=args.prefix,
                log_retention_days=args.log_retention_days,
            ),
            opts=child,
        )
        sender_statements = [policies.statement(DYNAMODB_READ_WRITE, table_resources(email_table))]
        sender_environment: dict[str, pulumi.Input[str]] = {"EMAIL_TABLE": email_table.name}
        if messaging.identity is not None and args.domain is not None:
            sender_statements.append(
                policies.statement(["ses:SendEmail", "ses:SendRawEmail"], [messaging.identity.arn])
            )
            sender_environment["EMAIL_FROM"] = f"ReFocused <no-reply@{args.domain.name}>"
        self.functions["email_sender"] = self._function(
            f"{name}-email-sender",
            FunctionArgs(
                module="email_sender",
                description="sends the messages the email API queued, through SES",
                package=package,
                statements=sender_statements,
                environment=sender_environment,
                dead_letter_queue_arn=messaging.dead_letters.arn,
                memory_mb=settings.memory_mb,
                timeout_s=settings.timeout_s,
                prefix=args.prefix,
                log_retention_days=args.log_retention_days,
            ),
            opts=child,
        )
        self.functions["ses_notifications"] = self._function(
            f"{name}-ses-notifications",
            FunctionArgs(
                module="ses_notifications",
                description="records bounces, complaints and deliveries that SES reports",
                package=package,
                statements=[policies.statement(DYNAMODB_READ_WRITE, table_resources(email_table))],
                environment={"EMAIL_TABLE": email_table.name},
                dead_letter_queue_arn=messaging.dead_letters.arn,
                memory_mb=settings.memory_mb,
                timeout_s=settings.timeout_s,
                prefix=args.prefix,
                log_retention_days=args.log_retention_days,
            ),
            opts=child,
        )
        messaging.subscribe(
            f"{name}-email-sender",
            messaging.email_requests,
            self.functions["email_sender"].function,
        )
        messaging.subscribe(
            f"{name}-ses-notifications",
            messaging.ses_notifications,
            self.functions["ses_notifications"].function,
        )

        feedback_table = self.tables["feedback"]
        self.functions["feedback_api"] = self._function(
            f"{name}-feedback-api",
            FunctionArgs(
                module="feedback_api",
                description="feedback, feature requests and votes over HTTP",
                package=package,
                statements=[
                    policies.statement(DYNAMODB_READ_WRITE, table_resources(feedback_table)),
                ],
                environment={
                    "FEEDBACK_TABLE": feedback_table.name,
                    **_signed_in_users(args, public_api_url if api_service_url else None),
                },
                reserved_concurrency=settings.public_reserved_concurrency,
                memory_mb=settings.memory_mb,
                timeout_s=settings.timeout_s,
                prefix=args.prefix,
                log_retention_days=args.log_retention_days,
            ),
            opts=child,
        )

        history_table = self.tables["assistant-history"]
        if settings.ai_handler_image_tag:
            aws.ecr.RepositoryPolicy(
                f"{name}-ai-handler-repo-lambda-pull",
                repository=self.ai_handler_repository.name,
                policy=policies.document(
                    [
                        {
                            "Sid": "LambdaPullsTheAiHandlerImage",
                            "Effect": "Allow",
                            "Principal": {"Service": "lambda.amazonaws.com"},
                            "Action": ["ecr:BatchGetImage", "ecr:GetDownloadUrlForLayer"],
                            "Condition": {"StringEquals": {"aws:SourceAccount": args.account_id}},
                        }
                    ]
                ),
                opts=child,
            )
            self.functions["ai_handler"] = self._function(
                f"{name}-ai-handler",
                FunctionArgs(
                    module="ai_handler",
                    description="assistant replies from the model whose weights are in S3",
                    image_uri=pulumi.Output.concat(
                        self.ai_handler_repository.repository_url,
                        ":",
                        settings.ai_handler_image_tag,
                    ),
                    statements=[
                        policies.statement(["s3:ListBucket"], [self.model_bucket.arn]),
                        policies.statement(
                            ["s3:GetObject"],
                            [pulumi.Output.concat(self.model_bucket.arn, "/", MODEL_PREFIX, "*")],
                        ),
                        policies.statement(DYNAMODB_READ_WRITE, table_resources(history_table)),
                        # A message sent through the gateway's /ai route: the function answers
                        # 202 and runs the reply in a second, asynchronous invocation of
                        # itself, so no request waits past the gateway's 30 s.
                        policies.statement(
                            ["lambda:InvokeFunction"],
                            [self._ai_handler_arn()],
                            sid="RunItsOwnReplies",
                        ),
                    ],
                    environment={
                        "MODEL_BUCKET": self.model_bucket.bucket,
                        "MODEL_PREFIX": MODEL_PREFIX,
                        "ASSISTANT_HISTORY_TABLE": history_table.name,
                        **_signed_in_users(args, public_api_url if api_service_url else None),
                    },
                    memory_mb=settings.ai_handler_memory_mb,
                    timeout_s=settings.ai_handler_timeout_s,
                    ephemeral_storage_mb=settings.ai_handler_ephemeral_storage_mb,
                    reserved_concurrency=settings.ai_handler_reserved_concurrency,
                    prefix=args.prefix,
                    log_retention_days=args.log_retention_days,
                ),
                opts=child,
            )

        self._routes(name, args, api_service_url, gateway_token)
        self.register_outputs(
            {
                "api_endpoint": self.http_api.api_endpoint,
                "table_names": {key: t.name for key, t in self.tables.items()},
                "model_bucket": self.model_bucket.bucket,
            }
        )

    def _function(
        self, name: str, args: FunctionArgs, opts: pulumi.ResourceOptions
    ) -> LambdaFunction:
        """A function of this component, with the stack's error reporting added to what it
        is given."""
        environment = {**args.environment, **self._args.error_reporting}
        return LambdaFunction(name, replace(args, environment=environment), opts=opts)

    def _http_api(self, name: str, args: ServerlessArgs) -> None:
        child = pulumi.ResourceOptions(parent=self)
        self.http_api = aws.apigatewayv2.Api(
            f"{name}-http-api",
            name=f"{args.prefix}-http",
            protocol_type="HTTP",
            description="ReFocused: the functions, and the API service behind them",
            # The gateway answers preflights itself and adds these headers to every answer.
            cors_configuration={
                "allow_origins": list(args.web_origins),
                "allow_methods": ["DELETE", "GET", "OPTIONS", "PATCH", "POST", "PUT"],
                "allow_headers": CORS_HEADERS,
                "expose_headers": CORS_EXPOSED,
                "allow_credentials": True,
                "max_age": 600,
            },
            opts=child,
        )
        self._access_logs = aws.cloudwatch.LogGroup(
            f"{name}-http-api-access-logs",
            name=f"/aws/apigateway/{args.prefix}-http",
            retention_in_days=args.log_retention_days,
            opts=child,
        )

    def _stage(self, name: str, args: ServerlessArgs, routes: list[aws.apigatewayv2.Route]) -> None:
        """After the routes: a throttle names its route, which must exist first."""
        throttled = [
            key
            for key in [*COSTLY_API_ROUTES, *chain.from_iterable(COSTLY_FUNCTION_ROUTES.values())]
            if key in self.route_keys
        ]
        self.stage = aws.apigatewayv2.Stage(
            f"{name}-http-api-stage",
            api_id=self.http_api.id,
            name="$default",
            auto_deploy=True,
            default_route_settings={
                "throttling_rate_limit": args.functions.throttle_rate_per_s,
                "throttling_burst_limit": args.functions.throttle_burst,
            },
            route_settings=[
                {
                    "route_key": key,
                    "throttling_rate_limit": args.functions.costly_route_rate_per_s,
                    "throttling_burst_limit": args.functions.costly_route_burst,
                }
                for key in throttled
            ],
            access_log_settings={
                "destination_arn": self._access_logs.arn,
                "format": (
                    '{"requestId":"$context.requestId","ip":"$context.identity.sourceIp",'
                    '"method":"$context.httpMethod","route":"$context.routeKey",'
                    '"status":"$context.status","latencyMs":"$context.responseLatency",'
                    '"integrationError":"$context.integrationErrorMessage"}'
                ),
            },
            opts=pulumi.ResourceOptions(parent=self, depends_on=routes),
        )

    def _routes(
        self,
        name: str,
        args: ServerlessArgs,
        api_service_url: pulumi.Input[str] | None,
        gateway_token: pulumi.Input[str] | None,
    ) -> None:
        child = pulumi.ResourceOptions(parent=self)
        declared: list[aws.apigatewayv2.Route] = []
        self.route_keys: dict[str, str] = {}
        for module, route_keys in FUNCTION_ROUTES.items():
            if module not in self.functions:
                continue
            function = self.functions[module].function
            slug = module.replace("_", "-")
            integration = aws.apigatewayv2.Integration(
                f"{name}-{slug}-integration",
                api_id=self.http_api.id,
                integration_type="AWS_PROXY",
                integration_uri=function.invoke_arn,
                payload_format_version="2.0",
                timeout_milliseconds=30000,
                opts=child,
            )
            for index, route_key in enumerate(route_keys):
                declared.append(
                    aws.apigatewayv2.Route(
                        f"{name}-{slug}-route-{index}",
                        api_id=self.http_api.id,
                        route_key=route_key,
                        target=pulumi.Output.concat("integrations/", integration.id),
                        opts=child,
                    )
                )
                self.route_keys[route_key] = module
            aws.lambda_.Permission(
                f"{name}-{slug}-invoke",
                action="lambda:InvokeFunction",
                function=function.name,
                principal="apigateway.amazonaws.com",
                source_arn=pulumi.Output.concat(self.http_api.execution_arn, "/*/*"),
                opts=child,
            )
        if api_service_url is not None:
            # Everything else goes to the API service, so one domain serves the whole back end.
            api_integration = aws.apigatewayv2.Integration(
                f"{name}-api-service-integration",
                api_id=self.http_api.id,
                integration_type="HTTP_PROXY",
                integration_method="ANY",
                integration_uri=pulumi.Output.concat(api_service_url, "/{proxy}"),
                timeout_milliseconds=30000,
                request_parameters=(
                    {f"overwrite:header.{GATEWAY_TOKEN_HEADER}": gateway_token}
                    if gateway_token is not None
                    else None
                ),
                opts=child,
            )
            declared.append(
                aws.apigatewayv2.Route(
                    f"{name}-api-service-route",
                    api_id=self.http_api.id,
                    route_key="ANY /{proxy+}",
                    target=pulumi.Output.concat("integrations/", api_integration.id),
                    opts=child,
                )
            )
            self.route_keys["ANY /{proxy+}"] = "api"
            # Costly routes get routes of their own, which a throttle can name.
            for route_key in COSTLY_API_ROUTES:
                slug = re.sub(r"[^a-z0-9]+", "-", route_key.split(" ")[1].lower()).strip("-")
                declared.append(
                    aws.apigatewayv2.Route(
                        f"{name}-api-service-route-{slug}",
                        api_id=self.http_api.id,
                        route_key=route_key,
                        target=pulumi.Output.concat("integrations/", api_integration.id),
                        opts=child,
                    )
                )
                self.route_keys[route_key] = "api"
        self._stage(name, args, declared)
