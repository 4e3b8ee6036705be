"""Hand-written fakes of the email ports, plus a clock and a rate limiter on that clock (also
used by the feedback and assistant tests)."""

from __future__ import annotations

import copy
from datetime import UTC, datetime, timedelta

from domains.email.model import OutgoingMail, Subscription, Suppression, SuppressionReason
from domains.shared.rate_limit import Decision, Rate, gcra


class FakeClock:
    def __init__(self, now: datetime | None = None) -> None:
        self.current = now or datetime(2026, 3, 1, 12, 0, tzinfo=UTC)

    def now(self) -> datetime:
        return self.current

    def advance(self, **delta: float) -> None:
        self.current += timedelta(**delta)


class ClockedRateLimiter:
    """The shared GCRA definition, run on the fake clock instead of the process's clock."""

    def __init__(self, clock: FakeClock) -> None:
        self.clock = clock
        self.tat: dict[str, float] = {}

    async def hit(self, key: str, rate: Rate, cost: int = 1) -> Decision:
        decision, new_tat = gcra(self.tat.get(key), self.clock.now().timestamp(), rate, cost)
        if new_tat is not None:
            self.tat[key] = new_tat
        return decision

    async def peek(self, key: str, rate: Rate) -> Decision:
        return (
            (await self.hit(key, rate, cost=0))
            if key in self.tat
            else Decision(True, rate.limit, 0.0, 0.0)
        )


class FakeSubscriptions:
    def __init__(self) -> None:
        self.items: dict[str, Subscription] = {}

    async def get(self, email: str) -> Subscription | None:
        return copy.copy(self.items.get(email))

    async def save(self, subscription: Subscription) -> None:
        self.items[subscription.email] = copy.copy(subscription)

    async def delete(self, email: str) -> None:
        self.items.pop(email, None)


class FakeSuppressions:
    def __init__(self) -> None:
        self.items: dict[str, Suppression] = {}

    async def get(self, email: str) -> Suppression | None:
        return self.items.get(email)

    async def add(self, suppression: Suppression) -> None:
        current = self.items.get(suppression.email)
        if current is None or suppression.reason is SuppressionReason.BOUNCE:
            self.items[suppression.email] = suppression


class FakeDeliveryLog:
    def __init__(self) -> None:
        self.claims: dict[str, tuple[datetime, str | None]] = {}

    async def claim(self, message_id: str, now: datetime, lease: timedelta) -> bool:
        current = self.claims.get(message_id)
        if current is not None and (current[1] is not None or current[0] + lease > now):
            return False
        self.claims[message_id] = (now, None)
        return True

    async def mark_sent(self, message_id: str, provider_id: str, now: datetime) -> None:
        self.claims[message_id] = (self.claims[message_id][0], provider_id)

    async def release(self, message_id: str) -> None:
        self.claims.pop(message_id, None)


class RecordingTransport:
    def __init__(self, failures: int = 0) -> None:
        self.sent: list[OutgoingMail] = []
        self.failures = failures

    async def send(self, mail: OutgoingMail) -> str:
        if self.failures:
            self.failures -= 1
            raise ConnectionError("the mail provider is down")
        self.sent.append(mail)
        return f"provider-{len(self.sent)}"


class ListQueue:
    def __init__(self) -> None:
        self.queued: list[OutgoingMail] = []

    async def enqueue(self, mail: OutgoingMail) -> None:
        self.queued.append(mail)
