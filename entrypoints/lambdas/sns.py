"""SNS events in: the records' messages, with a reason for each record that is not one."""

from __future__ import annotations

from typing import Any


def sns_messages(event: Any) -> tuple[list[tuple[str, str]], list[str]]:
    """(SNS message id, message body) per record, and what was wrong with the others."""
    if not isinstance(event, dict) or not isinstance(event.get("Records"), list):
        return [], ["expected an SNS event with a Records list"]
    messages: list[tuple[str, str]] = []
    problems: list[str] = []
    for index, record in enumerate(event["Records"]):
        sns = record.get("Sns") if isinstance(record, dict) else None
        if not isinstance(sns, dict) or not isinstance(sns.get("Message"), str):
            problems.append(f"record {index} is not an SNS notification with a Message")
            continue
        messages.append((str(sns.get("MessageId", "")), sns["Message"]))
    if not messages and not problems:
        problems.append("the event has no records")
    return messages, problems
