"""Documents -> token rows: an end-of-text token after every document, packed into rows of
seq_len tokens that never overlap, written as memory-mapped shards with a held-out split.

A prepared folder holds meta.json and <split>-NNNNN.bin files, each a (rows, seq_len) array of
uint16 (vocabularies up to 65,536) or uint32. Only the last row of a split can hold padding.
"""

from __future__ import annotations

import json
import os
import random
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import torch

from model.gpt_neox import IGNORE_INDEX
from model.tokenizer import TOKENIZER_FILE, Tokenizer

META_FILE = "meta.json"
SPLITS = ("train", "val")
_BUILDERS = {".jsonl": "json", ".json": "json", ".txt": "text", ".parquet": "parquet"}


def load_documents(paths: Sequence[Path], text_field: str = "text") -> Iterator[str]:
    """Texts of local JSONL / JSON / parquet rows (field `text_field`) and of whole .txt files."""
    # Local files only: nothing is fetched from a hub, even when the machine is online.
    os.environ.setdefault("HF_DATASETS_OFFLINE", "1")
    os.environ.setdefault("HF_HUB_OFFLINE", "1")
    from datasets import load_dataset

    files = _expand(paths)
    for builder in sorted({_BUILDERS[f.suffix] for f in files}):
        chosen = [str(f) for f in files if _BUILDERS[f.suffix] == builder]
        options = {"sample_by": "document"} if builder == "text" else {}
        dataset = load_dataset(builder, data_files=chosen, split="train", **options)
        field = "text" if builder == "text" else text_field
        if field not in dataset.column_names:
            raise ValueError(
                f"{', '.join(chosen)} has no {field!r} field (fields: {dataset.column_names})"
            )
        for text in dataset[field]:
            if text:
                yield text


def _expand(paths: Sequence[Path]) -> list[Path]:
    files: list[Path] = []
    for path in paths:
        if path.is_dir():
            files += sorted(p for p in path.rglob("*") if p.suffix in _BUILDERS and p.is_file())
        elif path.is_file():
            if path.suffix not in _BUILDERS:
                raise ValueError(f"{path}: unsupported file type; use {', '.join(_BUILDERS)}")
            files.append(path)
        else:
            raise FileNotFoundError(f"{path} not found")
    if not files:
        raise FileNotFoundError(f"no {', '.join(_BUILDERS)} files in {', '.join(map(str, paths))}")
    return files


def token_dtype(vocab_size: int) -> np.dtype:
    return np.dtype(np.uint16) if vocab_size <= 2**16 else np.dtype(np.uint32)


