"""The collection loop, on a hand-written in-memory source: every document once, whatever
stops a run and wherever it stops."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from model.data.collect.core import CollectError, Cursor, Document, Page, collect
from tests.model.collect.conftest import read_jsonl


class ListSource:
    """Pages of three documents; the cursor is the next page's number."""

    name = "fake"

    def __init__(self, pages: int = 4) -> None:
        self.texts = [[f"text {p}.{i}" for i in range(3)] for p in range(pages)]
        self.calls: list[Cursor | None] = []

    def pages(self, cursor: Cursor | None) -> Iterator[Page]:
        self.calls.append(cursor)
        start = cursor["page"] if cursor else 0
        for p in range(start, len(self.texts)):
            documents = [
                Document("fake", f"id-{t}", f"https://example.org/{t}", "CC0-1.0", "now", t)
                for t in self.texts[p]
            ]
            yield Page(documents, {"page": p + 1} if p + 1 < len(self.texts) else None)


def ids(folder: Path) -> list[str]:
    return [r["id"] for r in read_jsonl(folder / "fake.jsonl")]


def test_a_run_writes_every_document_once_and_records_that_it_finished(tmp_path: Path) -> None:
    result = collect(ListSource(), tmp_path)
    assert result.done and result.documents == result.new == 12 and result.pages == 4
    assert ids(tmp_path) == [f"id-text {p}.{i}" for p in range(4) for i in range(3)]


def test_a_run_stopped_after_a_page_resumes_after_it(tmp_path: Path) -> None:
    class Stop(Exception):
        pass

    def stop_after_second_page(progress) -> None:
        if progress.pages == 2:
            raise Stop

    with pytest.raises(Stop):
        collect(ListSource(), tmp_path, on_page=stop_after_second_page)
    assert len(ids(tmp_path)) == 6

    source = ListSource()
    result = collect(source, tmp_path)
    assert source.calls == [{"page": 2}]
    assert result.new == 6 and ids(tmp_path) == ids_of_a_whole_run(tmp_path.parent / "whole")


def ids_of_a_whole_run(folder: Path) -> list[str]:
    collect(ListSource(), folder)
    return ids(folder)


def test_a_page_half_written_when_the_run_died_is_written_again_once(tmp_path: Path) -> None:
    collect(ListSource(), tmp_path, limit=6)
    with open(tmp_path / "fake.jsonl", "a") as out:  # killed mid-write, before the state
        out.write('{"source": "fake", "id": "id-text 2.0", "te')
    collect(ListSource(), tmp_path)
    assert ids(tmp_path) == ids_of_a_whole_run(tmp_path.parent / "whole")


def test_a_limit_inside_a_page_loses_nothing_when_the_collection_goes_on(tmp_path: Path) -> None:
    first = collect(ListSource(), tmp_path, limit=4)
    assert first.documents == 4 and not first.done
    second = collect(ListSource(), tmp_path, limit=8)
    assert second.documents == 8 and second.new == 4
    collect(ListSource(), tmp_path)
    assert ids(tmp_path) == ids_of_a_whole_run(tmp_path.parent / "whole")


def test_a_finished_collection_asks_the_source_for_nothing(tmp_path: Path) -> None:
    collect(ListSource(), tmp_path)
    source = ListSource()
    result = collect(source, tmp_path)
    assert source.calls == [] and result.new == 0 and result.documents == 12


def test_repeated_ids_are_written_once(tmp_path: Path) -> None:
    source = ListSource()
    source.texts[1] = [source.texts[0][2], *source.texts[1][:2]]  # a listing that shifted
    collect(source, tmp_path)
    assert len(ids(tmp_path)) == len(set(ids(tmp_path))) == 11


def test_an_output_without_its_state_is_left_alone(tmp_path: Path) -> None:
    (tmp_path / "fake.jsonl").write_text('{"id": "someone else\'s"}\n')
    with pytest.raises(CollectError, match=r"without fake\.state\.json"):
        collect(ListSource(), tmp_path)
    assert (tmp_path / "fake.jsonl").read_text() == '{"id": "someone else\'s"}\n'
