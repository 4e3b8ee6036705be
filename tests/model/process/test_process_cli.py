"""`refocused model process` as a user runs it: collected JSONL and a parquet file in, splits
and a report out, ready for train-tokenizer and prepare-data; mistakes end in one line."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from model.corpus.build import CORPUS_FILE
from model.data.process.splits import SPLIT_NAMES
from tests.model.conftest import invoke
from tests.model.process.conftest import read_jsonl


@pytest.fixture(scope="module")
def parquet_file(tmp_path_factory: pytest.TempPathFactory) -> Path:
    import pyarrow as pa
    import pyarrow.parquet as pq

    path = tmp_path_factory.mktemp("parquet") / "notes.parquet"
    texts = [json.loads(line)["text"] for line in CORPUS_FILE.read_text().splitlines()]
    notes = [t for t in texts if 50 <= len(t.split()) < 80][:40]  # not in the raw file
    pq.write_table(pa.table({"text": notes, "words": [len(n.split()) for n in notes]}), path)
    return path


@pytest.fixture(scope="module")
def processed(tmp_path_factory: pytest.TempPathFactory, raw_file: Path, parquet_file: Path):
    out = tmp_path_factory.mktemp("processed")
    result = invoke(
        "process", raw_file, parquet_file, "--out", out, "--seed", "5",
        "--splits", "0.8,0.1,0.1", "--min-quality", "0.6",
    )  # fmt: skip
    assert result.exit_code == 0, result.output
    return out, result.output


def test_process_writes_splits_and_a_report(processed) -> None:
    out, output = processed
    for name in (*(f"{s}.jsonl" for s in SPLIT_NAMES), "report.json", "report.md"):
        assert (out / name).stat().st_size > 0, name
    assert (out / "quality_hist.png").read_bytes().startswith(b"\x89PNG")
    assert not list(out.glob(".process-*"))  # the intermediate files are gone
    report = json.loads((out / "report.json").read_text())
    assert "documents/s" in output and f"wrote {out}" in output
    assert set(report["splits"]["train"]["sources"]) == {"blog", "forum", "notes.parquet"}
    assert report["config"]["min_quality"] == 0.6 and report["config"]["seed"] == 5


def test_provenance_passes_through_untouched(processed, raw_file: Path) -> None:
    raw = {d["id"]: d for d in read_jsonl(raw_file)}
    docs = [d for s in SPLIT_NAMES for d in read_jsonl(processed[0] / f"{s}.jsonl")]
    collected = [d for d in docs if d["source"] != "notes.parquet"]
    assert collected
    for doc in collected:
        original = raw[doc["id"]]
        assert {k: doc.get(k) for k in original if k != "text"} == {
            k: v for k, v in original.items() if k != "text"
        }
        assert doc["fetched_at"] == "2026-11-20T10:00:00Z"  # the string as collected
    parquet_docs = [d for d in docs if d["source"] == "notes.parquet"]
    assert parquet_docs and all(d["id"].startswith("notes.parquet:") for d in parquet_docs)
    assert all(isinstance(d["words"], int) for d in parquet_docs)


def test_the_splits_feed_tokenizer_training_and_data_preparation(processed, tmp_path) -> None:
    out = processed[0]
    tokenizer = tmp_path / "tokenizer.json"
    result = invoke("train-tokenizer", out / "train.jsonl", "--out", tokenizer, "--vocab-size", 400)
    assert result.exit_code == 0, result.output
    result = invoke(
        "prepare-data", out / "train.jsonl", out / "validation.jsonl",
        "--tokenizer", tokenizer, "--out", tmp_path / "data", "--seq-len", 64,
    )  # fmt: skip
    assert result.exit_code == 0, result.output
    assert (tmp_path / "data" / "meta.json").is_file()


def test_help_lists_the_settings() -> None:
    result = invoke("process", "--help")
    assert result.exit_code == 0
    for option in ("--out", "--lang", "--min-quality", "--near-dup-threshold", "--splits"):
        assert option in result.output


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["missing.jsonl"], "missing.jsonl not found"),
        (["{raw}", "--splits", "0.9,0.2"], "expected three fractions"),
        (["{raw}", "--lang", "xx"], "unknown language code(s): xx"),
        (["{raw}", "--text-field", "body"], "has no 'body' field"),
        (["{raw}", "--min-quality", "2"], "2.0 is not in the range"),
    ],
)
def test_mistakes_end_in_one_readable_line(tmp_path, raw_file, args, message) -> None:
    args = [a.replace("{raw}", str(raw_file)) for a in args]
    result = invoke("process", *args, "--out", tmp_path / "out")
    assert result.exit_code != 0
    assert message in result.output
    assert "Traceback" not in result.output
