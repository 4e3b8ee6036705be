"""What lets a fine-tuning run continue exactly: the settings a resumed run must share with the
run that wrote the checkpoint, checked before any weight is loaded."""

from __future__ import annotations

import dataclasses
import hashlib
from pathlib import Path
from typing import Any

import torch

from model.config import ConfigError
from model.finetune.config import FinetuneConfig
from model.loop import STATE_FILE


def run_settings(config: FinetuneConfig, base_folder: Path) -> dict[str, Any]:
    """What a resumed run must share with the run that wrote the checkpoint: the weights it
    starts from, what it trains, and the examples and the order they come in."""
    if config.method == "lora":
        lora = dataclasses.asdict(config.lora)  # rank, alpha, dropout, targets
    else:
        lora = dict.fromkeys(f.name for f in dataclasses.fields(config.lora))
    return {
        "method": config.method,
        "base": str(base_folder.resolve()),
        **lora,
        "data": _digest(config.data),
        "val_data": config.val_data and _digest(config.val_data),
        "val_fraction": config.val_fraction,
        "max_len": config.max_len,
        "batch_size": config.batch_size,
        "grad_accum": config.grad_accum,
        "seed": config.seed,
    }


def _digest(path: Path) -> str:
    with path.open("rb") as file:
        return hashlib.file_digest(file, "sha256").hexdigest()


def stored_state(folder: Path, settings: dict[str, Any]) -> dict[str, Any]:
    """The trainer state of a checkpoint this run may continue; ConfigError naming every
    setting that differs otherwise, rather than training one run's weights as another's."""
    if not (folder / STATE_FILE).is_file():
        raise ConfigError(
            f"{folder} holds no trainer state to resume from; pass --no-resume to start over"
        )
    # Our own file in our own run folder; numpy's RNG state needs full unpickling.
    state = torch.load(folder / STATE_FILE, weights_only=False)
    stored = state["settings"]
    changed = [
        f"{key} {stored.get(key)!r} (now {value!r})"
        for key, value in settings.items()
        if stored.get(key) != value
    ]
    if changed:
        raise ConfigError(
            f"{folder} was fine-tuned with {'; '.join(changed)}: resume with the same settings, "
            "or pass --no-resume or another --out to start a new run"
        )
    return state
