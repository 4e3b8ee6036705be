"""What daily content needs from the outside world."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Protocol

from domains.daily.model import MindFuel, Prompt, Quote, Theme, Word


class ContentLibrary(Protocol):
    """The curated set the project ships, in a stable order (sorted by id)."""

    def quotes(self) -> Sequence[Quote]: ...
    def words(self) -> Sequence[Word]: ...
    def prompts(self) -> Sequence[Prompt]: ...
    def mind_fuel(self) -> Sequence[MindFuel]: ...
    def themes(self) -> Sequence[Theme]: ...
