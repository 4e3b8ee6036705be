"""Pre-training with accelerate: bf16, gradient accumulation, AdamW, cosine schedule, clipping,
held-out evaluation, checkpoints that resume the same run exactly."""

from __future__ import annotations

import dataclasses
import json
import math
import os
import random
import shutil
import signal
import sys
import tempfile
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import numpy as np
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
from model.tokenizer import TOKENIZER_FILE, Tokenizer

STATE_FILE = "trainer_state.pt"
TRAIN_CONFIG_FILE = "train_config.json"
PLOT_FILE = "loss_curve.png"
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


def _duration(seconds: float) -> str:
    hours, rest = divmod(max(0, round(seconds)), 3600)
    minutes, secs = divmod(rest, 60)
    if hours:
        return f"{hours}h {minutes:02d}m"
    return f"{minutes}m {secs:02d}s" if minutes else f"{secs}s"


class ProgressDisplay:
    """What a person watching a run sees. In a terminal: one tqdm bar on stderr, with messages
    written above it, never across it. Otherwise (a log file, a pipe, a job runner): plain
    lines on stdout with step, loss, tokens/s and ETA, at the first step, then at most every
    `every_s` seconds, and at the last step; messages in between. Disabled: silent."""

    def __init__(
        self,
        total: int,
        initial: int,
        tokens_per_step: int,
        *,
        enabled: bool,
        terminal: bool,
        every_s: float,
    ) -> None:
        self.total, self.initial, self.tokens_per_step = total, initial, tokens_per_step
        self.enabled, self.every_s = enabled, every_s
        self.bar: Any = None
        if enabled and terminal:
            from tqdm.auto import tqdm

            self.bar = tqdm(total=total, initial=initial, unit="step", file=sys.stderr)
        self.started = time.perf_counter()
        self.first_done_at: float | None = None
        self.line_at: float | None = None
        self.tokens_since_line = 0

    def message(self, text: str) -> None:
        if self.bar is not None:
            self.bar.write(text, file=sys.stdout)
            sys.stdout.flush()
        elif self.enabled:
            print(text, flush=True)

    def seconds_left(self, step: int, now: float) -> float:
        done_here = step - self.initial
        if self.first_done_at is None or done_here <= 1:
            per_step = now - self.started  # the first step, compilation and warm-up included
        else:
            per_step = (now - self.first_done_at) / (done_here - 1)
        return per_step * (self.total - step)

    def step(self, record: dict[str, float], tokens: int | None = None) -> None:
        """After each step: its record, and the tokens it trained on when they vary."""
        now = time.perf_counter()
        step = int(record["step"])
        if self.first_done_at is None:
            self.first_done_at = now
        self.tokens_since_line += self.tokens_per_step if tokens is None else tokens
        if self.bar is not None:
            self.bar.update(1)
            self.bar.set_postfix(
                loss=f"{record['loss']:.3f}", tok_s=f"{record['tokens_per_s']:,.0f}"
            )
            return
        if not self.enabled:
            return
        due = self.line_at is None or now - self.line_at >= self.every_s or step == self.total
        if not due:
            return
        if self.line_at is None:
            tokens_per_s = record["tokens_per_s"]
        else:
            tokens_per_s = self.tokens_since_line / (now - self.line_at)
        print(
            f"step {step}/{self.total} ({step / self.total:.0%}): loss {record['loss']:.4f}, "
            f"{tokens_per_s:,.0f} tokens/s, ETA {_duration(self.seconds_left(step, now))}",
            flush=True,
        )
        self.line_at, self.tokens_since_line = now, 0

    def close(self) -> None:
        if self.bar is not None:
            self.bar.close()


class StopRequest:
    """While active (in the main thread), the first Ctrl-C (SIGINT) asks the run to stop at the
    next step boundary with a checkpoint; a second one interrupts at once, as by default."""

    def __init__(self) -> None:
        self.requested = False
        self._previous: Any = None

    def _handle(self, signum: int, frame: Any) -> None:
        if self.requested:
            raise KeyboardInterrupt
        self.requested = True
        # os.write, not print: a signal handler may run in the middle of another print.
        note = b"\nCtrl-C: stopping after this step with a checkpoint (Ctrl-C again: at once)\n"
        try:
            os.write(sys.stderr.fileno(), note)
        except (OSError, ValueError, AttributeError):
            pass

    def start(self) -> None:
        if threading.current_thread() is threading.main_thread():
            self._previous = signal.signal(signal.SIGINT, self._handle)

    def close(self) -> None:
        if self._previous is not None:
            signal.signal(signal.SIGINT, self._previous)
            self._previous = None


