"""`refocused model finetune`: a checkpoint plus chats or instructions -> a fine-tuned model."""

from __future__ import annotations

import sys
from pathlib import Path
from typing import Any

import click

from model.cli import _friendly_errors, precision_option

_existing = click.Path(exists=True, path_type=Path)
_file = click.Path(exists=True, dir_okay=False, path_type=Path)
TARGETS_HELP = "query_key_value, dense, dense_h_to_4h, dense_4h_to_h (or embed_out)"


@click.command("finetune")
@click.argument("base_checkpoint", type=_existing)
@click.option("--data", required=True, type=_file, help="Training JSONL: chats or instructions.")
@click.option(
    "--val-data",
    type=_file,
    default=None,
    help="Validation JSONL [default: hold out --val-fraction].",
)
@click.option(
    "--out", "out_dir", required=True, type=click.Path(path_type=Path), help="Run folder."
)
@click.option("--method", type=click.Choice(["lora", "full"]), default="lora", show_default=True)
@click.option("--rank", type=click.IntRange(min=1), default=8, show_default=True, help="LoRA rank.")
@click.option(
    "--alpha", type=click.FloatRange(min=0, min_open=True), default=16.0, show_default=True
)
@click.option(
    "--dropout", type=click.FloatRange(0, 1, max_open=True), default=0.05, show_default=True
)
@click.option(
    "--targets",
    default="query_key_value,dense,dense_h_to_4h,dense_4h_to_h",
    show_default=True,
    help=f"Comma-separated layers LoRA adapts: {TARGETS_HELP}.",
)
@click.option("--epochs", type=click.IntRange(min=1), default=3, show_default=True)
@click.option("--max-steps", type=click.IntRange(min=1), default=None, help="Overrides --epochs.")
@click.option(
    "--lr",
    type=click.FloatRange(min=0, min_open=True),
    default=None,
    help="Peak learning rate [default: 2e-4 for LoRA, 2e-5 for full].",
)
@click.option("--batch-size", type=click.IntRange(min=1), default=8, show_default=True)
@click.option(
    "--grad-accum",
    type=click.IntRange(min=1),
    default=1,
    show_default=True,
    help="Micro-batches of --batch-size per optimizer step.",
)
@click.option(
    "--warmup-steps",
    type=click.IntRange(min=0),
    default=None,
    help="[default: a tenth of the steps, at most 100]",
)
@click.option(
    "--max-len", type=click.IntRange(min=2), default=None, help="[default: the model's context]"
)
@click.option(
    "--val-fraction", type=click.FloatRange(0, 1, max_open=True), default=0.05, show_default=True
)
@click.option("--eval-interval", type=click.IntRange(min=1), default=50, show_default=True)
@click.option(
    "--checkpoint-interval", type=click.IntRange(min=1), default=None, help="[default: last step]"
)
@click.option(
    "--merge/--no-merge",
    default=True,
    show_default=True,
    help="Also write LoRA merged into the base, as a plain checkpoint in OUT/merged.",
)
@click.option(
    "--resume/--no-resume",
    default=True,
    show_default=True,
    help="Continue exactly from the latest checkpoint in --out.",
)
@click.option(
    "--log-every",
    "log_every_s",
    type=click.FloatRange(min=0),
    default=30.0,
    show_default=True,
    help="Seconds between progress lines when not in a terminal (a terminal gets a bar).",
)
@precision_option
@click.option("--seed", type=int, default=1337, show_default=True)
@_friendly_errors
def finetune(
    base_checkpoint: Path,
    data: Path,
    rank: int,
    alpha: float,
    dropout: float,
    targets: str,
    resume: bool,
    **options: Any,
) -> None:
    """Fine-tune BASE_CHECKPOINT (or a run folder's latest) on --data, with the loss on the
    assistant's replies only.

    Each JSONL line is {"messages": [{"role", "content"}, ...]} with roles system, user and
    assistant, {"instruction", "input" (optional), "output"}, or {"prompt", "completion"}.
    A run stopped part-way continues exactly where it stopped when started again; Ctrl-C
    stops at the end of the step under way and writes a checkpoint to continue from. In a
    terminal progress is a bar; in a log, a line every --log-every seconds.
    """
    from model.finetune.lora import LoRAConfig
    from model.finetune.trainer import FinetuneConfig
    from model.finetune.trainer import finetune as run

    lora = LoRAConfig(
        rank=rank,
        alpha=alpha,
        dropout=dropout,
        targets=tuple(t.strip() for t in targets.split(",") if t.strip()),
    )
    config = FinetuneConfig(base=base_checkpoint, data=data, lora=lora, **options)

    result = run(config, resume=resume)
    if result.interrupted:
        click.echo(
            f"stopped at step {result.step}; checkpoint written to {result.checkpoint}; "
            "rerun the same command to resume"
        )
        sys.exit(130)  # the shell's status for a run ended by Ctrl-C
    if result.resumed_from:
        click.echo(f"resumed from {result.resumed_from}")
    share = result.trainable_parameters / result.total_parameters
    click.echo(
        f"{result.train_examples} training and {result.val_examples} validation examples; "
        f"{result.truncated} truncated, {result.dropped} dropped (longer than the context)"
    )
    click.echo(f"trained {result.trainable_parameters:,} parameters ({share:.2%} of the model)")
    click.echo(f"checkpoint: {result.checkpoint}")
    if result.merged:
        click.echo(f"merged model: {result.merged}")
