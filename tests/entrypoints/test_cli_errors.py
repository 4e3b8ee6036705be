"""Start-up and CLI errors as an operator meets them: one sentence on stderr that names the
setting or the extra and what to do, exit status 2 when the command, its settings or the install
must change, 1 when what it needs is not there; never a traceback."""

from __future__ import annotations

import os
import socket
import subprocess
import sys
import textwrap
from pathlib import Path

import pytest

from tests.support.servers import free_port

ROOT = Path(__file__).resolve().parents[2]
REFOCUSED = Path(sys.executable).parent / "refocused"

#: Makes the named top-level modules unimportable, as on an install without their extra.
BLOCKER = textwrap.dedent(
    """
    import os, sys
    from importlib.abc import MetaPathFinder

    BLOCKED = set(filter(None, os.environ.get("BLOCKED_MODULES", "").split(",")))

    class NotInstalled(MetaPathFinder):
        def find_spec(self, name, path=None, target=None):
            if name.partition(".")[0] in BLOCKED:
                raise ModuleNotFoundError(f"No module named {name!r}", name=name)
            return None

    sys.meta_path.insert(0, NotInstalled())
    """
)


def refocused(
    tmp_path: Path, *args: str, blocked: str = "", **env: str
) -> subprocess.CompletedProcess[str]:
    shim = tmp_path / "shim"
    shim.mkdir(exist_ok=True)
    (shim / "sitecustomize.py").write_text(BLOCKER)
    environ = {
        k: v for k, v in os.environ.items() if not k.startswith("REFOCUSED_") and k != "PORT"
    }
    environ.update(
        PYTHONPATH=os.pathsep.join([str(shim), str(ROOT), os.environ.get("PYTHONPATH", "")]),
        BLOCKED_MODULES=blocked,
        REFOCUSED_DATA_DIR=str(tmp_path / "data"),
        **env,
    )
    return subprocess.run(
        [str(REFOCUSED), *args],
        env=environ,
        cwd=tmp_path,
        capture_output=True,
        text=True,
        timeout=120,
    )


def assert_one_sentence(result: subprocess.CompletedProcess[str], status: int, *says: str) -> None:
    assert "Traceback" not in result.stderr, result.stderr
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1, result.stderr
    assert result.returncode == status, (result.returncode, result.stderr)
    for text in says:
        assert text in lines[0]
    assert "listening" not in result.stderr and " on http://" not in result.stderr


@pytest.mark.parametrize(
    ("env", "says"),
    [
        ({"DATABASE_URL": "garbage"}, ["DATABASE_URL is not a database URL", "sqlite+aiosqlite"]),
        ({"DATABASE_URL": "sqlite:///x.db"}, ["DATABASE_URL", "async driver sqlite+aiosqlite"]),
        (
            {"DATABASE_URL": "mysql+aiomysql://u:hunter2@db/x"},
            ["DATABASE_URL names the mysql database"],
        ),
    ],
)
def test_a_database_url_the_server_cannot_use_is_one_sentence(
    tmp_path: Path, env: dict[str, str], says: list[str]
) -> None:
    for command in (["serve"], ["db", "status"]):
        result = refocused(tmp_path, *command, **env)
        assert_one_sentence(result, 2, *says)
        assert "hunter2" not in result.stderr


def test_a_postgresql_url_on_the_light_install_names_the_extra(tmp_path: Path) -> None:
    result = refocused(
        tmp_path,
        "serve",
        blocked="asyncpg",
        DATABASE_URL="postgresql+asyncpg://postgres@127.0.0.1:5432/postgres",
    )
    assert_one_sentence(result, 2, "DATABASE_URL", "pip install 'refocused[prod]'")


def test_production_names_every_missing_variable_at_once(tmp_path: Path) -> None:
    result = refocused(tmp_path, "serve", REFOCUSED_PROFILE="production")
    assert_one_sentence(
        result,
        2,
        "DATABASE_URL",
        "REDIS_URL",
        "REFOCUSED_SECRET_KEY",
        "REFOCUSED_JOURNAL_KEK",
        "REFOCUSED_ACCESS_TOKEN_KEY",
    )


def test_a_database_that_does_not_exist_stops_the_start(tmp_path: Path) -> None:
    result = refocused(
        tmp_path,
        "serve",
        "--port",
        str(free_port()),
        DATABASE_URL="postgresql+asyncpg://postgres@127.0.0.1:5432/refocused_no_such_db",
    )
    assert_one_sentence(result, 1, 'database "refocused_no_such_db" does not exist', "DATABASE_URL")
    status = refocused(
        tmp_path,
        "db",
        "status",
        DATABASE_URL="postgresql+asyncpg://postgres@127.0.0.1:5432/refocused_no_such_db",
    )
    assert_one_sentence(status, 1, "does not exist")


def test_a_database_without_its_migrations_stops_a_start_that_will_not_migrate(
    tmp_path: Path,
) -> None:
    """With REFOCUSED_AUTO_MIGRATE off (production's default) an empty database would answer
    500 to the first sign-up; the start refuses instead and says what to run."""
    database = f"sqlite+aiosqlite:///{tmp_path / 'empty.db'}"
    result = refocused(
        tmp_path,
        "serve",
        "--port",
        str(free_port()),
        DATABASE_URL=database,
        REFOCUSED_AUTO_MIGRATE="false",
    )
    assert_one_sentence(result, 1, "lacks", "refocused db upgrade", "REFOCUSED_AUTO_MIGRATE")


def test_a_busy_port_fails_before_the_banner_and_before_migrating(tmp_path: Path) -> None:
    with socket.socket() as taken:
        taken.bind(("127.0.0.1", 0))
        taken.listen()
        port = taken.getsockname()[1]
        result = refocused(tmp_path, "serve", "--port", str(port))
    assert_one_sentence(result, 1, f"port {port} on 127.0.0.1 is already in use", "--port")
    assert not (tmp_path / "data" / "refocused.db").exists()  # nothing migrated


def test_the_model_command_without_torch_says_to_install_the_model_extra(tmp_path: Path) -> None:
    for args in (["model", "--help"], ["model", "train", "--steps", "1"], ["model"]):
        result = refocused(tmp_path, *args, blocked="torch")
        assert_one_sentence(result, 2, "install it with pip install 'refocused[model]'")
    listing = refocused(tmp_path, "--help", blocked="torch")
    assert listing.returncode == 0 and "needs the model extra" in listing.stdout


def test_granian_without_the_prod_extra_says_so(tmp_path: Path) -> None:
    result = refocused(tmp_path, "serve", "--server", "granian", blocked="granian")
    assert_one_sentence(result, 2, "--server granian", "pip install 'refocused[prod]'")


def test_more_than_one_worker_on_the_embedded_profile_says_to_use_production(
    tmp_path: Path,
) -> None:
    """The embedded profile's limits, sign-outs and screen versions live in one process; a
    second worker would serve screens from before the first one's changes."""
    result = refocused(tmp_path, "serve", "--workers", "2", "--port", str(free_port()))
    assert_one_sentence(result, 2, "--workers 2", "--workers 1", "REFOCUSED_PROFILE=production")
    assert not (tmp_path / "data" / "refocused.db").exists()  # nothing migrated
