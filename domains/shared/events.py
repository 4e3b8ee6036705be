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


ErrorReporter = Callable[[ProductiveAction, Exception], None]


class InProcessEventBus:
    """Delivers each event to every subscribed handler, in order of subscription.

    The action that published the event has already happened (and is committed): a failing
    handler is reported and the others still run, so a side effect such as the app streak can
    never turn a saved focus session into an error for the user."""

    def __init__(self, on_error: ErrorReporter | None = None) -> None:
        self._handlers: list[Handler] = []
        self._on_error = on_error

    def subscribe(self, handler: Handler) -> None:
        self._handlers.append(handler)

    async def publish(self, event: ProductiveAction) -> None:
        for handler in self._handlers:
            try:
                await handler(event)
            except Exception as error:
                if self._on_error is None:
                    raise
                self._on_error(event, error)
