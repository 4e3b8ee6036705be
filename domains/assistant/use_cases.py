"""Assistant use cases: conversations, the daily quota, and replies (whole or streamed)."""

from __future__ import annotations

from collections.abc import AsyncIterator, Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from domains.assistant.errors import QuotaExhausted
from domains.assistant.model import (
    CONTEXT_MESSAGES,
    EMPTY_REPLY,
    SYSTEM_PROMPT,
    ChatTurn,
    Conversation,
    Message,
    Quota,
    ReplyJob,
    ReplyStatus,
    Role,
    check_idempotency_key,
    check_message,
    check_title,
    next_reset,
    quota_day,
    title_from,
)
from domains.assistant.ports import ConversationStore, ModelClient, ReplyRunner, ReplyStore
from domains.shared.clock import Clock
from domains.shared.errors import DomainError, NotFound, Unavailable
from domains.shared.ids import is_id, new_id
from domains.shared.rate_limit import Rate, RateLimiter

DAY = 86_400.0


@dataclass(frozen=True, slots=True)
class Exchange:
    """The user's message, stored and counted, with the context the model answers from."""

    user_id: str
    conversation_id: str
    message: Message
    turns: Sequence[ChatTurn]


@dataclass(frozen=True, slots=True)
class Reply:
    message: Message
    reply: Message
    quota: Quota


@dataclass(frozen=True, slots=True)
class Submitted:
    """A message accepted for a background reply: `created` is False when the same key had
    already been sent (the job found again, nothing stored or run twice)."""

    job: ReplyJob
    created: bool
    quota: Quota


@dataclass(frozen=True, slots=True)
class ReplyProgress:
    job: ReplyJob
    #: The pieces after the one the client last saw, numbered from `after + 1`.
    pieces: Sequence[str]
    after: int
    reply: Message | None


FAILED_REPLY = "the assistant failed to answer; send the message again"
LOST_REPLY = "the assistant did not finish this reply; send the message again"


