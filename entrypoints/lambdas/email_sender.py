"""email-sender: delivers the mail the email API published on SNS, through SES.

SNS delivers at least once, so the same message can arrive twice: the delivery log's
conditional write lets only the first delivery send. A transient failure (SES or DynamoDB
unavailable) raises, so SNS retries; a malformed record is reported and skipped, since
retrying it can never succeed."""

from __future__ import annotations

from typing import Any

import structlog

from adapters.sns.mail_queue import decode_mail
from domains.email.use_cases import MailDelivery
from domains.shared.errors import InvalidInput
from entrypoints.composition.lambdas import email_delivery
from entrypoints.lambdas.runtime import ColdStart, answer_config_errors
from entrypoints.lambdas.sns import sns_messages

log = structlog.get_logger("refocused.lambda.email_sender")
cold_start: ColdStart[MailDelivery] = ColdStart(email_delivery)


async def _deliver(records: list[tuple[str, str]]) -> list[dict[str, str]]:
    delivery = cold_start.get()
    results = []
    for sns_id, body in records:
        try:
            mail = decode_mail(body)
        except InvalidInput as e:
            log.warning("email.bad_message", sns_message_id=sns_id, reason=e.detail)
            results.append({"sns_message_id": sns_id, "outcome": "rejected", "detail": e.detail})
            continue
        outcome = await delivery.deliver(mail)
        # The recipient and the text are personal data: the mail id identifies the message.
        log.info("email.delivery", mail_id=mail.id, kind=mail.kind.value, outcome=outcome.value)
        results.append({"sns_message_id": sns_id, "mail_id": mail.id, "outcome": outcome.value})
    return results


@answer_config_errors
def handler(event: Any, context: Any = None) -> dict[str, Any]:
    records, problems = sns_messages(event)
    if not records and problems:
        log.warning("email.bad_event", reason=problems[0])
        return {"statusCode": 400, "body": {"detail": problems[0]}}
    results = cold_start.run(_deliver(records))
    rejected = problems + [r["detail"] for r in results if r["outcome"] == "rejected"]
    return {
        "statusCode": 400 if rejected else 200,
        "body": {"results": results, **({"detail": "; ".join(rejected)} if rejected else {})},
    }
