"""Supervised fine-tuning of a trained checkpoint on chats, fully or through LoRA adapters.

The loop is the training engine's (model.loop: accelerate, bf16 on CUDA, AdamW over the
trainable parameters only, warm-up then cosine, clipping, gradient accumulation, checkpoints
that resume the run exactly) over whole chats instead of packed rows: one chat per row, padded
on the right, scored on the assistant's tokens only.
"""

from __future__ import annotations

import math
import random
import shutil
import tempfile
from collections.abc import Callable, Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import torch

from model.api import resolve_checkpoint
from model.checkpoints import LocalCheckpointStore, checkpoint_name, latest
from model.config import ConfigError
from model.convert import load_pretrained, save_pretrained
from model.finetune.config import FINETUNE_CONFIG_FILE, MERGED_DIR, FinetuneConfig
from model.finetune.data import EncodedSet, Example, collate, encode_all, read_chats
from model.finetune.lora import (
    apply_lora,
    load_adapter_weights,
    merge_lora,
    save_adapter,
)
from model.finetune.resume import run_settings, stored_state
from model.gpt_neox import IGNORE_INDEX, GPTNeoXForCausalLM
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
from model.tokenizer import Tokenizer

__all__ = ["FinetuneConfig", "FinetuneResult", "assistant_loss", "finetune", "load_base"]


@dataclass
class FinetuneResult:
    history: list[dict[str, float]] = field(default_factory=list)
    train_examples: int = 0
    val_examples: int = 0
    truncated: int = 0
    dropped: int = 0
    trainable_parameters: int = 0
    total_parameters: int = 0
    checkpoint: Path | None = None
    resumed_from: Path | None = None
    merged: Path | None = None
    final_val_loss: float | None = None
    step: int = 0  # steps done when finetune() returned
    # Ctrl-C (SIGINT) stopped the run at a step boundary; checkpoint holds that step.
    interrupted: bool = False


@torch.no_grad()
def assistant_loss(
    model: torch.nn.Module,
    examples: Sequence[Example],
    pad_id: int,
    *,
    batch_size: int = 8,
    device: str | torch.device = "cpu",
    autocast_dtype: torch.dtype | None = None,
) -> float:
    """Mean loss per scored (assistant) token over the examples."""
    was_training = model.training
    model.eval()
    total, count = 0.0, 0
    device_type = torch.device(device).type
    for start in range(0, len(examples), batch_size):
        batch = collate(examples[start : start + batch_size], pad_id)
        input_ids, labels = batch["input_ids"].to(device), batch["labels"].to(device)
        with torch.autocast(
            device_type, autocast_dtype or torch.float32, enabled=bool(autocast_dtype)
        ):
            _, loss = model(input_ids, labels)
        scored = int((labels[:, 1:] != IGNORE_INDEX).sum())
        total += loss.item() * scored
        count += scored
    model.train(was_training)
    if count == 0:
        raise ValueError("no assistant tokens to evaluate")
    return total / count


def load_base(base: Path) -> tuple[GPTNeoXForCausalLM, Tokenizer, Path]:
    folder = resolve_checkpoint(base)
    # Float32 master weights whatever the file holds; bf16 comes from autocast on CUDA.
    model = load_pretrained(folder, dtype=torch.float32)
    tokenizer = Tokenizer.load(folder)
    if tokenizer.vocab_size > model.config.vocab_size:
        raise ConfigError(f"{folder}'s tokenizer has more tokens than its model's vocabulary")
    return model, tokenizer, folder


def _split(
    config: FinetuneConfig, tokenizer: Tokenizer, max_len: int
) -> tuple[EncodedSet, EncodedSet]:
    chats = read_chats(config.data)
    if config.val_data is not None:
        val_chats = read_chats(config.val_data)
    else:
        random.Random(config.seed).shuffle(chats)
        held = int(len(chats) * config.val_fraction)
        val_chats, chats = chats[:held], chats[held:]
    train_set = encode_all(chats, tokenizer, max_len)
    if not train_set.examples:
        raise ConfigError(f"no training examples fit in {max_len} tokens")
    return train_set, encode_all(val_chats, tokenizer, max_len)