@dataclass
class AssistantService:
    store: ConversationStore
    model: ModelClient
    limiter: RateLimiter
    clock: Clock
    daily_messages: int = 50
    replies: ReplyStore | None = None
    runner: ReplyRunner | None = None
    #: A job not finished this long after it was opened has lost its run (the function hit
    #: its timeout, the process stopped): it reads as failed. Lambda runs 900 s at most.
    reply_deadline_seconds: float = 960.0

    # -- conversations --------------------------------------------------------------------

    async def start(self, user_id: str, title: str = "") -> Conversation:
        now = self.clock.now()
        conversation = Conversation(new_id(), user_id, check_title(title), now, now)
        await self.store.create(conversation)
        return conversation

    async def conversations(self, user_id: str) -> Sequence[Conversation]:
        return await self.store.list(user_id)

    async def conversation(
        self, user_id: str, conversation_id: str
    ) -> tuple[Conversation, Sequence[Message]]:
        conversation = await self._conversation(user_id, conversation_id)
        return conversation, await self.store.messages(user_id, conversation_id)

    async def rename(self, user_id: str, conversation_id: str, title: str) -> Conversation:
        conversation = await self._conversation(user_id, conversation_id)
        conversation.title = check_title(title)
        await self.store.rename(user_id, conversation.id, conversation.title)
        return conversation

    async def delete(self, user_id: str, conversation_id: str) -> None:
        if not is_id(conversation_id) or not await self.store.delete(user_id, conversation_id):
            raise NotFound("no such conversation")

    # -- the quota ------------------------------------------------------------------------

    async def quota(self, user_id: str) -> Quota:
        now = self.clock.now()
        decision = await self.limiter.peek(self._quota_key(user_id, now), self._rate())
        return Quota(self.daily_messages, decision.remaining, next_reset(now))

    def _rate(self) -> Rate:
        # One request per day refills: within the day's key nothing comes back, so the day
        # allows exactly `daily_messages`; the next day is a new key with a full allowance.
        return Rate(self.daily_messages, self.daily_messages * DAY)

    def _quota_key(self, user_id: str, now: datetime) -> str:
        return f"assistant:quota:{user_id}:{quota_day(now).isoformat()}"

    async def _check(self, user_id: str) -> Quota:
        """Refuses a message when nothing is left today; spends nothing (the quota is spent
        by `_charge`, once a reply has been produced)."""
        now = self.clock.now()
        decision = await self.limiter.peek(self._quota_key(user_id, now), self._rate())
        resets_at = next_reset(now)
        if decision.remaining <= 0:
            wait = max(1.0, (resets_at - now).total_seconds())
            raise QuotaExhausted(self.daily_messages, resets_at, wait)
        return Quota(self.daily_messages, decision.remaining - 1, resets_at)

    async def _charge(self, user_id: str) -> Quota:
        """Spends one message for a reply that was produced and stored. Replies that were
        running together may end past the limit: they were allowed when sent, and are
        delivered; the next message is refused."""
        now = self.clock.now()
        decision = await self.limiter.hit(self._quota_key(user_id, now), self._rate())
        return Quota(self.daily_messages, decision.remaining, next_reset(now))

    # -- replies --------------------------------------------------------------------------

    async def send(self, user_id: str, conversation_id: str, text: str) -> Reply:
        exchange, _ = await self.prepare(user_id, conversation_id, text)
        content = await self.model.reply(exchange.turns)
        reply = await self._store_reply(exchange, content)
        return Reply(exchange.message, reply, await self._charge(user_id))

    async def prepare(
        self, user_id: str, conversation_id: str, text: str
    ) -> tuple[Exchange, Quota]:
        """Everything that can refuse a message (validation, ownership, no model, the quota)
        happens here, before a streamed answer starts. The quota is only checked: it is spent
        when the reply has been produced (`stream` and `send`)."""
        text = check_message(text)
        conversation = await self._conversation(user_id, conversation_id)
        await self.model.ensure_available()
        quota = await self._check(user_id)
        now = self.clock.now()
        message = await self.store.append(user_id, conversation.id, Role.USER, text, now)
        if not conversation.title:
            conversation.title = title_from(text)
            await self.store.rename(user_id, conversation.id, conversation.title)
        history = await self.store.messages(user_id, conversation.id, last=CONTEXT_MESSAGES)
        turns = [ChatTurn(Role.SYSTEM, SYSTEM_PROMPT)] + [
            ChatTurn(m.role, m.content) for m in history
        ]
        return Exchange(user_id, conversation.id, message, turns), quota

    async def stream(self, exchange: Exchange) -> AsyncIterator[str]:
        """The reply's pieces; the whole reply is stored once the model has finished."""
        pieces: list[str] = []
        async for piece in self.model.stream(exchange.turns):
            pieces.append(piece)
            yield piece
        await self._store_reply(exchange, "".join(pieces))
        await self._charge(exchange.user_id)

    # -- replies as background jobs -------------------------------------------------------

    def _jobs(self) -> tuple[ReplyStore, ReplyRunner]:
        if self.runner is None:
            raise Unavailable("background replies are not configured on this server")
        return self._replies(), self.runner

    def _replies(self) -> ReplyStore:
        if self.replies is None:
            raise Unavailable("background replies are not configured on this server")
        return self.replies

    async def submit(self, user_id: str, conversation_id: str, text: str, key: str) -> Submitted:
        """Accepts a message and starts its reply in the background; answers at once.

        The client's `key` names the message: a repeated call with it (a retry after a lost
        answer) finds the same job and stores no second message. The job is started again
        while it is still pending (a first start may have been lost); its run claims it
        with a conditional write, so the model runs once whatever the number of starts."""
        replies, runner = self._jobs()
        key = check_idempotency_key(key)
        text = check_message(text)
        conversation = await self._conversation(user_id, conversation_id)
        job = ReplyJob(
            new_id(), user_id, conversation.id, key, ReplyStatus.PENDING, self.clock.now()
        )
        stored = await replies.open(job)
        if stored.id != job.id:
            if stored.status is ReplyStatus.PENDING and stored.message_id:
                await runner.start(stored, self._run_later(stored))
            return Submitted(stored, False, await self.quota(user_id))
        try:
            await self.model.ensure_available()
            quota = await self._check(user_id)
        except DomainError as e:
            job.status, job.error = ReplyStatus.FAILED, e.detail
            await replies.finish(job)
            raise
        message = await self.store.append(
            user_id, conversation.id, Role.USER, text, self.clock.now()
        )
        if not conversation.title:
            conversation.title = title_from(text)
            await self.store.rename(user_id, conversation.id, conversation.title)
        job.message_id, job.message_position = message.id, message.position
        await replies.attach(job)
        await runner.start(job, self._run_later(job))
        return Submitted(job, True, quota)

    def _run_later(self, job: ReplyJob) -> Any:
        async def run() -> None:
            await self.run(job.user_id, job.id)

        return run

    async def run(self, user_id: str, reply_id: str) -> ReplyJob | None:
        """The model run of one job, wherever it runs (a task here, or the ai-handler). It
        first claims the job: a second start (a retried POST, an asynchronous invoke that
        Lambda delivers twice) finds it claimed and returns None without running the model.
        Each piece is stored as it comes; the reply is stored and the quota spent only when
        the model has finished; a failure is stored on the job and costs nothing."""
        replies = self._replies()
        if not await replies.claim(user_id, reply_id):
            return None
        job = await replies.get(user_id, reply_id)
        if job is None:
            return None
        try:
            history = await self.store.messages(
                user_id, job.conversation_id, last=CONTEXT_MESSAGES * 2
            )
            context = [m for m in history if m.position <= job.message_position]
            turns = [ChatTurn(Role.SYSTEM, SYSTEM_PROMPT)] + [
                ChatTurn(m.role, m.content) for m in context[-CONTEXT_MESSAGES:]
            ]
            parts: list[str] = []
            async for piece in self.model.stream(turns):
                parts.append(piece)
                await replies.add_piece(user_id, job.id, len(parts), piece)
                job.pieces = len(parts)
            exchange = Exchange(user_id, job.conversation_id, _placeholder(job), turns)
            reply = await self._store_reply(exchange, "".join(parts))
        except DomainError as e:
            job.status, job.error = ReplyStatus.FAILED, e.detail
            await replies.finish(job)
            return job
        except Exception:
            job.status, job.error = ReplyStatus.FAILED, FAILED_REPLY
            await replies.finish(job)
            raise
        await self._charge(user_id)
        job.status, job.reply_id = ReplyStatus.DONE, reply.id
        await replies.finish(job)
        return job

    async def progress(self, user_id: str, reply_id: str, after: int = 0) -> ReplyProgress:
        """The job and the pieces the client has not seen (those numbered past `after`)."""
        replies = self._replies()
        job = await replies.get(user_id, reply_id) if is_id(reply_id) else None
        if job is None:
            raise NotFound("no such reply")
        age = (self.clock.now() - job.created_at).total_seconds()
        if not job.finished and age > self.reply_deadline_seconds:
            job.status, job.error = ReplyStatus.FAILED, LOST_REPLY
        after = max(0, min(after, job.pieces))
        pieces = await replies.pieces(user_id, reply_id, after) if job.pieces > after else []
        reply = None
        if job.status is ReplyStatus.DONE:
            messages = await self.store.messages(user_id, job.conversation_id)
            reply = next((m for m in messages if m.id == job.reply_id), None)
        return ReplyProgress(job, pieces, after, reply)

    async def _store_reply(self, exchange: Exchange, content: str) -> Message:
        content = content.strip() or EMPTY_REPLY
        return await self.store.append(
            exchange.user_id, exchange.conversation_id, Role.ASSISTANT, content, self.clock.now()
        )

    # -- the user's data ------------------------------------------------------------------

    async def export(self, user_id: str) -> list[dict[str, Any]]:
        out = []
        for conversation in await self.store.list(user_id):
            messages = await self.store.messages(user_id, conversation.id)
            out.append(
                {
                    "id": conversation.id,
                    "title": conversation.title,
                    "created_at": conversation.created_at.isoformat(),
                    "messages": [
                        {
                            "role": m.role.value,
                            "content": m.content,
                            "created_at": m.created_at.isoformat(),
                        }
                        for m in messages
                    ],
                }
            )
        return out

    async def _conversation(self, user_id: str, conversation_id: str) -> Conversation:
        found = await self.store.get(user_id, conversation_id) if is_id(conversation_id) else None
        if found is None:
            raise NotFound("no such conversation")
        return found


@dataclass
class AssistantUserData:
    service: AssistantService
    name: str = "assistant"

    async def export(self, user_id: str) -> Any:
        return {"conversations": await self.service.export(user_id)}

    async def erase(self, user_id: str) -> None:
        await self.service.store.erase_user(user_id)
        if self.service.replies is not None:
            await self.service.replies.erase_user(user_id)


def _placeholder(job: ReplyJob) -> Message:
    # _store_reply needs only the exchange's user and conversation.
    return Message(
        job.message_id, job.conversation_id, job.message_position, Role.USER, "", job.created_at
    )
