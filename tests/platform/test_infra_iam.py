"""Least privilege: every policy names the actions it allows and the resources they touch."""

from __future__ import annotations

import json
import re
from typing import Any

from infra_harness import ACCOUNT, ProgramRun
from refocused_infra.network import SSM_AGENT_ACTIONS

CONCRETE_ACTION = re.compile(r"^[a-z0-9-]+:[A-Za-z0-9]+$")
# Actions that AWS authorizes only against "*" (no resource-level permissions exist for them).
STAR_RESOURCE_ONLY = {
    "ecr:GetAuthorizationToken",
    # The NAT instance's SSM agent: these take no resource-level permissions.
    *SSM_AGENT_ACTIONS,
    "xray:PutTelemetryRecords",
    "xray:PutTraceSegments",
}
# A concrete ARN: service, region (empty for global services) and account are spelled out;
# a trailing "*" may only scope within a named resource (log streams, objects under a prefix).
CONCRETE_ARN = re.compile(
    r"^arn:aws:(?P<service>[a-z0-9-]+):(?P<region>[a-z0-9-]*):(?P<account>\d{12}|):(?P<name>[^*]+)"
)


def statements(policy: str) -> list[dict[str, Any]]:
    document = json.loads(policy)
    return document["Statement"]


def as_list(value: Any) -> list[Any]:
    return value if isinstance(value, list) else [value]


def role_policies(run: ProgramRun) -> list[tuple[str, dict[str, Any]]]:
    return [
        (policy.name, statement)
        for policy in run.of_type("aws:iam/rolePolicy:RolePolicy")
        for statement in statements(policy.inputs["policy"])
    ]


def test_roles_carry_only_inline_policies_that_this_program_writes(stack: ProgramRun):
    # A managed policy would escape the checks below.
    assert not stack.of_type("aws:iam/rolePolicyAttachment:RolePolicyAttachment")
    assert not stack.of_type("aws:iam/policyAttachment:PolicyAttachment")
    for role in stack.of_type("aws:iam/role:Role"):
        assert not role.inputs.get("managedPolicyArns")


def test_every_iam_policy_allows_concrete_actions_on_concrete_resources(stack: ProgramRun):
    checked = role_policies(stack)
    assert len(checked) > 10
    for policy_name, statement in checked:
        assert statement["Effect"] == "Allow", policy_name
        actions = as_list(statement["Action"])
        for action in actions:
            assert CONCRETE_ACTION.match(action), f"{policy_name}: wildcard action {action}"
        for resource in as_list(statement["Resource"]):
            if resource == "*":
                assert set(actions) <= STAR_RESOURCE_ONLY, f"{policy_name}: {actions} on *"
                continue
            match = CONCRETE_ARN.match(resource)
            assert match, f"{policy_name}: {resource} is not a concrete ARN"
            assert match["account"] in {ACCOUNT, ""}


def test_resource_policies_name_concrete_actions(stack: ProgramRun):
    documents = [
        *(k.inputs["policy"] for k in stack.of_type("aws:kms/key:Key")),
        *(p.inputs["policy"] for p in stack.of_type("aws:sns/topicPolicy:TopicPolicy")),
        *(p.inputs["policy"] for p in stack.of_type("aws:ecr/repositoryPolicy:RepositoryPolicy")),
    ]
    assert documents
    for document in documents:
        for statement in statements(document):
            if statement["Effect"] != "Allow":
                continue
            for action in as_list(statement["Action"]):
                assert CONCRETE_ACTION.match(action), action
            principal = statement["Principal"]
            assert principal != "*" and principal.get("AWS") != "*"


def test_service_principals_are_bound_to_this_account(stack: ProgramRun):
    for document in [
        *(k.inputs["policy"] for k in stack.of_type("aws:kms/key:Key")),
        *(p.inputs["policy"] for p in stack.of_type("aws:sns/topicPolicy:TopicPolicy")),
    ]:
        for statement in statements(document):
            if "Service" in statement["Principal"]:
                assert statement["Condition"]["StringEquals"]["aws:SourceAccount"] == ACCOUNT


