"""One Lambda function with its own role, its own log group and only the permissions it uses."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

import pulumi
import pulumi_aws as aws

from . import policies

RUNTIME = "python3.11"
ARCHITECTURE = "x86_64"


@dataclass(frozen=True)
class ZipPackage:
    """The zip's place in S3: code over 50 MB can only reach Lambda from there."""

    bucket: pulumi.Input[str]
    key: pulumi.Input[str]
    version: pulumi.Input[str]


@dataclass(frozen=True)
class FunctionArgs:
    prefix: str
    # The handler module's name in entrypoints/lambdas/, e.g. "email_api".
    module: str
    description: str
    log_retention_days: int
    # Exactly one of: the zip package, or an ECR image URI.
    package: ZipPackage | None = None
    image_uri: pulumi.Input[str] | None = None
    statements: Sequence[dict[str, Any]] = ()
    environment: Mapping[str, pulumi.Input[str]] = field(default_factory=dict)
    memory_mb: int = 256
    timeout_s: int = 15
    ephemeral_storage_mb: int = 512
    reserved_concurrency: int | None = None
    dead_letter_queue_arn: pulumi.Input[str] | None = None

    @property
    def function_name(self) -> str:
        return f"{self.prefix}-{self.module.replace('_', '-')}"


class LambdaFunction(pulumi.ComponentResource):
    function: aws.lambda_.Function
    log_group: aws.cloudwatch.LogGroup
    role: aws.iam.Role

    def __init__(self, name: str, args: FunctionArgs, opts: pulumi.ResourceOptions | None = None):
        super().__init__("refocused:platform:Function", name, None, opts)
        if (args.package is None) == (args.image_uri is None):
            raise ValueError(f"{args.module}: give either a zip package or an image URI")
        child = pulumi.ResourceOptions(parent=self)

        # Created before the function with the name Lambda writes to, so Lambda never creates
        # one of its own without a retention period.
        self.log_group = aws.cloudwatch.LogGroup(
            f"{name}-logs",
            name=f"/aws/lambda/{args.function_name}",
            retention_in_days=args.log_retention_days,
            opts=child,
        )
        self.role = aws.iam.Role(
            f"{name}-role",
            description=f"{args.function_name}: {args.description}",
            assume_role_policy=policies.assume_role("lambda.amazonaws.com"),
            opts=child,
        )
        statements = [
            policies.statement(
                ["logs:CreateLogStream", "logs:PutLogEvents"],
                [pulumi.Output.concat(self.log_group.arn, ":*")],
                sid="WriteItsOwnLogs",
            ),
            *args.statements,
        ]
        # Active tracing: Lambda sends each invocation's trace segments to X-Ray as the
        # function's role, and X-Ray's write actions have no resource-level permissions.
        statements.append(
            policies.statement(
                ["xray:PutTelemetryRecords", "xray:PutTraceSegments"], ["*"], sid="SendTraces"
            )
        )
        if args.dead_letter_queue_arn is not None:
            statements.append(
                policies.statement(
                    ["sqs:SendMessage"], [args.dead_letter_queue_arn], sid="ParkFailedEvents"
                )
            )
        role_policy = aws.iam.RolePolicy(
            f"{name}-policy",
            role=self.role.id,
            policy=policies.document(statements),
            opts=child,
        )

        package: dict[str, Any]
        if args.package is not None:
            package = {
                "package_type": "Zip",
                "s3_bucket": args.package.bucket,
                "s3_key": args.package.key,
                # A new upload is a new object version, which is what redeploys the code.
                "s3_object_version": args.package.version,
                "runtime": RUNTIME,
                "handler": f"entrypoints.lambdas.{args.module}.handler",
            }
        else:
            package = {"package_type": "Image", "image_uri": args.image_uri}
        self.function = aws.lambda_.Function(
            f"{name}-function",
            name=args.function_name,
            description=args.description,
            role=self.role.arn,
            architectures=[ARCHITECTURE],
            memory_size=args.memory_mb,
            timeout=args.timeout_s,
            ephemeral_storage={"size": args.ephemeral_storage_mb},
            reserved_concurrent_executions=args.reserved_concurrency,
            environment={"variables": dict(args.environment)},
            logging_config={"log_format": "JSON", "log_group": self.log_group.name},
            dead_letter_config=(
                {"target_arn": args.dead_letter_queue_arn}
                if args.dead_letter_queue_arn is not None
                else None
            ),
            tracing_config={"mode": "Active"},
            **package,
            opts=pulumi.ResourceOptions(parent=self, depends_on=[self.log_group, role_policy]),
        )
        self.register_outputs({"function_name": self.function.name, "arn": self.function.arn})
