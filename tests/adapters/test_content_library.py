"""The curated daily content the project ships: enough of it, and well-formed."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from adapters.content.library import ContentError, JsonContentLibrary


def test_the_shipped_set_holds_a_few_hundred_entries_of_every_kind() -> None:
    counts = JsonContentLibrary().check()
    assert sum(counts.values()) >= 400
    assert counts["themes"] >= 53  # a full year of ISO weeks before a theme repeats
    assert min(counts.values()) >= 50


def test_every_word_comes_with_a_meaning_and_an_example_that_uses_it() -> None:
    for word in JsonContentLibrary().words():
        assert word.meaning.endswith(".")
        stem = word.word[: max(4, len(word.word) - 3)].lower()
        assert stem in word.example.lower(), word


def test_every_quote_names_its_author_and_every_theme_suggests_practices() -> None:
    library = JsonContentLibrary()
    assert all(q.author and q.text for q in library.quotes())
    assert all(len(t.practices) >= 2 for t in library.themes())
    texts = [q.text for q in library.quotes()]
    assert len(texts) == len(set(texts))


def _write_set(folder: Path, quotes: list[dict[str, str]]) -> None:
    for name in ("words", "prompts", "mind_fuel", "themes"):
        raw = json.dumps([{"id": "x-1", "text": "t"}])
        (folder / f"{name}.json").write_text(raw)
    (folder / "quotes.json").write_text(json.dumps(quotes))


def test_a_duplicate_id_is_reported_with_the_file_it_is_in(tmp_path: Path) -> None:
    _write_set(tmp_path, [{"id": "q", "text": "a", "author": "b"}] * 2)
    with pytest.raises(ContentError, match=r"quotes\.json: duplicate id 'q'"):
        JsonContentLibrary(tmp_path).quotes()


def test_an_entry_with_an_empty_field_is_refused(tmp_path: Path) -> None:
    _write_set(tmp_path, [{"id": "q", "text": " ", "author": "b"}])
    with pytest.raises(ContentError, match="empty text"):
        JsonContentLibrary(tmp_path).quotes()


def test_an_entry_missing_a_field_is_refused(tmp_path: Path) -> None:
    _write_set(tmp_path, [{"id": "q", "text": "a"}])
    with pytest.raises(ContentError, match=r"quotes.json\[0\]"):
        JsonContentLibrary(tmp_path).quotes()
