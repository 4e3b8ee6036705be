from __future__ import annotations

from collections.abc import AsyncIterator, Sequence

from domains.assistant.model import ChatTurn
from domains.shared.errors import Unavailable

NOT_CONFIGURED = (
    "the assistant is not available on this server: no model is configured "
    "(set REFOCUSED_ASSISTANT_BACKEND to in_process with REFOCUSED_ASSISTANT_CHECKPOINT, "
    "or to lambda with REFOCUSED_ASSISTANT_FUNCTION)"
)


class NoModelClient:
    """Answers every request with 503 and a message that says what to configure."""

    def __init__(self, reason: str = NOT_CONFIGURED) -> None:
        self._reason = reason

    async def ensure_available(self) -> None:
        raise Unavailable(self._reason)

    async def reply(self, turns: Sequence[ChatTurn]) -> str:
        raise Unavailable(self._reason)

    async def stream(self, turns: Sequence[ChatTurn]) -> AsyncIterator[str]:
        raise Unavailable(self._reason)
        yield ""  # an async generator, for the port's shape
