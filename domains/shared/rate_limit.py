"""The rate-limit port, shared by the global limit, login limits and the AI assistant's quota."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Protocol


@dataclass(frozen=True, slots=True)
class Rate:
    """`limit` requests per `period_seconds`, with bursts up to `limit` (GCRA)."""

    limit: int
    period_seconds: float

    def __post_init__(self) -> None:
        if self.limit < 1 or self.period_seconds <= 0:
            raise ValueError("a rate needs a positive limit and period")

    @property
    def emission_interval(self) -> float:
        return self.period_seconds / self.limit


@dataclass(frozen=True, slots=True)
class Decision:
    allowed: bool
    remaining: int
    #: Seconds until the next request would be allowed (0 when allowed).
    retry_after: float
    #: Seconds until the bucket is full again.
    reset_after: float


class RateLimiter(Protocol):
    async def hit(self, key: str, rate: Rate, cost: int = 1) -> Decision:
        """Atomically count `cost` against `key` and say whether it is allowed."""
        ...

    async def peek(self, key: str, rate: Rate) -> Decision:
        """The state of `key` without counting anything."""
        ...


def gcra(tat: float | None, now: float, rate: Rate, cost: int) -> tuple[Decision, float | None]:
    """Generic cell rate algorithm: returns the decision and the new theoretical arrival time
    (None when nothing changes). Pure, so the in-process and Redis limiters share one definition;
    the Redis Lua script is a line-by-line port of this function."""
    interval = rate.emission_interval
    burst = rate.period_seconds  # the bucket holds `limit` requests
    tat = max(tat if tat is not None else now, now)
    new_tat = tat + interval * cost
    allow_at = new_tat - burst
    if allow_at > now + 1e-9:
        remaining = max(0, int((burst - (tat - now)) / interval + 1e-9))
        return Decision(False, remaining, allow_at - now, tat - now), None
    remaining = max(0, int((burst - (new_tat - now)) / interval + 1e-9))
    return Decision(True, remaining, 0.0, new_tat - now), new_tat
