"""email-api -> SNS -> email-sender -> SES, and ses-notifications, with real event shapes."""

from __future__ import annotations

import base64
import email
import json
import re
import uuid
from datetime import UTC, datetime
from email import policy
from urllib.parse import unquote

import pytest

from adapters.security.keys import derive_key
from domains.email.links import CONFIRM
from entrypoints.composition.links import LINK_KEY_PURPOSE, link_signer
from entrypoints.lambdas import email_api, email_sender, ses_notifications
from tests.conftest import TEST_SECRET
from tests.entrypoints.lambdas.conftest import Deployment
from tests.entrypoints.lambdas.events import (
    api_event,
    ses_bounce,
    ses_complaint,
    sns_event,
    sns_record,
)


def unique_address() -> str:
    return f"reader-{uuid.uuid4().hex[:10]}@example.org"


def subscribe(address: str) -> dict[str, object]:
    return email_api.handler(
        api_event("POST", "/email/newsletter/subscribe", body={"email": address})
    )


def deliver_published(deployment: Deployment, times: int = 1) -> list[dict[str, object]]:
    """Hands every notification the topic received to the sender, `times` times over (SNS
    delivers at least once)."""
    notifications = deployment.published()
    assert notifications, "nothing was published"
    records = [
        sns_record(n["Message"], deployment.topic_arn, message_id=n["MessageId"])
        for n in notifications
    ]
    return [email_sender.handler(sns_event(*records)) for _ in range(times)]


def confirmation_token(raw: str) -> str:
    message = email.message_from_string(raw, policy=policy.default)
    body = message.get_body(("plain",)).get_content()  # type: ignore[union-attr]
    match = re.search(r"token=(\S+)", body)
    assert match, body
    return unquote(match.group(1))


def test_the_same_sns_message_delivered_twice_sends_one_email(deployment: Deployment) -> None:
    address = unique_address()
    response = subscribe(address)
    assert response["statusCode"] == 202, response
    first, second = deliver_published(deployment, times=2)
    assert first["statusCode"] == 200 and first["body"]["results"][0]["outcome"] == "sent"
    assert second["body"]["results"][0]["outcome"] == "duplicate"
    sent = deployment.aws.sent_mail(address)
    assert len(sent) == 1
    assert "Confirm your ReFocused newsletter subscription" in sent[0]


def test_the_mailed_link_confirms_the_subscription(deployment: Deployment) -> None:
    address = unique_address()
    subscribe(address)
    deliver_published(deployment)
    [raw] = deployment.aws.sent_mail(address)
    assert "https://abc123.execute-api.us-east-1.amazonaws.com/email/newsletter/confirm" in raw
    token = confirmation_token(raw)
    response = email_api.handler(
        api_event("GET", "/email/newsletter/confirm", query={"token": token})
    )
    assert response["statusCode"] == 200, response
    assert json.loads(response["body"])["status"] == "subscribed"


def test_an_address_gets_a_few_mails_a_day_through_the_lambda_too(
    deployment: Deployment,
) -> None:
    address = unique_address()
    statuses = [subscribe(address)["statusCode"] for _ in range(6)]
    assert statuses == [202] * 5 + [429]


def test_a_permanent_bounce_suppresses_the_address(deployment: Deployment) -> None:
    address = unique_address()
    result = ses_notifications.handler(
        sns_event(sns_record(ses_bounce(address), "arn:aws:sns:us-east-1:123456789012:ses"))
    )
    assert result["statusCode"] == 200 and result["body"]["counts"]["suppressed"] == 1
    subscribe(address)
    [outcome] = deliver_published(deployment)
    assert outcome["body"]["results"][0]["outcome"] == "suppressed"
    assert deployment.aws.sent_mail(address) == []


def test_a_transient_bounce_is_ignored_and_a_complaint_is_recorded(
    deployment: Deployment,
) -> None:
    topic = "arn:aws:sns:us-east-1:123456789012:ses"
    transient = ses_notifications.handler(
        sns_event(sns_record(ses_bounce(unique_address(), "Transient"), topic))
    )
    assert transient["body"]["counts"] == {"suppressed": 0, "ignored": 1}
    complaint = ses_notifications.handler(
        sns_event(sns_record(ses_complaint(unique_address()), topic))
    )
    assert complaint["body"]["counts"]["suppressed"] == 1


