"""Documents become rows of seq_len tokens: EOT after each document, no overlap, no loss of text,
a held-out split of whole documents, memory-mapped shards."""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np
import pytest

from model.data.packing import META_FILE, PackedRows, load_documents, prepare
from model.tokenizer import Tokenizer


def stream_of(rows: PackedRows, pad_id: int) -> list[int]:
    tokens = [t for i in range(len(rows)) for t in rows.row(i).tolist()]
    while tokens and tokens[-1] == pad_id:
        tokens.pop()
    return tokens


def test_rows_hold_every_document_once_with_eot_between_and_no_overlap(
    tmp_path: Path, tokenizer: Tokenizer, corpus_texts: list[str]
) -> None:
    docs = corpus_texts[:40]
    meta = prepare(docs, tokenizer, tmp_path, seq_len=32, val_fraction=0.0, rows_per_shard=7)
    rows = PackedRows(tmp_path, "train")

    expected = [t for d in docs for t in [*tokenizer.encode(d), tokenizer.eot_id]]
    assert stream_of(rows, tokenizer.pad_id) == expected
    assert len(rows) == -(-len(expected) // 32)  # rows tile the stream: none overlaps
    assert meta["splits"]["train"]["tokens"] == len(expected)
    assert len(meta["splits"]["train"]["shards"]) == -(-len(rows) // 7)
    last = rows.row(len(rows) - 1).tolist()
    assert last[len(expected) % 32 :] == [tokenizer.pad_id] * (32 - len(expected) % 32)


def test_validation_holds_whole_documents_the_training_split_never_sees(
    tmp_path: Path, tokenizer: Tokenizer, corpus_texts: list[str]
) -> None:
    docs = [f"{i} {text}" for i, text in enumerate(corpus_texts[:200])]  # all distinct
    meta = prepare(docs, tokenizer, tmp_path, seq_len=64, val_fraction=0.2, seed=3)
    eot = tokenizer.eot_id

    def documents(split: str) -> set[str]:
        tokens = stream_of(PackedRows(tmp_path, split), tokenizer.pad_id)
        text = tokenizer.decode(tokens, skip_special_tokens=False)
        return {d for d in text.split(tokenizer.decode([eot], skip_special_tokens=False)) if d}

    train, val = documents("train"), documents("val")
    assert train | val == set(docs) and not train & val
    assert 20 <= len(val) <= 60
    assert meta["splits"]["val"]["documents"] == len(val)


def test_shards_are_uint16_memory_maps_for_a_small_vocabulary(
    tmp_path: Path, tokenizer: Tokenizer, corpus_texts: list[str]
) -> None:
    prepare(corpus_texts[:20], tokenizer, tmp_path, seq_len=16, val_fraction=0.0)
    rows = PackedRows(tmp_path, "train")

    assert json.loads((tmp_path / META_FILE).read_text())["dtype"] == "uint16"
    assert isinstance(rows.shards[0], np.memmap) and rows.shards[0].dtype == np.uint16
    assert (tmp_path / "tokenizer.json").is_file()


def test_batch_order_is_a_function_of_the_batch_index_and_covers_every_row_each_epoch(
    prepared_data: Path,
) -> None:
    rows = PackedRows(prepared_data, "train")
    n = len(rows)
    per_epoch = [rows.batch(k, 1, seed=5)["input_ids"] for k in range(n)]

    assert rows.batch(3, 4, seed=5)["input_ids"].equal(
        PackedRows(prepared_data, "train").batch(3, 4, seed=5)["input_ids"]
    )
    seen = {tuple(b[0].tolist()) for b in per_epoch}
    assert len(seen) == len({tuple(rows.row(i).tolist()) for i in range(n)})


def test_documents_load_from_jsonl_text_and_parquet(tmp_path: Path) -> None:
    import pyarrow as pa
    import pyarrow.parquet as pq

    (tmp_path / "a.jsonl").write_text('{"text": "first"}\n{"text": "second"}\n')
    (tmp_path / "b.txt").write_text("a whole\nfile is one document\n")
    pq.write_table(pa.table({"text": ["from parquet"]}), tmp_path / "c.parquet")

    docs = sorted(load_documents([tmp_path]))

    assert docs == sorted(["first", "second", "a whole\nfile is one document\n", "from parquet"])


def test_missing_inputs_and_fields_are_reported_by_name(tmp_path: Path) -> None:
    with pytest.raises(FileNotFoundError, match=r"nowhere\.jsonl"):
        list(load_documents([tmp_path / "nowhere.jsonl"]))
    (tmp_path / "x.jsonl").write_text('{"body": "no text field"}\n')
    with pytest.raises(ValueError, match="no 'text' field"):
        list(load_documents([tmp_path / "x.jsonl"]))
