"""Pre-training: packed rows of the prepared corpus through the training engine (model.loop),
held-out loss and perplexity, checkpoints in a local folder or S3 that resume the same run
exactly."""

from __future__ import annotations

import dataclasses
import json
import shutil
import tempfile
from collections.abc import Callable, Iterator, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import torch

from model.checkpoints import (
    CheckpointStore,
    LocalCheckpointStore,
    checkpoint_name,
    latest,
)
from model.config import ConfigError, GPTNeoXConfig, get_config
from model.convert import load_pretrained, save_pretrained
from model.data.packing import PackedRows
from model.evaluate import evaluate_loss
from model.gpt_neox import GPTNeoXForCausalLM
from model.loop import (
    PLOT_FILE,
    STATE_FILE,
    MicroBatch,
    Schedule,
    Training,
    plot_losses,
    run,
    seed_everything,
)
from model.tokenizer import TOKENIZER_FILE, Tokenizer

TRAIN_CONFIG_FILE = "train_config.json"
# Peak learning rates that train each named model well: small models take larger steps.
RECOMMENDED_LR = {"tiny": 3e-3, "small": 1e-3, "refocused-1.2b": 2e-4}


@dataclass(frozen=True)
class TrainConfig:
    data_dir: Path
    out_dir: Path
    model: str = "tiny"
    batch_size: int = 16
    grad_accum: int = 1
    max_steps: int = 300
    # The reference recipe: AdamW 2e-4, betas 0.9 / 0.95, weight decay 0.1, clipping 1.0.
    lr: float = 2e-4
    min_lr_ratio: float = 0.1
    warmup_steps: int = 30
    weight_decay: float = 0.1
    betas: tuple[float, float] = (0.9, 0.95)
    grad_clip: float = 1.0
    eval_interval: int = 100
    eval_batches: int = 20
    checkpoint_interval: int = 100
    seed: int = 1337
    precision: str = "auto"  # auto: bf16 on CUDA, float32 elsewhere
    compile: bool = False
    activation_checkpointing: bool = False
    # Show progress: a bar in a terminal, else a plain line every log_every_s seconds.
    progress: bool = True
    log_every_s: float = 30.0

    def __post_init__(self) -> None:
        if self.precision not in ("auto", "bf16", "no"):
            raise ConfigError("precision must be auto, bf16 or no")
        for name in (
            "batch_size",
            "grad_accum",
            "max_steps",
            "eval_interval",
            "checkpoint_interval",
        ):
            if getattr(self, name) <= 0:
                raise ConfigError(f"{name} must be positive")
        if not 0 <= self.warmup_steps <= self.max_steps:
            raise ConfigError("warmup_steps must be between 0 and max_steps")

    @property
    def schedule(self) -> Schedule:
        return Schedule(
            steps=self.max_steps,
            lr=self.lr,
            warmup_steps=self.warmup_steps,
            min_lr_ratio=self.min_lr_ratio,
            weight_decay=self.weight_decay,
            betas=self.betas,
            grad_clip=self.grad_clip,
        )

    def to_json(self) -> str:
        data = dataclasses.asdict(self)
        data.update(data_dir=str(self.data_dir), out_dir=str(self.out_dir))
        return json.dumps(data, indent=2) + "\n"


@dataclass
class TrainResult:
    history: list[dict[str, float]] = field(default_factory=list)
    # The checkpoint that holds the run as it ends (also when nothing was left to train).
    last_checkpoint: str | None = None
    final_val_loss: float | None = None
    step: int = 0  # steps done when train() returned
    resumed_from: int | None = None  # the step the run resumed from, if it resumed
    # The store's latest checkpoint had already reached max_steps: nothing was trained.
    already_complete: bool = False
    # Ctrl-C (SIGINT) stopped the run at a step boundary; last_checkpoint holds that step.
    interrupted: bool = False


def model_config_for(config: TrainConfig, tokenizer: Tokenizer, seq_len: int) -> GPTNeoXConfig:
    model_config = get_config(config.model)
    if tokenizer.vocab_size > model_config.vocab_size:
        raise ConfigError(
            f"the tokenizer has {tokenizer.vocab_size} tokens but model {config.model!r} only "
            f"{model_config.vocab_size}; train a smaller tokenizer or pick a larger model"
        )
    if seq_len > model_config.block_size:
        raise ConfigError(
            f"data rows of {seq_len} tokens exceed model {config.model!r}'s context "
            f"{model_config.block_size}; prepare the data with a smaller --seq-len"
        )
    return model_config