def lr_factor(step: int, config: TrainConfig) -> float:
    """Linear warm-up to 1, then cosine decay to min_lr_ratio at max_steps."""
    if step < config.warmup_steps:
        return (step + 1) / (config.warmup_steps + 1)
    span = max(1, config.max_steps - config.warmup_steps)
    progress = min(1.0, (step - config.warmup_steps) / span)
    return config.min_lr_ratio + (1 - config.min_lr_ratio) * 0.5 * (
        1 + math.cos(math.pi * progress)
    )


def build_optimizer(model: torch.nn.Module, config: TrainConfig, fused: bool) -> torch.optim.AdamW:
    # Decay matrices (linear weights, embeddings) only: decaying biases and LayerNorm gains
    # pulls them towards zero for no regularising benefit.
    decay = [p for p in model.parameters() if p.requires_grad and p.dim() >= 2]
    no_decay = [p for p in model.parameters() if p.requires_grad and p.dim() < 2]
    groups = [
        {"params": decay, "weight_decay": config.weight_decay},
        {"params": no_decay, "weight_decay": 0.0},
    ]
    return torch.optim.AdamW(groups, lr=config.lr, betas=config.betas, fused=fused)


def rng_state() -> dict[str, Any]:
    state = {
        "python": random.getstate(),
        "numpy": np.random.get_state(),
        "torch": torch.get_rng_state(),
    }
    if torch.cuda.is_available():
        state["cuda"] = torch.cuda.get_rng_state_all()
    return state


