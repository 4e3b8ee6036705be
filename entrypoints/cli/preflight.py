"""Checks `refocused serve` makes before it says it is listening: each failure is one sentence
naming the setting or the extra and what to do, never a traceback."""

from __future__ import annotations

import asyncio
import errno
import importlib.util
import socket
from typing import Any

import click

from entrypoints.settings import Settings


class UsageProblem(click.ClickException):
    """The command, its settings or the install must change: exit status 2, as for usage."""

    exit_code = 2


class Unavailable(click.ClickException):
    """Something the command needs (a port, the database) is not there: exit status 1."""

    exit_code = 1


def importable(module: str) -> bool:
    try:
        return importlib.util.find_spec(module) is not None
    except ImportError:  # a parent package is absent, or the import is blocked
        return False


def require_extra(module: str, extra: str, what: str) -> None:
    if not importable(module):
        raise UsageProblem(
            f"{what} needs the {extra} extra ({module} is not installed): "
            f"install it with pip install 'refocused[{extra}]'"
        )


def require_free_port(host: str, port: int) -> None:
    """Binds the address the server will bind (as uvicorn and granian do, reusing TIME_WAIT)."""
    family = socket.AF_INET6 if ":" in host else socket.AF_INET
    with socket.socket(family, socket.SOCK_STREAM) as probe:
        probe.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        try:
            probe.bind((host, port))
        except OSError as e:
            reason = (
                "is already in use"
                if e.errno == errno.EADDRINUSE
                else f"cannot be bound ({e.strerror})"
            )
            raise Unavailable(
                f"port {port} on {host} {reason}: stop what listens there or choose another "
                "with --port (or PORT)"
            ) from None


def require_database(settings: Settings, timeout: float = 10.0) -> None:
    """Connects once, so a missing or unreachable database stops the start instead of the
    first request answering 500; so does one whose schema lacks migrations the server will not
    apply itself (REFOCUSED_AUTO_MIGRATE off, as in production)."""
    try:
        missing = asyncio.run(asyncio.wait_for(_connect(settings), timeout))
    except TimeoutError:
        raise Unavailable(
            f"the database at {_where(settings)} did not answer within {timeout:.0f} seconds: "
            "check DATABASE_URL and that the server is up"
        ) from None
    except Exception as e:  # any driver's failure becomes one sentence
        raise Unavailable(database_failure(settings, e)) from None
    if missing and not settings.migrate_on_start:
        raise Unavailable(
            f"the database at {_where(settings)} lacks {len(missing)} migration(s) "
            f"({', '.join(sorted(missing))}): run `refocused db upgrade` first, "
            "or set REFOCUSED_AUTO_MIGRATE=true"
        )


def database_failure(settings: Settings, error: BaseException) -> str:
    reason = str(getattr(error, "orig", None) or error).splitlines()[0]
    return (
        f"cannot use the database at {_where(settings)} ({reason}): create it or fix DATABASE_URL"
    )


async def _connect(settings: Settings) -> set[str]:
    """The migrations the database lacks, after one connection proved it is there."""
    from sqlalchemy import text

    from adapters.sql.migrate import pending
    from entrypoints.composition.resources import database_engine

    engine = database_engine(settings)
    try:
        async with engine.connect() as connection:
            await connection.execute(text("SELECT 1"))
        return await pending(engine)
    finally:
        await engine.dispose()


def _where(settings: Settings) -> Any:
    from sqlalchemy.engine import make_url

    return make_url(settings.effective_database_url).render_as_string(hide_password=True)
