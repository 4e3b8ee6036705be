"""The `refocused` command: serve the API, migrate the database, and (with the model extra)
drive the language-model pipeline."""

from __future__ import annotations

import asyncio
import importlib
import importlib.metadata
import os
import sys
from pathlib import Path
from typing import Any

import click

from entrypoints.cli.preflight import (
    Unavailable,
    UsageProblem,
    database_failure,
    importable,
    require_database,
    require_extra,
    require_free_port,
)
from entrypoints.settings import Settings, SettingsError

#: Lazy subcommands: where each lives, and the module and extra it cannot run without.
LAZY_COMMANDS = {"model": ("model.cli:model_cli", "torch", "model")}


def _settings(**overrides: Any) -> Settings:
    try:
        return Settings.from_env(**{k: v for k, v in overrides.items() if v is not None})
    except SettingsError as e:
        raise UsageProblem(str(e)) from None


class LazyGroup(click.Group):
    """Subcommand groups imported only when used, so `refocused serve` never imports torch."""

    def __init__(
        self, *args: Any, lazy: dict[str, tuple[str, str, str]] | None = None, **kwargs: Any
    ) -> None:
        super().__init__(*args, **kwargs)
        self.lazy = lazy or {}

    def list_commands(self, ctx: click.Context) -> list[str]:
        return sorted({*super().list_commands(ctx), *self.lazy})

    def get_command(self, ctx: click.Context, name: str) -> click.Command | None:
        if name in self.lazy:
            target, needs, extra = self.lazy[name]
            if not importable(needs):
                return _unavailable(name, needs, extra)
            module, _, attr = target.partition(":")
            try:
                command: click.Command = getattr(importlib.import_module(module), attr)
            except ImportError as e:
                return _unavailable(name, e.name or str(e), extra)
            return command
        return super().get_command(ctx, name)


def _version() -> str:
    # A pex carries the code without the distribution's metadata.
    try:
        return importlib.metadata.version("refocused")
    except importlib.metadata.PackageNotFoundError:
        return "0.1.0 (unpackaged)"


def _unavailable(name: str, missing: str, extra: str) -> click.Command:
    """Stands in for a command whose extra is absent: any use of it, `--help` included, ends
    with the one sentence that says what to install."""

    def fail(args: tuple[str, ...]) -> None:
        raise UsageProblem(
            f"`refocused {name}` needs the {extra} extra ({missing} is not installed): "
            f"install it with pip install 'refocused[{extra}]'"
        )

    return click.Command(
        name,
        callback=fail,
        params=[click.Argument(["args"], nargs=-1, type=click.UNPROCESSED)],
        help=f"(needs the {extra} extra: pip install 'refocused[{extra}]')",
        add_help_option=False,
        context_settings={"ignore_unknown_options": True},
    )


@click.group(cls=LazyGroup, lazy=LAZY_COMMANDS)
@click.version_option(version=_version())
def cli() -> None:
    """ReFocused back end."""


@cli.command()
@click.option("--host", default=None, help="Interface to listen on [env HOST; 127.0.0.1].")
@click.option("--port", type=int, default=None, help="Port [env PORT; 8000].")
@click.option("--workers", type=int, default=1, show_default=True, help="Worker processes.")
@click.option(
    "--server",
    type=click.Choice(["uvicorn", "granian"]),
    default="uvicorn",
    show_default=True,
    help="ASGI server (granian needs the prod extra).",
)
def serve(host: str | None, port: int | None, workers: int, server: str) -> None:
    """Run the HTTP API (OpenAPI docs at /schema)."""
    settings = _settings(host=host, port=port)
    if server == "granian":
        require_extra("granian", "prod", "--server granian")
    if workers > 1 and settings.profile == "embedded":
        # Its rate limits, revoked sessions and screen versions live in one process's memory:
        # a second worker would not see the first's (and would serve screens from before them).
        raise UsageProblem(
            f"--workers {workers} needs the production profile (the embedded profile keeps its "
            "limits, sign-outs and screen versions in one process): use --workers 1, or set "
            "REFOCUSED_PROFILE=production with DATABASE_URL and REDIS_URL"
        )
    require_free_port(settings.host, settings.port)
    require_database(settings)
    if host:
        os.environ["HOST"] = host
    if port:
        os.environ["PORT"] = str(port)
    click.echo(
        f"ReFocused API ({settings.profile} profile) on http://{settings.host}:{settings.port}"
        f"  docs: http://{settings.host}:{settings.port}/schema",
        err=True,
    )
    if server == "granian":
        from granian import Granian
        from granian.constants import Interfaces

        Granian(
            "entrypoints.http.app:serve_app",
            address=settings.host,
            port=settings.port,
            interface=Interfaces.ASGI,
            workers=workers,
            factory=True,
            log_access=False,
        ).serve()
        return
    import uvicorn

    uvicorn.run(
        "entrypoints.http.app:serve_app",
        factory=True,
        host=settings.host,
        port=settings.port,
        workers=workers,
        access_log=False,
        proxy_headers=False,
        log_level="warning",
    )


@cli.command()
@click.option(
    "--output",
    "-o",
    type=click.Path(dir_okay=False, writable=True),
    default="-",
    show_default=True,
    help="Where to write the document ('-' is standard output).",
)
def openapi(output: str) -> None:
    """Write the API's OpenAPI document as JSON (what /schema/openapi.json serves); the web
    client generates its types from it."""
    from entrypoints.http.app import openapi_document

    text = openapi_document()
    if output == "-":
        click.echo(text, nl=False)
    else:
        Path(output).write_text(text, encoding="utf-8")


@cli.group()
def db() -> None:
    """Database schema migrations (Alembic)."""


@db.command("upgrade")
@click.argument("target", default="heads")
def db_upgrade(target: str) -> None:
    """Apply migrations up to TARGET (default: every branch's head)."""
    from adapters.sql.migrate import upgrade

    asyncio.run(_with_engine(lambda engine: upgrade(engine, target)))
    click.echo(f"database upgraded to {target}")


@db.command("downgrade")
@click.argument("target")
def db_downgrade(target: str) -> None:
    """Revert migrations down to TARGET (e.g. base)."""
    from adapters.sql.migrate import downgrade

    asyncio.run(_with_engine(lambda engine: downgrade(engine, target)))
    click.echo(f"database downgraded to {target}")


@db.command("status")
def db_status() -> None:
    """Say whether migrations are pending."""
    from adapters.sql.migrate import pending

    missing = asyncio.run(_with_engine(pending))
    click.echo("up to date" if not missing else f"pending: {', '.join(sorted(missing))}")
    sys.exit(1 if missing else 0)


async def _with_engine(action: Any) -> Any:
    from sqlalchemy.exc import DBAPIError

    from entrypoints.composition.resources import database_engine

    settings = _settings()
    engine = database_engine(settings)
    try:
        return await action(engine)
    except (OSError, DBAPIError) as e:
        raise Unavailable(database_failure(settings, e)) from None
    finally:
        await engine.dispose()


if __name__ == "__main__":
    cli()
