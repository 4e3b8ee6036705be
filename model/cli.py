"""`refocused model ...`: tokenizer, data, training, evaluation and generation from a shell."""

from __future__ import annotations

import functools
import importlib
import importlib.util
import sys
from collections.abc import Callable
from pathlib import Path
from typing import Any

import click

from model.config import NAMED_CONFIGS, ConfigError

_existing = click.Path(exists=True, path_type=Path)


def _friendly_errors(command: Callable[..., Any]) -> Callable[..., Any]:
    """Missing files and bad settings end with one readable line, not a traceback."""

    @functools.wraps(command)
    def wrapper(*args: Any, **kwargs: Any) -> Any:
        try:
            return command(*args, **kwargs)
        except (FileNotFoundError, ConfigError, ValueError, KeyError) as e:
            raise click.ClickException(str(e)) from e

    return wrapper


precision_option = click.option(
    "--precision",
    type=click.Choice(["auto", "bf16", "no"]),
    default="auto",
    show_default=True,
    help="auto: bf16 on CUDA, float32 on CPU.",
)

# The pipeline's other stages keep their commands beside their code; they load when used.
STAGE_COMMANDS = {
    "collect": "model.data.collect.cli:collect",
    "process": "model.data.process.cli:process",
    "finetune": "model.finetune.cli:finetune",
    "export": "model.bundle.cli:export",
}


def _stage_exists(name: str) -> bool:
    try:
        return importlib.util.find_spec(STAGE_COMMANDS[name].partition(":")[0]) is not None
    except ModuleNotFoundError:  # a parent package is absent
        return False


PIPELINE_ORDER = (
    "collect",
    "process",
    "train-tokenizer",
    "prepare-data",
    "train",
    "evaluate",
    "finetune",
    "export",
    "generate",
)


class _ModelGroup(click.Group):
    def list_commands(self, ctx: click.Context) -> list[str]:
        names = {*super().list_commands(ctx), *filter(_stage_exists, STAGE_COMMANDS)}
        # In the order a model is made, not alphabetically; anything else after them.
        rank = {name: i for i, name in enumerate(PIPELINE_ORDER)}
        return sorted(names, key=lambda n: (rank.get(n, len(rank)), n))

    def get_command(self, ctx: click.Context, name: str) -> click.Command | None:
        if name in STAGE_COMMANDS:
            module, _, attr = STAGE_COMMANDS[name].partition(":")
            command: click.Command = getattr(importlib.import_module(module), attr)
            return command
        return super().get_command(ctx, name)


@click.group(name="model", cls=_ModelGroup)
def model_cli() -> None:
    """Collect data, train, fine-tune, export and run the ReFocused language model (GPT-NeoX)."""


@model_cli.command("train-tokenizer")
@click.argument("inputs", nargs=-1, required=True, type=_existing)
@click.option(
    "--out",
    type=click.Path(path_type=Path),
    default=Path("tokenizer.json"),
    show_default=True,
    help="tokenizer.json to write (or a folder to write it into).",
)
@click.option("--vocab-size", type=click.IntRange(min=300), default=50_257, show_default=True)
@click.option("--min-frequency", type=click.IntRange(min=1), default=2, show_default=True)
@click.option("--text-field", default="text", show_default=True, help="JSONL / parquet field.")
@_friendly_errors
def train_tokenizer(
    inputs: tuple[Path, ...], out: Path, vocab_size: int, min_frequency: int, text_field: str
) -> None:
    """Train a byte-level BPE tokenizer on INPUTS (.jsonl, .json, .txt, .parquet or folders)."""
    from model.data.packing import load_documents
    from model.tokenizer import Tokenizer

    tokenizer = Tokenizer.train(load_documents(inputs, text_field), vocab_size, min_frequency)
    if out.suffix != ".json":
        out.mkdir(parents=True, exist_ok=True)
    path = tokenizer.save(out)
    click.echo(f"wrote {path} ({tokenizer.vocab_size} tokens)")


