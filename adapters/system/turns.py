"""Bounded waits for a turn: the request gate's and the read pool's, one rule for both."""

from __future__ import annotations

import asyncio

from domains.shared.errors import Overloaded


async def take_turn(turns: asyncio.Semaphore, within_seconds: float) -> None:
    """One of `turns`, first come first served; Overloaded (a 503 with Retry-After) when none
    comes free within `within_seconds`, rather than a wait with no end."""
    if not turns.locked():
        await turns.acquire()  # a free turn and nobody waiting: no timer needed
        return
    try:
        async with asyncio.timeout(within_seconds):
            await turns.acquire()
    except TimeoutError:
        raise Overloaded() from None
