"""A schema-driven fuzzer over every operation, signed in, on a small budget: what the document
says is what the server does. Schemathesis reads /schema/openapi.json, runs all its phases
(examples, coverage, fuzzing, stateful), and checks that no answer is a 500, that each status,
content type and body is one the document lists, and that invalid data is refused.

Routes that end the session (sign-out, password change, session revocation, erasure) run last,
in a second pass: they may sign the fuzzer itself out. Exceptions for single operations, each
with its reason, and the checks themselves, are in schemathesis.toml next to this file."""

from __future__ import annotations

import re
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest

from entrypoints.http.openapi import BEYOND_SCHEMA_HEADING
from entrypoints.settings import Settings

CONFIG = Path(__file__).with_name("schemathesis.toml")
SESSION_ENDING = (
    r"^/api/v1/auth/(logout|change-password|sessions/\{session_id\})$|^/api/v1/users/me$"
)


@pytest.fixture(scope="module")
def fuzzed(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[str, str]]:
    from entrypoints.http.app import create_app
    from tests.conftest import TEST_ACCESS_TOKEN_KEY, TEST_KEK, TEST_SECRET
    from tests.support.servers import LiveServer
    from tests.support.users import PASSWORD, register, unique_email

    settings = Settings(
        data_dir=tmp_path_factory.mktemp("fuzz") / "var",
        secret_key=TEST_SECRET,
        journal_kek=TEST_KEK,
        access_token_key=TEST_ACCESS_TOKEN_KEY,
        log_format="console",
        log_level="CRITICAL",
        rate_limit_per_minute=1_000_000,
    )
    settings.validate()
    with (
        LiveServer(create_app(settings)) as server,
        httpx.Client(base_url=server.url, timeout=30) as client,
    ):
        email = unique_email()
        register(client, email)
        grant = {"grant_type": "password", "username": email, "password": PASSWORD}
        token = client.post("/api/v1/auth/token", json=grant).json()["access_token"]
        yield server.url, token


def _schemathesis(url: str, token: str, *options: str) -> tuple[int, str]:
    """Schemathesis' own command line, run in this process (so no `st` on the PATH is needed)."""
    from click.testing import CliRunner
    from schemathesis.cli import schemathesis as st

    arguments = [
        "--config-file",
        str(CONFIG),
        "run",
        f"{url}/schema/openapi.json",
        "--header",
        f"Authorization: Bearer {token}",
        "--generation-deterministic",
        "--no-color",
        *options,
    ]
    result = CliRunner().invoke(st, arguments, catch_exceptions=False)
    return result.exit_code, result.output


def mostly_rejected(report: str) -> list[tuple[str, str]]:
    """The operations schemathesis warns "mostly rejected generated data" for: those whose data,
    valid by the document, the server mostly refused with a 400 or 422."""
    _, found, rest = report.partition("Schema validation mismatch:")
    listed = rest.split("\n\n")[1] if found else ""
    return [
        (method, path)
        for method, path in re.findall(r"^\s+- (GET|POST|PUT|PATCH|DELETE) (\S+)$", listed, re.M)
    ]


def test_mostly_rejected_reads_the_listed_operations() -> None:
    report = (
        "Schema validation mismatch: 2 operations mostly rejected generated data due to ...\n\n"
        "  - PUT /api/v1/habits/{habit_id}/days/{day}\n  - POST /api/v1/auth/token\n\n"
        "💡 Check your schema constraints\n"
    )
    assert mostly_rejected(report) == [
        ("PUT", "/api/v1/habits/{habit_id}/days/{day}"),
        ("POST", "/api/v1/auth/token"),
    ]
    assert mostly_rejected("no warnings") == []


def assert_rejections_explained(url: str, report: str) -> None:
    """Every operation whose valid-looking data the server mostly refuses says, in the document
    itself, which rules beyond the schema it checks."""
    document = httpx.get(f"{url}/schema/openapi.json", timeout=30).json()
    unexplained = [
        f"{method} {path}"
        for method, path in mostly_rejected(report)
        if BEYOND_SCHEMA_HEADING
        not in document["paths"][path][method.lower()].get("description", "")
    ]
    assert not unexplained, f"refused data with no rule in the document: {unexplained}"


def test_every_operation_answers_as_the_document_says(
    fuzzed: tuple[str, str], tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    url, token = fuzzed
    monkeypatch.chdir(tmp_path)  # schemathesis keeps a cache in its working directory
    # One worker: with two, CPython 3.11's ast module, which schemathesis compiles with, can
    # fail in threads ("AST constructor recursion depth mismatch"), a runtime error of the
    # fuzzer's own, not an answer of the API.
    options = ("--max-examples", "6", "--workers", "1")
    code, report = _schemathesis(url, token, "--exclude-path-regex", SESSION_ENDING, *options)
    assert code == 0, report[-12_000:]
    assert_rejections_explained(url, report)
    # Last, the routes that end the session (they may sign the fuzzer out: then 401s).
    code, report = _schemathesis(
        url, token, "--include-path-regex", SESSION_ENDING, "--max-examples", "6"
    )
    assert code == 0, report[-12_000:]
    assert_rejections_explained(url, report)
