"""What the assistant needs: a history store, a model client, a store of reply jobs and a
runner that starts them."""

from __future__ import annotations

from collections.abc import AsyncIterator, Awaitable, Callable, Sequence
from datetime import datetime
from typing import Protocol

from domains.assistant.model import ChatTurn, Conversation, Message, ReplyJob, Role


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


class ReplyStore(Protocol):
    """Reply jobs and the pieces their run writes. Every read names the user."""

    async def open(self, job: ReplyJob) -> ReplyJob:
        """Stores `job` unless the user already has one for the same conversation and key
        (one conditional write): returns the stored one, `job` itself when it is new."""
        ...

    async def attach(self, job: ReplyJob) -> None:
        """Records the user's message on the job (message_id, message_position)."""
        ...

    async def get(self, user_id: str, reply_id: str) -> ReplyJob | None: ...

    async def claim(self, user_id: str, reply_id: str) -> bool:
        """PENDING -> RUNNING, one conditional write: True for exactly one caller."""
        ...

    async def add_piece(self, user_id: str, reply_id: str, number: int, text: str) -> None:
        """Stores piece `number` (1, 2, 3 ...) and counts it on the job."""
        ...

    async def pieces(self, user_id: str, reply_id: str, after: int = 0) -> Sequence[str]:
        """The pieces numbered after `after`, in order."""
        ...

    async def finish(self, job: ReplyJob) -> None:
        """Stores the job's final status, reply_id, error and piece count."""
        ...

    async def erase_user(self, user_id: str) -> None: ...


class ReplyRunner(Protocol):
    """Starts a job's model run in the background: in this process (`run` as a task), or
    elsewhere (the ai-handler Lambda, invoked asynchronously, calls the same use case)."""

    async def start(self, job: ReplyJob, run: Callable[[], Awaitable[None]]) -> None: ...