def test_the_only_wildcard_bucket_policy_is_a_deny_of_plain_http(stack: ProgramRun):
    for policy in stack.of_type("aws:s3/bucketPolicy:BucketPolicy"):
        for statement in statements(policy.inputs["policy"]):
            assert statement["Effect"] == "Deny"
            assert statement["Condition"] == {"Bool": {"aws:SecureTransport": "false"}}


def test_each_role_is_assumable_by_one_service_only(stack: ProgramRun):
    expected = {
        "ec2.amazonaws.com",  # the NAT instance, for its SSM agent
        "lambda.amazonaws.com",
        "build.apprunner.amazonaws.com",
        "tasks.apprunner.amazonaws.com",
        "ssm.amazonaws.com",  # the runbook that sets App Runner's log retention
    }
    for role in stack.of_type("aws:iam/role:Role"):
        (trust,) = statements(role.inputs["assumeRolePolicy"])
        assert trust["Action"] == "sts:AssumeRole"
        assert trust["Principal"]["Service"] in expected


def test_each_function_has_a_role_of_its_own(stack: ProgramRun):
    roles = [f.inputs["role"] for f in stack.of_type("aws:lambda/function:Function")]
    assert len(roles) == len(set(roles)) == 5


def test_the_email_sender_may_send_only_as_the_stacks_domain(prod: ProgramRun, dev: ProgramRun):
    sender = statements(prod.named("serverless-email-sender-policy").inputs["policy"])
    ses = [s for s in sender if any(a.startswith("ses:") for a in s["Action"])]
    assert ses == [
        {
            "Effect": "Allow",
            "Action": ["ses:SendEmail", "ses:SendRawEmail"],
            "Resource": [f"arn:aws:ses:us-east-1:{ACCOUNT}:identity/refocused.app"],
        }
    ]
    # Without a domain there is no identity to send as, so no permission to send.
    dev_sender = statements(dev.named("serverless-email-sender-policy").inputs["policy"])
    assert not [s for s in dev_sender if any(a.startswith("ses:") for a in s["Action"])]


def test_the_ai_handler_reads_model_weights_and_nothing_else_in_the_bucket(stack: ProgramRun):
    policy = statements(stack.named("serverless-ai-handler-policy").inputs["policy"])
    bucket = stack.exports["model_bucket"]
    s3 = {tuple(s["Action"]): s["Resource"] for s in policy if s["Action"][0].startswith("s3:")}
    assert s3 == {
        ("s3:ListBucket",): [f"arn:aws:s3:::{bucket}"],
        ("s3:GetObject",): [f"arn:aws:s3:::{bucket}/models/*"],
    }


def test_the_api_reads_exactly_its_own_secrets(stack: ProgramRun):
    policy = statements(stack.named("compute-apprunner-instance-secrets").inputs["policy"])
    (statement,) = [s for s in policy if s["Action"][0].startswith("secretsmanager:")]
    assert statement["Action"] == ["secretsmanager:GetSecretValue"]
    assert sorted(statement["Resource"]) == sorted(stack.exports["secret_arns"].values())


def test_the_api_may_start_the_ai_handler_and_no_other_function(stack: ProgramRun):
    policy = statements(stack.named("compute-apprunner-instance-secrets").inputs["policy"])
    invokes = [s for s in policy if any(a.startswith("lambda:") for a in s["Action"])]
    function = stack.named("serverless-ai-handler-function")
    (statement,) = invokes
    assert statement["Action"] == ["lambda:InvokeFunction"]
    (resource,) = statement["Resource"]
    assert resource.endswith(f":{ACCOUNT}:function:{function.inputs['name']}")
    assert resource.startswith("arn:aws:lambda:") and "*" not in resource
