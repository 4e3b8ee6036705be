"""Held-out loss and perplexity, and the unigram baseline a model must beat."""

from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np
import torch
import torch.nn.functional as F

from model.data.packing import PackedRows
from model.gpt_neox import IGNORE_INDEX, GPTNeoXForCausalLM


@dataclass(frozen=True)
class EvalResult:
    loss: float
    tokens: int

    @property
    def perplexity(self) -> float:
        return math.exp(self.loss)


@torch.no_grad()
def evaluate_loss(
    model: GPTNeoXForCausalLM,
    rows: PackedRows,
    *,
    batch_size: int = 8,
    max_batches: int | None = None,
    device: str | torch.device = "cpu",
    autocast_dtype: torch.dtype | None = None,
) -> EvalResult:
    """Mean next-token loss per scored token over the first rows of a split, in a fixed order."""
    was_training = model.training
    model.eval()
    total, count = 0.0, 0
    n_batches = -(-len(rows) // batch_size)
    if max_batches is not None:
        n_batches = min(n_batches, max_batches)
    device_type = torch.device(device).type
    for b in range(n_batches):
        indices = range(b * batch_size, min((b + 1) * batch_size, len(rows)))
        batch = {k: v.to(device) for k, v in rows.rows(indices).items()}
        with torch.autocast(
            device_type, autocast_dtype or torch.float32, enabled=bool(autocast_dtype)
        ):
            logits, _ = model(batch["input_ids"])
        targets = batch["labels"][:, 1:]
        total += F.cross_entropy(
            logits[:, :-1].flatten(0, 1).float(),
            targets.flatten(),
            ignore_index=IGNORE_INDEX,
            reduction="sum",
        ).item()
        count += int((targets != IGNORE_INDEX).sum())
    model.train(was_training)
    if count == 0:
        raise ValueError("no tokens to evaluate")
    return EvalResult(loss=total / count, tokens=count)


def unigram_baseline(train: PackedRows, val: PackedRows, vocab_size: int) -> float:
    """Loss on val of a model that ignores context: training-token frequencies, add-one smoothed.
    Scored on the same targets as evaluate_loss (every row's tokens after the first)."""
    counts = np.ones(vocab_size, dtype=np.float64)
    for shard in train.shards:
        counts += np.bincount(np.asarray(shard).ravel(), minlength=vocab_size)[:vocab_size]
    counts[train.pad_id] = 0.0
    log_p = np.log(counts / counts.sum(), where=counts > 0, out=np.full(vocab_size, -np.inf))
    targets = np.concatenate([np.asarray(shard)[:, 1:].ravel() for shard in val.shards])
    targets = targets[targets != val.pad_id]
    return float(-log_p[targets].mean())
