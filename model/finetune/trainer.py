"""Supervised fine-tuning of a trained checkpoint on chats, fully or through LoRA adapters.

The loop is model.train's (accelerate, bf16 on CUDA, AdamW over the trainable parameters only,
warm-up then cosine, clipping, gradient accumulation, checkpoints that resume the run exactly)
over whole chats instead of packed rows: one chat per row, padded on the right, scored on the
assistant's tokens only.
"""

from __future__ import annotations

import dataclasses
import functools
import json
import math
import random
import shutil
import sys
import tempfile
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import numpy as np
import torch

from model.api import resolve_checkpoint
from model.checkpoints import LocalCheckpointStore, checkpoint_name, latest
from model.config import ConfigError
from model.convert import load_pretrained, save_pretrained
from model.finetune.data import EncodedSet, Example, collate, encode_all, read_chats
from model.finetune.lora import (
    LoRAConfig,
    apply_lora,
    load_adapter_weights,
    merge_lora,
    save_adapter,
)
from model.finetune.resume import run_settings, stored_state
from model.gpt_neox import IGNORE_INDEX, GPTNeoXForCausalLM
from model.tokenizer import Tokenizer
from model.train import (
    PLOT_FILE,
    STATE_FILE,
    ProgressDisplay,
    StopRequest,
    TrainConfig,
    build_optimizer,
    lr_factor,
    plot_losses,
    rng_state,
    set_rng_state,
)

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


