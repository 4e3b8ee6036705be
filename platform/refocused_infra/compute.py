"""The API: an ECR repository and an App Runner service that reaches the data tier through a
VPC connector, with its secrets injected from Secrets Manager.
"""

from __future__ import annotations

import json
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

import pulumi
import pulumi_aws as aws

from . import policies
from .registry import image_repository
from .settings import ApiSettings

API_PORT = 8000
HEALTH_PATH = "/health"
#: The image's WEB_CONCURRENCY (Dockerfile).
WORKERS_PER_INSTANCE = 2
#: The log groups App Runner writes a service's logs to, under /aws/apprunner/<name>/<id>/.
APP_RUNNER_LOG_KINDS = ("application", "service")
#: Sets the retention of the log groups App Runner creates itself (it gives them none), as a
#: State Manager association runs it: when the service is created and daily after that.
LOG_RETENTION_RUNBOOK = {
    "schemaVersion": "0.3",
    "description": "Keeps an App Runner service's log groups for the stack's retention period",
    "assumeRole": "{{ AutomationAssumeRole }}",
    "parameters": {
        "AutomationAssumeRole": {"type": "String"},
        "RetentionInDays": {"type": "Integer"},
        **{f"{kind.capitalize()}LogGroup": {"type": "String"} for kind in APP_RUNNER_LOG_KINDS},
    },
    "mainSteps": [
        step
        for kind in APP_RUNNER_LOG_KINDS
        for step in (
            # Created here if App Runner has not written to it yet (then it adopts this one);
            # "already exists" is the usual answer and not a failure.
            {
                "name": f"Create{kind.capitalize()}LogGroup",
                "action": "aws:executeAwsApi",
                "onFailure": "Continue",
                "isCritical": False,
                "inputs": {
                    "Service": "logs",
                    "Api": "CreateLogGroup",
                    "logGroupName": f"{{{{ {kind.capitalize()}LogGroup }}}}",
                },
            },
            {
                "name": f"Expire{kind.capitalize()}Logs",
                "action": "aws:executeAwsApi",
                "inputs": {
                    "Service": "logs",
                    "Api": "PutRetentionPolicy",
                    "logGroupName": f"{{{{ {kind.capitalize()}LogGroup }}}}",
                    "retentionInDays": "{{ RetentionInDays }}",
                },
            },
        )
    ],
}


def app_runner_log_groups(
    service_name: pulumi.Input[str], service_id: pulumi.Input[str]
) -> dict[str, pulumi.Output[str]]:
    """Kind -> the log group App Runner writes a service's logs to."""
    return {
        kind: pulumi.Output.concat("/aws/apprunner/", service_name, "/", service_id, "/", kind)
        for kind in APP_RUNNER_LOG_KINDS
    }


@dataclass(frozen=True)
class ComputeArgs:
    prefix: str
    api: ApiSettings
    account_id: pulumi.Input[str]
    private_subnet_ids: Sequence[pulumi.Input[str]]
    connector_security_group_id: pulumi.Input[str]
    # Environment variable name -> Secrets Manager secret ARN.
    secret_arns: Mapping[str, pulumi.Input[str]]
    secrets_ready: Sequence[pulumi.Resource]
    protect: bool
    # The API's settings beyond the fixed ones below (entrypoints/settings.py names them).
    environment: Mapping[str, pulumi.Input[str]] = field(default_factory=dict)
    # What the running API may do besides reading its secrets.
    statements: Sequence[dict[str, Any]] = ()
    region: str = "us-east-1"
    log_retention_days: int = 30


