"""`refocused model process`: raw documents -> curated train / validation / test JSONL."""

from __future__ import annotations

import sys
from pathlib import Path

import click

from model.cli import _friendly_errors


@click.command("process")
@click.argument("inputs", nargs=-1, required=True, type=click.Path(path_type=Path))
@click.option("--out", required=True, type=click.Path(path_type=Path), help="Output folder.")
@click.option(
    "--lang",
    default="en",
    show_default=True,
    help="Languages to keep, comma-separated ISO 639-1 codes; 'any' keeps all.",
)
@click.option(
    "--min-lang-score",
    type=click.FloatRange(0, 1),
    default=0.5,
    show_default=True,
    help="Lowest language-identification probability kept.",
)
@click.option(
    "--min-quality",
    type=click.FloatRange(0, 1),
    default=0.5,
    show_default=True,
    help="Lowest quality score kept; 1 drops any document breaking a Gopher rule.",
)
@click.option(
    "--near-dup-threshold",
    type=click.FloatRange(0, 1, min_open=True),
    default=0.8,
    show_default=True,
    help="Jaccard similarity (word 5-grams) from which documents are near-duplicates.",
)
@click.option(
    "--splits",
    "split_spec",
    default="0.9,0.05,0.05",
    show_default=True,
    help="Train, validation and test fractions of every source.",
)
@click.option("--seed", type=int, default=0, show_default=True)
@click.option("--text-field", default="text", show_default=True, help="JSONL / parquet field.")
@click.option(
    "--workers",
    type=click.IntRange(min=1),
    default=1,
    show_default=True,
    help="Processes that normalise, identify languages, score and sign documents.",
)
@click.option(
    "--keep-near-duplicates",
    is_flag=True,
    help="Keep every member of a near-duplicate cluster (still all in one split).",
)
@_friendly_errors
def process(
    inputs: tuple[Path, ...],
    out: Path,
    lang: str,
    min_lang_score: float,
    min_quality: float,
    near_dup_threshold: float,
    split_spec: str,
    seed: int,
    text_field: str,
    workers: int,
    keep_near_duplicates: bool,
) -> None:
    """Clean, filter, deduplicate and split INPUTS (.jsonl, .json, .parquet, .txt or folders)
    into OUT/{train,validation,test}.jsonl, with report.json, report.md and quality_hist.png."""
    from model.data.process.pipeline import ProcessConfig, process, read_documents
    from model.data.process.splits import parse_fractions

    codes = tuple(c.strip() for c in lang.split(",") if c.strip() and c.strip() != "any")
    config = ProcessConfig(
        languages=codes,
        min_language_score=min_lang_score,
        min_quality=min_quality,
        near_dup_threshold=near_dup_threshold,
        splits=parse_fractions(split_spec),
        seed=seed,
        keep_near_duplicates=keep_near_duplicates,
    )
    documents = read_documents(inputs, text_field)
    report = process(documents, out, config, workers=workers, progress=sys.stderr.isatty())
    for stage in report["stages"]:
        rate = stage["documents_per_second"]
        click.echo(
            f"{stage['name']}: {stage['documents_in']} in, {stage['documents_out']} out"
            + (f", {rate:,.0f} documents/s" if rate else ""),
            err=True,
        )
    dropped = ", ".join(f"{k} {v}" for k, v in report["dropped"].items() if v) or "none"
    click.echo(
        f"{report['documents_in']} documents in, {report['documents_out']} out "
        f"({report['documents_per_second']:,.0f} documents/s); dropped: {dropped}",
        err=True,
    )
    sizes = ", ".join(f"{name} {s['documents']}" for name, s in report["splits"].items())
    click.echo(f"wrote {out}: {sizes}; report in {out / 'report.md'}")