@model_cli.command("prepare-data")
@click.argument("inputs", nargs=-1, required=True, type=_existing)
@click.option(
    "--tokenizer",
    "tokenizer_path",
    required=True,
    type=_existing,
    help="tokenizer.json (or the folder holding it).",
)
@click.option("--out", required=True, type=click.Path(path_type=Path), help="Folder for shards.")
@click.option("--seq-len", type=click.IntRange(min=2), default=2048, show_default=True)
@click.option(
    "--val-fraction",
    type=click.FloatRange(0, 1, max_open=True),
    default=0.05,
    show_default=True,
    help="Share of documents held out for validation.",
)
@click.option("--seed", type=int, default=0, show_default=True)
@click.option("--text-field", default="text", show_default=True)
@_friendly_errors
def prepare_data(
    inputs: tuple[Path, ...],
    tokenizer_path: Path,
    out: Path,
    seq_len: int,
    val_fraction: float,
    seed: int,
    text_field: str,
) -> None:
    """Tokenize INPUTS and pack them into memory-mapped training and validation shards."""
    from model.data.packing import load_documents, prepare
    from model.tokenizer import Tokenizer

    tokenizer = Tokenizer.load(tokenizer_path)
    meta = prepare(
        load_documents(inputs, text_field),
        tokenizer,
        out,
        seq_len=seq_len,
        val_fraction=val_fraction,
        seed=seed,
    )
    for split, info in meta["splits"].items():
        click.echo(f"{split}: {info['documents']} documents, {info['tokens']:,} tokens")
    click.echo(f"wrote {out}")