def set_rng_state(state: dict[str, Any]) -> None:
    random.setstate(state["python"])
    np.random.set_state(state["numpy"])
    torch.set_rng_state(state["torch"])
    if "cuda" in state and torch.cuda.is_available():
        torch.cuda.set_rng_state_all(state["cuda"])


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
    from accelerate import Accelerator

    train_rows = PackedRows(config.data_dir, "train")
    val_rows = PackedRows(config.data_dir, "val")
    tokenizer = Tokenizer.load(config.data_dir / TOKENIZER_FILE)
    model_config = model_config_for(config, tokenizer, train_rows.seq_len)
    store = store or LocalCheckpointStore(config.out_dir)
    config.out_dir.mkdir(parents=True, exist_ok=True)

    cuda = torch.cuda.is_available()
    bf16 = config.precision == "bf16" or (config.precision == "auto" and cuda)
    accelerator = Accelerator(mixed_precision="bf16" if bf16 else "no", cpu=not cuda)
    if cuda:
        torch.backends.cuda.matmul.allow_tf32 = True
        torch.backends.cudnn.allow_tf32 = True

    random.seed(config.seed)
    np.random.seed(config.seed)
    torch.manual_seed(config.seed)
    resume_name = latest(store) if resume else None
    scratch = Path(tempfile.mkdtemp(prefix="refocused-ckpt-"))
    stop = StopRequest()
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
        optimizer = build_optimizer(model, config, fused=cuda)
        scheduler = torch.optim.lr_scheduler.LambdaLR(optimizer, lambda s: lr_factor(s, config))
        model, optimizer = accelerator.prepare(model, optimizer)
        raw_model = accelerator.unwrap_model(model)
        step_fn = torch.compile(model) if config.compile else model
        result = TrainResult()
        start = 0
        if state is not None:
            optimizer.load_state_dict(state["optimizer"])
            scheduler.load_state_dict(state["scheduler"])
            set_rng_state(state["rng"])
            start = state["step"]
            result.history = state["history"]
            # The data position counts micro-batches of batch_size rows: both must match.
            if (
                state["micro_batch"] != start * config.grad_accum
                or state.get("batch_size") != config.batch_size
            ):
                raise ConfigError(
                    f"{resume_name} was trained with another --batch-size or --grad-accum; "
                    "resume with the same values, or pass --no-resume"
                )
        tokens_per_step = config.batch_size * config.grad_accum * train_rows.seq_len
        result.step = start
        if resume_name:
            result.resumed_from, result.last_checkpoint = start, resume_name
        if start >= config.max_steps:
            result.already_complete = True
            return result
        display = ProgressDisplay(
            config.max_steps,
            start,
            tokens_per_step,
            enabled=config.progress,
            terminal=sys.stderr.isatty(),
            every_s=config.log_every_s,
        )
        if resume_name:
            display.message(
                f"resuming from checkpoint {resume_name}: {start} of {config.max_steps} steps done"
            )
        model.train()
        stop.start()
        for step in range(start, config.max_steps):
            started = time.perf_counter()
            step_loss = torch.zeros((), device=accelerator.device)
            for micro in range(config.grad_accum):
                batch = train_rows.batch(
                    step * config.grad_accum + micro, config.batch_size, config.seed
                )
                batch = {k: v.to(accelerator.device, non_blocking=True) for k, v in batch.items()}
                with accelerator.autocast():
                    _, loss = step_fn(batch["input_ids"], batch["labels"])
                accelerator.backward(loss / config.grad_accum)
                step_loss += loss.detach() / config.grad_accum
            grad_norm = accelerator.clip_grad_norm_(model.parameters(), config.grad_clip)
            lr = optimizer.param_groups[0]["lr"]
            optimizer.step()
            scheduler.step()
            optimizer.zero_grad(set_to_none=True)
            loss_value = step_loss.item()  # one host sync per step, after the optimizer step
            elapsed = time.perf_counter() - started
            record = {
                "step": step + 1,
                "loss": loss_value,
                "lr": lr,
                "grad_norm": float(grad_norm),
                "tokens_per_s": tokens_per_step / elapsed,
            }
            done = step + 1 == config.max_steps
            if (step + 1) % config.eval_interval == 0 or done:
                evaluated = evaluate_loss(
                    raw_model,
                    val_rows,
                    batch_size=config.batch_size,
                    max_batches=config.eval_batches,
                    device=accelerator.device,
                    autocast_dtype=torch.bfloat16 if bf16 else None,
                )
                record.update(val_loss=evaluated.loss, val_perplexity=evaluated.perplexity)
                result.final_val_loss = evaluated.loss
            result.history.append(record)
            result.step = step + 1
            display.step(record)
            if "val_loss" in record:
                display.message(
                    f"step {step + 1}: train loss {loss_value:.4f}, val loss "
                    f"{record['val_loss']:.4f}, perplexity {record['val_perplexity']:.2f}"
                )
            if on_step:
                on_step(record)
            # Ctrl-C stops here, at a step boundary, with a checkpoint of this step.
            result.interrupted = stop.requested and not done
            if (step + 1) % config.checkpoint_interval == 0 or done or result.interrupted:
                state = {
                    "step": step + 1,
                    "micro_batch": (step + 1) * config.grad_accum,
                    "batch_size": config.batch_size,
                    "optimizer": optimizer.state_dict(),
                    "scheduler": scheduler.state_dict(),
                    "rng": rng_state(),
                    "history": result.history,
                }
                result.last_checkpoint = _write_checkpoint(raw_model, state, config, scratch, store)
            if result.interrupted:
                break
        display.close()
        return result
    finally:
        stop.close()
        shutil.rmtree(scratch, ignore_errors=True)


def _write_checkpoint(
    model: GPTNeoXForCausalLM,
    state: dict[str, Any],
    config: TrainConfig,
    scratch: Path,
    store: CheckpointStore,
) -> str:
    name = checkpoint_name(state["step"])
    folder = scratch / name
    save_pretrained(model, folder)
    torch.save(state, folder / STATE_FILE)
    shutil.copy(config.data_dir / TOKENIZER_FILE, folder / TOKENIZER_FILE)
    (folder / TRAIN_CONFIG_FILE).write_text(config.to_json())
    plot_losses(state["history"], folder / PLOT_FILE)
    shutil.copy(folder / PLOT_FILE, config.out_dir / PLOT_FILE)
    store.put(name, folder)
    shutil.rmtree(folder, ignore_errors=True)
    return name


def plot_losses(history: list[dict[str, float]], path: Path) -> None:
    import matplotlib

    matplotlib.use("Agg")
    from matplotlib import pyplot as plt

    fig, ax = plt.subplots(figsize=(7, 4))
    ax.plot([h["step"] for h in history], [h["loss"] for h in history], label="train")
    evals = [h for h in history if "val_loss" in h]
    ax.plot([h["step"] for h in evals], [h["val_loss"] for h in evals], "o-", label="validation")
    ax.set_xlabel("step")
    ax.set_ylabel("loss (nats per token)")
    ax.legend()
    ax.grid(alpha=0.3)
    fig.tight_layout()
    fig.savefig(path, dpi=100)
    plt.close(fig)
