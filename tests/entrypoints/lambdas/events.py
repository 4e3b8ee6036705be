"""Events in the shapes AWS delivers them: API Gateway HTTP API payload 2.0 and SNS."""

from __future__ import annotations

import json
import uuid
from datetime import UTC, datetime
from typing import Any

DOMAIN = "abc123.execute-api.us-east-1.amazonaws.com"


def api_event(
    method: str,
    path: str,
    *,
    body: Any = None,
    query: dict[str, str] | None = None,
    token: str | None = None,
    source_ip: str = "203.0.113.7",
    headers: dict[str, str] | None = None,
) -> dict[str, Any]:
    headers = {"content-type": "application/json", "user-agent": "test", **(headers or {})}
    if token:
        headers["authorization"] = f"Bearer {token}"
    event: dict[str, Any] = {
        "version": "2.0",
        "routeKey": f"ANY /{path.strip('/').split('/')[0]}/{{proxy+}}",
        "rawPath": path,
        "rawQueryString": "&".join(f"{k}={v}" for k, v in (query or {}).items()),
        "headers": headers,
        "requestContext": {
            "accountId": "123456789012",
            "apiId": "abc123",
            "domainName": DOMAIN,
            "domainPrefix": "abc123",
            "http": {
                "method": method,
                "path": path,
                "protocol": "HTTP/1.1",
                "sourceIp": source_ip,
                "userAgent": "test",
            },
            "requestId": uuid.uuid4().hex,
            "routeKey": "ANY /x/{proxy+}",
            "stage": "$default",
            "time": datetime.now(UTC).strftime("%d/%b/%Y:%H:%M:%S +0000"),
            "timeEpoch": int(datetime.now(UTC).timestamp() * 1000),
        },
        "isBase64Encoded": False,
    }
    if query:
        event["queryStringParameters"] = query
    if body is not None:
        event["body"] = body if isinstance(body, str) else json.dumps(body)
    return event


def sns_record(message: str, topic_arn: str, message_id: str | None = None) -> dict[str, Any]:
    return {
        "EventSource": "aws:sns",
        "EventVersion": "1.0",
        "EventSubscriptionArn": f"{topic_arn}:{uuid.uuid4()}",
        "Sns": {
            "Type": "Notification",
            "MessageId": message_id or str(uuid.uuid4()),
            "TopicArn": topic_arn,
            "Subject": None,
            "Message": message,
            "Timestamp": datetime.now(UTC).isoformat(),
            "SignatureVersion": "1",
            "Signature": "EXAMPLE",
            "MessageAttributes": {},
        },
    }


def sns_event(*records: dict[str, Any]) -> dict[str, Any]:
    return {"Records": list(records)}


def ses_bounce(address: str, bounce_type: str = "Permanent") -> str:
    return json.dumps(
        {
            "notificationType": "Bounce",
            "bounce": {
                "bounceType": bounce_type,
                "bounceSubType": "General",
                "bouncedRecipients": [{"emailAddress": address, "status": "5.1.1"}],
                "timestamp": datetime.now(UTC).isoformat(),
                "feedbackId": uuid.uuid4().hex,
            },
            "mail": {"messageId": uuid.uuid4().hex, "destination": [address]},
        }
    )


def ses_complaint(address: str) -> str:
    return json.dumps(
        {
            "eventType": "Complaint",
            "complaint": {
                "complainedRecipients": [{"emailAddress": address}],
                "timestamp": datetime.now(UTC).isoformat(),
                "feedbackId": uuid.uuid4().hex,
            },
            "mail": {"messageId": uuid.uuid4().hex, "destination": [address]},
        }
    )
