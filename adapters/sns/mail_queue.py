"""Mail on the email-requests topic: the JSON both sides agree on, and the publisher."""

from __future__ import annotations

import asyncio
import json
from typing import Any

from botocore.exceptions import BotoCoreError, ClientError

from domains.email.model import MailKind, OutgoingMail
from domains.shared.errors import InvalidInput, Unavailable

FORMAT = "refocused-mail/1"


def encode_mail(mail: OutgoingMail) -> str:
    return json.dumps(
        {
            "format": FORMAT,
            "id": mail.id,
            "to": mail.to,
            "subject": mail.subject,
            "text": mail.text,
            "kind": mail.kind.value,
            "unsubscribe_url": mail.unsubscribe_url,
        }
    )


def decode_mail(body: str) -> OutgoingMail:
    """InvalidInput for anything that is not a message this service published."""
    try:
        data = json.loads(body)
    except (TypeError, ValueError) as e:
        raise InvalidInput("the message is not JSON", field="Message") from e
    if not isinstance(data, dict) or data.get("format") != FORMAT:
        raise InvalidInput(f"the message is not in the {FORMAT} format", field="Message")
    try:
        return OutgoingMail(
            id=str(data["id"]),
            to=str(data["to"]),
            subject=str(data["subject"]),
            text=str(data["text"]),
            kind=MailKind(data["kind"]),
            unsubscribe_url=data.get("unsubscribe_url"),
        )
    except (KeyError, ValueError) as e:
        raise InvalidInput(f"the message lacks a valid {e}", field="Message") from e


class SnsMailQueue:
    def __init__(self, client: Any, topic_arn: str) -> None:
        self._client = client
        self._topic_arn = topic_arn

    async def enqueue(self, mail: OutgoingMail) -> None:
        try:
            await asyncio.to_thread(
                self._client.publish,
                TopicArn=self._topic_arn,
                Message=encode_mail(mail),
                MessageAttributes={"kind": {"DataType": "String", "StringValue": mail.kind.value}},
            )
        except (ClientError, BotoCoreError) as e:
            raise Unavailable("mail cannot be queued right now; try again shortly") from e
