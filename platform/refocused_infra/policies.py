"""IAM policy documents built from resource outputs, so every statement names concrete ARNs."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import pulumi


def statement(
    actions: Sequence[str],
    resources: Sequence[pulumi.Input[str]],
    sid: str | None = None,
    condition: dict[str, Any] | None = None,
) -> dict[str, Any]:
    body: dict[str, Any] = {"Effect": "Allow", "Action": list(actions), "Resource": list(resources)}
    if sid:
        body["Sid"] = sid
    if condition:
        body["Condition"] = condition
    return body


def document(statements: Sequence[dict[str, Any]]) -> pulumi.Output[str]:
    return pulumi.Output.json_dumps({"Version": "2012-10-17", "Statement": list(statements)})


def assume_role(
    service: str, source_account: pulumi.Input[str] | None = None
) -> pulumi.Output[str]:
    """A trust policy for one AWS service principal, scoped to this account when given."""
    trust: dict[str, Any] = {
        "Effect": "Allow",
        "Principal": {"Service": service},
        "Action": "sts:AssumeRole",
    }
    if source_account is not None:
        # Guards against the confused-deputy problem: only this account's resources may use it.
        trust["Condition"] = {"StringEquals": {"aws:SourceAccount": source_account}}
    return document([trust])
