"""A corpus the user brings: text, markdown, JSONL and parquet become documents with the same
provenance as collected ones, resumably, and bad files are named in the error."""

from __future__ import annotations

import json
from pathlib import Path

import pyarrow as pa
import pyarrow.parquet as pq
import pytest

from model.data.collect.core import collect
from model.data.collect.local import LocalSource
from tests.model.collect.conftest import read_jsonl


@pytest.fixture
def corpus(tmp_path: Path) -> Path:
    folder = tmp_path / "corpus"
    (folder / "notes").mkdir(parents=True)
    (folder / "notes" / "morning.md").write_text(
        "---\ntags: [routine]\n---\n# Morning\n\nWrite the plan before opening mail.\n"
    )
    (folder / "notes" / "evening.txt").write_text("Review the day in three lines.\n")
    (folder / "notes" / "ignored.csv").write_text("not,a,corpus\n")
    lines = [{"text": "First tip.", "title": "One"}, {"text": ""}, {"text": "Third tip."}]
    (folder / "tips.jsonl").write_text(
        json.dumps(lines[0]) + "\n\n" + "\n".join(json.dumps(r) for r in lines[1:]) + "\n"
    )
    pq.write_table(
        pa.table({"text": ["Row one.", "Row two."], "n": [1, 2]}), folder / "rows.parquet"
    )
    return folder


def test_every_supported_file_becomes_documents_with_provenance(
    corpus: Path, tmp_path: Path
) -> None:
    collect(LocalSource([corpus], licence="CC-BY-4.0"), tmp_path / "out")
    records = {r["id"]: r for r in read_jsonl(tmp_path / "out" / "local.jsonl")}
    root = corpus.resolve()
    assert sorted(records) == sorted(
        [
            f"{root}/notes/evening.txt",
            f"{root}/notes/morning.md",
            f"{root}/rows.parquet:1",
            f"{root}/rows.parquet:2",
            f"{root}/tips.jsonl:1",
            f"{root}/tips.jsonl:4",  # line 2 is blank and line 3's text is empty
        ]
    )
    morning = records[f"{root}/notes/morning.md"]
    assert morning["text"] == "# Morning\n\nWrite the plan before opening mail."  # no front matter
    assert morning["url"] == (root / "notes" / "morning.md").as_uri()
    assert morning["url"].startswith("file:///") and morning["title"] == "morning"
    assert records[f"{root}/tips.jsonl:1"]["title"] == "One"
    assert records[f"{root}/rows.parquet:2"]["text"] == "Row two."
    assert all(r["source"] == "local" and r["licence"] == "CC-BY-4.0" for r in records.values())
    assert all(r["fetched_at"].endswith("Z") for r in records.values())


def test_the_licence_is_unknown_unless_given(corpus: Path, tmp_path: Path) -> None:
    collect(LocalSource([corpus / "tips.jsonl"]), tmp_path)
    assert {r["licence"] for r in read_jsonl(tmp_path / "local.jsonl")} == {"unknown"}


def test_a_stopped_run_goes_on_from_the_next_row(corpus: Path, tmp_path: Path) -> None:
    big = corpus / "big.jsonl"
    big.write_text("".join(json.dumps({"text": f"tip {i}"}) + "\n" for i in range(7)))

    def stop(progress) -> None:
        if progress.pages == 2:
            raise KeyboardInterrupt

    with pytest.raises(KeyboardInterrupt):
        collect(LocalSource([corpus], batch=2), tmp_path / "resumed", on_page=stop)
    collect(LocalSource([corpus], batch=2), tmp_path / "resumed")
    collect(LocalSource([corpus], batch=2), tmp_path / "whole")

    def texts(folder: str) -> list[str]:
        return [r["text"] for r in read_jsonl(tmp_path / folder / "local.jsonl")]

    assert texts("resumed") == texts("whole") and len(texts("whole")) == 13


def test_a_missing_text_field_names_the_file_and_its_fields(tmp_path: Path) -> None:
    (tmp_path / "qa.jsonl").write_text('{"question": "Why?", "answer": "Because."}\n')
    with pytest.raises(ValueError, match=r"qa\.jsonl:1 has no 'text' field.*'question'"):
        collect(LocalSource([tmp_path / "qa.jsonl"]), tmp_path / "out")
    collect(LocalSource([tmp_path / "qa.jsonl"], text_field="answer"), tmp_path / "out2")
    assert read_jsonl(tmp_path / "out2" / "local.jsonl")[0]["text"] == "Because."


def test_a_broken_jsonl_line_is_named(tmp_path: Path) -> None:
    (tmp_path / "broken.jsonl").write_text('{"text": "fine"}\n{"text": \n')
    with pytest.raises(ValueError, match=r"broken\.jsonl:2: not JSON"):
        collect(LocalSource([tmp_path / "broken.jsonl"]), tmp_path / "out")


def test_unsupported_and_missing_files_are_refused(tmp_path: Path) -> None:
    (tmp_path / "table.csv").write_text("a,b\n")
    with pytest.raises(ValueError, match="unsupported file type"):
        collect(LocalSource([tmp_path / "table.csv"]), tmp_path / "out")
    with pytest.raises(FileNotFoundError, match=r"absent\.txt not found"):
        collect(LocalSource([tmp_path / "absent.txt"]), tmp_path / "out")