@dataclass
class _ShardWriter:
    folder: Path
    split: str
    seq_len: int
    rows_per_shard: int
    dtype: np.dtype
    pad_id: int

    def __post_init__(self) -> None:
        # Compact arrays, not Python ints: a shard of 33 M tokens as a list would take gigabytes.
        self.pending: list[np.ndarray] = []
        self.pending_tokens = 0
        self.shards: list[dict[str, int | str]] = []
        self.tokens = 0
        self.documents = 0

    def add(self, ids: list[int]) -> None:
        self.pending.append(np.asarray(ids, dtype=self.dtype))
        self.pending_tokens += len(ids)
        self.tokens += len(ids)
        self.documents += 1
        shard_tokens = self.seq_len * self.rows_per_shard
        while self.pending_tokens >= shard_tokens:
            self._flush(shard_tokens)

    def close(self) -> None:
        rows = -(-self.pending_tokens // self.seq_len)
        if rows:
            padding = rows * self.seq_len - self.pending_tokens
            self.pending.append(np.full(padding, self.pad_id, dtype=self.dtype))
            self.pending_tokens += padding
            self._flush(self.pending_tokens)

    def _flush(self, n: int) -> None:
        stream = np.concatenate(self.pending)
        name = f"{self.split}-{len(self.shards):05d}.bin"
        stream[:n].reshape(-1, self.seq_len).tofile(self.folder / name)
        self.shards.append({"file": name, "rows": n // self.seq_len})
        self.pending = [stream[n:]]
        self.pending_tokens -= n


def prepare(
    texts: Iterable[str],
    tokenizer: Tokenizer,
    out_dir: Path,
    *,
    seq_len: int,
    val_fraction: float = 0.05,
    seed: int = 0,
    rows_per_shard: int = 8_192,
    batch_documents: int = 256,
) -> dict:
    """Tokenizes, splits by document (a document is wholly train or wholly val), packs, writes."""
    if seq_len < 2:
        raise ValueError("seq_len must be at least 2")
    if not 0.0 <= val_fraction < 1.0:
        raise ValueError("val_fraction must be in [0, 1)")
    out_dir.mkdir(parents=True, exist_ok=True)
    dtype = token_dtype(tokenizer.vocab_size)
    writers = {
        s: _ShardWriter(out_dir, s, seq_len, rows_per_shard, dtype, tokenizer.pad_id)
        for s in SPLITS
    }
    rng = random.Random(seed)
    batch: list[str] = []

    def flush() -> None:
        for ids in tokenizer.encode_batch(batch):
            split = "val" if rng.random() < val_fraction else "train"
            writers[split].add([*ids, tokenizer.eot_id])
        batch.clear()

    for text in texts:
        batch.append(text)
        if len(batch) == batch_documents:
            flush()
    flush()
    meta = {
        "seq_len": seq_len,
        "dtype": dtype.name,
        "vocab_size": tokenizer.vocab_size,
        "eot_id": tokenizer.eot_id,
        "pad_id": tokenizer.pad_id,
        "splits": {},
    }
    for split, writer in writers.items():
        writer.close()
        meta["splits"][split] = {
            "documents": writer.documents,
            "tokens": writer.tokens,
            "shards": writer.shards,
        }
    if not writers["train"].documents:
        raise ValueError("no training documents: the input is empty")
    # The tokenizer travels with its data, and from there with every checkpoint trained on it.
    tokenizer.save(out_dir / TOKENIZER_FILE)
    (out_dir / META_FILE).write_text(json.dumps(meta, indent=2) + "\n")
    return meta


class PackedRows:
    """The rows of one split, memory-mapped, with a stateless batch order: batch k is a pure
    function of (seed, k), so a run resumes by remembering k alone."""

    def __init__(self, data_dir: Path, split: str) -> None:
        meta_path = data_dir / META_FILE
        if not meta_path.is_file():
            raise FileNotFoundError(f"{meta_path} not found: run prepare-data first")
        self.meta = json.loads(meta_path.read_text())
        if split not in self.meta["splits"]:
            raise ValueError(f"unknown split {split!r}")
        self.seq_len: int = self.meta["seq_len"]
        self.pad_id: int = self.meta["pad_id"]
        dtype = np.dtype(self.meta["dtype"])
        self.shards = [
            np.memmap(data_dir / s["file"], dtype=dtype, mode="r", shape=(s["rows"], self.seq_len))
            for s in self.meta["splits"][split]["shards"]
        ]
        self.offsets = np.cumsum([0] + [s.shape[0] for s in self.shards])

    def __len__(self) -> int:
        return int(self.offsets[-1])

    def row(self, index: int) -> np.ndarray:
        shard = int(np.searchsorted(self.offsets, index, side="right")) - 1
        return np.asarray(self.shards[shard][index - self.offsets[shard]])

    def rows(self, indices: Sequence[int]) -> dict[str, torch.Tensor]:
        input_ids = torch.from_numpy(np.stack([self.row(i) for i in indices]).astype(np.int64))
        return {"input_ids": input_ids, "labels": labels_for(input_ids, self.pad_id)}

    def batch(self, k: int, batch_size: int, seed: int) -> dict[str, torch.Tensor]:
        n = len(self)
        if n == 0:
            raise ValueError("this split has no rows")
        indices = []
        for j in range(k * batch_size, (k + 1) * batch_size):
            epoch, position = divmod(j, n)
            indices.append(int(_permutation(n, seed, epoch)[position]))
        return self.rows(indices)


_PERMUTATIONS: dict[tuple[int, int, int], np.ndarray] = {}


def _permutation(n: int, seed: int, epoch: int) -> np.ndarray:
    key = (n, seed, epoch)
    if key not in _PERMUTATIONS:
        if len(_PERMUTATIONS) > 4:
            _PERMUTATIONS.clear()
        _PERMUTATIONS[key] = np.random.default_rng([seed, epoch]).permutation(n)
    return _PERMUTATIONS[key]


def labels_for(input_ids: torch.Tensor, pad_id: int) -> torch.Tensor:
    """Labels aligned with input_ids (the model shifts them); padding is left out of the loss."""
    return input_ids.masked_fill(input_ids == pad_id, IGNORE_INDEX)
