"""The functions compose the same containers as the API: the limits an operator sets reach a
function as they reach the API, under the same variables, and the stores are the DynamoDB ones
in the function's own table."""

from __future__ import annotations

from adapters.dynamodb.email import DynamoDbSubscriptionStore
from adapters.dynamodb.feedback import DynamoDbFeedbackStore
from adapters.dynamodb.rate_limit import DynamoDbRateLimiter
from entrypoints.composition.lambdas import LambdaSettings, email_requests, feedback

ENVIRONMENT = {
    "EMAIL_TABLE": "refocused-email",
    "EMAIL_REQUESTS_TOPIC_ARN": "arn:aws:sns:us-east-1:000000000000:refocused-email",
    "FEEDBACK_TABLE": "refocused-feedback",
    "REFOCUSED_SECRET_KEY": "a-local-secret-of-at-least-32-characters",
    "REFOCUSED_EMAIL_ACTIONS_PER_ADDRESS_PER_DAY": "2",
    "REFOCUSED_EMAIL_ACTIONS_PER_IP_PER_DAY": "7",
    "REFOCUSED_FEEDBACK_PER_IP_PER_HOUR": "3",
    "AWS_REGION": "eu-west-1",
}


def test_the_email_function_takes_the_operators_limits_and_its_own_table() -> None:
    service = email_requests(LambdaSettings.from_env(ENVIRONMENT))
    assert (service.limits.per_address_per_day, service.limits.per_ip_per_day) == (2, 7)
    assert isinstance(service.subscriptions, DynamoDbSubscriptionStore)
    assert isinstance(service.limiter, DynamoDbRateLimiter)


def test_the_feedback_function_takes_the_operators_limit() -> None:
    service = feedback(LambdaSettings.from_env(ENVIRONMENT))
    assert service.limits.feedback_per_ip_per_hour == 3
    assert isinstance(service.store, DynamoDbFeedbackStore)
    assert isinstance(service.limiter, DynamoDbRateLimiter)
