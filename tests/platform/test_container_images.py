"""The API image's Dockerfile read as a reviewer would (no Docker engine runs here)."""

from __future__ import annotations

import fnmatch
import json
import re
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]


def instructions(dockerfile: Path) -> list[tuple[str, str]]:
    """(KEYWORD, arguments) per instruction, continuation lines joined, comments dropped."""
    text = re.sub(r"\\\n", " ", dockerfile.read_text())
    parsed = []
    for line in text.splitlines():
        line = line.strip()
        if line and not line.startswith("#"):
            keyword, _, arguments = line.partition(" ")
            parsed.append((keyword.upper(), arguments.strip()))
    return parsed


def stages(dockerfile: Path) -> list[list[tuple[str, str]]]:
    result: list[list[tuple[str, str]]] = []
    for keyword, arguments in instructions(dockerfile):
        if keyword == "FROM":
            result.append([])
        if result:
            result[-1].append((keyword, arguments))
    return result


@pytest.fixture
def api() -> list[list[tuple[str, str]]]:
    return stages(ROOT / "Dockerfile")


def test_the_api_image_is_built_in_stages_and_ships_only_the_final_one(api):
    assert len(api) >= 2
    final = api[-1]
    copies = [arguments for keyword, arguments in final if keyword == "COPY"]
    assert copies and all(c.startswith("--from=build ") for c in copies)
    assert not [a for k, a in final if k == "RUN" and "pip install" in a]


def test_the_api_image_installs_the_prod_extra_and_never_the_model(api):
    runs = " ".join(a for stage in api for k, a in stage if k == "RUN")
    assert "pip install '.[prod]'" in runs
    assert "model" not in runs and "torch==" not in runs
    copied = " ".join(a for stage in api for k, a in stage if k == "COPY")
    assert "model" not in copied


def test_the_api_runs_as_an_unprivileged_user(api):
    users = [arguments for keyword, arguments in api[-1] if keyword == "USER"]
    assert users, "the final stage never leaves root"
    user = users[-1].split(":")[0]
    assert user not in {"root", "0"}


def test_the_api_image_checks_its_own_health_and_serves_on_port_8000(api):
    final = dict(api[-1])
    assert "/health" in final["HEALTHCHECK"]
    environment = " ".join(a for k, a in api[-1] if k == "ENV")
    assert "REFOCUSED_PROFILE=production" in environment
    command = " ".join(json.loads(final["CMD"]))
    assert "refocused serve --host 0.0.0.0 --port 8000" in command
    assert "--workers" in command
    assert command.index("refocused db upgrade") < command.index("refocused serve")
    assert final["EXPOSE"] == "8000"


def test_the_build_context_leaves_out_the_environment_tests_and_weights():
    patterns = [
        line.strip()
        for line in (ROOT / ".dockerignore").read_text().splitlines()
        if line.strip() and not line.startswith("#")
    ]

    def ignored(path: str) -> bool:
        verdict = False
        for pattern in patterns:
            negated = pattern.startswith("!")
            body = pattern.lstrip("!").rstrip("/")
            if (
                fnmatch.fnmatch(path, body)
                or path.startswith(body + "/")
                or fnmatch.fnmatch(path, body.replace("**/", "*/"))
            ):
                verdict = not negated
        return verdict

    for path in (".venv/bin/python", ".git/HEAD", "tests/platform/conftest.py", "dist/x.zip"):
        assert ignored(path), path
    for path in ("pyproject.toml", "domains/__init__.py", "entrypoints/cli/main.py"):
        assert not ignored(path), path
    assert ignored("model/checkpoints/weights.safetensors")


def test_the_ai_handler_image_takes_torch_from_the_cpu_index_and_runs_its_handler():
    (stage,) = stages(ROOT / "platform" / "lambda_build" / "ai_handler.Dockerfile")
    first_install = next(a for k, a in stage if k == "RUN" and "pip install" in a)
    assert "download.pytorch.org/whl/cpu" in first_install and "torch==2.13.0" in first_install
    assert json.loads(dict(stage)["CMD"]) == ["entrypoints.lambdas.ai_handler.handler"]


def test_the_ai_handler_image_installs_serving_only():
    (stage,) = stages(ROOT / "platform" / "lambda_build" / "ai_handler.Dockerfile")
    runs = [a for k, a in stage if k == "RUN" and "pip install" in a]
    assert "pip install -r /tmp/requirements.txt" in runs
    # The project goes in without its declared dependencies (the model extra's training, data
    # and plotting stack among them).
    assert any("--no-deps" in run and "/tmp/src" in run for run in runs)
    assert not [run for run in runs if "[" in run]
    listed = (ROOT / "platform/lambda_build/ai_handler-requirements.txt").read_text()
    names = {line.split("=")[0].split(">")[0].split("<")[0] for line in listed.splitlines()}
    assert {"torch", "tokenizers", "safetensors"} <= names
    assert not names & {"datasets", "accelerate", "matplotlib", "py3langid", "asyncpg", "litestar"}
