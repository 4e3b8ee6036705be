"""The one training engine that pre-training (model.train) and fine-tuning (model.finetune)
configure: accelerate with bf16 on CUDA, AdamW with decay on matrices only, warm-up then cosine,
gradient accumulation with weighted micro-batches, clipping, the evaluation and checkpoint
cadence, Ctrl-C at a step boundary with a checkpoint, progress for a person, and checkpoints
that resume a run exactly (optimizer, schedule and every random generator).

What differs between the two is a `Plan`: which micro-batches make a step, how the model is
evaluated, and what a checkpoint holds besides the engine's own state."""

from __future__ import annotations

import math
import os
import random
import signal
import sys
import threading
import time
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Protocol

import numpy as np
import torch

STATE_FILE = "trainer_state.pt"
PLOT_FILE = "loss_curve.png"


@dataclass(frozen=True)
class Schedule:
    """The optimizer and its learning rate over a run of `steps` optimizer steps."""

    steps: int
    lr: float
    warmup_steps: int
    min_lr_ratio: float = 0.1
    weight_decay: float = 0.1
    betas: tuple[float, float] = (0.9, 0.95)
    grad_clip: float = 1.0


def lr_factor(step: int, schedule: Schedule) -> float:
    """Linear warm-up to 1, then cosine decay to min_lr_ratio at the last step."""
    if step < schedule.warmup_steps:
        return (step + 1) / (schedule.warmup_steps + 1)
    span = max(1, schedule.steps - schedule.warmup_steps)
    progress = min(1.0, (step - schedule.warmup_steps) / span)
    return schedule.min_lr_ratio + (1 - schedule.min_lr_ratio) * 0.5 * (
        1 + math.cos(math.pi * progress)
    )


def build_optimizer(model: torch.nn.Module, schedule: Schedule, fused: bool) -> torch.optim.AdamW:
    """AdamW over the trainable parameters. Matrices (linear weights, embeddings) decay;
    decaying biases and LayerNorm gains pulls them towards zero for no regularising benefit."""
    decay = [p for p in model.parameters() if p.requires_grad and p.dim() >= 2]
    no_decay = [p for p in model.parameters() if p.requires_grad and p.dim() < 2]
    groups = [
        {"params": decay, "weight_decay": schedule.weight_decay},
        {"params": no_decay, "weight_decay": 0.0},
    ]
    return torch.optim.AdamW(groups, lr=schedule.lr, betas=schedule.betas, fused=fused)


def seed_everything(seed: int) -> None:
    random.seed(seed)
    np.random.seed(seed)
    torch.manual_seed(seed)


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
        self, total: int, initial: int, *, enabled: bool, terminal: bool, every_s: float
    ) -> None:
        self.total, self.initial = total, initial
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

    def step(self, record: Mapping[str, float], tokens: int) -> None:
        """After each step: its record, and the tokens it trained on."""
        now = time.perf_counter()
        step = int(record["step"])
        if self.first_done_at is None:
            self.first_done_at = now
        self.tokens_since_line += tokens
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


@dataclass(frozen=True)
class MicroBatch:
    """Rows of one forward and backward pass: `weight` is its share of the step's loss (the
    micro-batches of a step weigh 1 together), `tokens` the tokens it trains on."""

    input_ids: torch.Tensor
    labels: torch.Tensor
    weight: float
    tokens: int


class Plan(Protocol):
    """What a kind of training tells the engine."""

    def micro_batches(self, step: int) -> Iterable[MicroBatch]:
        """The micro-batches of optimizer step `step` (counted from 0)."""
        ...

    def describe(self, step: int) -> dict[str, float]:
        """Fields of the step's record besides the engine's (for example its epoch)."""
        ...

    def evaluate(self, step: int, done: bool) -> dict[str, float]:
        """The held-out figures after step `step` (counted from 1); {} when not evaluated."""
        ...

    def report(self, record: Mapping[str, float]) -> str | None:
        """A line for the person watching after this step, if any."""
        ...

    def checkpoint(self, step: int, state: dict[str, Any]) -> Any:
        """Write a checkpoint of the run after `step` with the engine's `state`; what names it."""
        ...


@dataclass
class Training:
    """A model, its optimizer and schedule, prepared by accelerate for this machine."""

    model: torch.nn.Module  # as accelerate wrapped it: the one to train
    raw_model: Any  # the model itself, to evaluate and save
    optimizer: torch.optim.Optimizer
    scheduler: torch.optim.lr_scheduler.LambdaLR
    accelerator: Any
    schedule: Schedule
    bf16: bool

    @classmethod
    def prepare(cls, model: torch.nn.Module, schedule: Schedule, precision: str) -> Training:
        """bf16 autocast on CUDA (or when asked), float32 elsewhere; TF32 matmuls on CUDA."""
        from accelerate import Accelerator

        cuda = torch.cuda.is_available()
        bf16 = precision == "bf16" or (precision == "auto" and cuda)
        accelerator = Accelerator(mixed_precision="bf16" if bf16 else "no", cpu=not cuda)
        if cuda:
            torch.backends.cuda.matmul.allow_tf32 = True
            torch.backends.cudnn.allow_tf32 = True
        optimizer = build_optimizer(model, schedule, fused=cuda)
        scheduler = torch.optim.lr_scheduler.LambdaLR(optimizer, lambda s: lr_factor(s, schedule))
        model, optimizer = accelerator.prepare(model, optimizer)
        raw_model = accelerator.unwrap_model(model)
        return cls(model, raw_model, optimizer, scheduler, accelerator, schedule, bf16)

    @property
    def device(self) -> torch.device:
        return torch.device(self.accelerator.device)

    @property
    def autocast_dtype(self) -> torch.dtype | None:
        return torch.bfloat16 if self.bf16 else None

    def restore(self, state: dict[str, Any]) -> int:
        """Continue from a checkpoint's engine state; the step it was written after. Call it
        last: building and loading the model above draws random numbers."""
        self.optimizer.load_state_dict(state["optimizer"])
        self.scheduler.load_state_dict(state["scheduler"])
        set_rng_state(state["rng"])
        return int(state["step"])

    def state(self, step: int, history: list[dict[str, float]]) -> dict[str, Any]:
        """What `restore` needs, after `step`."""
        return {
            "step": step,
            "optimizer": self.optimizer.state_dict(),
            "scheduler": self.scheduler.state_dict(),
            "rng": rng_state(),
            "history": history,
        }


