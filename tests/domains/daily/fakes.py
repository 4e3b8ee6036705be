"""Fakes for daily content: a clock, a cache that remembers TTLs, and a tiny library."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import UTC, datetime, timedelta

from domains.daily.model import MindFuel, Prompt, Quote, Theme, Word
from domains.shared.errors import Unavailable
from tests.support.fakes import FakeClock


class FakeCache:
    """Expires entries on the fake clock, and records each TTL it was given."""

    def __init__(self, clock: FakeClock) -> None:
        self.clock = clock
        self.items: dict[str, tuple[bytes, datetime]] = {}
        self.ttls: dict[str, int] = {}
        self.down = False

    async def get(self, key: str) -> bytes | None:
        if self.down:
            raise Unavailable("cache down")
        item = self.items.get(key)
        if item is None or item[1] <= self.clock.now():
            return None
        return item[0]

    async def set(self, key: str, value: bytes, ttl_seconds: int) -> None:
        if self.down:
            raise Unavailable("cache down")
        self.items[key] = (value, self.clock.now() + timedelta(seconds=ttl_seconds))
        self.ttls[key] = ttl_seconds

    async def delete(self, key: str) -> None:
        self.items.pop(key, None)


class TinyLibrary:
    def __init__(self, size: int = 5, tag: str = "") -> None:
        n = range(size)
        self._quotes = tuple(Quote(f"q{i}", f"quote {i}{tag}", "someone") for i in n)
        self._words = tuple(Word(f"w{i}", f"word{i}", "noun", "meaning", f"word{i}.") for i in n)
        self._prompts = tuple(Prompt(f"p{i}", f"prompt {i}", "reflection") for i in n)
        self._fuel = tuple(MindFuel(f"m{i}", f"tip {i}", "text", "focus") for i in n)
        self._themes = tuple(Theme(f"t{i}", f"theme {i}", "text", ("a", "b")) for i in n)

    def quotes(self) -> Sequence[Quote]:
        return self._quotes

    def words(self) -> Sequence[Word]:
        return self._words

    def prompts(self) -> Sequence[Prompt]:
        return self._prompts

    def mind_fuel(self) -> Sequence[MindFuel]:
        return self._fuel

    def themes(self) -> Sequence[Theme]:
        return self._themes


def utc(
    year: int, month: int, day: int, hour: int = 0, minute: int = 0, second: int = 0
) -> datetime:
    return datetime(year, month, day, hour, minute, second, tzinfo=UTC)