def _schedule(config: FinetuneConfig, steps: int) -> TrainConfig:
    """model.train's settings for its optimizer and learning-rate schedule."""
    warmup = config.warmup_steps if config.warmup_steps is not None else min(100, steps // 10)
    return TrainConfig(
        data_dir=config.data,
        out_dir=config.out_dir,
        max_steps=steps,
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
    from accelerate import Accelerator

    random.seed(config.seed)
    np.random.seed(config.seed)
    torch.manual_seed(config.seed)
    base_folder = resolve_checkpoint(config.base)
    settings = run_settings(config, base_folder)
    store = LocalCheckpointStore(config.out_dir)
    resume_name = latest(store) if resume else None
    resume_folder = config.out_dir / resume_name if resume_name else None
    state = stored_state(resume_folder, settings) if resume_folder else None

    # A full run's checkpoints are whole models (with the base's tokenizer): resume from one.
    full_resume = config.method == "full" and resume_folder is not None
    model, tokenizer, _ = load_base(resume_folder if full_resume else base_folder)
    max_len = min(config.max_len or model.config.block_size, model.config.block_size)
    if config.method == "lora":
        apply_lora(model, config.lora)  # first: a wrong target fails before any data is encoded
        if resume_folder:
            load_adapter_weights(model, resume_folder)
    else:
        model.requires_grad_(True)
    train_set, val_set = _split(config, tokenizer, max_len)
    examples = train_set.examples
    micro_per_epoch = math.ceil(len(examples) / config.batch_size)
    accum = config.grad_accum
    # Counted in micro-batches, so an epoch ends where it ends whatever --grad-accum is; the
    # last step of a run by epochs may hold fewer.
    total_micro = config.max_steps * accum if config.max_steps else config.epochs * micro_per_epoch
    steps = math.ceil(total_micro / accum)
    schedule = _schedule(config, steps)

    cuda = torch.cuda.is_available()
    bf16 = config.precision == "bf16" or (config.precision == "auto" and cuda)
    accelerator = Accelerator(mixed_precision="bf16" if bf16 else "no", cpu=not cuda)
    optimizer = build_optimizer(model, schedule, fused=cuda)
    scheduler = torch.optim.lr_scheduler.LambdaLR(optimizer, lambda s: lr_factor(s, schedule))
    model, optimizer = accelerator.prepare(model, optimizer)
    raw_model = accelerator.unwrap_model(model)
    result = FinetuneResult(
        train_examples=len(examples),
        val_examples=len(val_set.examples),
        truncated=train_set.truncated + val_set.truncated,
        dropped=train_set.dropped + val_set.dropped,
        trainable_parameters=sum(p.numel() for p in model.parameters() if p.requires_grad),
        total_parameters=sum(p.numel() for p in model.parameters()),
    )
    start = 0
    if state is not None:
        optimizer.load_state_dict(state["optimizer"])
        scheduler.load_state_dict(state["scheduler"])
        set_rng_state(state["rng"])  # last: loading the model above drew random numbers
        start = state["step"]
        result.history = state["history"]
        result.resumed_from = result.checkpoint = resume_folder
        evaluated = [h["val_loss"] for h in result.history if "val_loss" in h]
        result.final_val_loss = evaluated[-1] if evaluated else None
    config.out_dir.mkdir(parents=True, exist_ok=True)

    def evaluate() -> float:
        return assistant_loss(
            raw_model,
            val_set.examples,
            tokenizer.pad_id,
            batch_size=config.batch_size,
            device=accelerator.device,
            autocast_dtype=torch.bfloat16 if bf16 else None,
        )

    @functools.lru_cache(maxsize=1)
    def order(epoch: int) -> list[int]:
        generator = torch.Generator().manual_seed(config.seed + epoch)
        return torch.randperm(len(examples), generator=generator).tolist()

    def micro_batch(index: int) -> list[Example]:
        epoch, position = divmod(index, micro_per_epoch)
        chosen = order(epoch)[position * config.batch_size : (position + 1) * config.batch_size]
        return [examples[i] for i in chosen]

    def save(step: int, scratch: Path) -> Path:
        name = checkpoint_name(step)
        folder = scratch / name
        if config.method == "lora":
            save_adapter(raw_model, config.lora, folder, base=str(base_folder))
        else:
            save_pretrained(raw_model, folder)
            tokenizer.save(folder)
        next_epoch, next_position = divmod(min(step * accum, total_micro), micro_per_epoch)
        trainer_state = {
            "step": step,
            "micro_batch": step * accum,
            # The next example: its epoch, and its place in that epoch's shuffled order.
            "data": {"epoch": next_epoch, "position": next_position * config.batch_size},
            "settings": settings,
            "optimizer": optimizer.state_dict(),
            "scheduler": scheduler.state_dict(),
            "rng": rng_state(),
            "history": result.history,
        }
        torch.save(trainer_state, folder / STATE_FILE)
        (folder / FINETUNE_CONFIG_FILE).write_text(config.to_json())
        plot_losses(result.history, folder / PLOT_FILE)
        shutil.copy(folder / PLOT_FILE, config.out_dir / PLOT_FILE)
        store.put(name, folder)  # whole or not at all: a crash never leaves half a checkpoint
        shutil.rmtree(folder, ignore_errors=True)
        return config.out_dir / name

    result.step = start
    display = ProgressDisplay(
        steps,
        min(start, steps),
        0,
        enabled=config.progress,
        terminal=sys.stderr.isatty(),
        every_s=config.log_every_s,
    )
    if result.resumed_from is not None:
        display.message(
            f"resuming from checkpoint {result.resumed_from}: {start} of {steps} steps done"
        )
    model.train()
    scratch = Path(tempfile.mkdtemp(prefix="refocused-finetune-"))
    stop = StopRequest()
    stop.start()
    try:
        for step in range(start, steps):
            started = time.perf_counter()
            micro = range(step * accum, min((step + 1) * accum, total_micro))
            batches = [collate(micro_batch(i), tokenizer.pad_id) for i in micro]
            # The loss is a mean over scored tokens, and micro-batches hold different numbers
            # of them: weighting each by its share of the step's gives the gradient of the
            # whole step's batch at once.
            scored = [int((b["labels"][:, 1:] != IGNORE_INDEX).sum()) for b in batches]
            step_loss = torch.zeros((), device=accelerator.device)
            tokens = 0
            for batch, count in zip(batches, scored, strict=True):
                tokens += int((batch["input_ids"] != tokenizer.pad_id).sum())
                batch = {k: v.to(accelerator.device, non_blocking=True) for k, v in batch.items()}
                with accelerator.autocast():
                    _, loss = model(batch["input_ids"], batch["labels"])
                weight = count / sum(scored)
                accelerator.backward(loss * weight)
                step_loss += loss.detach() * weight
            grad_norm = accelerator.clip_grad_norm_(model.parameters(), config.grad_clip)
            lr = optimizer.param_groups[0]["lr"]
            optimizer.step()
            scheduler.step()
            optimizer.zero_grad(set_to_none=True)
            record: dict[str, Any] = {
                "step": step + 1,
                "epoch": micro[-1] // micro_per_epoch + 1,
                "loss": step_loss.item(),
                "lr": lr,
                "grad_norm": float(grad_norm),
                "tokens_per_s": tokens / (time.perf_counter() - started),
            }
            done = step + 1 == steps
            if val_set.examples and ((step + 1) % config.eval_interval == 0 or done):
                record["val_loss"] = result.final_val_loss = evaluate()
            result.history.append(record)
            result.step = step + 1
            display.step(record, tokens)
            if "val_loss" in record or (step + 1) % config.eval_interval == 0:
                val = f", val loss {record['val_loss']:.4f}" if "val_loss" in record else ""
                display.message(
                    f"step {step + 1} (epoch {record['epoch']}): loss {record['loss']:.4f}"
                    f"{val}, {record['tokens_per_s']:,.0f} tokens/s"
                )
            if on_step:
                on_step(record)
            # Ctrl-C stops here, at a step boundary, with a checkpoint of this step.
            result.interrupted = stop.requested and not done
            interval = config.checkpoint_interval
            if done or result.interrupted or (interval and (step + 1) % interval == 0):
                result.checkpoint = save(step + 1, scratch)
            if result.interrupted:
                break
    finally:
        stop.close()
        shutil.rmtree(scratch, ignore_errors=True)
        display.close()

    if config.method == "lora" and config.merge and not result.interrupted:
        result.merged = config.out_dir / MERGED_DIR
        save_pretrained(merge_lora(raw_model), result.merged)
        tokenizer.save(result.merged)
    return result