@pytest.mark.parametrize(
    "event",
    [
        {},
        {"version": "1.0", "httpMethod": "GET", "path": "/email/newsletter/status"},
        "not an event",
        {"version": "2.0", "rawPath": "/email/x"},
    ],
)
def test_a_malformed_api_event_is_a_400_with_a_reason(
    deployment: Deployment, event: object
) -> None:
    response = email_api.handler(event)
    assert response["statusCode"] == 400
    assert "API Gateway" in response["body"] or "requestContext" in response["body"]


@pytest.mark.parametrize(
    ("request_event", "status"),
    [
        (api_event("POST", "/email/newsletter/subscribe", body="{not json"), 400),
        (api_event("POST", "/email/newsletter/subscribe", body={"mail": "x"}), 400),
        (api_event("POST", "/email/newsletter/subscribe", body={"email": "nope"}), 422),
        (api_event("GET", "/email/newsletter/confirm"), 400),
        (api_event("GET", "/email/newsletter/confirm", query={"token": "forged.x"}), 422),
        (api_event("GET", "/email/nowhere"), 404),
        (api_event("DELETE", "/email/newsletter/subscribe"), 405),
    ],
)
def test_bad_requests_get_a_problem_not_an_exception(
    deployment: Deployment, request_event: dict[str, object], status: int
) -> None:
    response = email_api.handler(request_event)
    assert response["statusCode"] == status, response
    assert response["headers"]["content-type"] == "application/problem+json"


def test_the_sender_rejects_records_it_cannot_read_and_sends_the_rest(
    deployment: Deployment,
) -> None:
    address = unique_address()
    subscribe(address)
    [notification] = deployment.published()
    good = sns_record(notification["Message"], deployment.topic_arn)
    bad = sns_record("{not json", deployment.topic_arn)
    result = email_sender.handler(sns_event(bad, good))
    assert result["statusCode"] == 400 and "not JSON" in result["body"]["detail"]
    assert [r["outcome"] for r in result["body"]["results"]] == ["rejected", "sent"]
    assert len(deployment.aws.sent_mail(address)) == 1
    assert email_sender.handler({"no": "records"})["statusCode"] == 400


def test_a_function_missing_its_table_answers_503_naming_it(
    deployment: Deployment, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.delenv("EMAIL_TABLE")
    email_api.cold_start.reset()
    response = email_api.handler(
        api_event("POST", "/email/newsletter/subscribe", body={"email": unique_address()})
    )
    assert response["statusCode"] == 503 and "EMAIL_TABLE" in response["body"]


def test_the_email_api_needs_only_the_mail_link_key_and_its_links_pass_at_the_api(
    deployment: Deployment, monkeypatch: pytest.MonkeyPatch
) -> None:
    """As deployed: the key derived for mail links, not the service secret it comes from."""
    link_key = base64.b64encode(derive_key(TEST_SECRET.encode(), LINK_KEY_PURPOSE)).decode()
    arn = deployment.aws.client("secretsmanager").create_secret(
        Name=f"email-link-key-{uuid.uuid4().hex[:8]}", SecretString=link_key
    )["ARN"]
    monkeypatch.setenv("REFOCUSED_EMAIL_LINK_KEY_ARN", arn)
    email_api.cold_start.reset()
    address = unique_address()
    assert subscribe(address)["statusCode"] == 202
    deliver_published(deployment)
    [raw] = deployment.aws.sent_mail(address)
    token = confirmation_token(raw)
    # The API, which holds the service secret, accepts the function's link.
    assert link_signer(TEST_SECRET.encode()).verify(CONFIRM, token, datetime.now(UTC)) == address
    response = email_api.handler(
        api_event("GET", "/email/newsletter/confirm", query={"token": token})
    )
    assert response["statusCode"] == 200, response
