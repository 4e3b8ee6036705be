"""Domain events: facts a domain publishes for others to react to (e.g. the app streak)."""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from datetime import datetime
from typing import Protocol


@dataclass(frozen=True, slots=True)
class ProductiveAction:
    """A user did something productive (a focus session, a habit, a journal entry, ...)."""

    user_id: str
    kind: str
    occurred_at: datetime


Handler = Callable[[ProductiveAction], Awaitable[None]]


class EventPublisher(Protocol):
    async def publish(self, event: ProductiveAction) -> None: ...


class InProcessEventBus:
    """Delivers each event to every subscribed handler, in order of subscription."""

    def __init__(self) -> None:
        self._handlers: list[Handler] = []

    def subscribe(self, handler: Handler) -> None:
        self._handlers.append(handler)

    async def publish(self, event: ProductiveAction) -> None:
        for handler in self._handlers:
            await handler(event)