@dataclass
class Outcome:
    step: int  # optimizer steps done when the loop ended
    interrupted: bool  # Ctrl-C stopped it at a step boundary, with a checkpoint
    checkpoint: Any  # what Plan.checkpoint returned for the last checkpoint written, if any
    final_val_loss: float | None


def run(
    training: Training,
    plan: Plan,
    *,
    start: int,
    history: list[dict[str, float]],
    eval_interval: int,
    checkpoint_interval: int | None,
    progress: bool,
    log_every_s: float,
    resumed_from: object = None,
    forward: Callable[..., Any] | None = None,
    on_step: Callable[[dict[str, float]], None] | None = None,
) -> Outcome:
    """Trains from step `start` to the schedule's last step, appending each step's record to
    `history`; evaluates every `eval_interval` steps and at the end; writes a checkpoint every
    `checkpoint_interval` steps (None: only at the end), at the end, and when Ctrl-C asks to
    stop. Shows progress (`ProgressDisplay`) when asked, saying first which checkpoint the run
    resumed from. `forward` replaces the model's call (for example a compiled model)."""
    model, steps = training.model, training.schedule.steps
    display = ProgressDisplay(
        steps,
        min(start, steps),
        enabled=progress,
        terminal=sys.stderr.isatty(),
        every_s=log_every_s,
    )
    if resumed_from is not None:
        display.message(f"resuming from checkpoint {resumed_from}: {start} of {steps} steps done")
    forward = forward or model
    outcome = Outcome(start, False, None, None)
    evaluated = [h["val_loss"] for h in history if "val_loss" in h]
    outcome.final_val_loss = evaluated[-1] if evaluated else None
    model.train()
    stop = StopRequest()
    stop.start()
    try:
        for step in range(start, steps):
            record, tokens = _optimizer_step(training, plan, forward, step)
            done = step + 1 == steps
            if (step + 1) % eval_interval == 0 or done:
                figures = plan.evaluate(step + 1, done)
                record.update(figures)
                if "val_loss" in figures:
                    outcome.final_val_loss = figures["val_loss"]
            history.append(record)
            outcome.step = step + 1
            display.step(record, tokens)
            if line := plan.report(record):
                display.message(line)
            if on_step:
                on_step(record)
            # Ctrl-C stops here, at a step boundary, with a checkpoint of this step.
            outcome.interrupted = stop.requested and not done
            interval = checkpoint_interval
            if done or outcome.interrupted or (interval and (step + 1) % interval == 0):
                outcome.checkpoint = plan.checkpoint(step + 1, training.state(step + 1, history))
            if outcome.interrupted:
                break
    finally:
        stop.close()
        display.close()
    return outcome


def _optimizer_step(
    training: Training, plan: Plan, forward: Callable[..., Any], step: int
) -> tuple[dict[str, float], int]:
    """One optimizer step over `plan`'s micro-batches of `step`, gradients accumulated by their
    weights: the step's record (before any evaluation) and the tokens it trained on."""
    model, optimizer, scheduler = training.model, training.optimizer, training.scheduler
    accelerator = training.accelerator
    started = time.perf_counter()
    step_loss = torch.zeros((), device=accelerator.device)
    tokens = 0
    for micro in plan.micro_batches(step):
        input_ids = micro.input_ids.to(accelerator.device, non_blocking=True)
        labels = micro.labels.to(accelerator.device, non_blocking=True)
        with accelerator.autocast():
            _, loss = forward(input_ids, labels)
        accelerator.backward(loss * micro.weight)
        step_loss += loss.detach() * micro.weight
        tokens += micro.tokens
    grad_norm = accelerator.clip_grad_norm_(model.parameters(), training.schedule.grad_clip)
    lr = optimizer.param_groups[0]["lr"]
    optimizer.step()
    scheduler.step()
    optimizer.zero_grad(set_to_none=True)
    loss_value = step_loss.item()  # one host sync per step, after the optimizer step
    record: dict[str, float] = {
        "step": step + 1,
        **plan.describe(step),
        "loss": loss_value,
        "lr": lr,
        "grad_norm": float(grad_norm),
        "tokens_per_s": tokens / (time.perf_counter() - started),
    }
    return record, tokens
