from __future__ import annotations

from datetime import datetime
from typing import Annotated, Any, Self

import msgspec
from msgspec import Meta, Struct

from domains.assistant.model import (
    MAX_MESSAGE_LENGTH,
    MAX_TITLE_LENGTH,
    Conversation,
    Message,
    Quota,
)
from domains.assistant.use_cases import ReplyProgress


class ConversationCreate(Struct, forbid_unknown_fields=True):
    title: Annotated[str, Meta(max_length=MAX_TITLE_LENGTH)] = ""


class ConversationUpdate(Struct, forbid_unknown_fields=True):
    title: Annotated[str, Meta(max_length=MAX_TITLE_LENGTH)]


class MessageCreate(Struct, forbid_unknown_fields=True):
    content: Annotated[str, Meta(min_length=1, max_length=MAX_MESSAGE_LENGTH)]


#: What check_idempotency_key admits: 1 to 128 visible characters.
IDEMPOTENCY_KEY_PATTERN = r"^[!-~]([ -~]{0,126}[!-~])?$"


class ReplyHeaders(Struct):
    """The header a message for a reply job needs; the API states the same on its parameter,
    the ai-handler Lambda decodes it with this struct."""

    idempotency_key: Annotated[str, Meta(pattern=IDEMPOTENCY_KEY_PATTERN)] = msgspec.field(
        name="Idempotency-Key"
    )


class MessageRead(Struct):
    id: str
    position: int
    role: str
    content: str
    created_at: datetime

    @classmethod
    def of(cls, m: Message) -> MessageRead:
        return cls(m.id, m.position, m.role.value, m.content, m.created_at)


class ConversationRead(Struct):
    id: str
    title: str
    created_at: datetime
    updated_at: datetime
    message_count: int

    @classmethod
    def of(cls, c: Conversation) -> ConversationRead:
        return cls(c.id, c.title, c.created_at, c.updated_at, c.message_count)


class ConversationDetail(Struct):
    conversation: ConversationRead
    messages: list[MessageRead]


class QuotaRead(Struct):
    limit: int
    used: int
    remaining: int
    resets_at: datetime
    #: The quota's day is the UTC day (see domains/assistant/model.py: Quota).
    day: str = "UTC"

    @classmethod
    def of(cls, q: Quota) -> QuotaRead:
        return cls(q.limit, q.used, q.remaining, q.resets_at)


class ReplyRead(Struct):
    message: MessageRead
    reply: MessageRead
    quota: QuotaRead


def sse_json(value: object) -> str:
    return msgspec.json.encode(value).decode()


class ReplyState(Struct):
    """A reply job as both runtimes answer it, without the links only one of them serves: the
    API's ReplyJobRead adds its stream, the ai-handler Lambda's ReplyAccepted the quota."""

    id: str
    conversation_id: str
    #: pending, running, done or failed.
    status: str
    #: The user's message this answers.
    message_id: str
    #: Pieces written so far; the last event id of the stream.
    pieces: int
    #: The reply so far (the pieces joined); the stored reply's text once done.
    content: str
    #: Why it failed, when it did; send the message again with a new key.
    error: str
    #: The stored reply, once done.
    reply: MessageRead | None

    @classmethod
    def of(cls, progress: ReplyProgress, **links: Any) -> Self:
        """The job as far as it is written; `links` are the members a subclass adds."""
        job = progress.job
        content = progress.reply.content if progress.reply else "".join(progress.pieces)
        reply = MessageRead.of(progress.reply) if progress.reply else None
        return cls(
            job.id,
            job.conversation_id,
            job.status.value,
            job.message_id,
            job.pieces,
            content,
            job.error,
            reply,
            **links,
        )


class ReplyJobRead(ReplyState):
    """A reply being written in the background (see "The assistant's stream" in docs/api.md)."""

    #: Follow it here (server-sent events).
    events: str


class ReplyAccepted(ReplyState):
    """The ai-handler Lambda's answer to a message (202): the reply job and the quota counting
    that message. The function serves no stream: the reply is read at `GET /ai/replies/{id}`."""

    quota: QuotaRead
