"""The `refocused` command and start-up settings, as an operator meets them."""

from __future__ import annotations

import json
import os
import subprocess
import sys
import time
from collections.abc import Callable
from pathlib import Path

import httpx
import pytest

from entrypoints.settings import Settings, SettingsError
from tests.conftest import TEST_ACCESS_TOKEN_KEY
from tests.support.servers import free_port

ROOT = Path(__file__).resolve().parents[2]
PUBLIC_ONLY = '{"kty": "OKP", "crv": "Ed25519", "x": "hNdJBsS-EHzGFJagbIl6MpQUSA0TWGQQ7n7dCI70ilA"}'


@pytest.mark.parametrize(
    ("env", "message"),
    [
        ({"PORT": "eighty"}, "PORT='eighty' is not valid"),
        ({"REFOCUSED_PROFILE": "prod"}, "expected one of embedded, production"),
        (
            {"REFOCUSED_PROFILE": "production"},
            "production profile needs DATABASE_URL to be a postgresql",
        ),
        ({"REFOCUSED_SECRET_KEY": "short"}, "at least 32 characters"),
        ({"REFOCUSED_JOURNAL_KEK": "not base64!"}, "32 bytes encoded in base64"),
        ({"REFOCUSED_ARGON2_MEMORY_KIB": "1024"}, "OWASP"),
        ({"REFOCUSED_ARGON2_TIME_COST": "1"}, "OWASP"),
        ({"REFOCUSED_SECURE_COOKIES": "maybe"}, "expected true or false"),
        (
            {
                "REFOCUSED_PROFILE": "production",
                "DATABASE_URL": "postgresql+asyncpg://u@db/x",
                "REDIS_URL": "redis://cache",
                "REFOCUSED_SECRET_KEY": "s" * 40,
                "REFOCUSED_JOURNAL_KEK": "MDEyMzQ1Njc4OWFiY2RlZjAxMjM0NTY3ODlhYmNkZWY=",
            },
            "production profile needs REFOCUSED_ACCESS_TOKEN_KEY to be set",
        ),
        (
            {"REFOCUSED_ACCESS_TOKEN_KEY": '{"kty": "oct", "k": "c2VjcmV0"}'},
            "REFOCUSED_ACCESS_TOKEN_KEY is not valid: the key is not an Ed25519 or P-256 key",
        ),
        (
            {"REFOCUSED_ACCESS_TOKEN_KEY": PUBLIC_ONLY},
            "REFOCUSED_ACCESS_TOKEN_KEY is not valid: .* must be a private key",
        ),
    ],
)
def test_bad_settings_are_refused_with_a_message_naming_the_variable(
    env: dict[str, str], message: str
) -> None:
    with pytest.raises(SettingsError, match=message):
        Settings.from_env(env)


def test_settings_never_print_their_secrets() -> None:
    settings = Settings.from_env(
        {
            "REFOCUSED_SECRET_KEY": "s" * 40,
            "DATABASE_URL": "postgresql+asyncpg://u:hunter2@db/x",
            "REFOCUSED_ACCESS_TOKEN_KEY": TEST_ACCESS_TOKEN_KEY,
        }
    )
    assert "hunter2" not in repr(settings) and "s" * 40 not in repr(settings)
    assert json.loads(TEST_ACCESS_TOKEN_KEY)["d"] not in repr(settings)


def test_the_embedded_profile_keeps_its_generated_secrets_across_restarts(tmp_path: Path) -> None:
    first = Settings(data_dir=tmp_path).with_local_secrets()
    second = Settings(data_dir=tmp_path).with_local_secrets()
    assert first.secret_key == second.secret_key and len(first.secret_key) >= 32
    assert len(first.journal_kek_bytes()) == 32
    assert oct((tmp_path / "secret_key").stat().st_mode)[-3:] == "600"
    # The access-token signing key too: a private Ed25519 JWK, readable by its owner only.
    assert first.access_token_key == second.access_token_key
    assert json.loads(first.access_token_key)["crv"] == "Ed25519"
    assert oct((tmp_path / "access_token_key.json").stat().st_mode)[-3:] == "600"


def test_refocused_serve_runs_the_api_and_refuses_a_bad_port(tmp_path: Path) -> None:
    refocused = Path(sys.executable).parent / "refocused"
    bad = subprocess.run(
        [refocused, "serve"],
        env={**os.environ, "PORT": "x"},
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert bad.returncode != 0 and "PORT='x' is not valid" in bad.stderr
    port = free_port()
    env = {**os.environ, "REFOCUSED_DATA_DIR": str(tmp_path), "PORT": str(port)}
    process = subprocess.Popen(
        [refocused, "serve"],
        env=env,
        cwd=tmp_path,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
    )
    try:
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline:
            try:
                if httpx.get(f"http://127.0.0.1:{port}/health").status_code == 200:
                    break
            except httpx.HTTPError:
                time.sleep(0.2)
        docs = httpx.get(f"http://127.0.0.1:{port}/schema")
        assert docs.status_code == 200 and "<html" in docs.text.lower()
        assert (tmp_path / "refocused.db").exists()  # migrated itself on start
    finally:
        process.terminate()
        process.wait(timeout=30)


def test_the_database_commands_report_and_apply_migrations(tmp_path: Path) -> None:
    refocused = Path(sys.executable).parent / "refocused"
    env = {**os.environ, "REFOCUSED_DATA_DIR": str(tmp_path)}
    status = subprocess.run(
        [refocused, "db", "status"], env=env, capture_output=True, text=True, timeout=120
    )
    assert status.returncode == 1 and "pending" in status.stdout
    upgrade = subprocess.run(
        [refocused, "db", "upgrade"], env=env, capture_output=True, text=True, timeout=120
    )
    assert upgrade.returncode == 0, upgrade.stderr
    status = subprocess.run(
        [refocused, "db", "status"], env=env, capture_output=True, text=True, timeout=120
    )
    assert status.returncode == 0 and "up to date" in status.stdout


def test_tracing_can_be_switched_on_by_settings(make_settings: Callable[..., Settings]) -> None:
    from litestar.plugins.opentelemetry import OpenTelemetryPlugin

    from entrypoints.http.app import create_app

    assert create_app(make_settings(otel_enabled=True)).plugins.get(OpenTelemetryPlugin)
    with pytest.raises(KeyError):
        create_app(make_settings()).plugins.get(OpenTelemetryPlugin)
