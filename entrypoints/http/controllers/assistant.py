"""The AI assistant over HTTP: conversations, the daily quota, and replies, whole or streamed
as server-sent events. Message text is never logged."""

from __future__ import annotations

import asyncio
import time
from collections.abc import AsyncIterator
from typing import Annotated, Any

from litestar import Controller, Request, Response, delete, get, patch, post
from litestar.di import NamedDependency
from litestar.params import HeaderParameter, JSONBody, PathParameter
from litestar.response import ServerSentEvent
from litestar.response.sse import ServerSentEventMessage

from domains.assistant.model import ReplyStatus
from domains.assistant.use_cases import AssistantService, Exchange, ReplyProgress
from domains.identity.model import Principal
from domains.shared.errors import DomainError
from entrypoints.http.openapi import responses
from entrypoints.schemas.assistant import (
    IDEMPOTENCY_KEY_PATTERN,
    ConversationCreate,
    ConversationDetail,
    ConversationRead,
    ConversationUpdate,
    MessageCreate,
    MessageRead,
    QuotaRead,
    ReplyJobRead,
    ReplyRead,
    sse_json,
)

Assistant = NamedDependency[AssistantService]
CurrentUser = NamedDependency[Principal]
ConversationId = Annotated[
    str, PathParameter(max_length=64, format="uuid", description="a conversation id")
]
ReplyId = Annotated[str, PathParameter(max_length=64, format="uuid", description="a reply id")]
NO_MODEL = {503: "No assistant model is configured on this server, or it failed to answer"}
#: How often a followed reply is read again for new pieces.
POLL_SECONDS = 0.2
BASE = "/api/v1/assistant"


def _job_read(progress: ReplyProgress) -> ReplyJobRead:
    return ReplyJobRead.of(progress, events=f"{BASE}/replies/{progress.job.id}/events")


def _last_event_id(value: str) -> int:
    """The header's pattern (digits only) is checked by the decoder: a 400 naming it."""
    return int(value) if value else 0


class AssistantController(Controller):
    path = "/assistant"
    tags = ["assistant"]

    @get("/quota", operation_id="getAssistantQuota", responses=responses(401))
    async def quota(self, assistant: Assistant, principal: CurrentUser) -> QuotaRead:
        """Messages left today. The day is the UTC day: `resets_at` is the next midnight UTC."""
        return QuotaRead.of(await assistant.quota(principal.user_id))

    @get("/conversations", operation_id="listConversations", responses=responses(401, 503))
    async def conversations(
        self, assistant: Assistant, principal: CurrentUser
    ) -> list[ConversationRead]:
        """The signed-in user's conversations, the most recently active first."""
        found = await assistant.conversations(principal.user_id)
        return [ConversationRead.of(c) for c in found]

    @post(
        "/conversations",
        operation_id="startConversation",
        status_code=201,
        responses=responses(401, 403, 422, 503),
    )
    async def start(
        self,
        assistant: Assistant,
        principal: CurrentUser,
        data: JSONBody[ConversationCreate | None] = None,
    ) -> ConversationRead:
        """A new conversation; an empty title is filled from the first message."""
        title = data.title if data else ""
        return ConversationRead.of(await assistant.start(principal.user_id, title))

    @get(
        "/conversations/{conversation_id:str}",
        operation_id="getConversation",
        responses=responses(401, 404, 503),
    )
    async def conversation(
        self, assistant: Assistant, principal: CurrentUser, conversation_id: ConversationId
    ) -> ConversationDetail:
        """One conversation with its messages, oldest first."""
        conversation, messages = await assistant.conversation(principal.user_id, conversation_id)
        return ConversationDetail(
            ConversationRead.of(conversation), [MessageRead.of(m) for m in messages]
        )

    @patch(
        "/conversations/{conversation_id:str}",
        operation_id="renameConversation",
        responses=responses(401, 403, 404, 422, 503),
    )
    async def rename(
        self,
        data: JSONBody[ConversationUpdate],
        assistant: Assistant,
        principal: CurrentUser,
        conversation_id: ConversationId,
    ) -> ConversationRead:
        """Give a conversation a new title."""
        renamed = await assistant.rename(principal.user_id, conversation_id, data.title)
        return ConversationRead.of(renamed)

    @delete(
        "/conversations/{conversation_id:str}",
        status_code=204,
        responses=responses(401, 403, 404, 503),
    )
    async def delete_conversation(
        self, assistant: Assistant, principal: CurrentUser, conversation_id: ConversationId
    ) -> None:
        """Delete the conversation and all its messages."""
        await assistant.delete(principal.user_id, conversation_id)

    @post(
        "/conversations/{conversation_id:str}/messages",
        operation_id="sendMessage",
        status_code=201,
        responses=responses(401, 403, 404, 422, 429, 503, described=NO_MODEL),
    )
    async def send(
        self,
        request: Request[Any, Any, Any],
        data: JSONBody[MessageCreate],
        assistant: Assistant,
        principal: CurrentUser,
        conversation_id: ConversationId,
    ) -> Response[Any]:
        """Send a message and get the whole reply. Counts against the daily quota."""
        reply = await assistant.send(principal.user_id, conversation_id, data.content)
        body = ReplyRead(
            MessageRead.of(reply.message), MessageRead.of(reply.reply), QuotaRead.of(reply.quota)
        )
        return Response(body, status_code=201)

    @post(
        "/conversations/{conversation_id:str}/replies",
        operation_id="requestReply",
        status_code=202,
        responses=responses(400, 401, 403, 404, 422, 429, 503, described=NO_MODEL),
    )
    async def request_reply(
        self,
        request: Request[Any, Any, Any],
        data: JSONBody[MessageCreate],
        assistant: Assistant,
        principal: CurrentUser,
        conversation_id: ConversationId,
        idempotency_key: Annotated[
            str,
            HeaderParameter(
                name="Idempotency-Key",
                pattern=IDEMPOTENCY_KEY_PATTERN,
                description="the client's id for this message (a UUID): sending it again "
                "returns the same reply and never runs the model twice",
            ),
        ],
    ) -> Response[ReplyJobRead]:
        """Send a message; answers at once (202) with the reply resource while the model
        writes it in the background. Follow it at `events` (server-sent events, resumable)
        or read it with GET. The quota is spent when the reply is done, not on failure."""
        submitted = await assistant.submit(
            principal.user_id, conversation_id, data.content, idempotency_key
        )
        progress = await assistant.progress(principal.user_id, submitted.job.id)
        body = _job_read(progress)
        return Response(body, status_code=202, headers={"Location": f"{BASE}/replies/{body.id}"})

    @get("/replies/{reply_id:str}", operation_id="getReply", responses=responses(401, 404, 503))
    async def reply(
        self, assistant: Assistant, principal: CurrentUser, reply_id: ReplyId
    ) -> ReplyJobRead:
        """A reply as far as it is written: its status and the text so far."""
        return _job_read(await assistant.progress(principal.user_id, reply_id))

    @get(
        "/replies/{reply_id:str}/events",
        operation_id="followReply",
        responses=responses(400, 401, 404, 503),
    )
    async def follow(
        self,
        assistant: Assistant,
        principal: CurrentUser,
        assistant_stream_seconds: NamedDependency[int],
        reply_id: ReplyId,
        last_event_id: Annotated[
            str,
            HeaderParameter(
                name="Last-Event-ID",
                required=False,
                pattern=r"^[0-9]{0,9}$",
                description="the id of the last event received: the stream resumes after it",
            ),
        ] = "",
    ) -> Response[Any]:
        """The reply as server-sent events: `delta` (id n: the n-th piece, a JSON string),
        then `done` or `error`. Each answer ends within REFOCUSED_ASSISTANT_STREAM_SECONDS
        (under the gateway's 30 s) with a `continue` event; reconnect with `Last-Event-ID`."""
        after = _last_event_id(last_event_id)
        first = await assistant.progress(principal.user_id, reply_id, after)
        return ServerSentEvent(
            _follow(assistant, principal.user_id, first, assistant_stream_seconds),
            headers={"Cache-Control": "no-store", "X-Accel-Buffering": "no"},
        )

    @post(
        "/conversations/{conversation_id:str}/messages/stream",
        operation_id="streamMessage",
        status_code=200,
        responses=responses(401, 403, 404, 422, 429, 503, described=NO_MODEL),
    )
    async def send_streaming(
        self,
        request: Request[Any, Any, Any],
        data: JSONBody[MessageCreate],
        assistant: Assistant,
        principal: CurrentUser,
        conversation_id: ConversationId,
    ) -> Response[Any]:
        """Send a message; the reply streams as server-sent events: `message` (the stored
        message), `delta` events (JSON strings, pieces of the reply), then `done` (the stored
        reply and the quota) or `error`."""
        exchange, quota = await assistant.prepare(principal.user_id, conversation_id, data.content)
        return ServerSentEvent(
            _events(assistant, exchange, QuotaRead.of(quota)),
            headers={"Cache-Control": "no-store", "X-Accel-Buffering": "no"},
        )


