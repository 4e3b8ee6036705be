from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta
from enum import StrEnum

from domains.shared.errors import InvalidInput

MAX_MESSAGE_LENGTH = 4000
MAX_TITLE_LENGTH = 120
#: The latest messages the model sees: enough context for a chat, bounded in cost.
CONTEXT_MESSAGES = 20
SYSTEM_PROMPT = (
    "You are the ReFocused assistant. You help people plan their day, keep habits, focus and "
    "study. Answer briefly and concretely."
)
EMPTY_REPLY = "Sorry, I could not come up with an answer. Could you rephrase?"


class Role(StrEnum):
    SYSTEM = "system"
    USER = "user"
    ASSISTANT = "assistant"


@dataclass(frozen=True, slots=True)
class ChatTurn:
    """What the model sees: a role and the text."""

    role: Role
    content: str


@dataclass(slots=True)
class Conversation:
    id: str
    user_id: str
    title: str
    created_at: datetime
    updated_at: datetime
    message_count: int = 0


@dataclass(frozen=True, slots=True)
class Message:
    id: str
    conversation_id: str
    #: 1, 2, 3 ... in the order the messages were written.
    position: int
    role: Role
    content: str
    created_at: datetime


def check_message(text: str) -> str:
    text = text.strip()
    if not text:
        raise InvalidInput("write a message first", field="content")
    if len(text) > MAX_MESSAGE_LENGTH:
        raise InvalidInput(
            f"a message must be at most {MAX_MESSAGE_LENGTH} characters", field="content"
        )
    return text


def check_title(title: str) -> str:
    title = " ".join(title.split())
    if len(title) > MAX_TITLE_LENGTH:
        raise InvalidInput(f"a title must be at most {MAX_TITLE_LENGTH} characters", field="title")
    return title


def title_from(first_message: str) -> str:
    words = " ".join(first_message.split())
    return words if len(words) <= 60 else words[:59].rstrip() + "…"


@dataclass(frozen=True, slots=True)
class Quota:
    """The daily message allowance.

    The day is the UTC day, not the user's: the quota bounds what the model costs us, so it
    must be the same for every user and every process (the ai-handler Lambda has no user
    profile to read a time zone from), and it must not be renewable by changing one's time
    zone (UTC+14 to UTC-12 would give a second allowance within the same hours). Clients show
    `resets_at` in the user's own time."""

    limit: int
    remaining: int
    resets_at: datetime

    @property
    def used(self) -> int:
        return self.limit - self.remaining


def quota_day(now: datetime) -> date:
    return now.astimezone(UTC).date()


def next_reset(now: datetime) -> datetime:
    return datetime.combine(quota_day(now) + timedelta(days=1), time(0), tzinfo=UTC)


class ReplyStatus(StrEnum):
    #: Accepted; no model run has claimed it yet.
    PENDING = "pending"
    #: One run has claimed it (a conditional write): its pieces are being stored.
    RUNNING = "running"
    DONE = "done"
    FAILED = "failed"


MAX_IDEMPOTENCY_KEY_LENGTH = 128


def check_idempotency_key(key: str) -> str:
    key = key.strip()
    if not key or len(key) > MAX_IDEMPOTENCY_KEY_LENGTH or not key.isprintable():
        raise InvalidInput(
            f"an idempotency key is 1 to {MAX_IDEMPOTENCY_KEY_LENGTH} printable characters",
            field="Idempotency-Key",
        )
    return key


@dataclass(slots=True)
class ReplyJob:
    """One message's reply, produced by one model run in the background and followed by the
    client: the pieces are stored as the model writes them (numbered 1, 2, 3 ...)."""

    id: str
    user_id: str
    conversation_id: str
    #: The client's key for the message: a repeated POST with it finds this job again.
    key: str
    status: ReplyStatus
    created_at: datetime
    #: The user's message that this job answers (its position bounds the model's context).
    message_id: str = ""
    message_position: int = 0
    #: The stored reply, once done.
    reply_id: str = ""
    #: Why it failed, safe to show the user.
    error: str = ""
    #: How many pieces have been stored.
    pieces: int = 0

    @property
    def finished(self) -> bool:
        return self.status in (ReplyStatus.DONE, ReplyStatus.FAILED)
