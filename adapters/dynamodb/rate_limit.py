"""The RateLimiter port on DynamoDB, for the Lambdas (they have no Redis).

The same GCRA definition as the other limiters (domains.shared.rate_limit.gcra), made atomic by
a conditional write: the new theoretical arrival time is written only if the stored one is still
the one the decision was computed from; a concurrent writer makes the condition fail and the
decision is recomputed. `expires_at` lets DynamoDB's TTL clean up idle keys, but correctness never
depends on it (an expired key that lingers holds a time in the past, which GCRA treats as empty).
"""

from __future__ import annotations

import math
import time
from collections.abc import Callable
from typing import Any

from botocore.exceptions import ClientError

from adapters.dynamodb.table import DynamoTable, to_item
from domains.shared.errors import Unavailable
from domains.shared.rate_limit import Decision, Rate, gcra

_ATTEMPTS = 8


class DynamoDbRateLimiter:
    def __init__(self, table: DynamoTable, now: Callable[[], float] = time.time) -> None:
        self._table = table
        self._now = now

    async def hit(self, key: str, rate: Rate, cost: int = 1) -> Decision:
        pk = f"RATE#{key}"
        for _ in range(_ATTEMPTS):
            item = await self._table.get(pk, "RATE")
            raw = str(item["tat"]) if item else None
            now = self._now()
            decision, new_tat = gcra(float(raw) if raw else None, now, rate, cost)
            if new_tat is None or cost == 0:
                return decision
            try:
                await self._write(pk, raw, new_tat)
            except ClientError:
                continue  # someone else counted in between: decide again on fresh state
            return decision
        raise Unavailable("the rate limiter is too busy; try again")

    async def peek(self, key: str, rate: Rate) -> Decision:
        return await self.hit(key, rate, cost=0)

    async def _write(self, pk: str, expected: str | None, new_tat: float) -> None:
        condition = "attribute_not_exists(pk)" if expected is None else "tat = :expected"
        kwargs: dict[str, Any] = {
            "Item": to_item(
                {
                    "pk": pk,
                    "sk": "RATE",
                    "tat": str(new_tat),
                    "expires_at": math.ceil(new_tat) + 60,
                }
            ),
            "ConditionExpression": condition,
        }
        if expected is not None:
            kwargs["ExpressionAttributeValues"] = to_item({":expected": expected})
        await self._table.call("put_item", **kwargs)