@model_cli.command("train")
@click.option("--data", "data_dir", required=True, type=_existing, help="prepare-data's folder.")
@click.option(
    "--out",
    "out_dir",
    required=True,
    type=click.Path(path_type=Path),
    help="Run folder: checkpoints and the loss curve.",
)
@click.option(
    "--model",
    "model_name",
    type=click.Choice(sorted(NAMED_CONFIGS)),
    default="tiny",
    show_default=True,
)
@click.option(
    "--checkpoint-store",
    default=None,
    help="Where checkpoints go: s3://bucket/prefix, or a folder (default: --out).",
)
@click.option("--batch-size", type=click.IntRange(min=1), default=16, show_default=True)
@click.option("--grad-accum", type=click.IntRange(min=1), default=1, show_default=True)
@click.option("--max-steps", type=click.IntRange(min=1), default=300, show_default=True)
@click.option(
    "--lr",
    type=click.FloatRange(min=0, min_open=True),
    default=None,
    help="Peak learning rate [default: recommended for the model].",
)
@click.option(
    "--warmup-steps",
    type=click.IntRange(min=0),
    default=None,
    help="[default: a tenth of --max-steps, at most 2000]",
)
@click.option("--eval-interval", type=click.IntRange(min=1), default=100, show_default=True)
@click.option("--checkpoint-interval", type=click.IntRange(min=1), default=100, show_default=True)
@click.option(
    "--log-every",
    "log_every_s",
    type=click.FloatRange(min=0),
    default=30.0,
    show_default=True,
    help="Seconds between progress lines when not in a terminal (a terminal gets a bar).",
)
@precision_option
@click.option("--compile/--no-compile", default=False, show_default=True)
@click.option(
    "--activation-checkpointing/--no-activation-checkpointing", default=False, show_default=True
)
@click.option(
    "--resume/--no-resume",
    default=True,
    show_default=True,
    help="Continue from the latest checkpoint in the store.",
)
@click.option("--seed", type=int, default=1337, show_default=True)
@_friendly_errors
def train_command(
    data_dir: Path,
    out_dir: Path,
    model_name: str,
    checkpoint_store: str | None,
    lr: float | None,
    warmup_steps: int | None,
    resume: bool,
    **options: Any,
) -> None:
    """Pre-train a model on prepared data; resumes the run exactly where it stopped.

    Ctrl-C stops at the end of the step under way and writes a checkpoint; the same command
    then resumes from it. In a terminal progress is a bar; in a log, a line every --log-every
    seconds (step, loss, tokens/s, ETA)."""
    from model.checkpoints import store_for
    from model.train import RECOMMENDED_LR, TrainConfig, train

    max_steps = options["max_steps"]
    config = TrainConfig(
        data_dir=data_dir,
        out_dir=out_dir,
        model=model_name,
        lr=lr if lr is not None else RECOMMENDED_LR[model_name],
        warmup_steps=warmup_steps if warmup_steps is not None else min(2000, max_steps // 10),
        **options,
    )
    store = store_for(checkpoint_store) if checkpoint_store else None

    def where(name: str | None) -> str:
        if checkpoint_store:
            return f"{checkpoint_store.rstrip('/')}/{name}"
        return str(out_dir / str(name))

    result = train(config, store=store, resume=resume)
    if result.interrupted:
        click.echo(
            f"stopped at step {result.step}; checkpoint written to "
            f"{where(result.last_checkpoint)}; rerun the same command to resume"
        )
        sys.exit(130)  # the shell's status for a run ended by Ctrl-C
    if result.already_complete:
        click.echo(
            f"already complete: {where(result.last_checkpoint)} is step {result.step} of "
            f"--max-steps {max_steps}, so there is nothing to train; raise --max-steps to "
            "train further, or pass --no-resume to start over"
        )
        return
    click.echo(
        f"finished step {result.step} of {max_steps}; checkpoint: "
        f"{where(result.last_checkpoint)}; loss curve: {out_dir / 'loss_curve.png'}"
    )


@model_cli.command("evaluate")
@click.argument("checkpoint", type=_existing)
@click.option("--data", "data_dir", required=True, type=_existing, help="prepare-data's folder.")
@click.option("--split", type=click.Choice(["val", "train"]), default="val", show_default=True)
@click.option("--batch-size", type=click.IntRange(min=1), default=8, show_default=True)
@click.option(
    "--max-batches", type=click.IntRange(min=1), default=None, help="[default: the whole split]"
)
@_friendly_errors
def evaluate_command(
    checkpoint: Path, data_dir: Path, split: str, batch_size: int, max_batches: int | None
) -> None:
    """Loss and perplexity of CHECKPOINT (or a run folder's latest) on held-out data."""
    import torch

    from model.api import resolve_checkpoint
    from model.convert import load_pretrained
    from model.data.packing import PackedRows
    from model.evaluate import evaluate_loss, unigram_baseline

    device = "cuda" if torch.cuda.is_available() else "cpu"
    model = load_pretrained(resolve_checkpoint(checkpoint), device=device)
    rows = PackedRows(data_dir, split)
    result = evaluate_loss(
        model, rows, batch_size=batch_size, max_batches=max_batches, device=device
    )
    baseline = unigram_baseline(PackedRows(data_dir, "train"), rows, model.config.vocab_size)
    click.echo(
        f"{split} loss {result.loss:.4f} (perplexity {result.perplexity:.2f}) "
        f"over {result.tokens:,} tokens; unigram baseline {baseline:.4f}"
    )


@model_cli.command("generate")
@click.argument("checkpoint", type=_existing)
@click.option("--prompt", required=True, help="Text to continue, or the user's message (--chat).")
@click.option("--chat", is_flag=True, help="Treat --prompt as a user message and reply to it.")
@click.option("--system", default=None, help="A system message for --chat.")
@click.option("--max-new-tokens", type=click.IntRange(min=1), default=128, show_default=True)
@click.option(
    "--temperature",
    type=click.FloatRange(min=0),
    default=0.7,
    show_default=True,
    help="0 picks the most likely token every time.",
)
@click.option("--top-k", type=click.IntRange(min=1), default=50, show_default=True)
@click.option(
    "--top-p", type=click.FloatRange(0, 1, min_open=True), default=0.95, show_default=True
)
@click.option("--seed", type=int, default=None)
@_friendly_errors
def generate_command(
    checkpoint: Path, prompt: str, chat: bool, system: str | None, **options: Any
) -> None:
    """Stream a continuation of --prompt (or a chat reply) from CHECKPOINT."""
    from model.api import load

    lm = load(checkpoint)
    if chat:
        messages = [{"role": "system", "content": system}] if system else []
        pieces = lm.stream_chat([*messages, {"role": "user", "content": prompt}], **options)
    else:
        pieces = lm.stream(prompt, **options)
    for piece in pieces:
        click.echo(piece, nl=False)
    click.echo()
