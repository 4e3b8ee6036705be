"""The real Lambda zip, built from this repository: each handler imports from it alone.

The distributions are copied from the environment running the test (the same platform and
Python as Lambda's), where the real build asks pip for Lambda's wheels; the application part,
the requirement list and the bytecode are the real build's. Each handler is then imported by an
interpreter that sees only the unpacked zip and the standard library (`-S -I`), with bytecode
writing off as on Lambda's read-only /var/task.
"""

from __future__ import annotations

import importlib.metadata
import os
import shutil
import subprocess
import sys
import zipfile
from collections.abc import Sequence
from pathlib import Path

import pytest
from lambda_build.build import (
    AI_HANDLER_REQUIREMENTS,
    PACKAGE_NAME,
    ZIP_FUNCTIONS,
    ai_handler_requirements_text,
    build,
    dependency_closure,
    requirement_name,
)

ROOT = Path(__file__).resolve().parents[2]


def copy_from_this_environment(requirements: Sequence[str], target: Path) -> None:
    names: set[str] = set()
    for requirement in requirements:
        names |= dependency_closure(requirement_name(requirement))
    for name in sorted(names):
        try:
            distribution = importlib.metadata.distribution(name)
        except importlib.metadata.PackageNotFoundError:
            continue  # required only where an environment marker holds (exceptiongroup < 3.11)
        base = Path(str(distribution.locate_file(""))).resolve()
        for file in distribution.files or []:
            path = Path(str(distribution.locate_file(file))).resolve()
            if not path.is_file() or not path.is_relative_to(base):
                continue  # console scripts and the like, outside site-packages
            destination = target / path.relative_to(base)
            destination.parent.mkdir(parents=True, exist_ok=True)
            shutil.copyfile(path, destination)


@pytest.fixture(scope="module")
def unpacked(tmp_path_factory: pytest.TempPathFactory) -> Path:
    out = tmp_path_factory.mktemp("out")
    build(ROOT, out, installer=copy_from_this_environment)
    task_root = tmp_path_factory.mktemp("task")
    with zipfile.ZipFile(out / PACKAGE_NAME) as archive:
        archive.extractall(task_root)
    return task_root


PROBE = """
import sys, importlib
task_root = sys.argv[1]
sys.path.insert(0, task_root)
module = importlib.import_module("entrypoints.lambdas." + sys.argv[2])
assert callable(module.handler)
outside = sorted(
    name for name, m in sys.modules.items()
    if getattr(m, "__file__", None) and not m.__file__.startswith((task_root, sys.base_prefix))
)
assert not outside, outside
compiled = [
    name for name, m in sys.modules.items()
    if getattr(m, "__file__", "") and m.__file__.startswith(task_root)
    and m.__spec__ is not None and m.__spec__.cached and not os.path.exists(m.__spec__.cached)
] if (os := importlib.import_module("os")) else []
assert not compiled, compiled
print("ok")
"""


@pytest.mark.parametrize("function", ZIP_FUNCTIONS)
def test_each_handler_imports_from_the_zip_alone(unpacked: Path, function: str):
    environment = {"PATH": os.environ.get("PATH", ""), "PYTHONDONTWRITEBYTECODE": "1"}
    completed = subprocess.run(
        [sys.executable, "-S", "-I", "-c", PROBE, str(unpacked), function],
        capture_output=True,
        text=True,
        env=environment,
        check=False,
    )
    assert completed.returncode == 0, completed.stderr[-2000:]
    assert completed.stdout.strip() == "ok"


def test_the_zip_holds_no_web_framework_database_driver_or_docs(unpacked: Path):
    top_levels = {path.name for path in unpacked.iterdir()}
    assert not top_levels & {"litestar", "sqlalchemy", "asyncpg", "swagger_ui", "faker", "alembic"}
    assert not (unpacked / "entrypoints" / "http").exists()
    assert not (unpacked / "entrypoints" / "web").exists()


def test_the_ai_handler_image_list_is_what_its_handler_imports():
    assert (ROOT / AI_HANDLER_REQUIREMENTS).read_text() == ai_handler_requirements_text(ROOT), (
        "run `python platform/lambda_build/build.py --ai-handler-requirements` and commit the list"
    )
