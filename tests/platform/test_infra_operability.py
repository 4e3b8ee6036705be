"""What an operator needs from a production stack: alarms on every part that can fail, sent to
one topic; logs that expire; traces of every invocation; a final snapshot that a later stack
of the same name cannot collide with."""

from __future__ import annotations

import json

from deployed_units import ACCOUNT, REGION, Call, allowed
from infra_harness import ProgramRun, _computed, stack_config

FUNCTION = "aws:lambda/function:Function"
LOG_GROUP = "aws:cloudwatch/logGroup:LogGroup"


def alarms(run: ProgramRun) -> list[dict]:
    return [a.inputs for a in run.of_type("aws:cloudwatch/metricAlarm:MetricAlarm")]


def watching(run: ProgramRun, namespace: str, metric: str) -> list[dict]:
    return [a for a in alarms(run) if (a["namespace"], a["metricName"]) == (namespace, metric)]


def test_every_alarm_notifies_the_operators_topic(stack: ProgramRun):
    topic = f"arn:aws:sns:us-east-1:123456789012:refocused-{stack.stack}-data-alarms"
    assert len(alarms(stack)) >= 19
    for alarm in alarms(stack):
        assert topic in alarm["alarmActions"] and alarm["okActions"] == [topic], alarm["name"]


def test_every_function_alarms_on_errors_and_throttles(stack: ProgramRun):
    functions = {f.inputs["name"] for f in stack.of_type("aws:lambda/function:Function")}
    assert len(functions) == 5
    for metric in ("Errors", "Throttles"):
        watched = {a["dimensions"]["FunctionName"] for a in watching(stack, "AWS/Lambda", metric)}
        assert watched == functions, metric


def test_the_gateways_5xx_and_the_dead_letter_queue_alarm(stack: ProgramRun):
    (errors,) = watching(stack, "AWS/ApiGateway", "5xx")
    assert errors["dimensions"] == {"ApiId": "serverless-http-api-id", "Stage": "$default"}
    (parked,) = watching(stack, "AWS/SQS", "ApproximateNumberOfMessagesVisible")
    queue = stack.named("serverless-messaging-dead-letters").inputs["name"]
    assert parked["dimensions"] == {"QueueName": queue}
    assert parked["threshold"] == 0


def test_the_database_alarms_on_cpu_storage_and_connections(stack: ProgramRun):
    database = stack.named("data-db").inputs
    for metric in ("CPUUtilization", "FreeStorageSpace", "DatabaseConnections"):
        (alarm,) = watching(stack, "AWS/RDS", metric)
        assert alarm["dimensions"] == {"DBInstanceIdentifier": database["identifier"]}
    (storage,) = watching(stack, "AWS/RDS", "FreeStorageSpace")
    assert storage["comparisonOperator"] == "LessThanThreshold"
    assert storage["threshold"] == database["allocatedStorage"] * 1024**3 // 10


def test_the_operators_hear_of_a_failing_nat_instance_and_of_none_in_service(stack: ProgramRun):
    group = {"AutoScalingGroupName": "refocused-" + stack.stack + "-nat"}
    (check,) = watching(stack, "AWS/EC2", "StatusCheckFailed")
    assert check["dimensions"] == group
    (in_service,) = watching(stack, "AWS/AutoScaling", "GroupInServiceInstances")
    assert in_service["dimensions"] == group
    assert (in_service["comparisonOperator"], in_service["threshold"]) == ("LessThanThreshold", 1)
    assert "GroupInServiceInstances" in stack.named("network-nat").inputs["enabledMetrics"]


def test_every_function_is_traced(stack: ProgramRun):
    for function in stack.of_type("aws:lambda/function:Function"):
        assert function.inputs["tracingConfig"] == {"mode": "Active"}
        policy = stack.named(function.name.removesuffix("-function") + "-policy").inputs["policy"]
        (traces,) = [s for s in json.loads(policy)["Statement"] if s.get("Sid") == "SendTraces"]
        assert traces["Action"] == ["xray:PutTelemetryRecords", "xray:PutTraceSegments"]


