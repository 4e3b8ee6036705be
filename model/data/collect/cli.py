"""`refocused model collect ...`: Wikipedia, Reddit or local files into JSONL with provenance."""

from __future__ import annotations

import functools
import sys
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

import click

from model.data.collect.client import USER_AGENT, HttpClient, RateLimiter
from model.data.collect.core import CollectError, Progress, Source, output_paths
from model.data.collect.core import collect as run_collection
from model.data.collect.reddit import PERIODS, RedditSource
from model.data.collect.wikipedia import WikipediaSource


def _friendly_errors(command: Callable[..., Any]) -> Callable[..., Any]:
    """Failures end with one readable line; an interrupted run says how to resume."""

    @functools.wraps(command)
    def wrapper(*args: Any, **kwargs: Any) -> Any:
        try:
            return command(*args, **kwargs)
        except (CollectError, FileNotFoundError, ValueError) as e:
            raise click.ClickException(str(e)) from e
        except KeyboardInterrupt as e:
            raise click.ClickException("interrupted; run the same command again to resume") from e

    return wrapper


def _output_options(command: Callable[..., Any]) -> Callable[..., Any]:
    command = click.option(
        "--limit",
        type=click.IntRange(min=1),
        default=None,
        help="Stop once the output holds this many documents [default: all].",
    )(command)
    return click.option(
        "--out",
        "out_dir",
        required=True,
        type=click.Path(file_okay=False, path_type=Path),
        help="Folder for <name>.jsonl and its resume state <name>.state.json.",
    )(command)


def _network_options(
    default_interval: float, base_url_help: str
) -> Callable[[Callable[..., Any]], Callable[..., Any]]:
    def decorate(command: Callable[..., Any]) -> Callable[..., Any]:
        for option in reversed(
            [
                click.option("--base-url", default=None, help=base_url_help),
                click.option(
                    "--interval",
                    type=click.FloatRange(min=0),
                    default=default_interval,
                    show_default=True,
                    help="Seconds between requests.",
                ),
                click.option(
                    "--max-retries", type=click.IntRange(min=0), default=5, show_default=True
                ),
                click.option(
                    "--contact",
                    envvar="REFOCUSED_COLLECT_CONTACT",
                    default="unset",
                    help="E-mail or URL sent in the User-Agent, as Wikimedia and Reddit ask.",
                ),
            ]
        ):
            command = option(command)
        return command

    return decorate


def _client(interval: float, max_retries: int, contact: str) -> HttpClient:
    return HttpClient(
        USER_AGENT.format(contact=contact), RateLimiter(interval), max_retries=max_retries
    )


def _run(source: Source, out_dir: Path, limit: int | None) -> None:
    out_path, state_path = output_paths(out_dir, source.name)
    last_report = [0.0]

    def report(progress: Progress) -> None:
        now = time.monotonic()
        if now - last_report[0] >= 1 or progress.done:
            last_report[0] = now
            line = f"{source.name}: {progress.documents:,} documents ({progress.rate:.1f} docs/s)"
            if sys.stderr.isatty():
                click.echo(f"\r{line:<60}", err=True, nl=False)
            else:
                click.echo(line, err=True)

    try:
        result = run_collection(source, out_dir, limit=limit, on_page=report)
    except CollectError as e:
        if state_path.is_file():
            raise CollectError(f"{e}; what was collected is kept: run again to resume") from e
        raise
    state = "complete" if result.done else "resumable: run again to go on"
    click.echo(
        f"{out_path}: {result.documents:,} documents, {result.new:,} new in {result.elapsed:.1f} s "
        f"({result.rate:.1f} docs/s); {state}"
    )


@click.group(name="collect")
def collect() -> None:
    """Collect training text into JSONL, one document per line with its provenance.

    A stopped run resumes where it stopped when the same command runs again.
    """


@collect.command("wikipedia")
@_output_options
@click.option("--lang", default="en", show_default=True, help="Wikipedia language code.")
@_network_options(0.5, "The api.php of a mirror (or a replay server) to ask instead.")
@_friendly_errors
def wikipedia(
    out_dir: Path,
    limit: int | None,
    lang: str,
    base_url: str | None,
    interval: float,
    max_retries: int,
    contact: str,
) -> None:
    """Articles of a Wikipedia as plain text (CC BY-SA 4.0), in title order."""
    source = WikipediaSource(_client(interval, max_retries, contact), lang=lang, api_url=base_url)
    _run(source, out_dir, limit)


@collect.command("reddit")
@_output_options
@click.option("--subreddit", required=True, help="Subreddit name, e.g. productivity.")
@click.option(
    "--period",
    type=click.Choice(PERIODS),
    default="all",
    show_default=True,
    help="The top listing's time window.",
)
@_network_options(1.0, "A mirror's (or a replay server's) root to ask instead.")
@_friendly_errors
def reddit(
    out_dir: Path,
    limit: int | None,
    subreddit: str,
    period: str,
    base_url: str | None,
    interval: float,
    max_retries: int,
    contact: str,
) -> None:
    """Text posts of a subreddit's top listing (removed, deleted, stickied, NSFW skipped)."""
    client = _client(interval, max_retries, contact)
    source = RedditSource(client, subreddit, period, base_url or "https://www.reddit.com")
    _run(source, out_dir, limit)


@collect.command("local")
@click.argument("paths", nargs=-1, required=True, type=click.Path(exists=True, path_type=Path))
@_output_options
@click.option(
    "--licence", default="unknown", show_default=True, help="Licence recorded on each document."
)
@click.option("--text-field", default="text", show_default=True, help="JSONL / parquet field.")
@click.option("--name", default="local", show_default=True, help="Names the output files.")
@_friendly_errors
def local(
    paths: tuple[Path, ...],
    out_dir: Path,
    limit: int | None,
    licence: str,
    text_field: str,
    name: str,
) -> None:
    """Your own corpus: .txt and .md files, .jsonl lines, .parquet rows (folders searched)."""
    from model.data.collect.local import LocalSource

    _run(LocalSource(paths, licence=licence, text_field=text_field, name=name), out_dir, limit)