def train(
    config: TrainConfig,
    *,
    store: CheckpointStore | None = None,
    resume: bool = True,
    on_step: Callable[[dict[str, float]], None] | None = None,
) -> TrainResult:
    """Trains until config.max_steps, resuming from the store's latest checkpoint if any.

    A first Ctrl-C (SIGINT, in the main thread) stops the run at the end of the step under way
    and writes a checkpoint of it (result.interrupted); a second one interrupts at once.
    """
    train_rows = PackedRows(config.data_dir, "train")
    val_rows = PackedRows(config.data_dir, "val")
    tokenizer = Tokenizer.load(config.data_dir / TOKENIZER_FILE)
    model_config = model_config_for(config, tokenizer, train_rows.seq_len)
    store = store or LocalCheckpointStore(config.out_dir)
    config.out_dir.mkdir(parents=True, exist_ok=True)

    seed_everything(config.seed)
    resume_name = latest(store) if resume else None
    scratch = Path(tempfile.mkdtemp(prefix="refocused-ckpt-"))
    try:
        if resume_name:
            folder = store.get(resume_name, scratch)
            model = load_pretrained(folder)
            if not model.config.same_model(model_config):
                raise ConfigError(
                    f"{resume_name} holds another model than {config.model!r}; "
                    "pass the model it was trained as, or --no-resume"
                )
            # Our own file from our own store; numpy's RNG state needs full unpickling.
            state = torch.load(folder / STATE_FILE, weights_only=False)
        else:
            model, state = GPTNeoXForCausalLM(model_config), None
        model.gradient_checkpointing = config.activation_checkpointing
        training = Training.prepare(model, config.schedule, config.precision)
        result = TrainResult()
        start = 0
        if state is not None:
            # The data position counts micro-batches of batch_size rows: both must match.
            if (
                state["micro_batch"] != state["step"] * config.grad_accum
                or state.get("batch_size") != config.batch_size
            ):
                raise ConfigError(
                    f"{resume_name} was trained with another --batch-size or --grad-accum; "
                    "resume with the same values, or pass --no-resume"
                )
            start = training.restore(state)
            result.history = state["history"]
        result.step = start
        if resume_name:
            result.resumed_from, result.last_checkpoint = start, resume_name
        if start >= config.max_steps:
            result.already_complete = True
            return result
        plan = _PretrainingPlan(config, training, train_rows, val_rows, scratch, store)
        outcome = run(
            training,
            plan,
            start=start,
            history=result.history,
            eval_interval=config.eval_interval,
            checkpoint_interval=config.checkpoint_interval,
            progress=config.progress,
            log_every_s=config.log_every_s,
            resumed_from=resume_name,
            forward=torch.compile(training.model) if config.compile else None,
            on_step=on_step,
        )
        result.step, result.interrupted = outcome.step, outcome.interrupted
        result.last_checkpoint = outcome.checkpoint or result.last_checkpoint
        result.final_val_loss = outcome.final_val_loss
        return result
    finally:
        shutil.rmtree(scratch, ignore_errors=True)


class _PretrainingPlan:
    """Packed rows of the prepared corpus, a fixed number of micro-batches per step."""

    def __init__(
        self,
        config: TrainConfig,
        training: Training,
        train_rows: PackedRows,
        val_rows: PackedRows,
        scratch: Path,
        store: CheckpointStore,
    ) -> None:
        self.config, self.training = config, training
        self.train_rows, self.val_rows = train_rows, val_rows
        self.scratch, self.store = scratch, store

    def micro_batches(self, step: int) -> Iterator[MicroBatch]:
        config = self.config
        for micro in range(config.grad_accum):
            batch = self.train_rows.batch(
                step * config.grad_accum + micro, config.batch_size, config.seed
            )
            tokens = config.batch_size * self.train_rows.seq_len
            yield MicroBatch(batch["input_ids"], batch["labels"], 1 / config.grad_accum, tokens)

    def describe(self, step: int) -> dict[str, float]:
        return {}

    def evaluate(self, step: int, done: bool) -> dict[str, float]:
        evaluated = evaluate_loss(
            self.training.raw_model,
            self.val_rows,
            batch_size=self.config.batch_size,
            max_batches=self.config.eval_batches,
            device=self.training.device,
            autocast_dtype=self.training.autocast_dtype,
        )
        return {"val_loss": evaluated.loss, "val_perplexity": evaluated.perplexity}

    def report(self, record: Mapping[str, float]) -> str | None:
        if "val_loss" not in record:
            return None
        return (
            f"step {record['step']:.0f}: train loss {record['loss']:.4f}, val loss "
            f"{record['val_loss']:.4f}, perplexity {record['val_perplexity']:.2f}"
        )

    def checkpoint(self, step: int, state: dict[str, Any]) -> str:
        config = self.config
        state.update(micro_batch=step * config.grad_accum, batch_size=config.batch_size)
        name = checkpoint_name(step)
        folder = self.scratch / name
        save_pretrained(self.training.raw_model, folder)
        torch.save(state, folder / STATE_FILE)
        shutil.copy(config.data_dir / TOKENIZER_FILE, folder / TOKENIZER_FILE)
        (folder / TRAIN_CONFIG_FILE).write_text(config.to_json())
        plot_losses(state["history"], folder / PLOT_FILE)
        shutil.copy(folder / PLOT_FILE, config.out_dir / PLOT_FILE)
        self.store.put(name, folder)
        shutil.rmtree(folder, ignore_errors=True)
        return name