def test_the_database_logs_expire(stack: ProgramRun):
    identifier = stack.named("data-db").inputs["identifier"]
    group = stack.named("data-db-logs").inputs
    assert group["name"] == f"/aws/rds/instance/{identifier}/postgresql"
    assert group["retentionInDays"] > 0


def test_the_final_snapshot_name_is_new_for_each_database(prod: ProgramRun, dev: ProgramRun):
    name = prod.named("data-db").inputs["finalSnapshotIdentifier"]
    prefix = "refocused-prod-db-final-"
    assert name.startswith(prefix) and len(name) > len(prefix)
    assert prod.has("data-final-snapshot-suffix")
    assert "finalSnapshotIdentifier" not in dev.named("data-db").inputs


def _written_log_groups(run: ProgramRun) -> set[str]:
    """Every log group a service of the stack writes to: each function's, the database's
    exports, the gateway's access logs and the API service's application and service logs
    (App Runner names them after the service id)."""
    written = {f.inputs["loggingConfig"]["logGroup"] for f in run.of_type(FUNCTION)}
    database = run.named("data-db").inputs
    written |= {
        f"/aws/rds/instance/{database['identifier']}/{export}"
        for export in database["enabledCloudwatchLogsExports"]
    }
    for stage in run.of_type("aws:apigatewayv2/stage:Stage"):
        written.add(stage.inputs["accessLogSettings"]["destinationArn"].split(":log-group:")[1])
    for service in run.of_type("aws:apprunner/service:Service"):
        service_id = _computed(service.type, service.name, service.inputs)["serviceId"]
        written |= {
            f"/aws/apprunner/{service.inputs['serviceName']}/{service_id}/{kind}"
            for kind in ("application", "service")
        }
    return written


def _retained_log_groups(run: ProgramRun) -> dict[str, int]:
    """Log group -> its retention in days: those the program creates, and those whose
    retention its runbook sets (steps it runs, and a role allowed to run them)."""
    retained = {g.inputs["name"]: g.inputs["retentionInDays"] for g in run.of_type(LOG_GROUP)}
    for association in run.of_type("aws:ssm/association:Association"):
        document = run.named(association.name + "-runbook").inputs
        steps = json.loads(document["content"])["mainSteps"]
        parameters = association.inputs["parameters"]
        role = association.inputs["parameters"]["AutomationAssumeRole"]
        statements = json.loads(run.named(role.split("/")[-1] + "-policy").inputs["policy"])
        for step in steps:
            if step["inputs"]["Api"] != "PutRetentionPolicy":
                continue
            group = parameters[step["inputs"]["logGroupName"].strip("{} ")]
            call = Call(
                "logs:PutRetentionPolicy", f"arn:aws:logs:{REGION}:{ACCOUNT}:log-group:{group}"
            )
            assert allowed(call, statements["Statement"]), call
            assert step["inputs"]["retentionInDays"] == "{{ RetentionInDays }}"
            retained[group] = int(parameters["RetentionInDays"])
    return retained


def test_every_log_group_the_stack_creates_or_a_service_writes_to_has_retention(
    stack: ProgramRun,
):
    days = int(stack_config(stack.stack)["refocused:logRetentionDays"])
    retained = _retained_log_groups(stack)
    written = _written_log_groups(stack)
    assert len(written) == 9  # five functions, the database, the gateway, App Runner's two
    assert {group: retained.get(group) for group in written | set(retained)} == {
        group: days for group in written | set(retained)
    }


def test_app_runners_log_groups_get_retention_once_the_service_exists(stack: ProgramRun):
    association = stack.named("compute-log-retention").inputs
    assert association["scheduleExpression"] == "rate(1 day)"
    service = stack.named("compute-api")
    assert {"ApplicationLogGroup", "ServiceLogGroup"} <= set(association["parameters"])
    assert association["parameters"]["ServiceLogGroup"].startswith(
        f"/aws/apprunner/{service.inputs['serviceName']}/"
    )