def _schedule(config: FinetuneConfig, steps: int) -> Schedule:
    warmup = config.warmup_steps if config.warmup_steps is not None else min(100, steps // 10)
    return Schedule(
        steps=steps,
        lr=config.peak_lr,
        warmup_steps=min(warmup, steps),
        min_lr_ratio=config.min_lr_ratio,
        weight_decay=config.weight_decay,
        grad_clip=config.grad_clip,
    )


def finetune(
    config: FinetuneConfig,
    *,
    resume: bool = True,
    on_step: Callable[[dict[str, float]], None] | None = None,
) -> FinetuneResult:
    """Fine-tunes config.base on config.data into config.out_dir: checkpoints of the adapter
    (LoRA) or of the whole model (full), and with LoRA and merge, a plain merged checkpoint.

    With resume, a run continues exactly from the latest checkpoint in config.out_dir: the
    same batches, dropout masks and optimizer steps as if it had never stopped.

    A first Ctrl-C (SIGINT, in the main thread) stops the run at the end of the step under way
    and writes a checkpoint of it (result.interrupted, nothing merged); a second one interrupts
    at once."""
    seed_everything(config.seed)
    base_folder = resolve_checkpoint(config.base)
    settings = run_settings(config, base_folder)
    store = LocalCheckpointStore(config.out_dir)
    resume_name = latest(store) if resume else None
    resume_folder = config.out_dir / resume_name if resume_name else None
    state = stored_state(resume_folder, settings) if resume_folder else None

    model, tokenizer = _model_to_train(config, base_folder, resume_folder)
    max_len = min(config.max_len or model.config.block_size, model.config.block_size)
    train_set, val_set = _split(config, tokenizer, max_len)
    total_micro = _total_micro_batches(config, len(train_set.examples))
    steps = math.ceil(total_micro / config.grad_accum)
    training = Training.prepare(model, _schedule(config, steps), config.precision)
    result = FinetuneResult(
        train_examples=len(train_set.examples),
        val_examples=len(val_set.examples),
        truncated=train_set.truncated + val_set.truncated,
        dropped=train_set.dropped + val_set.dropped,
        trainable_parameters=sum(p.numel() for p in model.parameters() if p.requires_grad),
        total_parameters=sum(p.numel() for p in model.parameters()),
    )
    start = 0
    if state is not None:
        start = training.restore(state)  # last: loading the model above drew random numbers
        result.history = state["history"]
        result.resumed_from = result.checkpoint = resume_folder
    config.out_dir.mkdir(parents=True, exist_ok=True)
    result.step = start
    scratch = Path(tempfile.mkdtemp(prefix="refocused-finetune-"))
    run_files = _RunFiles(base_folder, settings, scratch, store)
    plan = _ChatPlan(config, training, tokenizer, train_set, val_set, total_micro, run_files)
    try:
        outcome = run(
            training,
            plan,
            start=start,
            history=result.history,
            eval_interval=config.eval_interval,
            checkpoint_interval=config.checkpoint_interval,
            progress=config.progress,
            log_every_s=config.log_every_s,
            resumed_from=result.resumed_from,
            on_step=on_step,
        )
    finally:
        shutil.rmtree(scratch, ignore_errors=True)
    result.step, result.interrupted = outcome.step, outcome.interrupted
    result.checkpoint = outcome.checkpoint or result.checkpoint
    result.final_val_loss = outcome.final_val_loss

    if config.method == "lora" and config.merge and not result.interrupted:
        result.merged = config.out_dir / MERGED_DIR
        save_pretrained(merge_lora(training.raw_model), result.merged)
        tokenizer.save(result.merged)
    return result


def _model_to_train(
    config: FinetuneConfig, base_folder: Path, resume_folder: Path | None
) -> tuple[GPTNeoXForCausalLM, Tokenizer]:
    """The model with what config.method trains made trainable (LoRA adapters, resumed ones
    loaded, or every weight), and its tokenizer."""
    # A full run's checkpoints are whole models (with the base's tokenizer): resume from one.
    full_resume = config.method == "full" and resume_folder is not None
    model, tokenizer, _ = load_base(resume_folder if full_resume else base_folder)
    if config.method == "lora":
        apply_lora(model, config.lora)  # first: a wrong target fails before any data is encoded
        if resume_folder:
            load_adapter_weights(model, resume_folder)
    else:
        model.requires_grad_(True)
    return model, tokenizer


def _total_micro_batches(config: FinetuneConfig, train_examples: int) -> int:
    """The run's length in micro-batches, so an epoch ends where it ends whatever --grad-accum
    is; the last step of a run by epochs may hold fewer."""
    if config.max_steps:
        return config.max_steps * config.grad_accum
    return config.epochs * math.ceil(train_examples / config.batch_size)


@dataclass(frozen=True)
class _RunFiles:
    base_folder: Path  # the checkpoint the run starts from
    settings: dict[str, Any]  # what a resumed run must share with this one
    scratch: Path  # where a checkpoint is written before the store takes it whole
    store: LocalCheckpointStore


class _ChatPlan:
    """Whole chats in a shuffled order per epoch; each micro-batch weighs by the assistant
    tokens it scores."""

    def __init__(
        self,
        config: FinetuneConfig,
        training: Training,
        tokenizer: Tokenizer,
        train_set: EncodedSet,
        val_set: EncodedSet,
        total_micro: int,
        files: _RunFiles,
    ) -> None:
        self.config, self.training, self.tokenizer = config, training, tokenizer
        self.examples, self.val_set = train_set.examples, val_set
        self.total_micro, self.files = total_micro, files
        self.micro_per_epoch = math.ceil(len(self.examples) / config.batch_size)
        self._order: tuple[int, list[int]] | None = None

    def order(self, epoch: int) -> list[int]:
        """The epoch's shuffled order of the examples (the last one asked for is kept)."""
        if self._order is None or self._order[0] != epoch:
            generator = torch.Generator().manual_seed(self.config.seed + epoch)
            self._order = (epoch, torch.randperm(len(self.examples), generator=generator).tolist())
        return self._order[1]

    def _micro_range(self, step: int) -> range:
        accum = self.config.grad_accum
        return range(step * accum, min((step + 1) * accum, self.total_micro))

    def _rows(self, index: int) -> list[Example]:
        epoch, position = divmod(index, self.micro_per_epoch)
        size = self.config.batch_size
        chosen = self.order(epoch)[position * size : (position + 1) * size]
        return [self.examples[i] for i in chosen]

    def micro_batches(self, step: int) -> Iterator[MicroBatch]:
        pad_id = self.tokenizer.pad_id
        batches = [collate(self._rows(i), pad_id) for i in self._micro_range(step)]
        # The loss is a mean over scored tokens, and micro-batches hold different numbers of
        # them: weighting each by its share of the step's gives the gradient of the whole
        # step's batch at once.
        scored = [int((b["labels"][:, 1:] != IGNORE_INDEX).sum()) for b in batches]
        for batch, count in zip(batches, scored, strict=True):
            tokens = int((batch["input_ids"] != pad_id).sum())
            yield MicroBatch(batch["input_ids"], batch["labels"], count / sum(scored), tokens)

    def describe(self, step: int) -> dict[str, float]:
        return {"epoch": self._micro_range(step)[-1] // self.micro_per_epoch + 1}

    def evaluate(self, step: int, done: bool) -> dict[str, float]:
        if not self.val_set.examples:
            return {}
        loss = assistant_loss(
            self.training.raw_model,
            self.val_set.examples,
            self.tokenizer.pad_id,
            batch_size=self.config.batch_size,
            device=self.training.device,
            autocast_dtype=self.training.autocast_dtype,
        )
        return {"val_loss": loss}

    def report(self, record: Mapping[str, float]) -> str | None:
        step = int(record["step"])
        if "val_loss" not in record and step % self.config.eval_interval != 0:
            return None
        val = f", val loss {record['val_loss']:.4f}" if "val_loss" in record else ""
        return (
            f"step {step} (epoch {record['epoch']:.0f}): loss {record['loss']:.4f}"
            f"{val}, {record['tokens_per_s']:,.0f} tokens/s"
        )

    def checkpoint(self, step: int, state: dict[str, Any]) -> Path:
        config = self.config
        name = checkpoint_name(step)
        folder = self.files.scratch / name
        if config.method == "lora":
            base = str(self.files.base_folder)
            save_adapter(self.training.raw_model, config.lora, folder, base=base)
        else:
            save_pretrained(self.training.raw_model, folder)
            self.tokenizer.save(folder)
        accum = config.grad_accum
        next_micro = min(step * accum, self.total_micro)
        next_epoch, next_position = divmod(next_micro, self.micro_per_epoch)
        state.update(
            micro_batch=step * accum,
            # The next example: its epoch, and its place in that epoch's shuffled order.
            data={"epoch": next_epoch, "position": next_position * config.batch_size},
            settings=self.files.settings,
        )
        torch.save(state, folder / STATE_FILE)
        (folder / FINETUNE_CONFIG_FILE).write_text(config.to_json())
        plot_losses(state["history"], folder / PLOT_FILE)
        shutil.copy(folder / PLOT_FILE, config.out_dir / PLOT_FILE)
        # Whole or not at all: a crash never leaves half a checkpoint.
        self.files.store.put(name, folder)
        shutil.rmtree(folder, ignore_errors=True)
        return config.out_dir / name
