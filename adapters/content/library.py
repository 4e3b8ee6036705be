"""The daily-content library: JSON files checked once when loaded, so a broken edit to the
content fails at start-up (and in the tests), not on the day it would have been shown."""

from __future__ import annotations

import json
from collections.abc import Callable, Sequence
from functools import cached_property
from importlib import resources
from pathlib import Path
from typing import Any, TypeVar

from domains.daily.model import MindFuel, Prompt, Quote, Theme, Word

T = TypeVar("T")


class ContentError(ValueError):
    """The shipped content is malformed; names the file and entry."""


class JsonContentLibrary:
    def __init__(self, folder: Path | None = None) -> None:
        self._folder = folder

    def _read(self, name: str) -> list[dict[str, Any]]:
        if self._folder is not None:
            raw = (self._folder / name).read_text(encoding="utf-8")
        else:
            raw = resources.files("adapters.content.data").joinpath(name).read_text("utf-8")
        rows = json.loads(raw)
        if not isinstance(rows, list) or not rows:
            raise ContentError(f"{name}: expected a non-empty list")
        return rows

    def _load(self, name: str, build: Callable[[dict[str, Any]], T]) -> tuple[T, ...]:
        items: dict[str, T] = {}
        for position, row in enumerate(self._read(name)):
            try:
                item = build(row)
            except (KeyError, TypeError) as e:
                raise ContentError(f"{name}[{position}]: {e!r}") from e
            ident = row["id"]
            if ident in items:
                raise ContentError(f"{name}: duplicate id {ident!r}")
            for key, value in row.items():
                if isinstance(value, str) and not value.strip():
                    raise ContentError(f"{name}: {ident} has an empty {key}")
            items[ident] = item
        # Sorted by id, so the schedule does not depend on the order of lines in the file.
        return tuple(items[k] for k in sorted(items))

    @cached_property
    def _quotes(self) -> tuple[Quote, ...]:
        return self._load("quotes.json", lambda r: Quote(r["id"], r["text"], r["author"]))

    @cached_property
    def _words(self) -> tuple[Word, ...]:
        return self._load(
            "words.json",
            lambda r: Word(r["id"], r["word"], r["part_of_speech"], r["meaning"], r["example"]),
        )

    @cached_property
    def _prompts(self) -> tuple[Prompt, ...]:
        return self._load("prompts.json", lambda r: Prompt(r["id"], r["text"], r["category"]))

    @cached_property
    def _mind_fuel(self) -> tuple[MindFuel, ...]:
        return self._load(
            "mind_fuel.json", lambda r: MindFuel(r["id"], r["title"], r["text"], r["category"])
        )

    @cached_property
    def _themes(self) -> tuple[Theme, ...]:
        return self._load(
            "themes.json",
            lambda r: Theme(r["id"], r["title"], r["description"], tuple(r["practices"])),
        )

    def quotes(self) -> Sequence[Quote]:
        return self._quotes

    def words(self) -> Sequence[Word]:
        return self._words

    def prompts(self) -> Sequence[Prompt]:
        return self._prompts

    def mind_fuel(self) -> Sequence[MindFuel]:
        return self._mind_fuel

    def themes(self) -> Sequence[Theme]:
        return self._themes

    def check(self) -> dict[str, int]:
        """Loads everything now; returns the number of entries per kind."""
        return {
            "quotes": len(self.quotes()),
            "words": len(self.words()),
            "prompts": len(self.prompts()),
            "mind_fuel": len(self.mind_fuel()),
            "themes": len(self.themes()),
        }
