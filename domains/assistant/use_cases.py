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
    Role,
    check_message,
    check_title,
    next_reset,
    quota_day,
    title_from,
)
from domains.assistant.ports import ConversationStore, ModelClient
from domains.shared.clock import Clock
from domains.shared.errors import NotFound
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


@dataclass
class AssistantService:
    store: ConversationStore
    model: ModelClient
    limiter: RateLimiter
    clock: Clock
    daily_messages: int = 50

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

    async def _spend(self, user_id: str) -> Quota:
        now = self.clock.now()
        decision = await self.limiter.hit(self._quota_key(user_id, now), self._rate())
        resets_at = next_reset(now)
        if not decision.allowed:
            wait = max(1.0, (resets_at - now).total_seconds())
            raise QuotaExhausted(self.daily_messages, resets_at, wait)
        return Quota(self.daily_messages, decision.remaining, resets_at)

    # -- replies --------------------------------------------------------------------------

    async def send(self, user_id: str, conversation_id: str, text: str) -> Reply:
        exchange, quota = await self.prepare(user_id, conversation_id, text)
        content = await self.model.reply(exchange.turns)
        reply = await self._store_reply(exchange, content)
        return Reply(exchange.message, reply, quota)

    async def prepare(
        self, user_id: str, conversation_id: str, text: str
    ) -> tuple[Exchange, Quota]:
        """Everything that can refuse a message (validation, ownership, no model, the quota)
        happens here, before a streamed answer starts."""
        text = check_message(text)
        conversation = await self._conversation(user_id, conversation_id)
        await self.model.ensure_available()
        quota = await self._spend(user_id)
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
