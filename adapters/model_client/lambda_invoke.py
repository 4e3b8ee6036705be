"""The ai-handler Lambda as the model: one synchronous invoke per reply."""

from __future__ import annotations

import asyncio
import json
from collections.abc import AsyncIterator, Sequence
from typing import Annotated, Any

import msgspec
from botocore.exceptions import BotoCoreError, ClientError

from domains.assistant.model import ChatTurn, Role
from domains.shared.errors import Unavailable

#: The event the ai-handler understands besides API Gateway's (see entrypoints/lambdas).
ACTION = "assistant.reply"
#: The most turns one reply event carries.
MAX_TURNS = 64


class Turn(msgspec.Struct):
    role: Role
    content: str


class ReplyEvent(msgspec.Struct, tag_field="action", tag=ACTION):
    """What this client sends the ai-handler and the function decodes (strictly): the turns
    to answer, each with its role."""

    messages: Annotated[list[Turn], msgspec.Meta(min_length=1, max_length=MAX_TURNS)]
    max_new_tokens: int = 256


class LambdaModelClient:
    def __init__(self, client: Any, function_name: str, max_new_tokens: int = 256) -> None:
        self._client = client
        self._function = function_name
        self._max_new_tokens = max_new_tokens

    async def ensure_available(self) -> None:
        # A configured function is assumed to answer; a failing invoke is a 503 of its own.
        return None

    async def reply(self, turns: Sequence[ChatTurn]) -> str:
        messages = [Turn(t.role, t.content) for t in turns]
        payload = msgspec.json.encode(ReplyEvent(messages, self._max_new_tokens))
        try:
            result = await asyncio.to_thread(
                self._client.invoke,
                FunctionName=self._function,
                InvocationType="RequestResponse",
                Payload=payload,
            )
            body = json.loads(result["Payload"].read())
        except (ClientError, BotoCoreError, ValueError) as e:
            raise Unavailable("the assistant could not be reached; try again shortly") from e
        if result.get("FunctionError") or not isinstance(body, dict):
            raise Unavailable("the assistant failed to answer; try again shortly")
        reply = body.get("reply")
        if not isinstance(reply, str):
            raise Unavailable(str(body.get("error") or "the assistant failed to answer"))
        return reply

    async def stream(self, turns: Sequence[ChatTurn]) -> AsyncIterator[str]:
        # A request-response invoke returns the reply whole: it streams as one piece.
        yield await self.reply(turns)
