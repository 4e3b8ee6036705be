"""`refocused model export`: a checkpoint as a serving bundle, optionally published to S3."""

from __future__ import annotations

from pathlib import Path

import click

from model.bundle.weights import DTYPES


def _s3_location(ctx: click.Context, param: click.Parameter, value: str | None) -> str | None:
    from model.checkpoints import parse_s3

    if value is not None:
        try:
            parse_s3(value)
        except ValueError as e:
            raise click.BadParameter(str(e)) from None
    return value


@click.command("export")
@click.argument("checkpoint", type=click.Path(exists=True, path_type=Path))
@click.option(
    "--out",
    required=True,
    type=click.Path(file_okay=False, path_type=Path),
    help="Bundle folder to write (an earlier bundle there is replaced).",
)
@click.option(
    "--dtype",
    type=click.Choice(DTYPES),
    default="bf16",
    show_default=True,
    help="bf16, or int8 weight matrices with per-row scales (about half the size).",
)
@click.option(
    "--upload",
    metavar="s3://BUCKET/PREFIX",
    default=None,
    callback=_s3_location,
    help="Also publish the bundle there: the ai-handler's MODEL_BUCKET and MODEL_PREFIX.",
)
def export(checkpoint: Path, out: Path, dtype: str, upload: str | None) -> None:
    """Export CHECKPOINT (or a run folder's latest) as a checksummed serving bundle."""
    from model.bundle.export import export_bundle

    def progress(line: str) -> None:
        click.echo(line, err=True)

    try:
        manifest = export_bundle(checkpoint, out, dtype=dtype, progress=progress)
    except (FileNotFoundError, FileExistsError, ValueError) as e:
        raise click.ClickException(str(e)) from e
    size = sum(f["size"] for f in manifest["files"].values())
    step = manifest["source"]["step"]
    from_step = f", from step {step}" if step is not None else ""
    click.echo(f"bundle {out} ({dtype}, {size / 1e6:.1f} MB{from_step})")
    if upload:
        from boto3.exceptions import Boto3Error
        from botocore.exceptions import BotoCoreError, ClientError

        from model.bundle.store import S3BundleStore

        try:
            where = S3BundleStore.at(upload).put(out, progress)
        except (Boto3Error, BotoCoreError, ClientError) as e:
            raise click.ClickException(f"upload to {upload} failed: {e}") from e
        click.echo(f"uploaded to {where}")
