"""ses-notifications: what SES reports through SNS. Permanent bounces suppress an address
(no more mail of any kind), complaints stop the newsletter; deliveries need nothing.

Both SES formats are read: identity notifications (`notificationType`) and configuration-set
event publishing (`eventType`)."""

from __future__ import annotations

import json
from typing import Any

import structlog

from domains.email.use_cases import BounceHandling
from entrypoints.composition.lambdas import bounce_handling
from entrypoints.lambdas.runtime import ColdStart, answer_config_errors
from entrypoints.lambdas.sns import sns_messages

log = structlog.get_logger("refocused.lambda.ses_notifications")
cold_start: ColdStart[BounceHandling] = ColdStart(bounce_handling)


def _addresses(items: Any, key: str = "emailAddress") -> list[str]:
    if not isinstance(items, list):
        return []
    return [str(i[key]) for i in items if isinstance(i, dict) and isinstance(i.get(key), str)]


async def _record(notifications: list[dict[str, Any]]) -> dict[str, int]:
    handling = cold_start.get()
    counts = {"suppressed": 0, "ignored": 0}
    for note in notifications:
        kind = note.get("notificationType") or note.get("eventType")
        if kind == "Bounce":
            bounce = note.get("bounce") or {}
            permanent = bounce.get("bounceType") == "Permanent"
            n = await handling.record_bounce(
                _addresses(bounce.get("bouncedRecipients")), permanent=permanent
            )
        elif kind == "Complaint":
            complaint = note.get("complaint") or {}
            n = await handling.record_complaint(_addresses(complaint.get("complainedRecipients")))
        else:
            n = 0
        counts["suppressed" if n else "ignored"] += 1
        log.info("email.notification", kind=kind, suppressed=n)
    return counts


@answer_config_errors
def handler(event: Any, context: Any = None) -> dict[str, Any]:
    messages, problems = sns_messages(event)
    notifications: list[dict[str, Any]] = []
    for sns_id, body in messages:
        try:
            note = json.loads(body)
        except ValueError:
            note = None
        if not isinstance(note, dict) or not (
            note.get("notificationType") or note.get("eventType")
        ):
            problems.append(f"message {sns_id or '?'} is not an SES notification")
            continue
        notifications.append(note)
    counts = cold_start.run(_record(notifications)) if notifications else {}
    if problems:
        log.warning("email.bad_notification", reason=problems[0])
    return {
        "statusCode": 400 if problems else 200,
        "body": {"counts": counts, **({"detail": "; ".join(problems)} if problems else {})},
    }
