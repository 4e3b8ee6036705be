"""Daily content: chosen deterministically per UTC day (the theme per ISO week) and cached
until the next midnight UTC."""

from __future__ import annotations

import json
from dataclasses import asdict, dataclass
from datetime import UTC, date, datetime, timedelta
from typing import Any

from domains.daily.model import (
    HISTORY_DAYS,
    DailyContent,
    MindFuel,
    Prompt,
    Quote,
    Theme,
    Word,
    day_index,
    iso_week,
    next_midnight_utc,
    pick,
    week_index,
)
from domains.daily.ports import ContentLibrary
from domains.shared.cache import Cache
from domains.shared.clock import Clock
from domains.shared.errors import InvalidInput, Unavailable

CACHE_PREFIX = "daily:v1:"


@dataclass
class DailyContentService:
    library: ContentLibrary
    cache: Cache
    clock: Clock

    def today(self) -> date:
        return self.clock.now().astimezone(UTC).date()

    async def for_today(self) -> DailyContent:
        return await self.for_date(self.today())

    async def for_date(self, day: date) -> DailyContent:
        """A past day's content is still available for a year; the future is not shown."""
        today = self.today()
        if day > today:
            raise InvalidInput("that day's content is not out yet", field="date")
        if day < today - timedelta(days=HISTORY_DAYS):
            raise InvalidInput(f"content goes back {HISTORY_DAYS} days at most", field="date")
        key = CACHE_PREFIX + day.isoformat()
        try:
            cached = await self.cache.get(key)
        except Unavailable:
            cached = None  # the choice is deterministic: a cache outage only costs a little work
        if cached is not None:
            try:
                return _decode(cached)
            except (ValueError, KeyError, TypeError):
                pass  # written by an older format: choose again and overwrite
        content = self.choose(day)
        try:
            await self.cache.set(key, _encode(content), self._ttl(day))
        except Unavailable:
            pass
        return content

    def choose(self, day: date) -> DailyContent:
        index = day_index(day)
        return DailyContent(
            date=day,
            week=iso_week(day),
            quote=pick(self.library.quotes(), "quote", index),
            word=pick(self.library.words(), "word", index),
            prompt=pick(self.library.prompts(), "prompt", index),
            mind_fuel=pick(self.library.mind_fuel(), "mind_fuel", index),
            theme=pick(self.library.themes(), "theme", week_index(day)),
            expires_at=next_midnight_utc(day),
        )

    def _ttl(self, day: date) -> int:
        """Today's entry lives until midnight UTC; a past day's for a day."""
        if day == self.today():
            return max(1, int((next_midnight_utc(day) - self.clock.now()).total_seconds()))
        return 86_400

    def seconds_until_rollover(self) -> int:
        return max(1, int((next_midnight_utc(self.today()) - self.clock.now()).total_seconds()))


def _encode(content: DailyContent) -> bytes:
    data = asdict(content)
    data["date"] = content.date.isoformat()
    data["expires_at"] = content.expires_at.isoformat()
    return json.dumps(data, separators=(",", ":")).encode()


def _decode(raw: bytes) -> DailyContent:
    data: dict[str, Any] = json.loads(raw)
    theme = dict(data["theme"])
    theme["practices"] = tuple(theme["practices"])
    return DailyContent(
        date=date.fromisoformat(data["date"]),
        week=data["week"],
        quote=Quote(**data["quote"]),
        word=Word(**data["word"]),
        prompt=Prompt(**data["prompt"]),
        mind_fuel=MindFuel(**data["mind_fuel"]),
        theme=Theme(**theme),
        expires_at=datetime.fromisoformat(data["expires_at"]),
    )
