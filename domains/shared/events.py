"""Domain events: facts a domain publishes for others to react to (e.g. the app streak)."""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from datetime import date, datetime
from typing import Protocol


@dataclass(frozen=True, slots=True)
class ProductiveAction:
    """A user did something productive (a focus session, a habit, a journal entry, ...).

    `day` is the user's local day the action counts on, taken from the `UserDay` the publisher
    already holds: a handler needs no zone of its own (and no read of it)."""

    user_id: str
    kind: str
    occurred_at: datetime
    day: date


Handler = Callable[[ProductiveAction], Awaitable[None]]


class EventPublisher(Protocol):
    async def publish(self, event: ProductiveAction) -> None: ...


ErrorReporter = Callable[[ProductiveAction, Exception], None]


class InProcessEventBus:
    """Delivers each event to every subscribed handler, in order of subscription, in the
    publisher's task.

    Publishers publish inside their unit of work, before its commit, so that a handler's
    writes (the app streak) join the action's transaction where the store offers that (the SQL
    units of work do): one transaction per action, and a handler whose write fails there makes
    the whole action roll back rather than commit half of it. A handler that fails before
    writing anything is reported and the others still run, so a side effect such as the app
    streak does not turn a focus session into an error for the user."""

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
