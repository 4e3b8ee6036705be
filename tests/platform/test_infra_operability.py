"""What an operator needs from a production stack: alarms on every part that can fail, sent to
one topic; logs that expire; traces of every invocation; a final snapshot that a later stack
of the same name cannot collide with."""

from __future__ import annotations

import json

from infra_harness import ProgramRun


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


def test_a_failing_nat_instance_is_recovered_or_rebooted(stack: ProgramRun):
    for check, action in (("System", "recover"), ("Instance", "reboot")):
        (alarm,) = watching(stack, "AWS/EC2", f"StatusCheckFailed_{check}")
        assert alarm["dimensions"] == {"InstanceId": "network-nat-id"}
        assert f"arn:aws:automate:us-east-1:ec2:{action}" in alarm["alarmActions"]


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