class Compute(pulumi.ComponentResource):
    repository: aws.ecr.Repository
    # None until an image tag is set: App Runner cannot start from an empty repository.
    service: aws.apprunner.Service | None
    service_url: pulumi.Output[str] | None

    def __init__(self, name: str, args: ComputeArgs, opts: pulumi.ResourceOptions | None = None):
        super().__init__("refocused:platform:Compute", name, None, opts)
        child = pulumi.ResourceOptions(parent=self)

        self.repository = image_repository(
            f"{name}-api-repo", f"{args.prefix}-api", args.protect, parent=self
        )

        access_role = aws.iam.Role(
            f"{name}-apprunner-access",
            description="App Runner pulls the API image",
            assume_role_policy=policies.assume_role("build.apprunner.amazonaws.com"),
            opts=child,
        )
        access_policy = aws.iam.RolePolicy(
            f"{name}-apprunner-access-ecr",
            role=access_role.id,
            policy=policies.document(
                [
                    policies.statement(
                        [
                            "ecr:BatchCheckLayerAvailability",
                            "ecr:BatchGetImage",
                            "ecr:DescribeImages",
                            "ecr:GetDownloadUrlForLayer",
                        ],
                        [self.repository.arn],
                        sid="PullTheApiImage",
                    ),
                    # GetAuthorizationToken has no resource-level permissions: AWS requires "*".
                    policies.statement(
                        ["ecr:GetAuthorizationToken"], ["*"], sid="LogInToTheRegistry"
                    ),
                ]
            ),
            opts=child,
        )

        instance_role = aws.iam.Role(
            f"{name}-apprunner-instance",
            description="The running API: its secrets, the shared tables and the mail queue",
            assume_role_policy=policies.assume_role(
                "tasks.apprunner.amazonaws.com", source_account=args.account_id
            ),
            opts=child,
        )
        instance_policy = aws.iam.RolePolicy(
            f"{name}-apprunner-instance-secrets",
            role=instance_role.id,
            policy=policies.document(
                [
                    policies.statement(
                        ["secretsmanager:GetSecretValue"],
                        list(args.secret_arns.values()),
                        sid="ReadTheApiSecrets",
                    ),
                    *args.statements,
                ]
            ),
            opts=child,
        )

        connector = aws.apprunner.VpcConnector(
            f"{name}-connector",
            vpc_connector_name=f"{args.prefix}-connector"[:40],
            subnets=list(args.private_subnet_ids),
            security_groups=[args.connector_security_group_id],
            opts=child,
        )
        scaling = aws.apprunner.AutoScalingConfigurationVersion(
            f"{name}-scaling",
            auto_scaling_configuration_name=f"{args.prefix}-api"[:32],
            min_size=args.api.min_instances,
            max_size=args.api.max_instances,
            max_concurrency=args.api.max_concurrency,
            opts=child,
        )

        self.service = None
        self.service_url = None
        if args.api.image_tag:
            self.service = aws.apprunner.Service(
                f"{name}-api",
                service_name=f"{args.prefix}-api",
                source_configuration={
                    "authentication_configuration": {"access_role_arn": access_role.arn},
                    # Tags are immutable: a release is a new tag set in config, then `pulumi up`.
                    "auto_deployments_enabled": False,
                    "image_repository": {
                        "image_repository_type": "ECR",
                        "image_identifier": pulumi.Output.concat(
                            self.repository.repository_url, ":", args.api.image_tag
                        ),
                        "image_configuration": {
                            "port": str(API_PORT),
                            "runtime_environment_variables": {
                                "REFOCUSED_PROFILE": "production",
                                # Clients come through the HTTP API, which appends
                                # `for=<the address it saw>` to the RFC 7239 Forwarded header;
                                # App Runner then appends the gateway's own address to
                                # X-Forwarded-For. The gateway's element is the last one:
                                # anything to its left the client wrote itself.
                                "REFOCUSED_TRUSTED_PROXY_HOPS": "1",
                                "REFOCUSED_CLIENT_IP_HEADER": "forwarded",
                                # With Redis away each process limits on its own: its share
                                # is the limit over the most processes the service can run.
                                "REFOCUSED_DEGRADED_RATE_DIVISOR": str(
                                    args.api.max_instances * WORKERS_PER_INSTANCE
                                ),
                                **args.environment,
                            },
                            "runtime_environment_secrets": dict(args.secret_arns),
                        },
                    },
                },
                instance_configuration={
                    "cpu": args.api.cpu,
                    "memory": args.api.memory,
                    "instance_role_arn": instance_role.arn,
                },
                health_check_configuration={
                    "protocol": "HTTP",
                    "path": HEALTH_PATH,
                    "interval": 10,
                    "timeout": 5,
                    "healthy_threshold": 1,
                    "unhealthy_threshold": 3,
                },
                network_configuration={
                    "egress_configuration": {
                        "egress_type": "VPC",
                        "vpc_connector_arn": connector.arn,
                    },
                    "ingress_configuration": {"is_publicly_accessible": True},
                },
                auto_scaling_configuration_arn=scaling.arn,
                opts=pulumi.ResourceOptions(
                    parent=self, depends_on=[access_policy, instance_policy, *args.secrets_ready]
                ),
            )
            self.service_url = pulumi.Output.concat("https://", self.service.service_url)
            self._expire_logs(name, args, self.service)

        self.register_outputs(
            {"repository_url": self.repository.repository_url, "service_url": self.service_url}
        )

    def _expire_logs(self, name: str, args: ComputeArgs, service: aws.apprunner.Service) -> None:
        """App Runner creates the service's log groups itself, named after the service id (known
        only once it exists), with no retention; this runbook gives them the stack's."""
        child = pulumi.ResourceOptions(parent=self)
        groups = app_runner_log_groups(service.service_name, service.service_id)
        arns = [
            arn
            for group in groups.values()
            for arn in (
                pulumi.Output.concat(
                    "arn:aws:logs:", args.region, ":", args.account_id, ":log-group:", group
                ),
                pulumi.Output.concat(
                    "arn:aws:logs:", args.region, ":", args.account_id, ":log-group:", group, ":*"
                ),
            )
        ]
        role = aws.iam.Role(
            f"{name}-log-retention-role",
            description="Sets the retention of the API service's log groups",
            assume_role_policy=policies.assume_role("ssm.amazonaws.com", args.account_id),
            opts=child,
        )
        policy = aws.iam.RolePolicy(
            f"{name}-log-retention-role-policy",
            role=role.id,
            policy=policies.document(
                [
                    policies.statement(
                        ["logs:CreateLogGroup", "logs:PutRetentionPolicy"],
                        arns,
                        sid="ExpireTheServiceLogs",
                    )
                ]
            ),
            opts=child,
        )
        runbook = aws.ssm.Document(
            f"{name}-log-retention-runbook",
            name=f"{args.prefix}-api-log-retention",
            document_type="Automation",
            document_format="JSON",
            content=json.dumps(LOG_RETENTION_RUNBOOK),
            opts=child,
        )
        aws.ssm.Association(
            f"{name}-log-retention",
            association_name=f"{args.prefix}-api-log-retention",
            name=runbook.name,
            parameters={
                "AutomationAssumeRole": role.arn,
                "RetentionInDays": str(args.log_retention_days),
                **{f"{kind.capitalize()}LogGroup": g for kind, g in groups.items()},
            },
            # Runs when created (a new service is a new association) and daily after that.
            schedule_expression="rate(1 day)",
            opts=pulumi.ResourceOptions(parent=self, depends_on=[policy]),
        )
