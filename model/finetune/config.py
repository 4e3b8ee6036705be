"""The settings of a fine-tuning run, shared by the trainer, the resume check and the CLI."""

from __future__ import annotations

import dataclasses
import json
from dataclasses import dataclass, field
from pathlib import Path

from model.config import ConfigError
from model.finetune.lora import LoRAConfig

METHODS = ("lora", "full")
# Peak learning rates that suit each method on the 1.2B model: adapters start from zero and
# take larger steps; full fine-tuning moves pre-trained weights and must stay gentle.
DEFAULT_LR = {"lora": 2e-4, "full": 2e-5}
MERGED_DIR = "merged"
FINETUNE_CONFIG_FILE = "finetune_config.json"


@dataclass(frozen=True)
class FinetuneConfig:
    base: Path  # a checkpoint folder, or a run folder (its latest checkpoint)
    data: Path
    out_dir: Path
    val_data: Path | None = None
    method: str = "lora"
    lora: LoRAConfig = field(default_factory=LoRAConfig)
    epochs: int = 3
    max_steps: int | None = None  # when given, overrides epochs
    batch_size: int = 8
    # Micro-batches of batch_size chats per optimizer step: a larger effective batch in the
    # memory of a small one.
    grad_accum: int = 1
    lr: float | None = None  # None: DEFAULT_LR[method]
    warmup_steps: int | None = None  # None: a tenth of the steps, at most 100
    min_lr_ratio: float = 0.1
    # No decay by default: fine-tuning runs are short, and decaying LoRA's B pulls the adapter
    # back towards doing nothing.
    weight_decay: float = 0.0
    grad_clip: float = 1.0
    max_len: int | None = None  # None: the model's context
    val_fraction: float = 0.05  # held out of --data when no val_data is given
    eval_interval: int = 50
    checkpoint_interval: int | None = None  # None: only the last step
    merge: bool = True
    seed: int = 1337
    precision: str = "auto"  # auto: bf16 on CUDA, float32 elsewhere
    # Show progress: a bar in a terminal, else a plain line every log_every_s seconds.
    progress: bool = True
    log_every_s: float = 30.0

    def __post_init__(self) -> None:
        if self.method not in METHODS:
            raise ConfigError(f"method must be one of {', '.join(METHODS)}, not {self.method!r}")
        if self.precision not in ("auto", "bf16", "no"):
            raise ConfigError("precision must be auto, bf16 or no")
        for name in (
            "epochs",
            "max_steps",
            "batch_size",
            "grad_accum",
            "eval_interval",
            "max_len",
        ):
            value = getattr(self, name)
            if value is not None and value <= 0:
                raise ConfigError(f"{name} must be positive")
        if not 0.0 <= self.val_fraction < 1.0:
            raise ConfigError("val_fraction must be in [0, 1)")

    @property
    def peak_lr(self) -> float:
        return self.lr if self.lr is not None else DEFAULT_LR[self.method]

    def to_json(self) -> str:
        data = dataclasses.asdict(self)
        for key in ("base", "data", "out_dir", "val_data"):
            data[key] = None if data[key] is None else str(data[key])
        data["lr"] = self.peak_lr
        return json.dumps(data, indent=2) + "\n"
