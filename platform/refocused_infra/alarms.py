"""The stack's alarms, all sent to the operators' topic: the functions' errors and throttles,
the gateway's 5xx answers, mail parked in the dead-letter queue, the database's CPU, storage
and connections, the NAT instance's status checks and its group having none in service (the
group replaces a failed instance itself).

The cache's own alarms are declared with the cache (data.py), on the same topic.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

import pulumi
import pulumi_aws as aws

from .settings import DatabaseSettings

FIVE_MINUTES = 300
GIB = 1024**3


@dataclass(frozen=True)
class AlarmsArgs:
    prefix: str
    region: str
    topic_arn: pulumi.Input[str]
    # Handler module -> the function's name.
    function_names: Mapping[str, pulumi.Input[str]]
    http_api_id: pulumi.Input[str]
    dead_letter_queue_name: pulumi.Input[str]
    database_identifier: pulumi.Input[str]
    database: DatabaseSettings
    # The NAT instance's auto scaling group (of one).
    nat_group_name: pulumi.Input[str]


class Alarms(pulumi.ComponentResource):
    alarms: list[aws.cloudwatch.MetricAlarm]

    def __init__(self, name: str, args: AlarmsArgs, opts: pulumi.ResourceOptions | None = None):
        super().__init__("refocused:platform:Alarms", name, None, opts)
        self.alarms = []
        self._args = args
        for module, function_name in args.function_names.items():
            slug = module.replace("_", "-")
            for metric in ("Errors", "Throttles"):
                self._alarm(
                    f"{name}-{slug}-{metric.lower()}",
                    f"{args.prefix}-{slug}-{metric}",
                    f"{slug}: {metric.lower()} in the last five minutes",
                    namespace="AWS/Lambda",
                    metric_name=metric,
                    dimensions={"FunctionName": function_name},
                    statistic="Sum",
                    threshold=0,
                )
        self._alarm(
            f"{name}-gateway-5xx",
            f"{args.prefix}-gateway-5xx",
            "the HTTP API answered 5xx (a function or the API service failing or timing out)",
            namespace="AWS/ApiGateway",
            metric_name="5xx",
            dimensions={"ApiId": args.http_api_id, "Stage": "$default"},
            statistic="Sum",
            threshold=5,
        )
        self._alarm(
            f"{name}-dead-letters",
            f"{args.prefix}-email-dead-letters",
            "mail or SES notifications failed every retry and wait in the dead-letter queue",
            namespace="AWS/SQS",
            metric_name="ApproximateNumberOfMessagesVisible",
            dimensions={"QueueName": args.dead_letter_queue_name},
            statistic="Maximum",
            threshold=0,
        )
        database = {"DBInstanceIdentifier": args.database_identifier}
        self._alarm(
            f"{name}-db-cpu",
            f"{args.prefix}-db-cpu",
            "database CPU above 80 % for 15 minutes",
            namespace="AWS/RDS",
            metric_name="CPUUtilization",
            dimensions=database,
            statistic="Average",
            threshold=80,
            evaluation_periods=3,
        )
        self._alarm(
            f"{name}-db-storage",
            f"{args.prefix}-db-storage",
            "database free storage below 10 % of its allocation (autoscaling may be at its cap)",
            namespace="AWS/RDS",
            metric_name="FreeStorageSpace",
            dimensions=database,
            statistic="Minimum",
            threshold=args.database.allocated_storage_gb * GIB // 10,
            comparison_operator="LessThanThreshold",
        )
        self._alarm(
            f"{name}-db-connections",
            f"{args.prefix}-db-connections",
            f"database connections above {args.database.connections_alarm}",
            namespace="AWS/RDS",
            metric_name="DatabaseConnections",
            dimensions=database,
            statistic="Maximum",
            threshold=args.database.connections_alarm,
        )
        # The group replaces an instance that fails EC2's status checks by itself; the
        # operators hear of a failed check, and of any time the group has no instance
        # forwarding (the private subnets then have no way out).
        nat = {"AutoScalingGroupName": args.nat_group_name}
        self._alarm(
            f"{name}-nat-status-check",
            f"{args.prefix}-nat-status-check",
            "NAT instance failed a status check: its group replaces it",
            namespace="AWS/EC2",
            metric_name="StatusCheckFailed",
            dimensions=nat,
            statistic="Maximum",
            threshold=0,
            period=60,
            evaluation_periods=2,
        )
        self._alarm(
            f"{name}-nat-in-service",
            f"{args.prefix}-nat-in-service",
            "no NAT instance in service: the private subnets cannot reach the internet",
            namespace="AWS/AutoScaling",
            metric_name="GroupInServiceInstances",
            dimensions=nat,
            statistic="Minimum",
            threshold=1,
            period=60,
            evaluation_periods=5,
            comparison_operator="LessThanThreshold",
        )
        self.register_outputs({"alarm_count": len(self.alarms)})

    def _alarm(
        self,
        resource_name: str,
        alarm_name: str,
        description: str,
        *,
        threshold: float,
        period: int = FIVE_MINUTES,
        evaluation_periods: int = 1,
        comparison_operator: str = "GreaterThanThreshold",
        extra_actions: list[str] | None = None,
        **metric: Any,
    ) -> None:
        topic = self._args.topic_arn
        self.alarms.append(
            aws.cloudwatch.MetricAlarm(
                resource_name,
                name=alarm_name,
                alarm_description=description,
                period=period,
                evaluation_periods=evaluation_periods,
                threshold=threshold,
                comparison_operator=comparison_operator,
                treat_missing_data="notBreaching",
                alarm_actions=[topic, *(extra_actions or [])],
                ok_actions=[topic],
                opts=pulumi.ResourceOptions(parent=self),
                **metric,
            )
        )
