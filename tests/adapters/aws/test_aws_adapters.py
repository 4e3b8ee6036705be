"""The AWS adapters against the local AWS-compatible server, over HTTP."""

from __future__ import annotations

import asyncio
import email
import json
import uuid
from pathlib import Path

import pytest

from adapters.dynamodb.rate_limit import DynamoDbRateLimiter
from adapters.s3.model_bundle import MARKER, S3ModelBundle
from adapters.ses.transport import SesMailTransport
from adapters.sns.mail_queue import SnsMailQueue, decode_mail, encode_mail
from domains.email.model import MailKind, OutgoingMail
from domains.shared.errors import InvalidInput
from domains.shared.rate_limit import Rate
from tests.adapters.aws.server import LocalAws

SENDER = "ReFocused <no-reply@refocused.example>"


def recipient() -> str:
    return f"r-{uuid.uuid4().hex[:10]}@example.org"


async def test_ses_sends_the_rendered_message_with_one_click_unsubscribe_headers(
    local_aws: LocalAws,
) -> None:
    ses = local_aws.client("sesv2")
    ses.create_email_identity(EmailIdentity="refocused.example")
    to = recipient()
    mail = OutgoingMail(
        to=to,
        subject="This week in ReFocused",
        text="Hello",
        kind=MailKind.NEWSLETTER,
        unsubscribe_url="https://api.example/unsubscribe?token=abc",
    )
    provider_id = await SesMailTransport(ses, SENDER).send(mail)
    assert provider_id
    [raw] = local_aws.sent_mail(to)
    parsed = email.message_from_string(raw)
    assert parsed["Subject"] == "This week in ReFocused"
    assert parsed["List-Unsubscribe"] == "<https://api.example/unsubscribe?token=abc>"
    assert parsed["List-Unsubscribe-Post"] == "List-Unsubscribe=One-Click"
    assert parsed["X-ReFocused-Mail-Id"] == mail.id


async def test_sns_carries_the_mail_as_the_sender_reads_it(local_aws: LocalAws) -> None:
    sns, sqs = local_aws.client("sns"), local_aws.client("sqs")
    topic = sns.create_topic(Name=f"mail-{uuid.uuid4().hex[:8]}")["TopicArn"]
    queue_url = sqs.create_queue(QueueName=f"q-{uuid.uuid4().hex[:8]}")["QueueUrl"]
    queue_arn = sqs.get_queue_attributes(QueueUrl=queue_url, AttributeNames=["QueueArn"])[
        "Attributes"
    ]["QueueArn"]
    sns.subscribe(TopicArn=topic, Protocol="sqs", Endpoint=queue_arn)
    mail = OutgoingMail(to=recipient(), subject="Hi", text="Body", kind=MailKind.VERIFICATION)
    await SnsMailQueue(sns, topic).enqueue(mail)
    received = sqs.receive_message(QueueUrl=queue_url, WaitTimeSeconds=1)["Messages"]
    envelope = json.loads(received[0]["Body"])
    assert decode_mail(envelope["Message"]) == mail


@pytest.mark.parametrize(
    "body",
    ["not json", "[]", json.dumps({"format": "other"}), json.dumps({"format": "refocused-mail/1"})],
)
def test_a_message_that_is_not_ours_is_refused_with_a_reason(body: str) -> None:
    with pytest.raises(InvalidInput):
        decode_mail(body)


def test_the_mail_format_round_trips() -> None:
    mail = OutgoingMail(to="a@b.co", subject="s", text="t", kind=MailKind.PASSWORD_RESET)
    assert decode_mail(encode_mail(mail)) == mail


async def test_the_dynamodb_limiter_allows_exactly_the_limit_under_concurrency(
    local_aws: LocalAws,
) -> None:
    limiter = DynamoDbRateLimiter(local_aws.new_table("rl"))
    rate = Rate(5, 3600)
    decisions = await asyncio.gather(*(limiter.hit("k", rate) for _ in range(12)))
    assert sum(d.allowed for d in decisions) == 5
    refused = [d for d in decisions if not d.allowed]
    assert all(d.retry_after > 0 for d in refused)
    assert (await limiter.peek("k", rate)).remaining == 0
    assert (await limiter.peek("other", rate)).remaining == 5


async def test_the_dynamodb_limiter_refills_with_time(local_aws: LocalAws) -> None:
    now = [1_000_000.0]
    limiter = DynamoDbRateLimiter(local_aws.new_table("rl"), now=lambda: now[0])
    rate = Rate(2, 60)
    assert (await limiter.hit("k", rate)).allowed
    assert (await limiter.hit("k", rate)).allowed
    assert not (await limiter.hit("k", rate)).allowed
    now[0] += 30
    assert (await limiter.hit("k", rate)).allowed


def test_a_model_bundle_is_downloaded_once_and_again_when_it_changes(
    local_aws: LocalAws, tmp_path: Path
) -> None:
    s3 = local_aws.client("s3")
    bucket = f"models-{uuid.uuid4().hex[:8]}"
    s3.create_bucket(Bucket=bucket)
    s3.put_object(Bucket=bucket, Key="models/config.json", Body=b'{"n": 1}')
    s3.put_object(Bucket=bucket, Key="models/tokenizer/tokenizer.json", Body=b"{}")
    s3.put_object(Bucket=bucket, Key="other/ignored.bin", Body=b"x")
    bundle = S3ModelBundle(s3, bucket, "models")
    folder = bundle.download_to(tmp_path / "model")
    assert (folder / "config.json").read_bytes() == b'{"n": 1}'
    assert (folder / "tokenizer" / "tokenizer.json").exists()
    assert not (folder / "ignored.bin").exists()
    assert (folder / MARKER).exists()
    (folder / "config.json").write_bytes(b"local edit")  # a second call must not download
    bundle.download_to(tmp_path / "model")
    assert (folder / "config.json").read_bytes() == b"local edit"
    s3.put_object(Bucket=bucket, Key="models/config.json", Body=b'{"n": 2}')
    bundle.download_to(tmp_path / "model")
    assert (folder / "config.json").read_bytes() == b'{"n": 2}'


def test_an_empty_bundle_location_is_an_error_that_names_it(
    local_aws: LocalAws, tmp_path: Path
) -> None:
    s3 = local_aws.client("s3")
    bucket = f"models-{uuid.uuid4().hex[:8]}"
    s3.create_bucket(Bucket=bucket)
    with pytest.raises(FileNotFoundError, match=bucket):
        S3ModelBundle(s3, bucket, "models/").download_to(tmp_path / "model")
