"""What the assistant needs: a history store and a model client."""

from __future__ import annotations

from collections.abc import AsyncIterator, Sequence
from datetime import datetime
from typing import Protocol

from domains.assistant.model import ChatTurn, Conversation, Message, Role


class ConversationStore(Protocol):
    """Every read and write names the user: another user's conversation is never found."""

    async def create(self, conversation: Conversation) -> None: ...
    async def get(self, user_id: str, conversation_id: str) -> Conversation | None: ...
    async def list(self, user_id: str) -> Sequence[Conversation]:
        """The user's conversations, the most recently active first."""
        ...

    async def rename(self, user_id: str, conversation_id: str, title: str) -> None: ...

    async def delete(self, user_id: str, conversation_id: str) -> bool:
        """Removes the conversation and its messages; False when it did not exist."""
        ...

    async def append(
        self, user_id: str, conversation_id: str, role: Role, content: str, now: datetime
    ) -> Message:
        """Adds a message at the next position (taken atomically) and marks the conversation
        active at `now`."""
        ...

    async def messages(
        self, user_id: str, conversation_id: str, last: int | None = None
    ) -> Sequence[Message]:
        """In order; only the `last` ones when given."""
        ...

    async def erase_user(self, user_id: str) -> None: ...


class ModelClient(Protocol):
    """Writes the assistant's replies. Implementations never log the messages."""

    async def ensure_available(self) -> None:
        """Raises Unavailable (with a message saying what to configure) when no model can
        answer, before anything is counted against the user's quota."""
        ...

    async def reply(self, turns: Sequence[ChatTurn]) -> str: ...

    def stream(self, turns: Sequence[ChatTurn]) -> AsyncIterator[str]:
        """The reply in pieces, as the model writes them."""
        ...