async def _events(
    assistant: AssistantService, exchange: Exchange, quota: QuotaRead
) -> AsyncIterator[ServerSentEventMessage]:
    yield ServerSentEventMessage(event="message", data=sse_json(MessageRead.of(exchange.message)))
    try:
        async for piece in assistant.stream(exchange):
            yield ServerSentEventMessage(event="delta", data=sse_json(piece))
    except DomainError as e:
        yield ServerSentEventMessage(event="error", data=sse_json({"detail": e.detail}))
        return
    _, messages = await assistant.conversation(exchange.user_id, exchange.conversation_id)
    reply = MessageRead.of(messages[-1])
    yield ServerSentEventMessage(event="done", data=sse_json({"reply": reply, "quota": quota}))


async def _follow(
    assistant: AssistantService, user_id: str, progress: ReplyProgress, window: float
) -> AsyncIterator[ServerSentEventMessage]:
    deadline = time.monotonic() + window
    after = progress.after
    while True:
        for number, piece in enumerate(progress.pieces, start=progress.after + 1):
            yield ServerSentEventMessage(event="delta", data=sse_json(piece), id=str(number))
            after = number
        job = progress.job
        if job.status is ReplyStatus.DONE:
            reply = MessageRead.of(progress.reply) if progress.reply else None
            quota = QuotaRead.of(await assistant.quota(user_id))
            yield ServerSentEventMessage(
                event="done", data=sse_json({"reply": reply, "quota": quota}), id=str(after)
            )
            return
        if job.status is ReplyStatus.FAILED:
            yield ServerSentEventMessage(
                event="error", data=sse_json({"detail": job.error}), id=str(after)
            )
            return
        if time.monotonic() + POLL_SECONDS >= deadline:
            # Ends before the gateway would cut it: the client reconnects with Last-Event-ID.
            yield ServerSentEventMessage(
                event="continue", data=sse_json({"after": after}), id=str(after), retry=0
            )
            return
        await asyncio.sleep(POLL_SECONDS)
        progress = await assistant.progress(user_id, job.id, after)
