from __future__ import annotations

import copy
from collections.abc import AsyncIterator, Sequence
from datetime import datetime

from domains.assistant.model import ChatTurn, Conversation, Message, Role
from domains.shared.errors import NotFound, Unavailable
from domains.shared.ids import new_id


class FakeConversations:
    def __init__(self) -> None:
        self.conversations: dict[str, Conversation] = {}
        self.by_conversation: dict[str, list[Message]] = {}

    def _own(self, user_id: str, conversation_id: str) -> Conversation | None:
        found = self.conversations.get(conversation_id)
        return found if found is not None and found.user_id == user_id else None

    async def create(self, conversation: Conversation) -> None:
        self.conversations[conversation.id] = copy.copy(conversation)
        self.by_conversation[conversation.id] = []

    async def get(self, user_id: str, conversation_id: str) -> Conversation | None:
        return copy.copy(self._own(user_id, conversation_id))

    async def list(self, user_id: str) -> Sequence[Conversation]:
        own = [c for c in self.conversations.values() if c.user_id == user_id]
        return sorted(own, key=lambda c: c.updated_at, reverse=True)

    async def rename(self, user_id: str, conversation_id: str, title: str) -> None:
        found = self._own(user_id, conversation_id)
        if found is not None:
            found.title = title

    async def delete(self, user_id: str, conversation_id: str) -> bool:
        if self._own(user_id, conversation_id) is None:
            return False
        del self.conversations[conversation_id], self.by_conversation[conversation_id]
        return True

    async def append(
        self, user_id: str, conversation_id: str, role: Role, content: str, now: datetime
    ) -> Message:
        found = self._own(user_id, conversation_id)
        if found is None:
            raise NotFound("no such conversation")
        found.message_count += 1
        found.updated_at = now
        message = Message(new_id(), conversation_id, found.message_count, role, content, now)
        self.by_conversation[conversation_id].append(message)
        return message

    async def messages(
        self, user_id: str, conversation_id: str, last: int | None = None
    ) -> Sequence[Message]:
        if self._own(user_id, conversation_id) is None:
            return []
        stored = self.by_conversation[conversation_id]
        return stored[-last:] if last else list(stored)

    async def erase_user(self, user_id: str) -> None:
        for conversation in [c for c in self.conversations.values() if c.user_id == user_id]:
            await self.delete(user_id, conversation.id)


class ScriptedModel:
    """Answers with a fixed text, piece by piece, and remembers what it was shown."""

    def __init__(self, answer: str = "Take a 25-minute focus block.", available: bool = True):
        self.answer = answer
        self.available = available
        self.seen: list[Sequence[ChatTurn]] = []

    async def ensure_available(self) -> None:
        if not self.available:
            raise Unavailable("no model is configured")

    async def reply(self, turns: Sequence[ChatTurn]) -> str:
        self.seen.append(turns)
        return self.answer

    async def stream(self, turns: Sequence[ChatTurn]) -> AsyncIterator[str]:
        self.seen.append(turns)
        for word in self.answer.split(" "):
            yield word + " "
