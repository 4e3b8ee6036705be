from __future__ import annotations

import asyncio
from typing import Any

from botocore.exceptions import BotoCoreError, ClientError

from adapters.ses.mime import render
from domains.email.model import OutgoingMail
from domains.shared.errors import Unavailable


class SesMailTransport:
    """Sends the rendered MIME message with SES v2 (raw content keeps our headers, such as
    List-Unsubscribe, exactly as written)."""

    def __init__(self, client: Any, sender: str, configuration_set: str | None = None) -> None:
        self._client = client
        self._sender = sender
        self._configuration_set = configuration_set

    async def send(self, mail: OutgoingMail) -> str:
        raw = render(mail, self._sender).as_bytes()
        kwargs: dict[str, Any] = {
            "FromEmailAddress": self._sender,
            "Destination": {"ToAddresses": [mail.to]},
            "Content": {"Raw": {"Data": raw}},
        }
        if self._configuration_set:
            kwargs["ConfigurationSetName"] = self._configuration_set
        try:
            result = await asyncio.to_thread(self._client.send_email, **kwargs)
        except (ClientError, BotoCoreError) as e:
            raise Unavailable("mail could not be sent; it will be retried") from e
        return str(result["MessageId"])
